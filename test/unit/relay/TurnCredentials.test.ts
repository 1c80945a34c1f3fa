import { describe, expect, it } from 'vitest';
import { IceServersSchema } from '@visio/shared/protocol';
import { TurnCredentials, turnRestPassword } from '@visio/server';

const relay = {
  urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443?transport=tcp'],
  secret: '7d0c2f5e9a41b3c8e6f1a2d4b5c7e9f0',
  credentialTtlS: 600,
};
const KIOSK_ID = '6f1c0f0e-8d5c-4a43-9a3e-0d1f2b3c4d5e';

describe('turnRestPassword', () => {
  it('is base64(HMAC-SHA1): RFC 2202 test case 2', () => {
    // 0xeffcdf6ae5eb2fa2d27416d5f184df9c259a7c79 in base64.
    expect(turnRestPassword('Jefe', 'what do ya want for nothing?')).toBe(
      '7/zfauXrL6LSdBbV8YTfnCWafHk=',
    );
  });

  it('matches what `openssl dgst -sha1 -hmac` gives for a REST username', () => {
    // printf %s '1796342400:<id>' | openssl dgst -sha1 -hmac <secret> -binary | base64
    expect(turnRestPassword(relay.secret, `1796342400:${KIOSK_ID}`)).toBe(
      'Fwm2OGfsHD7XgXswqUW9iR/aikY=',
    );
  });
});

describe('TurnCredentials', () => {
  const now = Date.UTC(2026, 11, 3, 17, 0, 0) + 250; // mid-second: the expiry is whole seconds
  const credentials = new TurnCredentials(relay, () => now);

  it('names the party by its id and an expiry TTL seconds from now', () => {
    const [server] = credentials.iceServersFor(KIOSK_ID);
    const expiry = Math.floor(now / 1000) + 600;
    expect(server!.username).toBe(`${expiry}:${KIOSK_ID}`);
    expect(server!.credential).toBe(turnRestPassword(relay.secret, server!.username));
  });

  it('hands every configured URL with that one credential, in the shape the protocol checks', () => {
    const servers = credentials.iceServersFor(KIOSK_ID);
    expect(servers).toHaveLength(1);
    expect(servers[0]!.urls).toEqual(relay.urls);
    expect(IceServersSchema.parse(servers)).toEqual(servers);
  });

  it('mints a later expiry for a later join', () => {
    let clock = now;
    const later = new TurnCredentials(relay, () => clock);
    const first = later.iceServersFor(KIOSK_ID)[0]!.username;
    clock += 300_000;
    const second = later.iceServersFor(KIOSK_ID)[0]!.username;
    expect(Number(second.split(':')[0]) - Number(first.split(':')[0])).toBe(300);
  });

  it('gives two parties different credentials', () => {
    const [kiosk] = credentials.iceServersFor(KIOSK_ID);
    const [advisor] = credentials.iceServersFor('1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed');
    expect(advisor!.credential).not.toBe(kiosk!.credential);
  });
});
