import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

/**
 * A small TCP load balancer for tests of several server nodes, as Caddy or HAProxy in front of
 * them: each connection (HTTP or WebSocket alike) goes to one backend, the `prefer`red one while
 * it answers, else the next that accepts the connection. A backend that refuses (a killed node)
 * is skipped, so clients that reconnect after a node dies land on a survivor.
 */
export class LoadBalancer {
  /** The backend new connections go to first (index into `backends`). */
  prefer = 0;
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    readonly host: string,
    readonly port: number,
    private readonly backends: readonly Backend[],
  ) {}

  static async start(host: string, backends: readonly Backend[]): Promise<LoadBalancer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as net.AddressInfo;
    const lb = new LoadBalancer(server, host, port, backends);
    server.on('connection', (client) => lb.accept(client));
    return lb;
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    client.pause();
    const order = this.backends.map((_, i) => (this.prefer + i) % this.backends.length);
    const tryNext = (): void => {
      const index = order.shift();
      if (index === undefined) {
        client.destroy();
        return;
      }
      const { host, port } = this.backends[index]!;
      const upstream = net.connect({ host, port });
      // Refused (a node that is down): the next backend.
      upstream.once('error', tryNext);
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        this.track(upstream);
        const cut = () => {
          client.destroy();
          upstream.destroy();
        };
        upstream.on('error', cut);
        client.on('error', cut);
        upstream.on('close', cut);
        client.on('close', cut);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryNext();
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
