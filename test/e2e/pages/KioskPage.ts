import type { Page } from 'playwright-core';

/** The citizen's kiosk, driven through its stable test ids, with taps only. */
export class KioskPage {
  constructor(readonly page: Page) {}

  /** Opens the kiosk with a device token (as an enrolled kiosk reopens after a reboot). */
  async open(baseUrl: string, token: string): Promise<void> {
    await this.page.goto(`${baseUrl}/kiosk/?token=${encodeURIComponent(token)}`);
  }

  /** Opens the enrolment link a technician was given. */
  async enrol(baseUrl: string, enrolmentPath: string): Promise<void> {
    await this.page.goto(`${baseUrl}${enrolmentPath}`);
  }

  screen(name: 'welcome' | 'code' | 'waiting' | 'call' | 'offline' | 'not-enrolled') {
    return this.page.getByTestId(`kiosk-screen-${name}`);
  }

  /** "I have an appointment", the code on the keypad, validate. */
  async checkIn(code: string): Promise<void> {
    await this.page.getByTestId('appointment-button').click();
    await this.screen('code').waitFor();
    for (const digit of code) await this.page.getByTestId(`keypad-${digit}`).click();
    await this.page.getByTestId('keypad-submit').click();
  }

  codeError() {
    return this.page.getByTestId('code-error');
  }

  hangUp() {
    return this.page.getByTestId('hangup').click();
  }
}
