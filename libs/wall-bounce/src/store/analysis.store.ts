import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { EncryptionService, RetentionRegistry } from '@techsapo/audit';
import { ProblemDocument, RedisService, ValidationFailedError } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import type { AnalysisMode, AnalysisResult, AnalysisStatus } from '../analysis/analysis.types';
import { analysesConfig } from '../config/analyses.config';
import type { AnalysisRecord, StoredRequest } from './analysis-record';

export const MAX_ANALYSES_PAGE = 100;
export const DEFAULT_ANALYSES_PAGE = 20;
/** A list request reads at most this many index entries before it answers with a cursor. */
const MAX_SCANNED = 2000;
const CURSOR = /^(\d{1,15}):([0-9a-f-]{36})$/;

export interface ListQuery {
  /** Only this owner's analyses; absent = every owner's (administrators). */
  ownerId?: string;
  status?: AnalysisStatus;
  limit?: number;
  cursor?: string;
}

export interface ListPage {
  items: AnalysisRecord[];
  nextCursor: string | null;
}

/** Fields of the record hash. Content, result and error exist only as encrypted envelopes. */
type Field =
  | 'ownerId'
  | 'status'
  | 'mode'
  | 'createdAt'
  | 'startedAt'
  | 'completedAt'
  | 'cached'
  | 'attempts'
  | 'request'
  | 'result'
  | 'error';

/**
 * The analyses in Redis. Per analysis, one hash `<p>:analysis:{<id>}` (status, times, attempts,
 * and the encrypted request, result and error) and its event log `<p>:analysis:{<id>}:events` share a
 * hash tag, so scripts may touch both on a cluster. Indexes (newest first, for lists) are
 * sorted sets per owner `<p>:analyses:owner:{<ownerId>}` and one for administrators
 * `<p>:analyses:all`; the cache maps `<p>:analyses:cache:{<ownerId>}:<keyed fingerprint>` to an
 * analysis id. Everything expires after the retention period.
 */
@Injectable()
export class AnalysisStore implements OnModuleInit {
  constructor(
    private readonly redis: RedisService,
    private readonly encryption: EncryptionService,
    private readonly retention: RetentionRegistry,
    @Inject(analysesConfig.factory.KEY)
    private readonly config: ConfigType<typeof analysesConfig.factory>,
  ) {}

  onModuleInit(): void {
    this.retention.register('analyses', (cutoff) => this.purgeIndexes(cutoff));
  }

  recordKey(id: string): string {
    return this.redis.key('analysis', this.redis.hashTag(id));
  }

  eventsKey(id: string): string {
    return this.redis.key('analysis', this.redis.hashTag(id), 'events');
  }

  ownerIndexKey(ownerId: string): string {
    return this.redis.key('analyses', 'owner', this.redis.hashTag(ownerId));
  }

  allIndexKey(): string {
    return this.redis.key('analyses', 'all');
  }

  get retentionSeconds(): number {
    return this.config.retentionSeconds;
  }

  async create(input: {
    ownerId: string;
    mode: AnalysisMode;
    request: StoredRequest;
    /** A finished result to reuse (cache hit): the record is created completed. */
    result?: AnalysisResult;
  }): Promise<AnalysisRecord> {
    const id = randomUUID();
    const now = new Date();
    const createdAt = now.toISOString();
    const record: AnalysisRecord = {
      id,
      ownerId: input.ownerId,
      status: input.result ? 'completed' : 'queued',
      mode: input.mode,
      createdAt,
      cached: !!input.result,
    };
    const fields: Record<string, string> = {
      ownerId: record.ownerId,
      status: record.status,
      mode: record.mode,
      createdAt,
      cached: record.cached ? '1' : '0',
      request: this.seal(id, 'request', input.request),
    };
    if (input.result) {
      record.startedAt = record.completedAt = createdAt;
      record.result = input.result;
      fields.startedAt = fields.completedAt = createdAt;
      fields.result = this.seal(id, 'result', input.result);
    }
    const key = this.recordKey(id);
    // One round trip: sent together, each key's commands run in the order written.
    await Promise.all([
      this.redis.client.hset(key, fields),
      this.redis.client.expire(key, this.config.retentionSeconds),
      ...this.index(this.ownerIndexKey(input.ownerId), now.getTime(), id),
      ...this.index(this.allIndexKey(), now.getTime(), id),
    ]);
    return record;
  }

