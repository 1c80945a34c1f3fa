import type { Page } from 'playwright-core';

export type KioskScreenName =
  | 'welcome'
  | 'code'
  | 'device-check'
  | 'waiting'
  | 'call'
  | 'survey'
  | 'offline'
  | 'out-of-service'
  | 'not-enrolled'
  | 'enrolling';

/** The citizen's kiosk, driven through its stable test ids, with taps only. */
export class KioskPage {
  constructor(readonly page: Page) {}

  /** Opens the kiosk with a device token (as an enrolled kiosk reopens after a reboot). */
  async open(
    baseUrl: string,
    token: string,
    options: { idleSeconds?: number; idleWarningSeconds?: number } = {},
  ): Promise<void> {
    const idle = options.idleSeconds === undefined ? '' : `&idle=${options.idleSeconds}`;
    const warning =
      options.idleWarningSeconds === undefined ? '' : `&idleWarning=${options.idleWarningSeconds}`;
    await this.page.goto(`${baseUrl}/kiosk/?token=${encodeURIComponent(token)}${idle}${warning}`);
  }

  /** Opens the enrolment link a technician was given. */
  async enrol(baseUrl: string, enrolmentPath: string): Promise<void> {
    await this.page.goto(`${baseUrl}${enrolmentPath}`);
  }

  screen(name: KioskScreenName) {
    return this.page.getByTestId(`kiosk-screen-${name}`);
  }

  byId(testId: string) {
    return this.page.getByTestId(testId);
  }

  /**
   * "I have an appointment", the code on the keypad, validate. A valid code leads to the device
   * check; unless `stayOnDeviceCheck`, it is passed at once (Continue) to reach the waiting room.
   */
  async checkIn(code: string, options: { stayOnDeviceCheck?: boolean } = {}): Promise<void> {
    await this.page.getByTestId('appointment-button').click();
    await this.screen('code').waitFor();
    for (const digit of code) await this.page.getByTestId(`keypad-${digit}`).click();
    await this.page.getByTestId('keypad-submit').click();
    if (options.stayOnDeviceCheck) return;
    const next = await Promise.race([
      this.screen('device-check')
        .waitFor()
        .then(() => 'device-check' as const),
      this.codeError()
        .waitFor()
        .then(() => 'error' as const),
    ]);
    if (next === 'device-check') await this.continueFromDeviceCheck();
  }

  async continueFromDeviceCheck(): Promise<void> {
    await this.page.getByTestId('device-check-continue').click();
  }

  codeError() {
    return this.page.getByTestId('code-error');
  }

  /** Hang up, and confirm. */
  async hangUp(): Promise<void> {
    await this.page.getByTestId('hangup').click();
    await this.page.getByTestId('confirm-yes').click();
  }

  /**
   * Types on the on-screen keyboard, key by key, as a citizen would: a capital is a tap on shift
   * then on the letter's key (keys are named by their lower-case character). Expects shift off.
   */
  async type(text: string): Promise<void> {
    for (const char of text) {
      if (char === ' ') {
        await this.page.getByTestId('kiosk-key-space').click();
        continue;
      }
      const base = char.toLocaleLowerCase('fr');
      if (base !== char) await this.page.getByTestId('kiosk-key-shift').click();
      await this.page.getByTestId(`kiosk-key-${base}`).click();
    }
  }

  async sendChat(): Promise<void> {
    await this.page.getByTestId('kiosk-key-send').click();
  }

  async skipSurvey(): Promise<void> {
    await this.page.getByTestId('survey-skip').click();
  }
}
