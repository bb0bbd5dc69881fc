export const DEFAULT_ALLOWED_HOSTS = [
  'api.openai.com',
  'api.anthropic.com',
  'generativelanguage.googleapis.com',
];

/** Hostnames of this machine: allowed only when listed, and never in production (SM4). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    host === '0.0.0.0' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host.startsWith('::ffff:127.')
  );
}

/** Exact hostname match (case-insensitive); no wildcards, so a listed host means just that host. */
export function isHostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return allowed.some((entry) => entry.replace(/^\[|\]$/g, '').toLowerCase() === host);
}
