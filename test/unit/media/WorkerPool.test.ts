import { describe, expect, it } from 'vitest';
import { startWorkerPool } from '../../support/workerPool';

// SIGTERM means "drain" for the server (main.ts): calls go on until they end. mediasoup 3.27
// workers close themselves on the process's SIGINT/SIGTERM unless the pool takes their
// listeners off; the drain fault test (test/faults/serverSigtermDrain) shows the whole path.
describe('WorkerPool and the process signals', () => {
  it('leaves SIGINT and SIGTERM to the server: its workers listen to neither', async () => {
    const before = {
      SIGINT: process.listeners('SIGINT'),
      SIGTERM: process.listeners('SIGTERM'),
    };
    const pool = await startWorkerPool();
    try {
      expect((await pool.usage()).length).toBe(1);
      expect(process.listeners('SIGINT')).toEqual(before.SIGINT);
      expect(process.listeners('SIGTERM')).toEqual(before.SIGTERM);
    } finally {
      pool.close();
    }
  });
});
