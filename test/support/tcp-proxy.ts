import type { AddressInfo, Server, Socket } from 'node:net';
import { connect, createServer } from 'node:net';

/**
 * A TCP proxy in front of one upstream address, for tests that take a service away from a client
 * without touching the shared service: `stall` keeps connections open but forwards nothing (a
 * slow or partitioned broker), `cut` drops every connection and refuses new ones (a broker down),
 * `restore` forwards again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private stalled = false;
  port = 0;

  constructor(private readonly upstream: { host: string; port: number }) {}

  async start(port = 0): Promise<this> {
    const server = createServer((client) => {
      this.track(client);
      const upstream = connect(this.upstream.port, this.upstream.host);
      this.track(upstream);
      const pipe = () => {
        if (this.stalled) return;
        client.pipe(upstream);
        upstream.pipe(client);
      };
      if (this.stalled) {
        // Hold the connection: bytes wait until the proxy is cut (a stalled link never recovers by itself).
        client.pause();
      } else {
        pipe();
      }
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** Keeps every connection but forwards nothing more in either direction. */
  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  /** Drops every connection and stops listening: clients get connection refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server)
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
  }

  /** Listens again on the same port and forwards. */
  async restore(): Promise<void> {
    await this.cut();
    this.stalled = false;
    await this.start(this.port);
  }

  async stop(): Promise<void> {
    await this.cut();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
    });
  }
}
