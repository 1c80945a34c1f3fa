import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_ICE_RESTART_POLICY,
  IceRestarter,
  iceRestartDelayMs,
  type IceRestartPolicy,
} from '@visio/shared/client';

// The clock is the edge here: fake timers stand for the waits between ICE restarts, and a plain
// flag for the transport's connection (what a real transport reports to the restarter).

const POLICY: IceRestartPolicy = { firstDelayMs: 100, maxDelayMs: 400, maxAttempts: 4 };

/** A restarter over a transport whose connection the test switches, recording what it was told. */
function transport(options: { restartFails?: boolean } = {}) {
  const heard: string[] = [];
  let connected = false;
  const restarts: number[] = [];
  const restarter = new IceRestarter({
    policy: POLICY,
    isConnected: () => connected,
    restart: async () => {
      restarts.push(Date.now());
      heard.push('restart');
      if (options.restartFails) throw new Error('signalling is down too');
    },
    onRecoveringChange: (recovering) => heard.push(recovering ? 'recovering' : 'recovered'),
    onGiveUp: () => heard.push('give up'),
  });
  return {
    restarter,
    heard,
    restarts,
    /** The transport comes back: its flag, then the state change it reports. */
    reconnect() {
      connected = true;
      restarter.onConnectionStateChange('connected');
    },
    /** Connected again, but the state change was not (yet) reported. */
    reconnectSilently() {
      connected = true;
    },
  };
}

let start: number;
beforeEach(() => {
  vi.useFakeTimers();
  start = Date.now();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('iceRestartDelayMs', () => {
  it('doubles from the first wait up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => iceRestartDelayMs(DEFAULT_ICE_RESTART_POLICY, n))).toEqual(
      [1_000, 2_000, 4_000, 8_000, 10_000, 10_000],
    );
  });
});

describe('IceRestarter', () => {
  it('lets a short disconnect heal by itself, without a restart', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('disconnected');
    expect(t.restarter.isRecovering).toBe(true);
    await vi.advanceTimersByTimeAsync(50);
    t.reconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.heard).toEqual(['recovering', 'recovered']);
    expect(t.restarter.isRecovering).toBe(false);
  });

  it('restarts ICE with waits that double up to the cap, then gives up', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    // Waits of 100, 200, 400 and 400 ms (capped) before the four restarts, then 400 ms more.
    expect(t.restarts.map((at) => at - start)).toEqual([100, 300, 700, 1_100]);
    // The verdict comes before "not recovering", which must never read as healthy.
    expect(t.heard).toEqual([
      'recovering',
      'restart',
      'restart',
      'restart',
      'restart',
      'give up',
      'recovered',
    ]);
    expect(t.restarter.hasGivenUp).toBe(true);
    expect(t.restarter.isRecovering).toBe(false);
  });

  it('ignores the transport once it has given up', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    const told = t.heard.length;
    t.restarter.onConnectionStateChange('disconnected');
    t.restarter.onConnectionStateChange('connected');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.heard).toHaveLength(told);
  });

  it('stops restarting as soon as the transport is connected again', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('disconnected');
    await vi.advanceTimersByTimeAsync(350); // restarts at 100 and 300 ms
    t.reconnect();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.restarts).toHaveLength(2);
    expect(t.heard).toEqual(['recovering', 'restart', 'restart', 'recovered']);
    expect(t.restarter.hasGivenUp).toBe(false);
  });

  it('stops at the next wait when the transport reconnected without saying so', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('disconnected');
    await vi.advanceTimersByTimeAsync(150); // one restart
    t.reconnectSilently();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.heard).toEqual(['recovering', 'restart', 'recovered']);
  });

  it('does not start over when the state goes from disconnected to failed', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('disconnected');
    await vi.advanceTimersByTimeAsync(150);
    t.restarter.onConnectionStateChange('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.restarts.map((at) => at - start)).toEqual([100, 300, 700, 1_100]);
    expect(t.heard.filter((h) => h === 'recovering')).toHaveLength(1);
  });

  it('keeps trying when a restart request fails (signalling down as well)', async () => {
    const t = transport({ restartFails: true });
    t.restarter.onConnectionStateChange('failed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.restarts).toHaveLength(POLICY.maxAttempts);
    expect(t.heard.at(-2)).toBe('give up');
  });

  it('tries at once when asked (signalling is back), then waits longer', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('disconnected');
    await vi.advanceTimersByTimeAsync(150); // restart 1 at 100 ms; the next is due at 300 ms
    t.restarter.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.restarts.map((at) => at - start)).toEqual([100, 150]);
    await vi.advanceTimersByTimeAsync(399);
    expect(t.restarts).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.restarts.map((at) => at - start)).toEqual([100, 150, 550]);
  });

  it('does nothing when asked to retry while the transport is fine', async () => {
    const t = transport();
    t.restarter.retryNow();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.heard).toEqual([]);
  });

  it('does nothing more once closed (the call ended)', async () => {
    const t = transport();
    t.restarter.onConnectionStateChange('failed');
    await vi.advanceTimersByTimeAsync(150);
    t.restarter.close();
    t.restarter.retryNow();
    t.restarter.onConnectionStateChange('disconnected');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.heard).toEqual(['recovering', 'restart']);
  });
});
