import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../server/src/media';
import { cappedSocketBuffers } from '../../../server/src/media/socketBuffers';
import { silentLogger, startWorkerPool } from '../../support/workerPool';

// SIGTERM means "drain" for the server (main.ts): calls go on until they end. mediasoup 3.27
// workers close themselves on the process's SIGINT/SIGTERM unless the pool takes their
// listeners off; the drain fault test (test/faults/serverSigtermDrain) shows the whole path.
describe('WorkerPool and the process signals', () => {
  it('leaves SIGINT and SIGTERM to the server: its workers listen to neither', async () => {
    const before = {
      SIGINT: process.listeners('SIGINT'),
      SIGTERM: process.listeners('SIGTERM'),
    };
    const pool = await startWorkerPool();
    try {
      expect((await pool.usage()).length).toBe(1);
      expect(process.listeners('SIGINT')).toEqual(before.SIGINT);
      expect(process.listeners('SIGTERM')).toEqual(before.SIGTERM);
    } finally {
      pool.close();
    }
  });
});

/** A UDP port free on loopback right now. */
async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** The receive buffer (`skmem` rb, bytes) of the UDP socket bound to `port`, as `ss` reads it. */
function receiveBuffer(port: number): number {
  const out = execFileSync('ss', ['-u', '-a', '-n', '-m', `sport = :${port}`], {
    encoding: 'utf8',
  });
  const match = /skmem:\(r\d+,rb(\d+)/.exec(out);
  if (!match) throw new Error(`no UDP socket on port ${port}:\n${out}`);
  return Number(match[1]);
}

// bench/sfu-capacity: with the system's default buffer, the one socket of a WebRtcServer dropped
// packets (RcvbufErrors) from 60 calls a core; the server asks for larger ones.
describe('WorkerPool with a WebRtcServer', () => {
  const poolOn = (port: number, bufferBytes: number, logger = silentLogger) =>
    WorkerPool.create(
      {
        workers: 1,
        rtcMinPort: 40000,
        rtcMaxPort: 49999,
        webRtcServerPort: port,
        webRtcServerBufferBytes: bufferBytes,
        listenIp: '127.0.0.1',
        announcedIp: undefined,
        logLevel: 'warn',
      },
      logger,
    );

  it('gives its UDP socket the buffers asked for, as far as the kernel allows', async () => {
    const rmemMax = Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const rmemDefault = Number(fs.readFileSync('/proc/sys/net/core/rmem_default', 'utf8'));
    const wanted = 1024 * 1024;
    const port = await freeUdpPort();
    const pool = await poolOn(port, wanted);
    try {
      // Linux doubles what SO_RCVBUF asks for (bookkeeping), after capping it at rmem_max.
      expect(receiveBuffer(port)).toBe(2 * Math.min(wanted, rmemMax));
    } finally {
      pool.close();
    }
    const defaultPort = await freeUdpPort();
    const plain = await poolOn(defaultPort, 0);
    try {
      expect(receiveBuffer(defaultPort)).toBe(rmemDefault);
    } finally {
      plain.close();
    }
  });

  it('warns when the kernel would cap them', async () => {
    const rmemMax = Number(fs.readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const port = await freeUdpPort();
    const pool = await poolOn(port, rmemMax + 1, logger);
    pool.close();
    const warning = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warning).toContainEqual(
      expect.objectContaining({
        wantedBytes: rmemMax + 1,
        capped: expect.arrayContaining([{ sysctl: 'net.core.rmem_max', bytes: rmemMax }]),
      }),
    );
  });
});

describe('cappedSocketBuffers', () => {
  const limits = (rmem: string, wmem: string) => (file: string) => {
    if (file === '/proc/sys/net/core/rmem_max') return `${rmem}\n`;
    if (file === '/proc/sys/net/core/wmem_max') return `${wmem}\n`;
    throw new Error(`unexpected ${file}`);
  };

  it('names each limit below the buffers wanted', () => {
    expect(cappedSocketBuffers(4_000_000, limits('212992', '8388608'))).toEqual([
      { sysctl: 'net.core.rmem_max', bytes: 212992 },
    ]);
    expect(cappedSocketBuffers(4_000_000, limits('8388608', '8388608'))).toEqual([]);
  });

  it('says nothing where the limits cannot be read', () => {
    expect(
      cappedSocketBuffers(4_000_000, () => {
        throw new Error('ENOENT');
      }),
    ).toEqual([]);
  });
});