  async get(id: string): Promise<AnalysisRecord | undefined> {
    const values = await this.read(id);
    return values ? this.decode(id, values) : undefined;
  }

  /** The record with its decrypted request, for the worker (one read). */
  async withRequest(
    id: string,
  ): Promise<{ record: AnalysisRecord; request: StoredRequest } | undefined> {
    const values = await this.read(id);
    if (!values?.request) return undefined;
    return {
      record: this.decode(id, values),
      request: this.open<StoredRequest>(id, 'request', values.request),
    };
  }

  /**
   * Moves a queued analysis (or a running one whose worker stopped) to running and counts the
   * attempt: resolves with its number (1 for the first run), or 0 when it is gone or final.
   */
  async markRunning(id: string): Promise<number> {
    const startedAt = new Date().toISOString();
    // redis-slot: one key.
    return (await this.redis.client.eval(
      `local s = redis.call('HGET', KEYS[1], 'status')
       if s == 'queued' or s == 'running' then
         redis.call('HSET', KEYS[1], 'status', 'running', 'startedAt', ARGV[1])
         return redis.call('HINCRBY', KEYS[1], 'attempts', 1)
       end
       return 0`,
      1,
      this.recordKey(id),
      startedAt,
    )) as number;
  }

  /** Stores the outcome unless the analysis was cancelled or erased meanwhile. */
  async finish(
    id: string,
    outcome: { result: AnalysisResult } | { error: ProblemDocument },
  ): Promise<boolean> {
    const completedAt = new Date().toISOString();
    const [status, field, envelope] =
      'result' in outcome
        ? ['completed', 'result', this.seal(id, 'result', outcome.result)]
        : ['failed', 'error', this.seal(id, 'error', outcome.error)];
    // redis-slot: one key.
    const changed = (await this.redis.client.eval(
      `local s = redis.call('HGET', KEYS[1], 'status')
       if s == 'queued' or s == 'running' then
         redis.call('HSET', KEYS[1], 'status', ARGV[1], 'completedAt', ARGV[2], ARGV[3], ARGV[4])
         return 1
       end
       return 0`,
      1,
      this.recordKey(id),
      status,
      completedAt,
      field,
      envelope,
    )) as number;
    return changed === 1;
  }

  /**
   * DELETE: the record and its events are erased; a tombstone (status cancelled, nothing else)
   * stays until the retention ends so that a worker still running it stops and stores nothing.
   */
  async erase(id: string, ownerId: string): Promise<void> {
    const key = this.recordKey(id);
    const client = this.redis.client;
    // redis-slot: record and events share the analysis' hash tag.
    await client.eval(
      `redis.call('DEL', KEYS[1], KEYS[2])
       redis.call('HSET', KEYS[1], 'status', 'cancelled', 'erased', '1')
       redis.call('EXPIRE', KEYS[1], ARGV[1])
       return 1`,
      2,
      key,
      this.eventsKey(id),
      this.config.retentionSeconds,
    );
    await Promise.all([
      client.zrem(this.ownerIndexKey(ownerId), id),
      client.zrem(this.allIndexKey(), id),
    ]);
  }

