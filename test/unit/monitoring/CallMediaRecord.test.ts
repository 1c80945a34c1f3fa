import { describe, expect, it } from 'vitest';
import { CallMediaRecord } from '../../../server/src/monitoring/CallMediaRecord';

const T0 = Date.parse('2026-12-03T10:00:00.000Z');
const at = (s: number) => T0 + s * 1000;
const iso = (s: number) => new Date(at(s)).toISOString();

function flowingRecord(): CallMediaRecord {
  const record = new CallMediaRecord(T0, 0);
  record.flowingTo('kiosk', at(1));
  record.flowingTo('advisor', at(2));
  return record;
}

describe('CallMediaRecord', () => {
  it('is connecting until media flows to both parties, then flowing since then', () => {
    const record = new CallMediaRecord(T0, 0);
    expect(record.view(0)).toEqual({
      state: 'connecting',
      since: iso(0),
      cause: null,
      epoch: 0,
      away: [],
      devices: [],
      incidents: 0,
    });
    expect(record.flowingTo('kiosk', at(1))).toBe(false);
    expect(record.flowingTo('kiosk', at(1))).toBe(false);
    expect(record.flowingTo('advisor', at(2))).toBe(true);
    expect(record.view(0)).toMatchObject({ state: 'flowing', since: iso(2) });
  });

  it('is rehoming from the loss of its room until media flows both ways in the new one', () => {
    const record = flowingRecord();
    expect(record.roomLost('worker_died', at(10))).toBe(true);
    expect(record.view(1)).toMatchObject({
      state: 'rehoming',
      since: iso(10),
      cause: 'worker_died',
      epoch: 0,
      incidents: 1,
    });
    // The new room exists: a new epoch, still moving.
    expect(record.movedTo(1, at(10.3))).toBe(true);
    expect(record.view(1)).toMatchObject({ state: 'rehoming', since: iso(10), epoch: 1 });
    record.flowingTo('advisor', at(11));
    expect(record.state).toBe('rehoming');
    expect(record.flowingTo('kiosk', at(11.5))).toBe(true);
    expect(record.view(1)).toMatchObject({ state: 'flowing', since: iso(11.5), cause: null });
  });

  it('is reconnecting while a party is away, and flowing once it is back', () => {
    const record = flowingRecord();
    expect(record.partyAway('kiosk', at(20), at(50), at(20))).toBe(true);
    expect(record.view(1)).toMatchObject({
      state: 'reconnecting',
      since: iso(20),
      away: [{ role: 'kiosk', since: iso(20), graceEndsAt: iso(50) }],
    });
    expect(record.partyBack('advisor', at(21))).toBe(false);
    expect(record.partyBack('kiosk', at(22))).toBe(true);
    expect(record.view(1)).toMatchObject({ state: 'flowing', since: iso(22), away: [] });
  });

  it('is reconnecting while a party that had media joins again, until its media flows', () => {
    const record = flowingRecord();
    expect(record.stoppedFlowingTo('kiosk', at(30))).toBe(true);
    expect(record.state).toBe('reconnecting');
    expect(record.stoppedFlowingTo('kiosk', at(30))).toBe(false);
    record.flowingTo('kiosk', at(31));
    expect(record.state).toBe('flowing');
  });

  it('a room lost while a party is away stays rehoming (the bigger move) until media flows', () => {
    const record = flowingRecord();
    record.partyAway('advisor', at(5), at(35), at(5));
    record.roomLost('worker_unresponsive', at(6));
    expect(record.state).toBe('rehoming');
    record.partyBack('advisor', at(7));
    expect(record.state).toBe('rehoming');
  });

  it('shows lost devices (recovering, then missing, since the first loss), never a camera turned off', () => {
    const record = flowingRecord();
    expect(record.sourcePaused('kiosk', 'camera', 'user', at(40))).toBe(false);
    expect(record.sourcePaused('kiosk', 'screen', 'device_lost', at(40))).toBe(false);
    expect(record.view(0).devices).toEqual([]);

    expect(record.sourcePaused('kiosk', 'camera', 'device_lost', at(41))).toBe(true);
    expect(record.sourcePaused('kiosk', 'camera', 'device_lost', at(42))).toBe(false);
    expect(record.sourcePaused('kiosk', 'camera', 'device_missing', at(48))).toBe(true);
    expect(record.view(0).devices).toEqual([
      { role: 'kiosk', source: 'camera', state: 'missing', since: iso(41) },
    ]);
    // The media still flows (audio): a lost camera is not a lost call.
    expect(record.state).toBe('flowing');
    expect(record.sourcePaused('kiosk', 'camera', null, at(60))).toBe(true);
    expect(record.view(0).devices).toEqual([]);
  });

  it('a move to the epoch it is in already is no change', () => {
    const record = new CallMediaRecord(T0, 3);
    expect(record.movedTo(3, at(1))).toBe(false);
  });
});
