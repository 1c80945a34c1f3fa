import { randomUUID } from 'node:crypto';
import { Device, type types as ms } from 'mediasoup-client';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RemoteMedia } from '@visio/shared/client';
import type { MediaSource, ProducerInfo } from '@visio/shared/protocol';

// Real mediasoup-client consumers, on the library's own FakeHandler (its test handler for Node:
// the Device, transports and consumers are the real ones, only the RTCPeerConnection is not).
// Node has no MediaStream; the smallest stand-in keeps the tracks it is given.

class TestMediaStream {
  private readonly tracks: MediaStreamTrack[];
  constructor(tracks: MediaStreamTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks() {
    return [...this.tracks];
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
}

let transport: ms.Transport;
beforeAll(async () => {
  vi.stubGlobal('MediaStream', TestMediaStream);
  const device = new Device({ handlerFactory: FakeHandler.createFactory(fakeParameters) });
  await device.load({ routerRtpCapabilities: fakeParameters.generateRouterRtpCapabilities() });
  transport = device.createRecvTransport(fakeParameters.generateTransportRemoteParameters());
  transport.on('connect', (_params, callback) => callback());
});

function producer(source: MediaSource, paused = false): ProducerInfo {
  return {
    producerId: randomUUID(),
    kind: source === 'microphone' ? 'audio' : 'video',
    source,
    paused,
    pauseReason: paused ? 'user' : null,
  };
}

/** What the call engine does for an announced producer: consume it on the receive transport. */
function consume(info: ProducerInfo): Promise<ms.Consumer> {
  const codecMimeType = info.kind === 'audio' ? 'audio/opus' : 'video/VP8';
  return transport.consume({
    ...fakeParameters.generateConsumerRemoteParameters({ codecMimeType }),
    producerId: info.producerId,
  });
}

/** Admits, consumes and attaches a producer; returns its consumer. */
async function received(remote: RemoteMedia, info: ProducerInfo): Promise<ms.Consumer> {
  expect(remote.admit(info)).toBe(true);
  const consumer = await consume(info);
  expect(remote.attach(info.producerId, consumer, info.paused)).toBe(true);
  return consumer;
}

let remote: RemoteMedia;
beforeEach(() => {
  remote = new RemoteMedia();
});

describe('admitting producers', () => {
  it('admits a producer once, however many times it is announced', () => {
    const mic = producer('microphone');
    expect(remote.admit(mic)).toBe(true);
    // The join answer and media:newProducer may both announce it.
    expect(remote.admit({ ...mic })).toBe(false);
  });

  it('lets a producer whose consumption failed be admitted again', async () => {
    const camera = producer('camera');
    remote.admit(camera);
    remote.forget(camera.producerId);
    expect(remote.admit(camera)).toBe(true);
  });

  it('keeps a producer that is already received when asked to forget it', async () => {
    const camera = producer('camera');
    const consumer = await received(remote, camera);
    remote.forget(camera.producerId);
    expect(remote.admit(camera)).toBe(false);
    expect(remote.consumers()).toEqual([consumer]);
  });

  it('refuses a consumer for a producer that went away meanwhile, and never takes it again', async () => {
    const camera = producer('camera');
    remote.admit(camera);
    const consumer = await consume(camera);
    remote.remove(camera.producerId);
    expect(remote.attach(camera.producerId, consumer, false)).toBe(false);
    expect(remote.admit(camera)).toBe(false);
    expect(remote.consumers()).toEqual([]);
    consumer.close();
  });
});

describe('the stream to play', () => {
  it('holds the microphone and camera tracks, in a new stream only when they change', async () => {
    const empty = remote.currentStream();
    expect(empty.stream.getTracks()).toEqual([]);
    expect(remote.currentStream()).toEqual({ stream: empty.stream, changed: false });

    const mic = await received(remote, producer('microphone'));
    const camera = await received(remote, producer('camera'));
    const both = remote.currentStream();
    expect(both.changed).toBe(true);
    expect(both.stream).not.toBe(empty.stream);
    expect(both.stream.getTracks()).toEqual([mic.track, camera.track]);
    expect(remote.currentStream()).toEqual({ stream: both.stream, changed: false });
  });

  it('keeps the shared screen apart from the call stream', async () => {
    await received(remote, producer('camera'));
    const screen = await received(remote, producer('screen'));
    expect(remote.currentStream().stream.getTracks()).toHaveLength(1);
    expect(remote.currentScreen().stream?.getVideoTracks()).toEqual([screen.track]);
  });

  it('plays the newest camera when the far side publishes it again', async () => {
    const first = producer('camera');
    const old = await received(remote, first);
    const fresh = await received(remote, producer('camera'));
    expect(remote.currentStream().stream.getTracks()).toEqual([fresh.track]);
    // The old one closes later (the server closes its consumer): nothing changes then.
    remote.remove(first.producerId);
    expect(old.closed).toBe(true);
    expect(remote.currentStream().changed).toBe(false);
  });

  it('drops a track whose producer went away, closing its consumer', async () => {
    const micInfo = producer('microphone');
    const mic = await received(remote, micInfo);
    const camera = await received(remote, producer('camera'));
    remote.currentStream();
    remote.remove(micInfo.producerId);
    expect(mic.closed).toBe(true);
    expect(remote.consumers()).toEqual([camera]);
    const after = remote.currentStream();
    expect(after.changed).toBe(true);
    expect(after.stream.getTracks()).toEqual([camera.track]);
  });
});

describe('what the far side muted', () => {
  it('follows pauses of the microphone and camera, and says when that changed', async () => {
    const micInfo = producer('microphone');
    const cameraInfo = producer('camera', true);
    await received(remote, micInfo);
    await received(remote, cameraInfo);
    expect(remote.currentMuted()).toEqual({
      muted: { audio: false, video: true, audioReason: null, videoReason: 'user' },
      changed: true,
    });
    expect(remote.currentMuted().changed).toBe(false);

    remote.setPaused(micInfo.producerId, true, 'user');
    remote.setPaused(cameraInfo.producerId, false, null);
    expect(remote.currentMuted()).toEqual({
      muted: { audio: true, video: false, audioReason: 'user', videoReason: null },
      changed: true,
    });
  });

  it('tells a device lost, then given up, from a camera turned off, and forgets it on resume', async () => {
    const cameraInfo = producer('camera');
    await received(remote, cameraInfo);
    remote.setPaused(cameraInfo.producerId, true, 'device_lost');
    expect(remote.currentMuted()).toMatchObject({
      muted: { video: true, videoReason: 'device_lost' },
      changed: true,
    });
    // Still paused, but now for good: a change of its own.
    remote.setPaused(cameraInfo.producerId, true, 'device_missing');
    expect(remote.currentMuted()).toMatchObject({
      muted: { video: true, videoReason: 'device_missing' },
      changed: true,
    });
    remote.setPaused(cameraInfo.producerId, false, null);
    expect(remote.currentMuted()).toMatchObject({
      muted: { video: false, videoReason: null },
      changed: true,
    });
  });

  it('keeps the reason a producer was announced paused with', async () => {
    const camera = { ...producer('camera', true), pauseReason: 'device_lost' as const };
    await received(remote, camera);
    expect(remote.currentMuted().muted.videoReason).toBe('device_lost');
  });

  it('takes the pause the server reported when the consumer was made', async () => {
    const mic = producer('microphone', false);
    remote.admit(mic);
    remote.attach(mic.producerId, await consume(mic), true);
    expect(remote.currentMuted().muted.audio).toBe(true);
  });

  it('does not count a screen share as the camera', async () => {
    await received(remote, producer('screen', true));
    expect(remote.currentMuted()).toEqual({
      muted: { audio: false, video: false, audioReason: null, videoReason: null },
      changed: false,
    });
  });
});

describe('the shared screen', () => {
  it('is null until shared, a new stream when shared, and null again when it stops', async () => {
    expect(remote.currentScreen()).toEqual({ stream: null, changed: false });
    const info = producer('screen');
    const screen = await received(remote, info);
    const shared = remote.currentScreen();
    expect(shared.changed).toBe(true);
    expect(shared.stream?.getVideoTracks()).toEqual([screen.track]);
    expect(remote.currentScreen()).toEqual({ stream: shared.stream, changed: false });

    remote.remove(info.producerId);
    expect(remote.currentScreen()).toEqual({ stream: null, changed: true });
  });
});

describe('closing', () => {
  it('closes every consumer and forgets every producer', async () => {
    const micInfo = producer('microphone');
    const mic = await received(remote, micInfo);
    const screen = await received(remote, producer('screen'));
    remote.currentScreen();
    remote.closeAll();
    expect([mic.closed, screen.closed]).toEqual([true, true]);
    expect(remote.consumers()).toEqual([]);
    expect(remote.currentScreen().stream).toBeNull();
    expect(remote.currentStream().stream.getTracks()).toEqual([]);
    // A rejoin announces the same producers again: they are consumed afresh.
    expect(remote.admit(micInfo)).toBe(true);
  });
});
