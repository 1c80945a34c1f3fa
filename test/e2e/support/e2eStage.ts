import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/testServer';
import { launchChromium } from './browser';

/** What most e2e files run on: one Chromium and one test server for the whole file. */
export interface E2eStage {
  browser: Browser;
  t: TestServer;
  /** Stops the server and closes the browser. */
  close(): Promise<void>;
}

/**
 * Opens a file's stage: `env` configures the server, `screenshots` is a folder made for the
 * file's screenshots. Return its `close` from `beforeAll` so that vitest closes it after the file.
 */
export async function openE2eStage(
  options: { env?: Record<string, string>; screenshots?: string } = {},
): Promise<E2eStage> {
  if (options.screenshots) fs.mkdirSync(options.screenshots, { recursive: true });
  const browser = await launchChromium();
  try {
    const t = await startTestServer(options.env);
    return {
      browser,
      t,
      close: async () => {
        await t.stop();
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
