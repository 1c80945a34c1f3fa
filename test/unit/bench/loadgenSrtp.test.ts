import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Loadgen } from '../../../bench/sfu-capacity/Loadgen';

// The load generator's SRTP (bench/sfu-capacity/loadgen/srtp.c, OpenSSL primitives) against
// RFC 3711's known vectors, and one protected packet against Node's own AES-CTR and HMAC-SHA1;
// its AEAD_AES_128_GCM against libsrtp's known answer (test/srtp_driver.c, srtp_validate_gcm, the
// libsrtp the worker is built with) and its AEAD_AES_256_GCM (what Chromium and mediasoup
// negotiate) against Node's AES-256-GCM.

let gen: Loadgen;
beforeAll(async () => {
  gen = await Loadgen.start();
}, 60_000);
afterAll(async () => {
  await gen?.close();
});

// RFC 3711 B.3: key derivation.
const B3 = {
  masterKey: 'e1f97a0d3e018be0d64fa32c06de4139',
  masterSalt: '0ec675ad498afeebb6960b3aabe6',
  cipherKey: 'c61e7a93744f39ee10734afe3ff7a087',
  cipherSalt: '30cbbc08863d8c85d49db34a9ae1',
  authKey: 'cebe321f6ff7716b6fd4ab49af256a156d38baa4', // the first 160 bits of B.3's auth key stream
};

