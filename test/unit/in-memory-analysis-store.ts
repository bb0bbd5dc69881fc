import type {
  AnalysisRecord,
  AnalysisResult,
  AnalysisStore,
  ListPage,
  ListQuery,
  StoredRequest,
} from '@techsapo/wall-bounce';
import { randomUUID } from 'node:crypto';
import type { Fake } from './in-memory-stores';

/** What AnalysesService asks of the analyses' records. */
type AnalysisRecords = Pick<
  AnalysisStore,
  'recordKey' | 'create' | 'get' | 'erase' | 'list' | 'cacheKey' | 'cachedId' | 'remember'
>;

/**
 * Analysis records in memory, newest last, with the cache entries that point at them; the
 * requests are kept in the clear (the Redis store seals them) for a test to read.
 */
export class InMemoryAnalysisStore implements Fake<AnalysisRecords> {
  readonly records = new Map<string, AnalysisRecord>();
  readonly requests = new Map<string, StoredRequest>();
  readonly cache = new Map<string, string>();

  recordKey(id: string): string {
    return `analyses:${id}`;
  }

  async create(input: {
    ownerId: string;
    mode: AnalysisRecord['mode'];
    request: StoredRequest;
    result?: AnalysisResult;
  }): Promise<AnalysisRecord> {
    const createdAt = new Date().toISOString();
    const record: AnalysisRecord = {
      id: randomUUID(),
      ownerId: input.ownerId,
      status: input.result ? 'completed' : 'queued',
      mode: input.mode,
      createdAt,
      cached: !!input.result,
      ...(input.result && { startedAt: createdAt, completedAt: createdAt, result: input.result }),
    };
    this.records.set(record.id, structuredClone(record));
    this.requests.set(record.id, structuredClone(input.request));
    return record;
  }

  async get(id: string): Promise<AnalysisRecord | undefined> {
    const found = this.records.get(id);
    return found && structuredClone(found);
  }

  async erase(id: string): Promise<void> {
    this.records.delete(id);
    this.requests.delete(id);
  }

  async list(query: ListQuery): Promise<ListPage> {
    const items = [...this.records.values()]
      .filter(
        (r) =>
          (!query.ownerId || r.ownerId === query.ownerId) &&
          (!query.status || r.status === query.status),
      )
      .reverse()
      .slice(0, query.limit ?? 50);
    return { items: structuredClone(items), nextCursor: null };
  }

  /** Per owner, as the Redis store keys it. */
  cacheKey(ownerId: string, request: StoredRequest): string {
    return `cache:${ownerId}:${JSON.stringify([request.content, request.mode, request.providers ?? null])}`;
  }

  async cachedId(cacheKey: string): Promise<string | undefined> {
    return this.cache.get(cacheKey);
  }

  async remember(cacheKey: string, id: string): Promise<void> {
    this.cache.set(cacheKey, id);
  }
}
