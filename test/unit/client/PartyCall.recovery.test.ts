import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  REJOIN_POLICY,
  STATS_REPORT_MS,
  iceRestartDelayMs,
  type PartyCallOptions,
} from '@visio/shared/client';
import type { CallStarted } from '@visio/shared/protocol';
import {
  FakeServer,
  LOCAL_STREAM,
  callStarted,
  fakeMediaFactory,
  recordedPartyCall,
} from './PartyCall.fakes';

let server: FakeServer;
let media: ReturnType<typeof fakeMediaFactory>;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  media = fakeMediaFactory();
  server.answer('media:routerCapabilities', () => ({
    ok: true,
    data: { rtpCapabilities: ROOM_CAPABILITIES },
  }));
});
afterEach(() => {
  vi.useRealTimers();
});

const OPUS = { kind: 'audio' as const, mimeType: 'audio/opus', clockRate: 48_000, channels: 2 };
const ROOM_CAPABILITIES = { codecs: [OPUS], headerExtensions: [] };
/** Another room's capabilities, to see which room the new media joins. */
const NEW_ROOM: CallStarted['rtpCapabilities'] = {
  codecs: [OPUS],
  headerExtensions: [{ kind: 'video', uri: 'urn:x', preferredId: 4 }],
};

/** A started call of the advisor (a party with a screen to share). */
function partyCall(options: Partial<PartyCallOptions> = {}) {
  const recorded = recordedPartyCall(server, media, { party: 'advisor', token: null, ...options });
  recorded.call.start();
  return recorded;
}

const settle = () => vi.advanceTimersByTimeAsync(0);
const latest = () => media.made.at(-1)!;

describe('PartyCall when the server moves the media (call:mediaRestart)', () => {
  it('closes the media and starts a new one in the new room, with the same devices and mute states', async () => {
    const { call, keys } = partyCall();
    const first = latest();
    first.becomes('connected');
    call.setMicrophoneMuted(true);
    await settle();

    server.emit('call:mediaRestart', {
      callId: call.callId,
      mediaEpoch: 1,
      rtpCapabilities: NEW_ROOM,
      reason: 'worker_died',
    });
    expect(first.closed).toBe(true);
    expect(media.made).toHaveLength(2);
    const second = latest();
    expect(second.started).toBe(true);
    expect(second.options).toMatchObject({
      mediaEpoch: 1,
      localStream: LOCAL_STREAM,
      routerRtpCapabilities: NEW_ROOM,
      initialMuted: { microphone: true, camera: false },
    });
    expect(call.media).toBe(second);
    expect(call.store.get()).toMatchObject({
      state: 'reconnecting',
      reconnecting: 'worker_died',
      mediaEpoch: 1,
    });
    // The new media connecting is still the call reconnecting.
    second.becomes('connecting');
    expect(call.state).toBe('reconnecting');

    second.becomes('connected');
    expect(call.store.get()).toMatchObject({ state: 'connected', reconnecting: null });
    expect(keys()).toEqual([
      'announce.callStarted',
      'announce.connected',
      'announce.micMuted',
      'announce.reconnecting',
      'announce.connected',
    ]);
    // The call, its desk and its id are the same.
    expect(call.isEnded).toBe(false);
  });

  it('ignores a restart of another call, and an older or repeated one', () => {
    const { call } = partyCall();
    const restart = (callId: string, mediaEpoch: number) =>
      server.emit('call:mediaRestart', {
        callId,
        mediaEpoch,
        rtpCapabilities: NEW_ROOM,
        reason: 'router_closed',
      });
    restart(randomUUID(), 5);
    restart(call.callId, 0);
    expect(media.made).toHaveLength(1);
    restart(call.callId, 2);
    restart(call.callId, 2);
    restart(call.callId, 1);
    expect(media.made).toHaveLength(2);
    expect(latest().options.mediaEpoch).toBe(2);
  });

  it('shares the screen again in the new room', async () => {
    const { call } = partyCall();
    const screen = { readyState: 'live' } as MediaStreamTrack;
    await latest().startScreenShare(screen);
    call.rebuildMedia(NEW_ROOM, 1, 'worker_unresponsive');
    expect(latest().screen).toBe(screen);
    const ended = { readyState: 'ended' } as MediaStreamTrack;
    await latest().startScreenShare(ended);
    call.rebuildMedia(NEW_ROOM, 2, 'worker_unresponsive');
    expect(latest().screen).toBeNull();
  });

  it('joins the newest room when it moves while the devices are still opening', async () => {
    let open!: (stream: MediaStream | null) => void;
    const { call } = partyCall({ localMedia: () => new Promise((resolve) => (open = resolve)) });
    server.emit('call:mediaRestart', {
      callId: call.callId,
      mediaEpoch: 1,
      rtpCapabilities: NEW_ROOM,
      reason: 'worker_died',
    });
    expect(media.made).toHaveLength(0);
    open(LOCAL_STREAM);
    await settle();
    expect(media.made).toHaveLength(1);
    expect(latest().options).toMatchObject({ mediaEpoch: 1, routerRtpCapabilities: NEW_ROOM });
  });

  it('reports the statistics of the new media', async () => {
    partyCall().call.rebuildMedia(NEW_ROOM, 1, 'server_restart');
    await vi.advanceTimersByTimeAsync(STATS_REPORT_MS);
    expect(media.made[0]!.statsRead).toBe(0);
    expect(latest().statsRead).toBe(1);
    expect(server.sent('stats:report')).toHaveLength(1);
  });
});

