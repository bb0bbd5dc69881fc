import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { RedisOptions } from 'ioredis';
import { redisConfig } from '../config/redis.config';
import { createRedisConnection, RedisConnection } from './redis-connection.factory';

/**
 * Owns every Redis connection of the process. `client` serves ordinary commands; blocking
 * readers and subscribers ask for their own with `createConnection`. Keys are built with
 * `key()`; parts that must share a cluster slot go through `hashTag()`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections = new Set<RedisConnection>();
  readonly client: RedisConnection;

  constructor(
    @Inject(redisConfig.factory.KEY)
    private readonly config: ConfigType<typeof redisConfig.factory>,
  ) {
    this.client = this.createConnection('commands');
  }

  get isCluster(): boolean {
    return this.config.clusterNodes.length > 0;
  }

  createConnection(purpose: string, options: RedisOptions = {}): RedisConnection {
    const connection = createRedisConnection(this.config, {
      connectionName: `techsapo:${purpose}`,
      ...options,
    });
    connection.on('error', (error: Error) =>
      this.logger.warn(`redis (${purpose}): ${error.message}`),
    );
    this.connections.add(connection);
    connection.once('end', () => this.connections.delete(connection));
    return connection;
  }

  key(...parts: (string | number)[]): string {
    return [this.config.keyPrefix, ...parts].join(':');
  }

  hashTag(value: string): string {
    return `{${value}}`;
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()) === 'PONG';
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      [...this.connections].map((c) =>
        c.status === 'end' ? undefined : c.quit().catch(() => c.disconnect()),
      ),
    );
  }
}
