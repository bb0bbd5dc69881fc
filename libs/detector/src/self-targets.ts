/**
 * What TechSapo itself is, as the running service knows it: an action (write, delete,
 * install, pull, restart, flush…) joined to one of these is an attempt on the service. The
 * service gives them at start (its code root, data folder, Redis key prefix…); none are fixed
 * in the library, so the same rules hold wherever the service is installed.
 */
export interface SelfTargets {
  /** Folders: the install and code root, build output, dependencies, data (absolute paths). */
  folders?: readonly string[];
  /** Files: configuration and `.env` files, manifests (absolute paths). */
  files?: readonly string[];
  /** The Redis key prefix under which the service keeps its security state. */
  redisKeyPrefix?: string;
  /** Names of its processes, services and process-manager entries. */
  processNames?: readonly string[];
}

/** The named token sets the policy's rules use for the service's own targets. */
export const SELF_TARGET_SETS = {
  paths: 'service-paths',
  redis: 'service-redis-keys',
  processes: 'service-processes',
} as const;

const MAX_TARGETS = 64;
const MAX_TARGET_LENGTH = 120;

function cleanPath(path: string): string | undefined {
  const trimmed = path.trim().replace(/[\\/]+$/, '');
  // A root or a one-letter folder would match nearly every path.
  if (trimmed.length < 2 || trimmed.length > MAX_TARGET_LENGTH) return undefined;
  return trimmed.replace(/\\/g, '/');
}

function cleanName(name: string): string | undefined {
  const trimmed = name.trim();
  return trimmed.length >= 3 && trimmed.length <= MAX_TARGET_LENGTH ? trimmed : undefined;
}

function unique(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))].slice(0, MAX_TARGETS);
}

/**
 * The policy token sets for the given targets. Path tokens match the path itself and anything
 * beneath it (`/app` and `/app/dist/main.js`, not `/application`); the Redis prefix matches
 * its keys (`techsapo:`); process names match as words.
 */
export function selfTargetTokenSets(targets: SelfTargets = {}): Record<string, string[]> {
  const paths = unique([...(targets.folders ?? []), ...(targets.files ?? [])].map(cleanPath));
  const prefix = targets.redisKeyPrefix?.trim().replace(/:+$/, '');
  return {
    [SELF_TARGET_SETS.paths]: paths,
    [SELF_TARGET_SETS.redis]: prefix && prefix.length >= 2 ? [`${prefix}:*`] : [],
    [SELF_TARGET_SETS.processes]: unique((targets.processNames ?? []).map(cleanName)),
  };
}
