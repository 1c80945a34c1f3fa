import type { types } from 'mediasoup';
import type { EndpointSpec } from './Loadgen';

const URI = {
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  transportCc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
} as const;

export const VIDEO_PT = 96;
export const AUDIO_PT = 111;

/** The extension ids a browser would negotiate with this router (its preferred ids). */
export function extensionIds(
  caps: types.RtpCapabilities,
): NonNullable<EndpointSpec['send']>['ext'] {
  const id = (uri: string, kind: 'audio' | 'video'): number => {
    const e = caps.headerExtensions?.find((h) => h.uri === uri && h.kind === kind);
    if (!e) throw new Error(`router offers no ${kind} ${uri}`);
    return e.preferredId;
  };
  // One set of ids for both kinds, as in one BUNDLE'd SDP; the router uses the same ones for both.
  const ext = {
    mid: id(URI.mid, 'video'),
    absSendTime: id(URI.absSendTime, 'video'),
    transportCc: id(URI.transportCc, 'video'),
    audioLevel: id(URI.audioLevel, 'audio'),
  };
  if (ext.mid !== id(URI.mid, 'audio') || ext.absSendTime !== id(URI.absSendTime, 'audio'))
    throw new Error('audio and video extension ids differ');
  return ext;
}

/** What a Chromium sender announces for its camera and microphone, with our SSRCs and ids. */
export function producerParameters(
  caps: types.RtpCapabilities,
  ssrc: { video: number; audio: number },
): { video: types.RtpParameters; audio: types.RtpParameters } {
  const ext = extensionIds(caps);
  const transportCc = { uri: URI.transportCc, id: ext.transportCc } as const;
  const common = [
    { uri: URI.mid, id: ext.mid },
    { uri: URI.absSendTime, id: ext.absSendTime },
    transportCc,
  ];
  return {
    video: {
      mid: '0',
      codecs: [
        {
          mimeType: 'video/VP8',
          payloadType: VIDEO_PT,
          clockRate: 90000,
          rtcpFeedback: [
            { type: 'goog-remb' },
            { type: 'transport-cc' },
            { type: 'ccm', parameter: 'fir' },
            { type: 'nack' },
            { type: 'nack', parameter: 'pli' },
          ],
        },
      ],
      headerExtensions: common,
      encodings: [{ ssrc: ssrc.video }],
      rtcp: { cname: 'loadgen', reducedSize: true },
    },
    audio: {
      mid: '1',
      codecs: [
        {
          mimeType: 'audio/opus',
          payloadType: AUDIO_PT,
          clockRate: 48000,
          channels: 2,
          parameters: { minptime: 10, useinbandfec: 1 },
          rtcpFeedback: [{ type: 'transport-cc' }],
        },
      ],
      headerExtensions: [...common, { uri: URI.audioLevel, id: ext.audioLevel }],
      encodings: [{ ssrc: ssrc.audio }],
      rtcp: { cname: 'loadgen', reducedSize: true },
    },
  };
}

/** The parameters of a WebRtcTransport as the generator needs them (its UDP candidate). */
export function transportTarget(
  t: Pick<types.WebRtcTransport, 'iceParameters' | 'iceCandidates' | 'dtlsParameters'>,
): Omit<EndpointSpec, 'id' | 'send'> {
  const udp = t.iceCandidates.find((c) => c.protocol === 'udp');
  if (!udp) throw new Error('transport has no UDP candidate');
  const fp = t.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256');
  if (!fp) throw new Error('transport has no sha-256 fingerprint');
  return {
    // mediasoup before 3.13 names a candidate's address `ip`.
    ip: udp.address ?? (udp as unknown as { ip: string }).ip,
    port: udp.port,
    ufrag: t.iceParameters.usernameFragment,
    pwd: t.iceParameters.password,
    fingerprint: fp.value.toUpperCase(),
  };
}

/** The send half of an EndpointSpec for a party whose producers have these SSRCs. */
export function sendSpec(
  caps: types.RtpCapabilities,
  ssrc: { video: number; audio: number },
  kbps: number,
): NonNullable<EndpointSpec['send']> {
  return {
    videoSsrc: ssrc.video,
    audioSsrc: ssrc.audio,
    videoPt: VIDEO_PT,
    audioPt: AUDIO_PT,
    videoMid: '0',
    audioMid: '1',
    ext: extensionIds(caps),
    kbps,
  };
}

/** The dtlsParameters the generator gives transport.connect: its certificate, role client. */
export function clientDtls(fingerprint: string): types.DtlsParameters {
  return { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] };
}
