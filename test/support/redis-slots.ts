import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Redis commands that touch several keys at once (or batch them to one node). On a Redis
 * Cluster they work only when every key is in one slot, i.e. shares a hash tag.
 */
const MULTI_KEY_CALL =
  /\.(multi|pipeline|eval|evalsha|fcall|defineCommand|mget|mset|msetnx|rename|renamenx|smove|sunionstore|sinterstore|sdiffstore|zunionstore|zinterstore|zdiffstore|zrangestore|lmove|blmove|rpoplpush|brpoplpush|copy|watch)\s*\(/g;

/** Marks a file whose keys share a slot by construction: `// redis-slot: <why>`. */
const WAIVER = /\/\/\s*redis-slot:\s*\S+/;
const TAGGED = /\b(hashTag|queuePrefix)\s*\(/;

export interface SlotFinding {
  file: string;
  line: number;
  call: string;
}

/** Multi-key calls in a source file that builds no hash-tagged key and explains nothing. */
export function untaggedMultiKeyCalls(file: string, source: string): SlotFinding[] {
  if (TAGGED.test(source) || WAIVER.test(source)) return [];
  const findings: SlotFinding[] = [];
  for (const match of source.matchAll(MULTI_KEY_CALL)) {
    const line = source.slice(0, match.index).split('\n').length;
    findings.push({ file, line, call: match[1] });
  }
  return findings;
}

/** Where a Redis client can come from: the driver, Bull, or our core (RedisService). */
const REDIS_SOURCE = /from '(ioredis|bull|@nestjs\/bull|@techsapo\/core)'/;

/**
 * Every source file (not tests) of the libraries that can reach Redis at all: a library none
 * of whose files imports a Redis client (the detector) cannot issue a Redis command, whatever
 * its methods are called.
 */
export function librarySources(root: string): { file: string; source: string }[] {
  const out: { file: string; source: string }[] = [];
  const walk = (dir: string, into: { file: string; source: string }[]): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, into);
      else if (/\.ts$/.test(entry.name) && !/\.(spec|e2e-spec)\.ts$/.test(entry.name)) {
        into.push({ file: relative(root, path), source: readFileSync(path, 'utf8') });
      }
    }
  };
  for (const lib of readdirSync(join(root, 'libs'))) {
    const files: { file: string; source: string }[] = [];
    walk(join(root, 'libs', lib, 'src'), files);
    if (files.some((f) => REDIS_SOURCE.test(f.source))) out.push(...files);
  }
  return out;
}
