import { join } from 'node:path';
import { librarySources, untaggedMultiKeyCalls } from './support/redis-slots';

const ROOT = join(__dirname, '..');

/**
 * On a Redis Cluster a MULTI, a Lua script or a multi-key command works only when all its
 * keys share a slot. The cluster run (`npm run test:cluster`) proves it for the code it
 * exercises; this check covers every library file, exercised or not.
 */
describe('multi-key Redis calls use one hash tag', () => {
  it('finds an untagged MULTI or Lua call, and accepts a tagged or explained one', () => {
    const untagged = "await redis.client.multi().set(redis.key('a'), 1).exec();";
    expect(untaggedMultiKeyCalls('x.ts', untagged)).toEqual([
      { file: 'x.ts', line: 1, call: 'multi' },
    ]);
    expect(
      untaggedMultiKeyCalls('x.ts', `const k = redis.key(redis.hashTag(id));\n${untagged}`),
    ).toEqual([]);
    expect(untaggedMultiKeyCalls('x.ts', `// redis-slot: one key per call\n${untagged}`)).toEqual(
      [],
    );
    expect(untaggedMultiKeyCalls('x.ts', 'await c.eval(script, 2, a, b);')).toHaveLength(1);
  });

  it('holds for every source file of the libraries that can reach Redis', () => {
    const sources = librarySources(ROOT);
    // The libraries that talk to Redis are all looked at; the detector cannot reach it.
    const libraries = new Set(sources.map((s) => s.file.split('/')[1]));
    expect(libraries).toEqual(new Set(['audit', 'core', 'mcp-proxy', 'security', 'wall-bounce']));
    const findings = sources.flatMap(({ file, source }) => untaggedMultiKeyCalls(file, source));
    expect(findings).toEqual([]);
  });
});
