import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkNamespace } from '../support/NetworkNamespace';

const run = promisify(execFile);

/** From inside the namespace: does a TCP connection to host:port open within 1.5 s? */
async function reaches(ns: NetworkNamespace, host: string, port: number): Promise<boolean> {
  const script = `
    const socket = require('node:net').connect(${port}, '${host}');
    socket.setTimeout(1500, () => process.exit(2));
    socket.on('connect', () => process.exit(0));
    socket.on('error', () => process.exit(3));`;
  return ns.exec(process.execPath, ['-e', script]).then(
    () => true,
    () => false,
  );
}

// The instrument of the network fault: the namespace reaches the host's end of its pair, a cut
// really drops its packets, and nothing is left behind.
describe('a network namespace for a browser under test', () => {
  let ns: NetworkNamespace;
  let server: net.Server;
  let port: number;
  beforeAll(async () => {
    ns = await NetworkNamespace.create();
    server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, ns.hostAddress, resolve));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    server?.close();
    await ns?.destroy();
  });

  it('reaches the host through the pair, nothing while cut, and again once restored', async () => {
    expect(ns.hostAddress).toMatch(/^198\.1[89]\./);
    expect(await reaches(ns, ns.hostAddress, port)).toBe(true);
    await ns.cut();
    expect(await reaches(ns, ns.hostAddress, port)).toBe(false);
    await ns.restore();
    expect(await reaches(ns, ns.hostAddress, port)).toBe(true);
  });

  it('has no route anywhere else', async () => {
    const { stdout } = await ns.exec('ip', ['-4', 'route', 'show']);
    expect(stdout.trim().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^198\\.\\S+/30 dev ${ns.namespaceInterface} `)),
    ]);
  });

  it('leaves neither namespace nor interface behind', async () => {
    const other = await NetworkNamespace.create();
    await other.destroy();
    const [namespaces, links] = await Promise.all([
      run('ip', ['netns', 'list']),
      run('ip', ['-o', 'link', 'show']),
    ]);
    expect(namespaces.stdout).not.toContain(other.name);
    expect(links.stdout).not.toContain(other.hostInterface);
  });
});