describe('loadgen SRTP', () => {
  it('derives the session keys of RFC 3711 B.3', async () => {
    const out = await gen.call(`kdf key=${B3.masterKey} salt=${B3.masterSalt}`);
    expect(out.rtp_key).toBe(B3.cipherKey);
    expect(out.rtp_salt).toBe(B3.cipherSalt);
    expect(out.rtp_auth).toBe(B3.authKey);
  });

  it('produces the AES-CM keystream of RFC 3711 B.2', async () => {
    const out = await gen.call(
      'keystream key=2b7e151628aed2a6abf7158809cf4f3c salt=f0f1f2f3f4f5f6f7f8f9fafbfcfd ssrc=0 index=0 len=48',
    );
    expect(out.hex).toBe(
      'e03ead0935c95e80e166b16dd92b4eb4' +
        'd23513162b02d0f72a43a2fe4a5f97ab' +
        '41e95b3bb0a2e8dd477901e4fca894c0',
    );
    // The last blocks of B.2's table: counter ...feff00 and ...feff01, i.e. block 0xff00 of the
    // keystream, reached here through the packet index (index * 2^16 + block counter).
    const far = await gen.call(
      `keystream key=2b7e151628aed2a6abf7158809cf4f3c salt=f0f1f2f3f4f5f6f7f8f9fafbfcfd ssrc=0 index=0 len=${0xff02 * 16}`,
    );
    const hex = String(far.hex);
    expect(hex.slice(0xff00 * 32, 0xff02 * 32)).toBe(
      '362b7c3c6773516318a077d7fc5073ae' + '6a2cc3787889374fbeb4c81b17ba6c44',
    );
  });

  it('protects an RTP packet as AES-CM + HMAC-SHA1-80 computed with Node crypto from B.3 keys', async () => {
    const ssrc = 0xdeadbeef;
    const seq = 0x1234;
    const roc = 7;
    const header = Buffer.from(
      '9060' + seq.toString(16).padStart(4, '0') + '00bc614e' + ssrc.toString(16),
      'hex',
    );
    const ext = Buffer.from('bede000110300000', 'hex'); // one-byte extension: mid "0", padding
    header[0] = 0x90;
    const payload = crypto.randomBytes(1000);
    const plain = Buffer.concat([header, ext, payload]);
    const out = await gen.call(
      `protect key=${B3.masterKey} salt=${B3.masterSalt} roc=${roc} packet=${plain.toString('hex')}`,
    );
    const got = Buffer.from(String(out.hex), 'hex');

    const iv = Buffer.alloc(16);
    Buffer.from(B3.cipherSalt, 'hex').copy(iv);
    iv.writeUInt32BE(iv.readUInt32BE(4) ^ ssrc, 4);
    const index = BigInt(roc) * 65536n + BigInt(seq);
    const idx = Buffer.alloc(8);
    idx.writeBigUInt64BE(index);
    for (let i = 0; i < 6; i++) iv[8 + i]! ^= idx[2 + i]!;
    const cipher = crypto.createCipheriv('aes-128-ctr', Buffer.from(B3.cipherKey, 'hex'), iv);
    const encrypted = Buffer.concat([header, ext, cipher.update(payload), cipher.final()]);
    const rocBytes = Buffer.alloc(4);
    rocBytes.writeUInt32BE(roc);
    const tag = crypto
      .createHmac('sha1', Buffer.from(B3.authKey, 'hex'))
      .update(Buffer.concat([encrypted, rocBytes]))
      .digest()
      .subarray(0, 10);

    expect(got.length).toBe(plain.length + 10);
    expect(got.subarray(0, plain.length).equals(encrypted)).toBe(true);
    expect(got.subarray(plain.length).toString('hex')).toBe(tag.toString('hex'));
  });

  it('protects an RTCP packet with E, the SRTCP index and a tag over both', async () => {
    // Session keys for RTCP (labels 3, 4, 5) computed here with Node's AES-CTR (RFC 3711 §4.3.1).
    const kdf = (label: number, n: number) => {
      const iv = Buffer.alloc(16);
      Buffer.from(B3.masterSalt, 'hex').copy(iv);
      iv[7]! ^= label;
      const c = crypto.createCipheriv('aes-128-ctr', Buffer.from(B3.masterKey, 'hex'), iv);
      return c.update(Buffer.alloc(n));
    };
    const [key, auth, salt] = [kdf(3, 16), kdf(4, 20), kdf(5, 14)];
    // A receiver report with one report block: 24 bytes to encrypt after the first 8.
    const rr = Buffer.from(
      '81c90007' + 'cafebabe' + '0badf00d' + '00000003' + '0001e240' + '00'.repeat(12),
      'hex',
    );
    const srtcpIndex = 5;
    const out = await gen.call(
      `protect kind=rtcp index=${srtcpIndex} key=${B3.masterKey} salt=${B3.masterSalt} packet=${rr.toString('hex')}`,
    );
    const got = Buffer.from(String(out.hex), 'hex');
    const iv = Buffer.alloc(16);
    salt.copy(iv);
    iv.writeUInt32BE(iv.readUInt32BE(4) ^ 0xcafebabe, 4);
    iv[13]! ^= srtcpIndex;
    // The first 8 bytes stay in the clear.
    const c = crypto.createCipheriv('aes-128-ctr', key, iv);
    const body = Buffer.concat([rr.subarray(0, 8), c.update(rr.subarray(8)), c.final()]);
    const eIndex = Buffer.alloc(4);
    eIndex.writeUInt32BE((0x80000000 | srtcpIndex) >>> 0);
    const tag = crypto
      .createHmac('sha1', auth)
      .update(Buffer.concat([body, eIndex]))
      .digest()
      .subarray(0, 10);
    expect(got.toString('hex')).toBe(Buffer.concat([body, eIndex, tag]).toString('hex'));
  });

  // libsrtp 11bec2b, test/srtp_driver.c: srtp_validate_gcm (AEAD_AES_128_GCM, SSRC cafebabe).
  const GCM = {
    key: '000102030405060708090a0b0c0d0e0f',
    salt: 'a0a1a2a3a4a5a6a7a8a9aaab',
    rtp: '800f1234decafbadcafebabe' + 'ab'.repeat(16),
    srtp:
      '800f1234decafbadcafebabe' +
      'c5002ede04cfdd2eb91159e0880aa06e' +
      'd2976826f796b201df3131a127e8a392',
    rtcp: '81c8000bcafebabe' + 'ab'.repeat(16),
    // libsrtp's first SRTCP index is 1.
    srtcp:
      '81c8000bcafebabe' +
      'c98b8b5df0392a55852b6c21ac8e7025' +
      'c52c6fbea2b3b446ea31123ba88ce61e' +
      '80000001',
  };

  it('protects RTP and RTCP as libsrtp does with AEAD_AES_128_GCM', async () => {
    const rtp = await gen.call(
      `protect profile=gcm128 key=${GCM.key} salt=${GCM.salt} roc=0 packet=${GCM.rtp}`,
    );
    expect(rtp.hex).toBe(GCM.srtp);
    const rtcp = await gen.call(
      `protect profile=gcm128 kind=rtcp index=1 key=${GCM.key} salt=${GCM.salt} packet=${GCM.rtcp}`,
    );
    expect(rtcp.hex).toBe(GCM.srtcp);
  });

  it('protects RTP as AES-256-GCM computed with Node crypto (RFC 7714 IV and AAD)', async () => {
    const masterKey = crypto.randomBytes(32);
    const masterSalt = crypto.randomBytes(12);
    // RFC 3711's KDF under AES-256-CM, the 12-byte salt padded to 14 (RFC 7714 §11).
    const kdf = (label: number, n: number) => {
      const iv = Buffer.alloc(16);
      masterSalt.copy(iv);
      iv[7]! ^= label;
      return crypto.createCipheriv('aes-256-ctr', masterKey, iv).update(Buffer.alloc(n));
    };
    const [key, salt] = [kdf(0, 32), kdf(2, 12)];
    const keys = await gen.call(
      `kdf profile=gcm256 key=${masterKey.toString('hex')} salt=${masterSalt.toString('hex')}`,
    );
    expect([keys.rtp_key, keys.rtp_salt]).toEqual([key.toString('hex'), salt.toString('hex')]);

    const ssrc = 0x01020304;
    const seq = 0xfffe;
    const roc = 3;
    const header = Buffer.from(
      `9060${seq.toString(16)}00bc614e${ssrc.toString(16).padStart(8, '0')}bede000110300000`,
      'hex',
    );
    const payload = crypto.randomBytes(1100);
    const out = await gen.call(
      `protect profile=gcm256 key=${masterKey.toString('hex')} salt=${masterSalt.toString('hex')} roc=${roc} packet=${Buffer.concat([header, payload]).toString('hex')}`,
    );
    // IV = (00 00 || SSRC || ROC || SEQ) XOR salt; the header (extension included) is the AAD.
    const iv = Buffer.alloc(12);
    iv.writeUInt32BE(ssrc, 2);
    iv.writeUInt32BE(roc, 6);
    iv.writeUInt16BE(seq, 10);
    for (let i = 0; i < 12; i++) iv[i]! ^= salt[i]!;
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header);
    const sealed = Buffer.concat([
      header,
      cipher.update(payload),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    expect(out.hex).toBe(sealed.toString('hex'));
  });
});
