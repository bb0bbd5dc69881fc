import { AuditEntry, AuditStore, AuditTrailService, AuditWriter } from '@techsapo/audit';
import type { TestApp } from './test-app';

/**
 * The audit entries in Redis once at least `count` are there: responses are recorded when
 * they end and written in batches, so the writer is flushed until they have all arrived.
 */
export async function auditEntries(
  t: TestApp,
  count = 0,
  apps: TestApp[] = [t],
): Promise<AuditEntry[]> {
  const store = t.app.get(AuditStore);
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await Promise.all(apps.map((a) => a.app.get(AuditWriter).flush()));
    const entries: AuditEntry[] = [];
    for await (const stored of store.scan()) entries.push(stored.entry);
    if (entries.length >= count) return entries;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${count} audit entries were written`);
}

/**
 * The audit entries once `ready` holds for them: an entry is recorded when its response has
 * ended, which a client may see before the server has.
 */
export async function auditEntriesUntil(
  t: TestApp,
  ready: (entries: AuditEntry[]) => boolean,
): Promise<AuditEntry[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const entries = await auditEntries(t);
    if (ready(entries)) return entries;
    await new Promise((r) => setTimeout(r, 20));
  }
  return auditEntries(t);
}

/**
 * Checks that every response the app sent so far (refusals by the body parser and the router
 * included) has exactly one entry of its request id in the trail, apart from the paths that
 * are not audited, and that the chain verifies.
 */
export async function expectEveryResponseAudited(t: TestApp): Promise<void> {
  const excluded = ['/metrics', '/health/', '/docs'];
  const sent = t.responses.filter((r) => !excluded.some((p) => r.url.startsWith(p)));
  const entries = await auditEntries(t, sent.length);
  const counts = new Map<string, number>();
  for (const e of entries) {
    if (e.type !== 'security') counts.set(e.request.id, (counts.get(e.request.id) ?? 0) + 1);
  }
  const wrong = sent
    .filter((r) => counts.get(r.requestId) !== 1)
    .map((r) => `${r.method} ${r.url} → ${r.status}: ${counts.get(r.requestId) ?? 0} entries`);
  expect(wrong).toEqual([]);
  expect(await t.app.get(AuditTrailService).verify()).toMatchObject({ ok: true });
}

/** Rewrites the stream as an attacker with Redis access would: same ids, `edit` applied. */
export async function rewriteStream(
  t: TestApp,
  edit: (entries: { id: string; value: string }[]) => { id: string; value: string }[],
): Promise<void> {
  const store = t.app.get(AuditStore);
  const raw = (await t.redis.client.xrange(store.streamKey, '-', '+')) as [string, string[]][];
  const rows = edit(raw.map(([id, fields]) => ({ id, value: fields[1] })));
  await t.redis.client.del(store.streamKey);
  for (const row of rows) await t.redis.client.xadd(store.streamKey, row.id, 'e', row.value);
}
