import { describe, expect, it } from 'vitest';
import {
  AppError,
  ackSchema,
  callRequests,
  DtlsParametersSchema,
  ERROR_CODES,
  fail,
  kioskNamespace,
  mediaRequests,
  ok,
  RtpParametersSchema,
  staffNamespace,
} from '@visio/shared/protocol';
import { z } from 'zod';

const CALL = '6f1c2b7e-3d4a-4f5b-9c8d-1a2b3c4d5e6f';
const OTHER = '0b6e3f2a-8c1d-4e7f-a9b0-c1d2e3f4a5b6';

describe('request schemas', () => {
  it.each([
    ['call:hangup with a number', callRequests.hangup, { callId: 42 }, false],
    [
      'createTransport with a bad direction',
      mediaRequests.createTransport,
      { callId: CALL, direction: 'both' },
      false,
    ],
    [
      'createTransport recv',
      mediaRequests.createTransport,
      { callId: CALL, direction: 'recv' },
      true,
    ],
    [
      'consume with a producer id',
      mediaRequests.consume,
      { callId: CALL, producerId: OTHER },
      true,
    ],
    [
      'setProducerPaused with a string flag',
      mediaRequests.setProducerPaused,
      { callId: CALL, producerId: OTHER, paused: 'yes' },
      false,
    ],
    ['a null payload', mediaRequests.routerCapabilities, null, false],
    ['an array payload', mediaRequests.routerCapabilities, [CALL], false],
  ])('%s', (_name, def, payload, valid) => {
    expect(def.request.safeParse(payload).success).toBe(valid);
  });

  it('accepts DTLS parameters as browsers send them and refuses unknown algorithms', () => {
    const fingerprint = { algorithm: 'sha-256', value: 'AB:CD' };
    expect(
      DtlsParametersSchema.safeParse({ role: 'client', fingerprints: [fingerprint] }).success,
    ).toBe(true);
    expect(DtlsParametersSchema.safeParse({ fingerprints: [] }).success).toBe(false);
    expect(
      DtlsParametersSchema.safeParse({ fingerprints: [{ algorithm: 'md5', value: 'x' }] }).success,
    ).toBe(false);
  });

  it('bounds RTP parameters (codecs, encodings, strings)', () => {
    const codec = { mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2 };
    expect(
      RtpParametersSchema.safeParse({ codecs: [codec], encodings: [{ ssrc: 1 }] }).success,
    ).toBe(true);
    expect(RtpParametersSchema.safeParse({ codecs: [] }).success).toBe(false);
    expect(RtpParametersSchema.safeParse({ codecs: Array(17).fill(codec) }).success).toBe(false);
    expect(
      RtpParametersSchema.safeParse({ codecs: [{ ...codec, payloadType: 300 }] }).success,
    ).toBe(false);
    expect(
      RtpParametersSchema.safeParse({ codecs: [{ ...codec, mimeType: 'x'.repeat(300) }] }).success,
    ).toBe(false);
  });
});

describe('namespaces', () => {
  it('every request name is unique within a namespace', () => {
    for (const nsp of [kioskNamespace, staffNamespace]) {
      const names = nsp.requests.map((r) => r.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('a kiosk cannot admit citizens or list kiosks', () => {
    const names = kioskNamespace.requests.map((r) => r.name);
    expect(names).not.toContain('waiting:admit');
    expect(names).not.toContain('kiosks:list');
  });
});

describe('ack envelope', () => {
  const schema = ackSchema(z.object({ callId: z.string() }));

  it('round-trips success and failure', () => {
    expect(schema.parse(ok({ callId: 'x' }))).toEqual({ ok: true, data: { callId: 'x' } });
    const failure = fail(new AppError('CONFLICT', 'taken').toBody());
    expect(schema.parse(failure)).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'taken' },
    });
  });

  it('rejects unknown error codes and missing data', () => {
    expect(schema.safeParse({ ok: false, error: { code: 'OOPS', message: '' } }).success).toBe(
      false,
    );
    expect(schema.safeParse({ ok: true }).success).toBe(false);
  });

  it('keeps the stable codes the clients translate', () => {
    expect(ERROR_CODES).toEqual(
      expect.arrayContaining([
        'INVALID_INPUT',
        'UNAUTHORIZED',
        'FORBIDDEN',
        'NOT_FOUND',
        'CONFLICT',
        'RATE_LIMITED',
      ]),
    );
  });

  it('carries details only when given', () => {
    expect(new AppError('INVALID_INPUT', 'bad').toBody()).toEqual({
      code: 'INVALID_INPUT',
      message: 'bad',
    });
    const withDetails = new AppError('INVALID_INPUT', 'bad', [
      { path: 'callId', message: 'Invalid UUID' },
    ]).toBody();
    expect(withDetails.details).toEqual([{ path: 'callId', message: 'Invalid UUID' }]);
  });
});
