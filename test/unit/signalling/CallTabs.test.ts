import { describe, expect, it } from 'vitest';
import { CallTabs } from '../../../server/src/signalling/CallTabs';

// The rules of which tab runs a party's call, without sockets: socket ids are plain strings and
// "still connected" is whatever the test says.

const CALL = 'call-1';
const ADVISOR = 'advisor-1';
const connected =
  (...ids: string[]) =>
  (id: string) =>
    ids.includes(id);

/** An admission from `tab` that starts the call after some asynchronous work, as CallService does. */
async function admittedFrom(tabs: CallTabs, tab: string, callId = CALL) {
  return tabs.admitFrom(tab, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return tabs.callStarted(callId, ADVISOR);
  });
}

describe('CallTabs', () => {
  it('runs a call in the tab whose admission started it', async () => {
    const tabs = new CallTabs();
    expect(await admittedFrom(tabs, 'tab-a')).toBe('tab-a');
    expect(tabs.tabOf(CALL, ADVISOR)).toBe('tab-a');
  });

  it('keeps concurrent admissions from two tabs apart', async () => {
    const tabs = new CallTabs();
    const [a, b] = await Promise.all([
      admittedFrom(tabs, 'tab-a', 'call-a'),
      admittedFrom(tabs, 'tab-b', 'call-b'),
    ]);
    expect([a, b]).toEqual(['tab-a', 'tab-b']);
    expect(tabs.tabOf('call-a', ADVISOR)).toBe('tab-a');
    expect(tabs.tabOf('call-b', ADVISOR)).toBe('tab-b');
  });

  it('has no tab for a call no tab admitted', () => {
    const tabs = new CallTabs();
    expect(tabs.callStarted(CALL, ADVISOR)).toBeUndefined();
    expect(tabs.tabOf(CALL, ADVISOR)).toBeUndefined();
  });

  it('keeps another tab out while the call’s tab is connected, and lets a reload back in', async () => {
    const tabs = new CallTabs();
    await admittedFrom(tabs, 'tab-a');
    expect(tabs.connected(CALL, ADVISOR, 'tab-b', connected('tab-a', 'tab-b'))).toBe(false);
    expect(tabs.tabOf(CALL, ADVISOR)).toBe('tab-a');
    // Tab A reloaded: its old socket is gone, the new one takes the call.
    expect(tabs.connected(CALL, ADVISOR, 'tab-a2', connected('tab-b', 'tab-a2'))).toBe(true);
    expect(tabs.tabOf(CALL, ADVISOR)).toBe('tab-a2');
  });

  it('moves the call to the newest other tab when its tab goes, and only then', async () => {
    const tabs = new CallTabs();
    await admittedFrom(tabs, 'tab-a');
    expect(tabs.disconnected(CALL, ADVISOR, 'tab-b', ['tab-a', 'tab-c'])).toBeUndefined();
    expect(tabs.tabOf(CALL, ADVISOR)).toBe('tab-a');
    expect(tabs.disconnected(CALL, ADVISOR, 'tab-a', ['tab-c', 'tab-d'])).toBe('tab-d');
    expect(tabs.tabOf(CALL, ADVISOR)).toBe('tab-d');
  });

  it('forgets a call that ended', async () => {
    const tabs = new CallTabs();
    await admittedFrom(tabs, 'tab-a');
    tabs.forget(CALL);
    expect(tabs.tabOf(CALL, ADVISOR)).toBeUndefined();
  });
});
