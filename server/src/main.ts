import { InMemoryDirectory } from './auth/InMemoryDirectory';
import { ConfigError, loadConfig, type Config } from './config/config';
import { seedDemo } from './demo/seedDemo';
import { createLogger } from './logging/createLogger';
import { VisioServer } from './VisioServer';

// Composition root: configuration → directory → server; prints how to reach the demo; stops
// gracefully on SIGTERM/SIGINT.

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel);
const directory = new InMemoryDirectory();
const demo = config.demoSeed ? seedDemo(directory) : undefined;
const server = await VisioServer.start(config, directory, logger);

process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

const base = server.url;
const lines = [
  '',
  `  Visio-Public is running at ${base}`,
  `  Health: ${base}/healthz   Readiness: ${base}/readyz`,
];
if (demo) {
  lines.push(
    '',
    '  Demo (open both in Chromium or Firefox on this machine):',
    `    Kiosk   (${demo.kiosk.name}):`,
    `      ${base}/kiosk/?token=${demo.kiosk.token}`,
    `    Advisor (${demo.advisor.name}):`,
    `      ${base}/advisor/?token=${demo.advisor.token}`,
    '    On the advisor page, press "Start call" next to the kiosk.',
  );
}
lines.push('', '  Stop with Ctrl+C.', '');
console.warn(lines.join('\n'));

let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) process.exit(1);
    server
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