  /** Newest first. The cursor is `<createdAt ms>:<id>` of the last item, base64url. */
  async list(query: ListQuery): Promise<ListPage> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_ANALYSES_PAGE, 1), MAX_ANALYSES_PAGE);
    const index = query.ownerId ? this.ownerIndexKey(query.ownerId) : this.allIndexKey();
    let after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const items: AnalysisRecord[] = [];
    const gone: string[] = [];
    let scanned = 0;
    const batch = Math.min(MAX_ANALYSES_PAGE, limit * 2 + 10);
    for (;;) {
      const max = after ? String(after.score) : '+inf';
      const raw = await this.redis.client.zrevrangebyscore(
        index,
        max,
        '-inf',
        'WITHSCORES',
        'LIMIT',
        0,
        batch + (after ? MAX_ANALYSES_PAGE : 0),
      );
      const page: { id: string; score: number }[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const entry = { id: raw[i], score: Number(raw[i + 1]) };
        // Same millisecond: members come in descending order; skip what the cursor passed.
        if (after && entry.score === after.score && entry.id >= after.id) continue;
        page.push(entry);
        if (page.length === batch) break;
      }
      const records = await Promise.all(page.map((e) => this.get(e.id)));
      for (let i = 0; i < page.length; i += 1) {
        scanned += 1;
        const record = records[i];
        if (!record) gone.push(page[i].id);
        else if (!query.status || record.status === query.status) items.push(record);
        if (items.length === limit || scanned >= MAX_SCANNED) {
          await this.forget(index, gone);
          return { items, nextCursor: encodeCursor(page[i].score, page[i].id) };
        }
      }
      await this.forget(index, gone);
      gone.length = 0;
      if (page.length < batch) return { items, nextCursor: null };
      const last = page[page.length - 1];
      after = { score: last.score, id: last.id };
    }
  }

  /** Cache entries are per owner: the key carries the owner, never only the request hash. */
  cacheKey(ownerId: string, request: StoredRequest): string {
    const canonical = JSON.stringify([
      request.content,
      request.mode,
      request.providers ? [...request.providers].sort() : null,
      request.taskType ?? null,
      request.language ?? null,
      request.aggregator ?? null,
      request.task ?? null,
      request.gates ?? null,
      request.answerFormat ?? null,
    ]);
    const fingerprint = this.encryption.fingerprint(canonical, 'analysis-cache');
    return this.redis.key('analyses', 'cache', this.redis.hashTag(ownerId), fingerprint);
  }

  async cachedId(cacheKey: string): Promise<string | undefined> {
    if (this.config.cacheTtlSeconds === 0) return undefined;
    return (await this.redis.client.get(cacheKey)) ?? undefined;
  }

  async remember(cacheKey: string, id: string): Promise<void> {
    if (this.config.cacheTtlSeconds === 0) return;
    await this.redis.client.set(cacheKey, id, 'EX', this.config.cacheTtlSeconds);
  }

  private index(key: string, score: number, id: string): Promise<unknown>[] {
    return [
      this.redis.client.zadd(key, score, id),
      this.redis.client.expire(key, this.config.retentionSeconds),
    ];
  }

  /** The record hash's fields, or undefined when there is no record. */
  private async read(id: string): Promise<Partial<Record<Field, string>> | undefined> {
    const values: Partial<Record<Field, string>> = await this.redis.client.hgetall(
      this.recordKey(id),
    );
    return values.ownerId ? values : undefined;
  }

  private async forget(index: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.client.zrem(index, ...ids);
  }

  /** Retention: index entries older than the period (the records expire by themselves). */
  private async purgeIndexes(cutoff: Date): Promise<number> {
    const ours = Date.now() - this.config.retentionSeconds * 1000;
    const max = String(Math.max(cutoff.getTime(), ours));
    let removed = 0;
    for await (const keys of this.redis.scan(this.redis.key('analyses', '*'))) {
      for (const key of keys) {
        if (key.includes(':analyses:cache:')) continue;
        removed += await this.redis.client.zremrangebyscore(key, '-inf', max);
      }
    }
    return removed;
  }

  private seal(id: string, field: 'request' | 'result' | 'error', value: unknown): string {
    return this.encryption.encrypt(JSON.stringify(value), `analysis:${id}:${field}`);
  }

  private open<T>(id: string, field: 'request' | 'result' | 'error', envelope: string): T {
    return JSON.parse(this.encryption.decryptText(envelope, `analysis:${id}:${field}`)) as T;
  }

  private decode(id: string, v: Partial<Record<Field, string>>): AnalysisRecord {
    const record: AnalysisRecord = {
      id,
      ownerId: v.ownerId ?? '',
      status: (v.status ?? 'queued') as AnalysisStatus,
      mode: (v.mode ?? 'parallel') as AnalysisMode,
      createdAt: v.createdAt ?? '',
      cached: v.cached === '1',
    };
    if (v.startedAt) record.startedAt = v.startedAt;
    if (v.completedAt) record.completedAt = v.completedAt;
    if (v.result) record.result = this.open<AnalysisResult>(id, 'result', v.result);
    if (v.error) record.error = this.open<ProblemDocument>(id, 'error', v.error);
    return record;
  }
}

function encodeCursor(score: number, id: string): string {
  return Buffer.from(`${score}:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { score: number; id: string } {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match)
    throw new ValidationFailedError([
      { field: 'cursor', message: 'is not a cursor from this list' },
    ]);
  return { score: Number(match[1]), id: match[2] };
}
