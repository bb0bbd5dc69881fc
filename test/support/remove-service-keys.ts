// After each e2e file: the keys of every service it started (startService) are deleted once
// all the services of that prefix have exited, so a test run leaves nothing in Redis.
import { startedServices } from './processes';
import { removeKeys } from './redis-cleanup';

afterAll(async () => {
  const byPrefix = new Map<string, Promise<unknown>[]>();
  for (const { prefix, process } of startedServices.splice(0)) {
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), process.exited]);
  }
  await Promise.all(
    [...byPrefix].map(async ([prefix, exits]) => {
      // A file's own top-level afterAll may stop its service after this hook: then the keys go
      // when it has exited, without holding this hook up.
      const removal = Promise.all(exits).then(() => removeKeys(prefix));
      const settled = await Promise.race([removal.then(() => true), delay(2000)]);
      if (!settled) removal.catch(() => undefined);
    }),
  );
});

function delay(ms: number): Promise<false> {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}
