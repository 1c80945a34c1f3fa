import { describe, expect, it } from 'vitest';
import { CallStats, type CallStreams } from '@visio/shared/client';

// Receive and send transports' reports shaped as Chromium lists them during a call through
// mediasoup: the bandwidth probe that mediasoup-client sets up on the receive transport (mid
// `probator`, ssrc 1234) comes first, before the far side's camera and microphone; a shared screen
// is sent beside the camera. Figures of the probe are those seen in a real run (jitter 419 ms,
// padding only, no frame decoded).
function report(entries: Record<string, unknown>[]): RTCStatsReport {
  return new Map(entries.map((e) => [e.id as string, e])) as unknown as RTCStatsReport;
}

const recv = (t: number) =>
  report([
    {
      id: 'IT01V1234',
      type: 'inbound-rtp',
      kind: 'video',
      mid: 'probator',
      trackIdentifier: 'probator',
      ssrc: 1234,
      timestamp: t,
      bytesReceived: 90_000 + t,
      packetsReceived: 400,
      packetsLost: 0,
      jitter: 0.419,
      framesDecoded: 0,
    },
    {
      id: 'IT01V5555',
      type: 'inbound-rtp',
      kind: 'video',
      mid: '1',
      trackIdentifier: 'camera-track',
      timestamp: t,
      bytesReceived: 2 * t,
      packetsReceived: 1200,
      packetsLost: 1,
      jitter: 0.015,
      framesDecoded: 300,
      framesPerSecond: 20,
      frameWidth: 640,
      frameHeight: 480,
    },
    {
      id: 'IT01A7777',
      type: 'inbound-rtp',
      kind: 'audio',
      mid: '2',
      trackIdentifier: 'microphone-track',
      timestamp: t,
      bytesReceived: t,
      packetsReceived: 500,
      packetsLost: 0,
      jitter: 0.004,
    },
  ]);

const send = (t: number) =>
  report([
    {
      id: 'OT01V9999',
      type: 'outbound-rtp',
      kind: 'video',
      mid: '3',
      timestamp: t,
      bytesSent: 5 * t,
      packetsSent: 900,
      framesPerSecond: 5,
      frameWidth: 1920,
      frameHeight: 1080,
    },
    {
      id: 'OT01V4444',
      type: 'outbound-rtp',
      kind: 'video',
      mid: '0',
      timestamp: t,
      bytesSent: t,
      packetsSent: 1000,
      framesPerSecond: 20,
      frameWidth: 640,
      frameHeight: 480,
    },
    {
      id: 'RI01V9999',
      type: 'remote-inbound-rtp',
      kind: 'video',
      localId: 'OT01V9999',
      timestamp: t,
      packetsLost: 40,
      jitter: 0.2,
      roundTripTime: 0.9,
    },
    {
      id: 'RI01V4444',
      type: 'remote-inbound-rtp',
      kind: 'video',
      localId: 'OT01V4444',
      timestamp: t,
      packetsLost: 0,
      jitter: 0.006,
      roundTripTime: 0.002,
    },
  ]);

const STREAMS: CallStreams = {
  outbound: { audio: null, video: { mid: '0' } },
  inbound: {
    audio: { mid: '2', trackId: 'microphone-track' },
    video: { mid: '1', trackId: 'camera-track' },
  },
};

describe('CallStats', () => {
  it('reads the far side’s camera, not the bandwidth probe Chromium lists first', () => {
    const stats = new CallStats();
    stats.summarise(send(0), recv(0), STREAMS);
    const summary = stats.summarise(send(1000), recv(1000), STREAMS);
    expect(summary.inbound.video).toMatchObject({
      jitterMs: 15,
      packets: 1200,
      framesDecoded: 300,
      framesPerSecond: 20,
      frameHeight: 480,
      bitrateKbps: 16,
    });
    expect(summary.inbound.audio).toMatchObject({ jitterMs: 4, packets: 500 });
  });

  it('finds a received stream by its track when the browser gives no mid', () => {
    const withoutMid = report(
      [...recv(1000).values()].map((s) => ({ ...(s as object), mid: undefined })),
    );
    const summary = new CallStats().summarise(null, withoutMid, STREAMS);
    expect(summary.inbound.video?.jitterMs).toBe(15);
  });

  it('reads the camera sent and its own far-end report, not a screen share', () => {
    const summary = new CallStats().summarise(send(1000), null, STREAMS);
    expect(summary.outbound.video).toMatchObject({
      packets: 1000,
      frameWidth: 640,
      jitterMs: 6,
      roundTripTimeMs: 2,
      packetsLost: 0,
    });
  });

  it('has no figures for a kind the call does not carry (yet)', () => {
    const summary = new CallStats().summarise(send(1000), recv(1000), {
      outbound: { audio: null, video: null },
      inbound: { audio: null, video: null },
    });
    expect(summary.outbound).toEqual({ audio: null, video: null });
    expect(summary.inbound).toEqual({ audio: null, video: null });
  });
});
