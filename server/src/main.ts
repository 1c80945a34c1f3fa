import { setTimeout } from 'node:timers/promises';
import { ConfigError, loadConfig, type Config } from './config/config';
import { DEMO_PASSWORD, DemoSeeder, type DemoReport } from './demo/DemoSeeder';
import { createLogger } from './logging/createLogger';
import { VisioServer } from './VisioServer';

// Composition root: configuration → server → demo data; prints how to reach everything; drains
// on SIGTERM/SIGINT.

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
let server: VisioServer;
try {
  server = await VisioServer.start(config, logger);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

if (config.demoSeed && config.env === 'production') {
  // Only an explicit DEMO_SEED=true gets here: say it where nobody can miss it, every start.
  logger.warn(
    { demoSeed: true },
    `DEMO_SEED=true in production: demo accounts with the published password "${DEMO_PASSWORD}" can sign in`,
  );
  console.warn(
    [
      '',
      '  ' + '!'.repeat(78),
      '  WARNING: DEMO_SEED=true in production.',
      `  Demo accounts (admin, advisors, …) with the published password "${DEMO_PASSWORD}" exist and`,
      '  can sign in. Never run a real service like this: unset DEMO_SEED and remove the demo',
      '  accounts, or start from an empty DATA_DIR.',
      '  ' + '!'.repeat(78),
      '',
    ].join('\n'),
  );
}
const demo = config.demoSeed
  ? await new DemoSeeder(server.store, server.auth, server.scheduling, config).run()
  : undefined;
console.warn(banner(server.url, demo));

// First SIGTERM/SIGINT (a deploy, Ctrl+C): drain. Readiness turns false, no new call starts,
// running calls go on until they end or DRAIN_TIMEOUT_S; then the normal stop, which leaves calls
// still running in the store for the next process. A second signal exits at once, without ending
// any call: the next start restores them, as after a crash.
let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now, running calls left to the next start');
      process.exit(1);
    }
    logger.info({ signal }, 'draining before exit');
    server
      .drain(config.recovery.drainTimeoutMs)
      .then(async (outcome) => {
        // The last call has just ended: its parties still fetch what follows it (the advisor's
        // agenda, the citizen's survey). Answer them a moment longer before the sockets close.
        if (outcome === 'idle') await setTimeout(config.recovery.drainLingerMs);
        await server.stop({ leaveCallsRunning: outcome === 'timeout' });
      })
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}

function banner(base: string, report: DemoReport | undefined): string {
  const lines = [
    '',
    `  Visio-Public is running at ${base}`,
    // Behind a proxy the public URL says nothing of the port this process took.
    ...(config.http.publicUrl ? [`  Listening on ${config.http.host}:${server.port}`] : []),
    `  Health: ${base}/healthz   Readiness: ${base}/readyz`,
    '',
  ];
  lines.push(`  Staff app (advisors, schedulers, technicians, coordinators): ${base}/advisor/`);
  if (!report) return [...lines, '', '  Stop with Ctrl+C.', ''].join('\n');
  lines.push(`  Demo logins (password "${DEMO_PASSWORD}"):`);
  for (const l of report.logins)
    lines.push(`    ${l.login.padEnd(8)} ${l.name} (${l.roles.join(', ')})`);
  lines.push('');
  if (report.enrolmentLinks.length > 0) {
    lines.push('  Kiosks to enrol (open each link once on the kiosk screen, in Chromium):');
    for (const k of report.enrolmentLinks) lines.push(`    ${k.kiosk}: ${base}${k.path}`);
  } else {
    lines.push(`  Kiosks are enrolled: open ${base}/kiosk/ on the kiosk screens.`);
  }
  lines.push('');
  if (report.checkInCodes.length > 0) {
    lines.push("  Today's check-in codes (typed at the kiosk):");
    const time = new Intl.DateTimeFormat('fr-FR', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: config.timezone,
    });
    for (const c of report.checkInCodes) {
      lines.push(
        `    ${c.code}  ${time.format(c.startsAt)}  ${c.kiosk.padEnd(22)} ${c.advisor} — ${c.service}`,
      );
    }
  } else {
    lines.push(
      "  Today's appointments exist already; their codes were printed when they were created.",
    );
    lines.push('  Book a new one as the scheduler (login "nadia") to get a fresh code.');
  }
  lines.push('', '  Stop with Ctrl+C.', '');
  return lines.join('\n');
}
