import { Injectable } from '@nestjs/common';
import { NotFoundError, RedisService } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { RedisScript } from '../common/redis-script';
import { Block, BlockKind, BlockSubject } from './block';

/** KEYS: records, active. ARGV: id, record json, ttl ms, only-if-absent (1/0). */
const CREATE = new RedisScript<number>(`
if ARGV[4] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1`);

/** KEYS: records, active. ARGV: id. The active key goes only if it is this block's. */
const DELETE = new RedisScript<number>(`
local record = redis.call('HGET', KEYS[1], ARGV[1])
if not record then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
local active = redis.call('GET', KEYS[2])
if active and cjson.decode(active).id == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1`);

export interface NewBlock {
  kind: BlockKind;
  value: string;
  reason: string;
  ttlSeconds: number;
  createdBy: string;
}

/**
 * Blocks by client address, user or session, each ending with its TTL. All keys share the
 * `{blocks}` hash tag, so a request's checks are one MGET (one slot on a cluster).
 */
@Injectable()
export class BlocksService {
  constructor(private readonly redis: RedisService) {}

  /** Creates a block; with `onlyIfAbsent`, nothing happens when one is already active. */
  async create(input: NewBlock, onlyIfAbsent = false): Promise<Block | undefined> {
    const now = Date.now();
    const block: Block = {
      id: randomUUID(),
      kind: input.kind,
      value: normalise(input.kind, input.value),
      reason: input.reason,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + input.ttlSeconds * 1000).toISOString(),
      createdBy: input.createdBy,
    };
    const created = await CREATE.run(
      this.redis.client,
      [this.recordsKey(), this.activeKey(block.kind, block.value)],
      [block.id, JSON.stringify(block), input.ttlSeconds * 1000, onlyIfAbsent ? '1' : '0'],
    );
    return created === 1 ? block : undefined;
  }

  async list(): Promise<Block[]> {
    const now = new Date().toISOString();
    const blocks = (await this.redis.client.hvals(this.recordsKey())).map(
      (v) => JSON.parse(v) as Block,
    );
    const ended = blocks.filter((b) => b.expiresAt <= now).map((b) => b.id);
    if (ended.length > 0) await this.redis.client.hdel(this.recordsKey(), ...ended);
    return blocks
      .filter((b) => b.expiresAt > now)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(id: string): Promise<void> {
    const record = await this.redis.client.hget(this.recordsKey(), id);
    if (!record) throw new NotFoundError('Block', 'block-not-found');
    const block = JSON.parse(record) as Block;
    await DELETE.run(
      this.redis.client,
      [this.recordsKey(), this.activeKey(block.kind, block.value)],
      [id],
    );
  }

  /** The block in force for any of the subject's parts, if one is. One MGET. */
  async find(subject: BlockSubject): Promise<Block | undefined> {
    const keys: string[] = [];
    if (subject.ip) keys.push(this.activeKey('ip', normalise('ip', subject.ip)));
    if (subject.userId) keys.push(this.activeKey('user', subject.userId));
    if (subject.sessionId) keys.push(this.activeKey('session', subject.sessionId));
    if (keys.length === 0) return undefined;
    const found = (await this.redis.client.mget(...keys)).find((v) => v !== null);
    return found ? (JSON.parse(found) as Block) : undefined;
  }

  private recordsKey(): string {
    return this.redis.key(this.redis.hashTag('blocks'), 'records');
  }

  private activeKey(kind: BlockKind, value: string): string {
    return this.redis.key(this.redis.hashTag('blocks'), 'active', kind, value);
  }
}

/** IPv4-mapped IPv6 addresses match their IPv4 form; IPv6 is compared in lower case. */
export function normalise(kind: BlockKind, value: string): string {
  if (kind !== 'ip') return value;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  const address = mapped ? mapped[1] : value;
  return isIP(address) === 6 ? address.toLowerCase() : address;
}
