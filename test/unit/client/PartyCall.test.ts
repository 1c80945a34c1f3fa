import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { STATS_REPORT_MS, type PartyCallOptions } from '@visio/shared/client';
import { FakeServer, LOCAL_STREAM, fakeMediaFactory, recordedPartyCall } from './PartyCall.fakes';

let server: FakeServer;
let media: ReturnType<typeof fakeMediaFactory>;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  media = fakeMediaFactory();
});
afterEach(() => {
  vi.useRealTimers();
});

function partyCall(options: Partial<PartyCallOptions> = {}) {
  return recordedPartyCall(server, media, options);
}

/** Lets the promises of requests and of the fake media settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('PartyCall set-up', () => {
  it('starts the media before start() returns when the devices are open, with the router capabilities of call:started', () => {
    const { call, announced } = partyCall();
    call.start();
    expect(media.made).toHaveLength(1);
    const [made] = media.made;
    expect(made!.started).toBe(true);
    expect(made!.options.localStream).toBe(LOCAL_STREAM);
    expect(made!.options.routerRtpCapabilities).toBe(call.call.rtpCapabilities);
    expect(call.media).toBe(made);
    expect(call.state).toBe('connecting');
    expect(announced).toEqual([
      { key: 'announce.callStarted', params: { name: call.call.peerName } },
    ]);
  });

  it('waits for the devices, then starts the media', async () => {
    let open!: (stream: MediaStream | null) => void;
    const { call } = partyCall({ localMedia: () => new Promise((resolve) => (open = resolve)) });
    call.start();
    expect(call.state).toBe('devices');
    expect(media.made).toHaveLength(0);
    open(LOCAL_STREAM);
    await settle();
    expect(call.state).toBe('connecting');
    expect(media.made[0]!.options.localStream).toBe(LOCAL_STREAM);
  });

  it('does not start media for a call that ended while the devices were opening', async () => {
    let open!: (stream: MediaStream | null) => void;
    const { call, ended } = partyCall({
      localMedia: () => new Promise((resolve) => (open = resolve)),
    });
    call.start();
    server.emit('call:ended', { callId: call.callId, reason: 'hangup', endedBy: 'advisor' });
    open(LOCAL_STREAM);
    await settle();
    expect(media.made).toHaveLength(0);
    expect(ended).toEqual([{ by: 'server', reason: 'hangup', endedBy: 'advisor' }]);
  });

  it('asks for the text, documents and signature request so far only once the media joined (or 1.5 s)', async () => {
    const asked = () =>
      ['chat:history', 'documents:list', 'signature:current'].map((n) => server.sent(n).length);
    let answerJoin!: () => void;
    const held = fakeMediaFactory();
    const { call } = recordedPartyCall(server, {
      ...held,
      create: (options) => {
        const made = held.create(options);
        answerJoin = (made as unknown as { holdJoin(): () => void }).holdJoin();
        return made;
      },
    });
    call.start();
    await settle();
    // The join goes first: the server answers a socket's requests in turn.
    expect(asked()).toEqual([0, 0, 0]);
    answerJoin();
    await settle();
    expect(asked()).toEqual([1, 1, 1]);

    // Devices slow to open (no media yet, so no join): asked after 1.5 s all the same.
    const { call: slow } = partyCall({ localMedia: () => new Promise(() => undefined) });
    slow.start();
    await vi.advanceTimersByTimeAsync(1_400);
    expect(server.sent('chat:history').filter((d) => d.callId === slow.callId)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(server.sent('chat:history').filter((d) => d.callId === slow.callId)).toHaveLength(1);
  });

  it('announces the media state changes that matter to the user', () => {
    const { call, keys } = partyCall();
    call.start();
    media.made[0]!.becomes('connected');
    expect(call.state).toBe('connected');
    media.made[0]!.becomes('reconnecting');
    expect(call.state).toBe('reconnecting');
    media.made[0]!.becomes('connected');
    expect(keys()).toEqual([
      'announce.callStarted',
      'announce.connected',
      'announce.reconnecting',
      'announce.connected',
    ]);
  });
});

describe('PartyCall end', () => {
  it('hangs up for us when this browser cannot carry the media, and ends as a failure', async () => {
    const { call, ended } = partyCall();
    call.start();
    media.made[0]!.fail('UNAVAILABLE', 'unsupported');
    await settle();
    expect(ended).toEqual([{ by: 'failure' }]);
    expect(call.state).toBe('ended');
    expect(media.made[0]!.closed).toBe(true);
    expect(server.sent('call:hangup')).toEqual([{ callId: call.callId }]);
  });

  it('ends when the server says so for this call, and only for this call', () => {
    const { call, ended } = partyCall();
    call.start();
    server.emit('call:ended', { callId: randomUUID(), reason: 'hangup', endedBy: 'kiosk' });
    expect(ended).toEqual([]);
    server.emit('call:ended', { callId: call.callId, reason: 'ended_by_staff', endedBy: 'system' });
    expect(ended).toEqual([{ by: 'server', reason: 'ended_by_staff', endedBy: 'system' }]);
    expect(server.sent('call:hangup')).toEqual([]);
  });

  it('hangs up: media stops at once, then the server is told', async () => {
    const { call, ended, problems } = partyCall();
    call.start();
    call.hangup();
    expect(media.made[0]!.closed).toBe(true);
    expect(ended).toEqual([{ by: 'self' }]);
    expect(server.sent('call:hangup')).toEqual([{ callId: call.callId }]);
    await settle();
    expect(problems).toEqual([]);
    call.hangup();
    expect(server.sent('call:hangup')).toHaveLength(1);
  });

  it('says when the server refused the hang-up, but not when the call was already over', async () => {
    server.refuse('call:hangup', 'NOT_FOUND');
    const gone = partyCall();
    gone.call.start();
    gone.call.hangup();
    await settle();
    expect(gone.problems).toEqual([]);

    server.refuse('call:hangup', 'UNAVAILABLE');
    const refused = partyCall();
    refused.call.start();
    refused.call.hangup();
    await settle();
    expect(refused.problems.map((p) => [p.what, p.error.code])).toEqual([
      ['hangup', 'UNAVAILABLE'],
    ]);
  });

  it('after a reconnect, asks whether the call is still on and ends it if the server forgot it', async () => {
    const { call, ended } = partyCall();
    call.start();
    server.answer('media:routerCapabilities', () => ({
      ok: true,
      data: { rtpCapabilities: { codecs: [], headerExtensions: [] } },
    }));
    server.emit('connect');
    await settle();
    expect(server.sent('media:routerCapabilities')).toEqual([{ callId: call.callId }]);
    expect(ended).toEqual([]);

    server.refuse('media:routerCapabilities', 'NOT_FOUND');
    server.emit('connect');
    await settle();
    expect(ended).toEqual([{ by: 'gone' }]);
  });

  it('close() ends without a word to the server and removes every listener and timer it set', async () => {
    const before = server.listenerCount();
    const { call, ended } = partyCall();
    call.start();
    media.made[0]!.becomes('connected');
    call.desk.setDraft('Bonjour');
    expect(server.listenerCount()).toBeGreaterThan(before);
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    call.close();
    expect(ended).toEqual([{ by: 'closed' }]);
    expect(server.listenerCount()).toBe(before);
    expect(vi.getTimerCount()).toBe(0);
    expect(call.media).toBeNull();
    expect(call.desk.store.get().draft).toBe('');
    expect(server.sent('call:hangup')).toEqual([]);
    // Nothing of an ended call moves any more.
    server.emit('call:ended', { callId: call.callId, reason: 'hangup', endedBy: 'kiosk' });
    call.hangup();
    expect(ended).toHaveLength(1);
  });
});

describe('PartyCall microphone and camera', () => {
  it('switches them on the media and announces each change', async () => {
    const { call, keys } = partyCall();
    call.start();
    call.setMicrophoneMuted(true);
    call.setCameraOff(true);
    call.setCameraOff(false);
    await settle();
    expect(media.made[0]!.muted).toEqual({ microphone: true, camera: false });
    expect(keys().slice(1)).toEqual([
      'announce.micMuted',
      'announce.cameraOff',
      'announce.cameraOn',
    ]);
  });

  it('reports a toggle the media refused, and does nothing before there is media', async () => {
    let open!: (stream: MediaStream | null) => void;
    const { call, problems, keys } = partyCall({
      localMedia: () => new Promise((resolve) => (open = resolve)),
    });
    call.start();
    call.setMicrophoneMuted(true);
    expect(keys()).toEqual(['announce.callStarted']);
    open(LOCAL_STREAM);
    await settle();
    media.made[0]!.failToggles = true;
    call.setMicrophoneMuted(true);
    await settle();
    expect(problems.map((p) => p.what)).toEqual(['media']);
  });
});

describe('PartyCall statistics', () => {
  it('reports the media statistics every 5 s while the call lasts', async () => {
    const { call } = partyCall();
    call.start();
    await vi.advanceTimersByTimeAsync(STATS_REPORT_MS * 3);
    const reports = server.sent('stats:report');
    expect(reports).toHaveLength(3);
    expect(reports[0]).toMatchObject({ callId: call.callId, stats: { outbound: {}, inbound: {} } });
    call.hangup();
    await vi.advanceTimersByTimeAsync(STATS_REPORT_MS * 2);
    expect(server.sent('stats:report')).toHaveLength(3);
  });

  it('samples more often when asked, without reporting more than the server wants', async () => {
    const { call } = partyCall({ party: 'advisor', statsSampleMs: 2_000 });
    const samples: unknown[] = [];
    call.on('stats', (s) => samples.push(s));
    call.start();
    await vi.advanceTimersByTimeAsync(12_000);
    expect(samples).toHaveLength(6);
    // At 2, 6 and 10 s: never closer than the 5 s period less half a sample.
    expect(server.sent('stats:report')).toHaveLength(3);
  });
});

describe('the in-call desk of a PartyCall', () => {
  it('shows what the other side types, never its own echo, and clears it with their message', () => {
    const { call } = partyCall();
    call.start();
    const desk = call.desk;
    const callId = call.callId;
    server.emit('chat:typing', { callId, from: 'kiosk', text: 'mine' });
    expect(desk.store.get().peerDraft).toBe('');
    server.emit('chat:typing', { callId, from: 'advisor', text: 'Votre doss' });
    server.emit('chat:typing', { callId: randomUUID(), from: 'advisor', text: 'another call' });
    expect(desk.store.get().peerDraft).toBe('Votre doss');
    const message = {
      id: randomUUID(),
      from: 'advisor',
      text: 'Votre dossier',
      at: new Date().toISOString(),
    };
    server.emit('chat:message', { callId, ...message });
    server.emit('chat:message', { callId, ...message });
    expect(desk.store.get().messages).toEqual([message]);
    expect(desk.store.get().peerDraft).toBe('');
  });

  it('sends the draft live, at most every 100 ms, then commits it', async () => {
    const { call } = partyCall();
    call.start();
    const desk = call.desk;
    desk.setDraft('B');
    desk.setDraft('Bo');
    desk.setDraft('Bon');
    await vi.advanceTimersByTimeAsync(0);
    desk.setDraft('Bonj');
    await vi.advanceTimersByTimeAsync(100);
    expect(server.sent('chat:draft').map((d) => d.text)).toEqual(['Bon', 'Bonj']);
    const message = { id: randomUUID(), from: 'kiosk', text: 'Bonj', at: new Date().toISOString() };
    server.answer('chat:send', () => ({ ok: true, data: { message } }));
    await desk.send();
    expect(server.sent('chat:send')).toEqual([{ callId: call.callId, text: 'Bonj' }]);
    expect(desk.store.get()).toMatchObject({ draft: '', messages: [message], sending: false });
  });

  it('keeps the text when the server does not take it, and says so', async () => {
    const { call } = partyCall();
    call.start();
    server.refuse('chat:send', 'RATE_LIMITED');
    call.desk.setDraft('Bonjour');
    await call.desk.send();
    expect(call.desk.store.get().draft).toBe('Bonjour');
    expect(call.desk.store.get().problem).toMatchObject({ what: 'chat', code: 'RATE_LIMITED' });
  });

  it('counts the scans asked for, and lists the documents once each', async () => {
    const { call } = partyCall();
    const callId = call.callId;
    const doc = {
      id: randomUUID(),
      name: 'avis.pdf',
      type: 'application/pdf',
      size: 10,
      from: 'advisor',
      at: new Date().toISOString(),
    };
    server.answer('documents:list', () => ({ ok: true, data: { documents: [doc] } }));
    const added: unknown[] = [];
    call.desk.on('documentAdded', (d) => added.push(d));
    call.start();
    await settle();
    server.emit('documents:added', { callId, ...doc });
    server.emit('documents:scanRequested', { callId });
    server.emit('documents:scanRequested', { callId });
    expect(call.desk.store.get().documents).toEqual([doc]);
    expect(added).toEqual([doc]);
    expect(call.desk.store.get().scanRequests).toBe(2);
  });

  it('refuses up front what the server would refuse', async () => {
    const { call } = partyCall();
    call.start();
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    try {
      const desk = call.desk;
      expect(await desk.upload(new Blob([]), 'empty.pdf')).toBeNull();
      expect(desk.store.get().problem).toMatchObject({ what: 'upload', code: 'empty' });
      expect(await desk.upload(new Blob(['x'], { type: 'text/plain' }), 'a.txt')).toBeNull();
      expect(desk.store.get().problem).toMatchObject({ code: 'unsupported_type' });
      const huge = new Blob([new Uint8Array(10 * 1024 * 1024 + 1)], { type: 'image/png' });
      expect(await desk.upload(huge, 'big.png')).toBeNull();
      expect(desk.store.get().problem).toMatchObject({ code: 'too_large' });
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('sends a document with the party’s token and words the server’s refusal', async () => {
    const { call } = partyCall();
    call.start();
    const fetch = vi.fn(async () =>
      Response.json(
        { error: { code: 'INVALID_INPUT', message: 'no', reason: 'unsupported_type' } },
        { status: 400 },
      ),
    );
    vi.stubGlobal('fetch', fetch);
    try {
      const pdf = new Blob(['not a pdf'], { type: 'application/pdf' });
      expect(await call.desk.upload(pdf, 'Formulaire à signer.pdf')).toBeNull();
      const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
      expect(url).toBe(`/api/calls/${call.callId}/documents`);
      expect(init.headers).toMatchObject({
        Authorization: 'Bearer device-token',
        'X-Document-Name': encodeURIComponent('Formulaire à signer.pdf'),
      });
      expect(call.desk.store.get().problem).toMatchObject({ code: 'unsupported_type' });
      fetch.mockRejectedValueOnce(new TypeError('network'));
      expect(await call.desk.upload(pdf, 'again.pdf')).toBeNull();
      expect(call.desk.store.get().problem).toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
