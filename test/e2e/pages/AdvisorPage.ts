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
}
