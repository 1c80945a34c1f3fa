import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** WAL pages after which the server's own connection checkpoints, should the worker fall behind. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;
/** SQLite's default, restored if the worker stops. */
const DEFAULT_AUTOCHECKPOINT_PAGES = 1000;

// Runs in the worker: a second connection to the same file that only checkpoints. PASSIVE never
// waits for readers or writers: what cannot be copied now is copied at the next round.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => db.pragma('wal_checkpoint(PASSIVE)');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/**
 * Copies the write-ahead log into the database file from a worker thread. SQLite otherwise does
 * it inside whichever commit pushes the log past 1000 pages: with better-sqlite3 that write and
 * fsync block the event loop, tens of ms on a quiet disk and hundreds on a busy one, and every
 * request in flight waits. The server's connection keeps a far higher threshold as a safety net,
 * and goes back to SQLite's default if the worker stops.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(
    private readonly db: SQLite.Database,
    file: string,
    intervalMs = 1000,
  ) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { driver, file, intervalMs } });
    this.worker.unref();
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    db.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    const fallBack = () => {
      if (!this.stopping && db.open)
        db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
    };
    // A worker that fails (its connection could not open, a disk error) leaves the server as
    // SQLite would have it; the server itself carries on.
    this.worker.on('error', fallBack);
    this.worker.on('exit', fallBack);
  }

  /** A last checkpoint, then the worker's connection closes (before the server's own). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker.ref(); // the process waits for the last checkpoint
    this.worker.postMessage('stop'); // a no-op if it is already gone
    await this.exited;
  }
}
