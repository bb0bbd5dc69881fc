import type { Principal, ReplicatedWrites } from '@techsapo/core';
import { AbilityFactory } from '@techsapo/security';
import { InMemoryAnalysisStore } from '@techsapo/testing';
import type { AnalysisResult } from '../analysis/analysis.types';
import type { BudgetsService } from '../budgets/budgets.service';
import { analysesConfig } from '../config/analyses.config';
import type { AnalysisEvents } from '../events/analysis-events';
import type { ProviderRegistry } from '../providers/provider.registry';
import type { AnalysisJob } from '../queue/analysis-job';
import type { AnalysisQueue } from '../queue/analysis-queue';
import type { AnalysisStore } from '../store/analysis.store';
import { emptyUsage } from '../usage/usage-summary';
import type { UsageService } from '../usage/usage.service';
import { AnalysesService } from './analyses.service';

const as = (id: string, role: Principal['roles'][number]): Principal => ({
  id,
  username: id,
  roles: [role],
  method: 'jwt',
});
const ada = as('ada', 'analyst');
const bob = as('bob', 'analyst');

/** Everything around the service, in memory, with what each part was asked to do. */
function setup(options: { replicationFails?: boolean } = {}) {
  const store = new InMemoryAnalysisStore();
  const appended: { id: string; type: string; data: unknown }[] = [];
  const erased: string[] = [];
  const events = {
    append: async (id: string, type: string, data: unknown) => {
      appended.push({ id, type, data });
    },
    announceErased: async (id: string) => {
      erased.push(id);
    },
  } as unknown as AnalysisEvents;
  const queued: string[] = [];
  const cancelled: string[] = [];
  const queue = {
    storageKey: 'queue:analyses',
    enqueue: async (job: AnalysisJob) => {
      queued.push(job.analysisId);
    },
    cancel: async (id: string) => {
      cancelled.push(id);
    },
  } as unknown as AnalysisQueue;
  const confirmed: string[] = [];
  const replicated = {
    confirm: async (key: string) => {
      if (options.replicationFails) throw new Error('no replica');
      confirmed.push(key);
    },
  } as unknown as ReplicatedWrites;
  const admitted: string[] = [];
  const budgets = {
    admit: async (owner: { id: string }) => {
      admitted.push(owner.id);
    },
  } as unknown as BudgetsService;
  const registry = { names: () => ['openai', 'anthropic'] } as unknown as ProviderRegistry;
  const usage = { forAnalysis: async () => emptyUsage() } as unknown as UsageService;
  const service = new AnalysesService(
    store as unknown as AnalysisStore,
    queue,
    events,
    new AbilityFactory(),
    registry,
    budgets,
    usage,
    replicated,
    analysesConfig.read({}),
  );
  return { service, store, appended, erased, queued, cancelled, confirmed, admitted };
}

const finished = (over: Partial<AnalysisResult> = {}): AnalysisResult =>
  ({
    answer: 'Looks fine.',
    confidence: 0.8,
    consensus: { score: 0.9 },
    degraded: false,
    usage: { ...emptyUsage(), costUsd: 0.02 },
    ...over,
  }) as unknown as AnalysisResult;

