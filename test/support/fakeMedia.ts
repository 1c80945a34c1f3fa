import { randomInt } from 'node:crypto';

// Parameters shaped like a browser's, for driving signalling without a browser. No RTP flows:
// integration tests check the server's bookkeeping and errors; real media is the e2e suite's job.

export const FAKE_DTLS = {
  role: 'client' as const,
  fingerprints: [
    {
      algorithm: 'sha-256' as const,
      value: Array.from({ length: 32 }, (_, i) =>
        (i * 7).toString(16).padStart(2, '0').toUpperCase(),
      ).join(':'),
    },
  ],
};

export function opusParameters() {
  return {
    mid: '0',
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: 111,
        clockRate: 48000,
        channels: 2,
        parameters: { useinbandfec: 1 },
        rtcpFeedback: [],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc: randomInt(1, 2 ** 31) }],
    rtcp: { cname: 'integration', reducedSize: true },
  };
}

export function vp8Parameters() {
  return {
    mid: '1',
    codecs: [
      {
        mimeType: 'video/VP8',
        payloadType: 96,
        clockRate: 90000,
        rtcpFeedback: [
          { type: 'nack' },
          { type: 'nack', parameter: 'pli' },
          { type: 'ccm', parameter: 'fir' },
        ],
      },
    ],
    headerExtensions: [],
    encodings: [{ ssrc: randomInt(1, 2 ** 31) }],
    rtcp: { cname: 'integration', reducedSize: true },
  };
}
