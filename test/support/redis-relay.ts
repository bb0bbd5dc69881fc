import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './processes';

/**
 * A TCP relay to the test Redis standing in for one node, which a test can silence (the
 * connections stay open and nothing reaches Redis, as a node that hangs), cut (every
 * connection closed, as a node that is gone) or make lose answers (Redis does the work, the
 * client never hears of it). Never touches the shared Redis itself.
 */
export class RedisRelay {
  private server?: Server;
  private readonly links = new Set<{ client: Socket; upstream: Socket }>();
  private silent = false;
  private holdMarker?: string;
  private readonly holding = new Set<{ client: Socket; upstream: Socket }>();

  private constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  /** A relay to the test Redis (REDIS_URL as the suite was started with). */
  static async open(): Promise<RedisRelay> {
    const target = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const relay = new RedisRelay(await freePort(), target);
    await relay.listen();
    return relay;
  }

  /** REDIS_URL for an app that goes through the relay (the target's password kept). */
  get url(): string {
    const url = new URL(this.target);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** What clients send from now on waits in the relay; nothing is answered. */
  silence(): void {
    if (this.silent) return;
    this.silent = true;
    for (const { client, upstream } of this.links) {
      client.unpipe(upstream);
      client.pause();
    }
  }

  /** What waited is passed on, and everything after it. */
  resume(): void {
    if (!this.silent) return;
    this.silent = false;
    for (const { client, upstream } of this.links) client.pipe(upstream);
  }

  /**
   * From the first command that carries `marker` on a connection, Redis's answers on that
   * connection wait in the relay: the command is done, its client times out.
   */
  holdRepliesAfter(marker: string): void {
    this.holdMarker = marker;
  }

  /** The answers that waited are passed on, and everything after them. */
  releaseReplies(): void {
    this.holdMarker = undefined;
    for (const { client, upstream } of this.holding) upstream.pipe(client);
    this.holding.clear();
  }

  /** Closes every connection and stops listening. */
  cut(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server = undefined;
      for (const { client, upstream } of this.links) {
        client.destroy();
        upstream.destroy();
      }
      this.links.clear();
    });
  }

  /** Listens (again) on its port, as a node that came back; a no-op while listening. */
  listen(): Promise<void> {
    return new Promise((resolve) => {
      if (this.server) return resolve();
      this.server = createServer((client) => {
        const upstream = createConnection(Number(this.target.port || 6379), this.target.hostname);
        const link = { client, upstream };
        this.links.add(link);
        upstream.pipe(client);
        if (this.silent) client.pause();
        else client.pipe(upstream);
        client.on('data', (chunk: Buffer) => {
          if (!this.holdMarker || this.holding.has(link) || !chunk.includes(this.holdMarker))
            return;
          upstream.unpipe(client);
          upstream.pause();
          this.holding.add(link);
        });
        const drop = (): void => {
          this.links.delete(link);
          this.holding.delete(link);
          client.destroy();
          upstream.destroy();
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }
}
