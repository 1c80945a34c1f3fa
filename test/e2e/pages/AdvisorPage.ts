import type { Page } from 'playwright-core';

/** The staff app, driven through its stable test ids. */
export class AdvisorPage {
  constructor(readonly page: Page) {}

  /** Signs in through the login form. */
  async login(baseUrl: string, login: string, password: string): Promise<void> {
    await this.page.goto(`${baseUrl}/advisor/`);
    await this.page.getByTestId('login-user').fill(login);
    await this.page.getByTestId('login-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  /** Opens the app with a session token (tools and tests), skipping the login form. */
  async open(baseUrl: string, token: string): Promise<void> {
    await this.page.goto(`${baseUrl}/advisor/?token=${encodeURIComponent(token)}`);
  }

  agenda() {
    return this.page.getByTestId('agenda');
  }

  appointment(id: string) {
    return this.page.getByTestId(`appointment-${id}`);
  }

  /** Waits for the citizen to be admittable, then admits them. */
  async admit(appointmentId: string): Promise<void> {
    const button = this.page.getByTestId(`admit-${appointmentId}`);
    await button.waitFor({ state: 'visible' });
    await button.click();
  }

  callView() {
    return this.page.getByTestId('advisor-call');
  }

  hangUp() {
    return this.page.getByTestId('hangup').click();
  }

  /** A page of the staff app through its navigation (e.g. `console`, `kiosks`). */
  async goTo(view: 'agenda' | 'booking' | 'kiosks' | 'console' | 'report'): Promise<void> {
    await this.page.getByTestId(`nav-${view}`).click();
  }

  console() {
    return this.page.getByTestId('console');
  }

  fleetRow(kioskId: string) {
    return this.page.getByTestId(`fleet-row-${kioskId}`);
  }

  liveCall(callId: string) {
    return this.page.getByTestId(`live-call-${callId}`);
  }

  /** The test id of the row with one flow's figures of a live call, in the console. */
  qualityTestId(
    callId: string,
    direction: 'kiosk_to_advisor' | 'advisor_to_kiosk',
    kind: 'audio' | 'video',
  ): string {
    return `quality-${callId}-${direction}-${kind}`;
  }

  /** A technician action: opens its dialog, gives the reason and confirms. */
  async act(actionTestId: string, reason: string): Promise<void> {
    await this.page.getByTestId(actionTestId).click();
    await this.page.getByTestId('action-reason').fill(reason);
    await this.page.getByTestId('action-confirm').click();
  }

  /** Real-time text: type (each keystroke reaches the citizen), then send. */
  async typeChat(text: string, send = true): Promise<void> {
    await this.page.getByTestId('chat-input').pressSequentially(text);
    if (send) await this.page.getByTestId('chat-send').click();
  }

  /** Sends a document into the call from a file on disk. */
  uploadDocument(file: string) {
    return this.page.getByTestId('document-upload').setInputFiles(file);
  }
}
