import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@visio/server';

const base = { MEDIASOUP_WORKER_BIN: '/opt/worker' };

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

  it('explains a missing worker binary', () => {
    expect(() => loadConfig({})).toThrow(/MEDIASOUP_WORKER_BIN/);
  });
});
