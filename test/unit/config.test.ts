import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, redactDatabaseUrl } from '@visio/server';

const base = { MEDIASOUP_WORKER_BIN: '/opt/worker' };
const TURN_SECRET = '4f9b2c7d1e8a6f3b5c0d9e2a7f4b1c8d';
const turn = { TURN_URLS: 'turns:turn.example.org:443?transport=tcp', TURN_SECRET };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(base);
    expect(config.http.port).toBe(8080);
    expect(config.media.workers).toBeGreaterThanOrEqual(1);
    expect(config.media.enableUdp).toBe(true);
    expect(config.media.listenIp).toBe('127.0.0.1');
  });

  it('parses explicit values', () => {
    const config = loadConfig({
      ...base,
      PORT: '9000',
      MEDIA_WORKERS: '3',
      MEDIA_ENABLE_UDP: 'false',
      RTC_MIN_PORT: '41000',
      RTC_MAX_PORT: '41010',
    });
    expect(config.http.port).toBe(9000);
    expect(config.media.workers).toBe(3);
    expect(config.media.enableUdp).toBe(false);
    expect(config.media.rtcMinPort).toBe(41000);
  });

  it('reads how often unwatched calls have their server stats read', () => {
    expect(loadConfig(base).monitoring.qualityUnwatchedIntervalMs).toBe(30_000);
    expect(
      loadConfig({ ...base, QUALITY_UNWATCHED_INTERVAL_MS: '60000' }).monitoring
        .qualityUnwatchedIntervalMs,
    ).toBe(60_000);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ ...base, PORT: '' }).http.port).toBe(8080);
  });

  it.each([
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['a negative port', { PORT: '-1' }, 'PORT'],
    ['a non-numeric worker count', { MEDIA_WORKERS: 'many' }, 'MEDIA_WORKERS'],
    ['an invalid listen IP', { MEDIA_LISTEN_IP: 'localhost' }, 'MEDIA_LISTEN_IP'],
    [
      'a port range smaller than the workers',
      { MEDIA_WORKERS: '4', RTC_MIN_PORT: '40000', RTC_MAX_PORT: '40001' },
      'RTC_MAX_PORT',
    ],
    [
      'both transports disabled',
      { MEDIA_ENABLE_UDP: 'false', MEDIA_ENABLE_TCP: 'false' },
      'MEDIA_ENABLE_TCP',
    ],
    [
      'all interfaces without an announced IP',
      { MEDIA_LISTEN_IP: '0.0.0.0' },
      'MEDIA_ANNOUNCED_IP',
    ],
    ['a boolean that is not one', { MEDIA_ENABLE_UDP: 'maybe' }, 'MEDIA_ENABLE_UDP'],
    [
      'an unwatched quality interval of zero',
      { QUALITY_UNWATCHED_INTERVAL_MS: '0' },
      'QUALITY_UNWATCHED_INTERVAL_MS',
    ],
    [
      'an unwatched quality interval that is not a number',
      { QUALITY_UNWATCHED_INTERVAL_MS: 'soon' },
      'QUALITY_UNWATCHED_INTERVAL_MS',
    ],
  ])('refuses %s, naming the variable', (_name, env, variable) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrow(new RegExp(variable));
  });

  it('shares Redis only with a URL of its own scheme, and only with a SERVER_SECRET', () => {
    const secret = 'a3f09c51d8e27b64f1c0e98d2a7b5c3e6f01d94b8a2c7e5f3b9d0a6c1e4f8b27';
    expect(loadConfig(base).cluster.redisUrl).toBeUndefined();
    const config = loadConfig({
      ...base,
      REDIS_URL: 'redis://:pw@redis.internal:6379/0',
      SERVER_SECRET: secret,
      NODE_ID: 'visio-1',
    });
    expect(config.cluster).toEqual({
      redisUrl: 'redis://:pw@redis.internal:6379/0',
      nodeId: 'visio-1',
    });
    expect(loadConfig(base).cluster.nodeId).toMatch(/^[A-Za-z0-9._-]+-[0-9a-f]{6}$/);
    // Every node must make the same codes: no secret of each node's own.
    expect(() => loadConfig({ ...base, REDIS_URL: 'redis://redis:6379' })).toThrow(/SERVER_SECRET/);
    expect(() =>
      loadConfig({ ...base, REDIS_URL: 'http://redis:6379', SERVER_SECRET: secret }),
    ).toThrow(/REDIS_URL/);
    expect(() => loadConfig({ ...base, NODE_ID: 'a b' })).toThrow(/NODE_ID/);
  });

  it('has no TURN relay unless TURN_URLS is set', () => {
    expect(loadConfig(base).relay).toBeUndefined();
  });

  it('reads the TURN relay: its URLs, secret and credential lifetime', () => {
    const relay = loadConfig({
      ...base,
      TURN_URLS:
        'turn:turn.example.org:3478?transport=udp, turn:turn.example.org:3478?transport=tcp,turns:turn.example.org:443?transport=tcp,turn:[2001:db8::1]:3478,turn:192.0.2.7',
      TURN_SECRET: TURN_SECRET,
    }).relay;
    expect(relay).toEqual({
      urls: [
        'turn:turn.example.org:3478?transport=udp',
        'turn:turn.example.org:3478?transport=tcp',
        'turns:turn.example.org:443?transport=tcp',
        'turn:[2001:db8::1]:3478',
        'turn:192.0.2.7',
      ],
      secret: TURN_SECRET,
      credentialTtlS: 600,
    });
    expect(
      loadConfig({ ...base, ...turn, TURN_CREDENTIAL_TTL_S: '3600' }).relay?.credentialTtlS,
    ).toBe(3600);
  });

  it.each([
    ['an http URL', 'https://turn.example.org'],
    ['a stun URL', 'stun:turn.example.org:3478'],
    ['a port out of range', 'turn:turn.example.org:70000'],
    ['port zero', 'turn:turn.example.org:0'],
    ['an unknown transport', 'turn:turn.example.org:3478?transport=sctp'],
    ['TURN over DTLS, which Chromium does not speak', 'turns:turn.example.org:443?transport=udp'],
    ['a host with a path', 'turn:turn.example.org/relay'],
    ['user info in the URL', 'turn:user:pass@turn.example.org'],
    ['a bad IPv6 literal', 'turn:[2001:db8::zz]:3478'],
    ['an empty host', 'turn::3478'],
  ])('refuses TURN_URLS with %s', (_name, url) => {
    expect(() => loadConfig({ ...base, ...turn, TURN_URLS: url })).toThrow(/TURN_URLS/);
  });

  it.each([
    ['TURN_URLS without TURN_SECRET', { TURN_SECRET: undefined }, 'TURN_SECRET'],
    ['a short TURN_SECRET', { TURN_SECRET: 'too-short-secret' }, 'TURN_SECRET'],
    [
      'a credential lifetime under a minute',
      { TURN_CREDENTIAL_TTL_S: '30' },
      'TURN_CREDENTIAL_TTL_S',
    ],
    [
      'a credential lifetime over a day',
      { TURN_CREDENTIAL_TTL_S: '90000' },
      'TURN_CREDENTIAL_TTL_S',
    ],
  ])('refuses %s', (_name, env, variable) => {
    expect(() => loadConfig({ ...base, ...turn, ...env })).toThrow(new RegExp(variable));
  });

  it('never shows TURN_SECRET in its errors', () => {
    const secret = 'x'.repeat(31);
    expect(() => loadConfig({ ...base, ...turn, TURN_SECRET: secret })).toThrow(ConfigError);
    try {
      loadConfig({ ...base, ...turn, TURN_SECRET: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });

  it('uses SQLite in DATA_DIR unless DATABASE_URL names a PostgreSQL database', () => {
    expect(loadConfig(base).data).toMatchObject({ databaseUrl: undefined, poolMax: 10 });
    for (const url of [
      'postgres://visio:s3cret@db.internal:5432/visio',
      'postgresql://visio@127.0.0.1/visio?sslmode=require',
    ]) {
      expect(
        loadConfig({ ...base, DATABASE_URL: url, DATABASE_POOL_MAX: '25' }).data,
      ).toMatchObject({ databaseUrl: url, poolMax: 25 });
    }
  });

  it.each([
    ['mysql://visio:pw@db/visio', 'DATABASE_URL'],
    ['db.internal:5432/visio', 'DATABASE_URL'],
    ['sqlite:///data/visio.sqlite', 'DATABASE_URL'],
    ['0', 'DATABASE_POOL_MAX'],
    ['many', 'DATABASE_POOL_MAX'],
  ])('refuses %s as %s', (value, variable) => {
    expect(() => loadConfig({ ...base, [variable]: value })).toThrow(new RegExp(variable));
  });

  it('never shows the database password: not in its errors, not in the URL it logs', () => {
    const url = 'mysql://visio:hunter2-secret@db/visio';
    expect(() => loadConfig({ ...base, DATABASE_URL: url })).toThrow(ConfigError);
    try {
      loadConfig({ ...base, DATABASE_URL: url });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
    expect(redactDatabaseUrl('postgres://visio:hunter2-secret@db:5432/visio')).toBe(
      'postgres://visio:***@db:5432/visio',
    );
    expect(redactDatabaseUrl('postgres://visio@db/visio?password=hunter2')).not.toContain(
      'hunter2',
    );
    expect(redactDatabaseUrl('not a url hunter2')).not.toContain('hunter2');
  });

  it('explains a missing worker binary', () => {
    expect(() => loadConfig({})).toThrow(/MEDIASOUP_WORKER_BIN/);
  });
});

describe('loadConfig in production (NODE_ENV=production)', () => {
  const SECRET = 'c3f1a0b29d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f21';
  const production = {
    ...base,
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://visio.example.org',
    SERVER_SECRET: SECRET,
  };

  it('starts with a public URL and a secret of its own', () => {
    expect(loadConfig(production).auth.serverSecret).toBe(SECRET);
  });

  it.each([
    ['without PUBLIC_URL', { PUBLIC_URL: undefined }, 'PUBLIC_URL'],
    ['without SERVER_SECRET', { SERVER_SECRET: undefined }, 'SERVER_SECRET'],
    ['with a secret that is not 64 hex digits', { SERVER_SECRET: 'changeme' }, 'SERVER_SECRET'],
    ['with an all-zero secret', { SERVER_SECRET: '0'.repeat(64) }, 'SERVER_SECRET'],
    [
      'with a repeated-pattern secret',
      { SERVER_SECRET: '0123456789abcdef'.repeat(4) },
      'SERVER_SECRET',
    ],
    ['with insecure cookies on https', { COOKIE_SECURE: 'false' }, 'COOKIE_SECURE'],
  ])('refuses to start %s', (_name, env, variable) => {
    const config = { ...production, ...env };
    expect(() => loadConfig(config)).toThrow(ConfigError);
    expect(() => loadConfig(config)).toThrow(new RegExp(variable));
  });

  it('does not seed demo accounts unless DEMO_SEED=true says so', () => {
    expect(loadConfig(production).demoSeed).toBe(false);
    expect(loadConfig({ ...production, DEMO_SEED: 'true' }).demoSeed).toBe(true);
    // Development and tests keep their zero-configuration demo data.
    expect(loadConfig(base).demoSeed).toBe(true);
  });

  it('makes cookies Secure when PUBLIC_URL is https', () => {
    expect(loadConfig(production).auth.cookieSecure).toBe(true);
    expect(loadConfig({ ...production, PUBLIC_URL: 'http://visio.lan' }).auth.cookieSecure).toBe(
      false,
    );
    expect(loadConfig(base).auth.cookieSecure).toBe(false);
  });

  it('believes X-Forwarded-For from the configured proxy hops only (none by default)', () => {
    expect(loadConfig(production).http.trustProxyHops).toBe(0);
    expect(loadConfig({ ...production, TRUST_PROXY_HOPS: '1' }).http.trustProxyHops).toBe(1);
    expect(() => loadConfig({ ...production, TRUST_PROXY_HOPS: 'loopback' })).toThrow(
      /TRUST_PROXY_HOPS/,
    );
  });

  it('accepts socket handshakes from the public origin only, loopback ones in development too', () => {
    expect(loadConfig(production).signalling.origins).toEqual({
      exact: ['https://visio.example.org'],
      anyLoopback: false,
    });
    expect(loadConfig(base).signalling.origins).toEqual({ exact: [], anyLoopback: true });
  });

  it('serves /metrics with its token or on an internal port, never openly', () => {
    expect(loadConfig(production).monitoring.metricsListen).toBe('off');
    expect(
      loadConfig({ ...production, METRICS_TOKEN: 'scrape-token-0123456789' }).monitoring
        .metricsListen,
    ).toBe('public');
    expect(loadConfig({ ...production, METRICS_PORT: '9100' }).monitoring.metricsListen).toEqual({
      host: '127.0.0.1',
      port: 9100,
    });
    expect(loadConfig(base).monitoring.metricsListen).toBe('public');
  });
});