describe('PartyCall told call:started again for its call', () => {
  it('rebuilds its media for a newer room (a server restart)', () => {
    const { call } = partyCall();
    latest().becomes('connected');
    server.emit('call:started', { ...call.call, mediaEpoch: 1, rtpCapabilities: NEW_ROOM });
    expect(media.made).toHaveLength(2);
    expect(latest().options).toMatchObject({ mediaEpoch: 1, routerRtpCapabilities: NEW_ROOM });
    expect(call.store.get()).toMatchObject({ state: 'reconnecting', reconnecting: 'rejoin' });
  });

  it('keeps its media for the same room (a reconnect: ICE restarts resume it)', async () => {
    const { call } = partyCall();
    latest().becomes('connected');
    server.emit('call:started', { ...call.call });
    await settle();
    expect(media.made).toHaveLength(1);
    expect(call.state).toBe('connected');
  });
});

describe('PartyCall when its media fails while the call is on', () => {
  it('rejoins the same room when ICE gave up, instead of hanging up', async () => {
    const { call, ended } = partyCall();
    latest().becomes('connected');
    latest().becomes('reconnecting');
    latest().fail('UNAVAILABLE', 'ice_failed');
    expect(call.store.get()).toMatchObject({ state: 'reconnecting', reconnecting: 'network' });
    await settle();
    // Asked whether the call is on, then joined again with the epoch it knows.
    expect(server.sent('media:routerCapabilities')).toEqual([{ callId: call.callId }]);
    expect(media.made).toHaveLength(2);
    expect(media.made[0]!.closed).toBe(true);
    expect(latest().options.mediaEpoch).toBe(0);
    expect(server.sent('call:hangup')).toEqual([]);
    expect(ended).toEqual([]);
    latest().becomes('connected');
    expect(call.store.get()).toMatchObject({ state: 'connected', reconnecting: null });
  });

  it('rejoins when the server no longer knows its transports (the room was replaced)', async () => {
    const { call } = partyCall();
    latest().fail('NOT_FOUND');
    await settle();
    expect(media.made).toHaveLength(2);
    expect(call.store.get()).toMatchObject({ state: 'reconnecting', reconnecting: 'rejoin' });
  });

  it('ends, without hanging up, when the server no longer knows the call', async () => {
    const { call, ended } = partyCall();
    server.refuse('media:routerCapabilities', 'NOT_FOUND');
    latest().fail('NOT_FOUND');
    await settle();
    expect(media.made).toHaveLength(1);
    expect(ended).toEqual([{ by: 'gone' }]);
    expect(call.state).toBe('ended');
    expect(server.sent('call:hangup')).toEqual([]);
  });

  it('waits for the newer room when its epoch was stale, then joins that one', async () => {
    const { call } = partyCall();
    latest().fail('CONFLICT', 'stale_media_epoch');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(media.made).toHaveLength(1);
    expect(call.state).toBe('reconnecting');
    server.emit('call:mediaRestart', {
      callId: call.callId,
      mediaEpoch: 1,
      rtpCapabilities: NEW_ROOM,
      reason: 'worker_died',
    });
    expect(media.made).toHaveLength(2);
    expect(latest().options.mediaEpoch).toBe(1);
  });

  it('rejoins only once the signalling is back when it failed offline', async () => {
    const { call } = partyCall();
    (server.socket as { connected: boolean }).connected = false;
    latest().fail('TIMEOUT');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(media.made).toHaveLength(1);
    expect(call.state).toBe('reconnecting');
    (server.socket as { connected: boolean }).connected = true;
    server.emit('connect');
    await settle();
    expect(media.made).toHaveLength(2);
  });

  it('backs off between rejoins that fail, and hangs up as a failure when none works', async () => {
    const { ended } = partyCall();
    const failAgain = async () => {
      latest().fail('TIMEOUT');
      await settle();
    };
    await failAgain();
    expect(media.made).toHaveLength(2);
    for (let attempt = 1; attempt < REJOIN_POLICY.maxAttempts; attempt += 1) {
      const made = media.made.length;
      latest().fail('TIMEOUT');
      const wait = iceRestartDelayMs(REJOIN_POLICY, attempt - 1);
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(media.made).toHaveLength(made);
      await vi.advanceTimersByTimeAsync(1);
      expect(media.made).toHaveLength(made + 1);
    }
    expect(ended).toEqual([]);
    latest().fail('TIMEOUT');
    await vi.advanceTimersByTimeAsync(REJOIN_POLICY.maxDelayMs);
    expect(ended).toEqual([{ by: 'failure' }]);
    expect(server.sent('call:hangup')).toHaveLength(1);
    expect(media.made).toHaveLength(REJOIN_POLICY.maxAttempts + 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('starts counting again once media flowed', async () => {
    partyCall();
    latest().fail('TIMEOUT');
    await settle();
    latest().fail('TIMEOUT');
    await vi.advanceTimersByTimeAsync(iceRestartDelayMs(REJOIN_POLICY, 0));
    expect(media.made).toHaveLength(3);
    latest().becomes('connected');
    latest().fail('UNAVAILABLE', 'ice_failed');
    await settle();
    expect(media.made).toHaveLength(4);
  });

  it('hangs up at once when this browser cannot carry the media at all', async () => {
    const { call, ended } = partyCall();
    latest().fail('UNAVAILABLE', 'unsupported');
    await settle();
    expect(ended).toEqual([{ by: 'failure' }]);
    expect(call.state).toBe('ended');
    expect(media.made).toHaveLength(1);
    expect(media.made[0]!.closed).toBe(true);
    expect(server.sent('call:hangup')).toEqual([{ callId: call.callId }]);
  });

  it('ends on call:ended while reconnecting, with nothing left scheduled', async () => {
    const { call, ended } = partyCall();
    latest().fail('TIMEOUT');
    await settle();
    latest().fail('TIMEOUT');
    server.emit('call:ended', {
      callId: call.callId,
      reason: 'advisor_disconnected',
      endedBy: 'advisor',
    });
    expect(ended).toEqual([{ by: 'server', reason: 'advisor_disconnected', endedBy: 'advisor' }]);
    expect(latest().closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(media.made).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('PartyCall and the other party’s connection (call:partyStatus)', () => {
  it('shows who is away since when, says it once, and forgets it when they are back', () => {
    const { call, keys } = partyCall();
    const awaySince = '2026-03-02T10:00:00.000Z';
    const graceEndsAt = '2026-03-02T10:00:30.000Z';
    const status = (state: 'away' | 'back', callId = call.callId) =>
      server.emit('call:partyStatus', {
        callId,
        party: 'kiosk',
        state,
        awaySince: state === 'away' ? awaySince : null,
        graceEndsAt: state === 'away' ? graceEndsAt : null,
      });
    status('away', randomUUID());
    expect(call.store.get().peerAway).toBeNull();
    status('away');
    status('away');
    expect(call.store.get().peerAway).toEqual({
      party: 'kiosk',
      since: Date.parse(awaySince),
      graceEndsAt: Date.parse(graceEndsAt),
    });
    status('back');
    status('back');
    expect(call.store.get().peerAway).toBeNull();
    expect(keys().slice(1)).toEqual(['announce.peerAway', 'announce.peerBack']);
  });
});

describe('PartyCall devices', () => {
  it('hands a re-acquired or lost device to the media', async () => {
    const { call } = partyCall();
    const track = { kind: 'video' } as MediaStreamTrack;
    call.replaceTrack('camera', track);
    call.replaceTrack('microphone', null);
    expect(latest().replaced).toEqual([
      { source: 'camera', track },
      { source: 'microphone', track: null },
    ]);
  });
});

describe('PartyCall and the lines’ media modes (audio + text)', () => {
  it('tells the server when its own line switches, and says so unless video was paused already', async () => {
    const { call, keys } = partyCall();
    latest().becomes('connected');
    latest().switchesTo('audio_text');
    await settle();
    expect(server.sent('call:setMediaMode')).toEqual([{ callId: call.callId, mode: 'audio_text' }]);
    expect(call.store.get().mediaModes).toEqual({ own: 'audio_text', peer: 'video' });
    // The other line gives way too meanwhile: video stays paused, nothing new to say.
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'audio_text' });
    latest().switchesTo('video');
    await settle();
    expect(call.store.get().mediaModes).toEqual({ own: 'video', peer: 'audio_text' });
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'video' });
    expect(keys().slice(2)).toEqual(['announce.audioText', 'announce.videoBack']);
    expect(server.sent('call:setMediaMode').map((r) => r.mode)).toEqual(['audio_text', 'video']);
  });

  it('holds its camera while the other line is in audio + text, for this call only', () => {
    const { call, keys } = partyCall();
    server.emit('call:mediaMode', { callId: randomUUID(), party: 'advisor', mode: 'audio_text' });
    expect(latest().peerAudioText).toEqual([]);
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'audio_text' });
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'audio_text' });
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'video' });
    expect(latest().peerAudioText).toEqual([true, false]);
    expect(keys().slice(1)).toEqual(['announce.audioText', 'announce.videoBack']);
  });

  it('starts a rebuilt media with the other line’s mode, and tells the server its own line starts on video again', async () => {
    const { call } = partyCall();
    const first = latest();
    first.becomes('connected');
    first.switchesTo('audio_text');
    server.emit('call:mediaMode', { callId: call.callId, party: 'advisor', mode: 'audio_text' });
    await settle();
    server.emit('call:mediaRestart', {
      callId: call.callId,
      mediaEpoch: 1,
      rtpCapabilities: NEW_ROOM,
      reason: 'worker_died',
    });
    await settle();
    expect(latest()).not.toBe(first);
    expect(latest().options).toMatchObject({ peerAudioText: true, keepLipReadable: true });
    expect(call.store.get().mediaModes).toEqual({ own: 'video', peer: 'audio_text' });
    expect(server.sent('call:setMediaMode').map((r) => r.mode)).toEqual(['audio_text', 'video']);
  });

  it('starts with the other line in audio + text when the server says so, and holds its camera', async () => {
    const { call } = partyCall({ call: { ...callStarted(), peerMediaMode: 'audio_text' } });
    await settle();
    expect(call.store.get().mediaModes).toEqual({ own: 'video', peer: 'audio_text' });
    expect(latest().options).toMatchObject({ peerAudioText: true });
  });

  it('takes the other line’s mode from a call:started told again (after a reconnect)', async () => {
    const { call, keys } = partyCall();
    await settle();
    const again = (peerMediaMode?: 'audio_text' | 'video') =>
      server.emit('call:started', { ...call.call, ...(peerMediaMode ? { peerMediaMode } : {}) });
    again('audio_text');
    expect(latest().peerAudioText).toEqual([true]);
    again('audio_text');
    // Absent: the other line is on video.
    again();
    expect(latest().peerAudioText).toEqual([true, false]);
    expect(call.store.get().mediaModes).toEqual({ own: 'video', peer: 'video' });
    expect(keys().filter((k) => k !== 'announce.callStarted')).toEqual([
      'announce.audioText',
      'announce.videoBack',
    ]);
    // The server says the mode to the page that comes back: this side does not repeat its own.
    expect(server.sent('call:setMediaMode')).toEqual([]);
  });
});
