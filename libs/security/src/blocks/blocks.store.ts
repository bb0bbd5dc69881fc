import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';
import { CoalescedMget } from '../common/coalesced-mget';
import { RedisScript } from '../common/redis-script';
import { Block, BlockKind } from './block';

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

/** What a block applies to: its kind and the (normalised) value. */
export interface BlockTarget {
  kind: BlockKind;
  value: string;
}

/**
 * Blocks in Redis: a hash of every record, and one key per blocked target holding the block
 * in force, expiring with it. All keys share the `{blocks}` hash tag, so the checks asked in
 * one turn — a request's address block (rate limiter) and its user and session blocks
 * (authentication), and those of concurrent requests — are one MGET (one slot on a cluster).
 */
@Injectable()
export class BlocksStore {
  private readonly active = new CoalescedMget(() => this.redis.client);

  constructor(private readonly redis: RedisService) {}

  /** Writes the record and puts it in force; with `onlyIfAbsent`, false when one already is. */
  async insert(block: Block, ttlMs: number, onlyIfAbsent: boolean): Promise<boolean> {
    const created = await CREATE.run(
      this.redis.client,
      [this.recordsKey(), this.activeKey(block)],
      [block.id, JSON.stringify(block), ttlMs, onlyIfAbsent ? '1' : '0'],
    );
    return created === 1;
  }

  /** Every record, ended ones included. */
  async all(): Promise<Block[]> {
    return (await this.redis.client.hvals(this.recordsKey())).map((v) => JSON.parse(v) as Block);
  }

  /** Forgets records (of blocks that have ended). */
  async forget(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.client.hdel(this.recordsKey(), ...ids);
  }

  async get(id: string): Promise<Block | undefined> {
    const record = await this.redis.client.hget(this.recordsKey(), id);
    return record ? (JSON.parse(record) as Block) : undefined;
  }

  /** Removes the record, and the block in force for its target if it is this one. */
  async remove(block: Block): Promise<void> {
    await DELETE.run(this.redis.client, [this.recordsKey(), this.activeKey(block)], [block.id]);
  }

  /** The first block in force among the targets, in their order, read in this turn's MGET. */
  async inForce(targets: BlockTarget[]): Promise<Block | undefined> {
    if (targets.length === 0) return undefined;
    const found = (await this.active.get(targets.map((t) => this.activeKey(t)))).find(
      (v) => v !== null,
    );
    return found ? (JSON.parse(found) as Block) : undefined;
  }

  private recordsKey(): string {
    return this.redis.key(this.redis.hashTag('blocks'), 'records');
  }

  private activeKey(target: BlockTarget): string {
    return this.redis.key(this.redis.hashTag('blocks'), 'active', target.kind, target.value);
  }
}
