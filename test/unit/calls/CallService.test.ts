import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Directory } from '../../../server/src/auth/Directory';
import type { StaffPrincipal } from '../../../server/src/auth/Principal';
import type { CallRecordRepository } from '../../../server/src/calls/CallRecordRepository';
import { CallService } from '../../../server/src/calls/CallService';
import type { WorkerPool } from '../../../server/src/media';
import type { WaitingRoom } from '../../../server/src/scheduling/WaitingRoom';
import { LOOPBACK_LISTEN, silentLogger as logger, startWorkerPool } from '../../support/workerPool';

// Shutdown of the call service: calls end with `server_shutdown`, and `stop()` returns only once
// their bookkeeping has reached the store; a drain refuses new calls and waits for running ones,
// and `leaveRunning()` stops without ending any. The media worker is real; the store side is a stand-in
// whose writes the test finishes by hand, so "not before" is checked without any clock.

const advisor: StaffPrincipal = {
  kind: 'staff',
  staffId: 'advisor-1',
  name: 'Advisor',
  roles: ['advisor'],
};

let pool: WorkerPool;
beforeAll(async () => {
  pool = await startWorkerPool();
});
afterAll(() => pool.close());

/** A write the test finishes when it wants. */
function heldWrite() {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

/** Lets every callback already due run (promise jobs and I/O), without waiting on a clock. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

function callService() {
  const directory = {
    getKiosk: (kioskId: string) => Promise.resolve({ kioskId, name: 'Kiosk' }),
  } as unknown as Directory;
  const calls = new CallService(
    pool,
    directory,
    {
      reconnectGraceMs: 10_000,
      rehomeWithinMs: 1_000,
      listen: LOOPBACK_LISTEN,
      isKioskOnline: () => true,
    },
    logger,
  );
  const ended = heldWrite();
  const requeued = heldWrite();
  const records = {
    started: vi.fn(() => Promise.resolve()),
    ended: vi.fn(() => ended.promise),
  };
  const waitingRoom = {
    claim: (_advisorId: string, appointmentId: string) =>
      Promise.resolve({ id: appointmentId, kiosk_id: 'kiosk-1', service_id: 'service-1' }),
    release: vi.fn(() => Promise.resolve()),
    callEnded: vi.fn(() => requeued.promise),
  };
  calls.link({
    records: records as unknown as CallRecordRepository,
    waitingRoom: waitingRoom as unknown as WaitingRoom,
  });
  return { calls, records, waitingRoom, ended, requeued };
}

describe('CallService.stop', () => {
  it('ends every call with server_shutdown and returns once the call-end bookkeeping is stored', async () => {
    const { calls, records, waitingRoom, ended, requeued } = callService();
    const reasons: string[] = [];
    calls.on('callEnded', ({ reason }) => reasons.push(reason));
    const call = await calls.admit(advisor, 'appointment-1');

    let stopped = false;
    const stopping = calls.stop().then(() => (stopped = true));
    expect(reasons).toEqual(['server_shutdown']);
    expect(call.room.closed).toBe(true);
    await turn();
    expect(records.ended).toHaveBeenCalledWith(call);
    expect(stopped).toBe(false);

    ended.finish();
    await turn();
    // The waiting room hears after the record is written: still not stopped.
    expect(waitingRoom.callEnded).toHaveBeenCalledWith('appointment-1', 'server_shutdown');
    expect(stopped).toBe(false);

    requeued.finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(calls.activeCalls).toEqual([]);
  });

  it('returns at once when nothing is pending, and a failed write does not make it throw', async () => {
    const { calls, records } = callService();
    await calls.stop();
    records.ended.mockRejectedValueOnce(new Error('disk full'));
    await calls.startCall(advisor, 'kiosk-1');
    await expect(calls.stop()).resolves.toBeUndefined();
  });
});

describe('CallService.drain', () => {
  it('refuses new calls with UNAVAILABLE draining, lets the running one go on, and is idle when it ends', async () => {
    const { calls, waitingRoom } = callService();
    const call = await calls.startCall(advisor, 'kiosk-1');
    calls.drain();
    await expect(
      calls.startCall({ ...advisor, staffId: 'advisor-2' }, 'kiosk-2'),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'draining' });
    // Refused before the waiting room is asked: the citizen is not claimed, so keeps waiting.
    await expect(
      calls.admit({ ...advisor, staffId: 'advisor-2' }, 'appointment-2'),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'draining' });
    expect(waitingRoom.release).not.toHaveBeenCalled();
    let idle = false;
    const idling = calls.idle().then(() => (idle = true));
    await turn();
    expect(idle).toBe(false);
    expect(call.room.closed).toBe(false);
    calls.hangup(
      { kind: 'staff', staffId: advisor.staffId, name: 'Advisor', roles: ['advisor'] },
      call.id,
    );
    await idling;
    expect(idle).toBe(true);
  });

  it('leaves calls running for the next process: no end is told or recorded', async () => {
    const { calls, records } = callService();
    const call = await calls.startCall(advisor, 'kiosk-1');
    const reasons: string[] = [];
    calls.on('callEnded', ({ reason }) => reasons.push(reason));
    await calls.leaveRunning();
    expect(call.room.closed).toBe(true);
    expect(call.ended).toBe(false);
    expect(reasons).toEqual([]);
    expect(records.ended).not.toHaveBeenCalled();
    expect(calls.activeCalls).toEqual([]);
  });
});