describe('AnalysesService: create', () => {
  it('stores, announces, queues and confirms replication before answering', async () => {
    const { service, store, appended, queued, confirmed, admitted } = setup();
    const created = await service.create(
      ada,
      { content: 'code', mode: 'council' },
      {
        requestId: 'req-1',
      },
    );
    expect(created).toMatchObject({ ownerId: 'ada', status: 'queued', mode: 'council' });
    expect(created.usage).toEqual(emptyUsage());
    expect(store.requests.get(created.id)).toMatchObject({
      content: 'code',
      mode: 'council',
      ownerKind: 'user',
      requestId: 'req-1',
      flags: [],
    });
    expect(admitted).toEqual(['ada']);
    expect(appended).toEqual([{ id: created.id, type: 'queued', data: { mode: 'council' } }]);
    expect(queued).toEqual([created.id]);
    expect(confirmed).toEqual([store.recordKey(created.id), 'queue:analyses']);
  });

  it('withdraws an analysis it cannot have replicated: record erased, job cancelled', async () => {
    const { service, store, cancelled } = setup({ replicationFails: true });
    await expect(service.create(ada, { content: 'code' })).rejects.toThrow('no replica');
    expect(store.records.size).toBe(0);
    expect(cancelled).toHaveLength(1);
  });

  it('refuses a viewer (403) and a provider not configured here (400), storing nothing', async () => {
    const { service, store } = setup();
    await expect(service.create(as('vic', 'viewer'), { content: 'x' })).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      service.create(ada, { content: 'x', providers: ['openai', 'nowhere'] }),
    ).rejects.toMatchObject({ status: 400, code: 'validation-failed' });
    expect(store.records.size).toBe(0);
  });

  it('answers an identical request from the owner’s cache, at no cost and without the budget', async () => {
    const { service, store, appended, admitted, queued } = setup();
    const earlier = await store.create({
      ownerId: 'ada',
      mode: 'parallel',
      request: { content: 'code', mode: 'parallel' } as never,
      result: finished(),
    });
    await store.remember(
      store.cacheKey('ada', { content: 'code', mode: 'parallel' } as never),
      earlier.id,
    );
    const reused = await service.create(ada, { content: 'code' });
    expect(reused).toMatchObject({ status: 'completed', cached: true });
    expect(reused.id).not.toBe(earlier.id);
    expect(reused.result?.usage.costUsd).toBe(0);
    expect(reused.result?.originalUsage?.costUsd).toBe(0.02);
    expect(appended).toEqual([
      expect.objectContaining({ id: reused.id, type: 'completed' }) as unknown,
    ]);
    expect(admitted).toEqual([]);
    expect(queued).toEqual([]);
  });

  it('does not serve a degraded result from cache, nor with cache off', async () => {
    const { service, store, queued } = setup();
    const degraded = await store.create({
      ownerId: 'ada',
      mode: 'parallel',
      request: {} as never,
      result: finished({ degraded: true }),
    });
    const key = store.cacheKey('ada', { content: 'code', mode: 'parallel' } as never);
    await store.remember(key, degraded.id);
    expect((await service.create(ada, { content: 'code' })).cached).toBe(false);
    await store.remember(
      key,
      (
        await store.create({
          ownerId: 'ada',
          mode: 'parallel',
          request: {} as never,
          result: finished(),
        })
      ).id,
    );
    expect((await service.create(ada, { content: 'code', cache: false })).cached).toBe(false);
    expect(queued).toHaveLength(2);
  });
});

describe('AnalysesService: read and delete', () => {
  it('hides another user’s analysis as not found; an administrator reads it', async () => {
    const { service } = setup();
    const created = await service.create(ada, { content: 'code' });
    await expect(service.get(ada, created.id)).resolves.toMatchObject({ id: created.id });
    await expect(service.get(bob, created.id)).rejects.toMatchObject({
      status: 404,
      code: 'analysis-not-found',
    });
    await expect(service.get(as('root', 'admin'), created.id)).resolves.toMatchObject({
      id: created.id,
    });
  });

  it('lists only the caller’s analyses, every owner’s for an administrator', async () => {
    const { service } = setup();
    await service.create(ada, { content: 'one' });
    await service.create(bob, { content: 'two' });
    expect((await service.list(ada, {})).items.map((r) => r.ownerId)).toEqual(['ada']);
    expect((await service.list(as('root', 'admin'), {})).items.map((r) => r.ownerId)).toEqual([
      'bob',
      'ada',
    ]);
  });

  it('deletes a running analysis: erased, its job cancelled, its followers told', async () => {
    const { service, store, cancelled, erased } = setup();
    const created = await service.create(ada, { content: 'code' });
    await service.delete(ada, created.id);
    expect(store.records.has(created.id)).toBe(false);
    expect(cancelled).toEqual([created.id]);
    expect(erased).toEqual([created.id]);
  });

  it('lets a ci key read but not delete its analysis (403)', async () => {
    const { service, store } = setup();
    const ci = as('ci-1', 'ci');
    const created = await service.create(ci, { content: 'code' });
    await expect(service.delete(ci, created.id)).rejects.toMatchObject({ status: 403 });
    expect(store.records.has(created.id)).toBe(true);
  });

  it('answers a finished analysis at once when waited for', async () => {
    const { service, store } = setup();
    const done = await store.create({
      ownerId: 'ada',
      mode: 'parallel',
      request: {} as never,
      result: finished(),
    });
    await expect(service.waitFor(ada, done.id, 30)).resolves.toMatchObject({
      status: 'completed',
    });
  });
});
