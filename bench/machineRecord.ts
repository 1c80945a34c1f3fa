import os from 'node:os';
import { round } from './call-setup/stats';
import { packageVersion } from './packageVersion';

/**
 * What a benchmark's JSON records of the machine and the platform it ran on: the cores and CPU,
 * the load before and after (shared machines are noisy), and the versions of Node, Chromium and
 * mediasoup.
 */
export function machineRecord(run: { loadBefore: number; chromium: string }) {
  return {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    load_avg_1m_before: round(run.loadBefore, 2),
    load_avg_1m_after: round(os.loadavg()[0]!, 2),
    node: process.version,
    chromium: run.chromium,
    mediasoup: packageVersion('mediasoup'),
  };
}
