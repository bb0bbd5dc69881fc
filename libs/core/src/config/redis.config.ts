import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { defineConfig } from './define-config';

class RedisEnv {
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL: string = 'redis://127.0.0.1:6379';
  /** host:port,host:port — when set, every part of the system uses Redis Cluster. */
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @Matches(/^[^:\s]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  REDIS_CLUSTER_NODES?: string[];
  @IsString() @Matches(/^[a-z0-9:_-]*$/i) REDIS_KEY_PREFIX: string = 'techsapo';
  /** Password of every node (cluster nodes, or overriding the one in REDIS_URL). */
  @IsOptional() @IsString() REDIS_PASSWORD?: string;
  /**
   * How long a command may retry a failing cluster (CLUSTERDOWN, TRYAGAIN, MOVED to a lost node)
   * or wait for an answer before the request fails with 503 and Retry-After.
   */
  @IsInt() @Min(500) @Max(60000) REDIS_DEADLINE_MS: number = 3000;
  /**
   * How long one command of a request may wait for Redis' answer (a node that is connected but
   * silent) before the request fails with 503 storage-unavailable and Retry-After. At most
   * REDIS_DEADLINE_MS. A worker's job, which no request waits on, waits out a failover instead:
   * its commands are bounded at twice REDIS_DEADLINE_MS.
   */
  @IsInt() @Min(50) @Max(60000) REDIS_COMMAND_TIMEOUT_MS: number = 1000;
  /** How long a write that must reach a replica (WAIT 1) waits for its acknowledgement. */
  @IsInt() @Min(50) @Max(30000) REDIS_REPLICA_ACK_TIMEOUT_MS: number = 1000;
}

export interface RedisConfig {
  url: string;
  clusterNodes: { host: string; port: number }[];
  keyPrefix: string;
  password?: string;
  deadlineMs: number;
  commandTimeoutMs: number;
  replicaAckTimeoutMs: number;
}

export const redisConfig = defineConfig('redis', RedisEnv, (e): RedisConfig => ({
  url: e.REDIS_URL,
  clusterNodes: (e.REDIS_CLUSTER_NODES ?? []).map((n) => {
    const i = n.lastIndexOf(':');
    return { host: n.slice(0, i), port: Number(n.slice(i + 1)) };
  }),
  keyPrefix: e.REDIS_KEY_PREFIX,
  password: e.REDIS_PASSWORD || undefined,
  deadlineMs: e.REDIS_DEADLINE_MS,
  commandTimeoutMs: Math.min(e.REDIS_COMMAND_TIMEOUT_MS, e.REDIS_DEADLINE_MS),
  // The acknowledgement is one command: it must end within the deadline of every command.
  replicaAckTimeoutMs: Math.min(
    e.REDIS_REPLICA_ACK_TIMEOUT_MS,
    Math.floor(e.REDIS_DEADLINE_MS / 2),
  ),
}));
