import { isIP } from 'node:net';

export const REDACTED = '***REDACTED***';

/** Field names whose values are secret (DP3): password, token, key, secret, credential, authorization. */
const SENSITIVE_NAME =
  /(pass(word|wd|phrase)?|secret|token|credential|authori[sz]ation|cookie|api[-_]?key|private[-_]?key|^key$|[-_.]key$|signature)/i;
const IDENTIFIER_NAME = /(id|ids|count|type|length|expiry|expires(at|in)?|ttl)$/i;

/** Secret shapes in free text: bearer tokens, our API keys, provider keys, JWTs, PEM private keys. */
const SECRET_TEXT: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\btsk_[A-Za-z0-9_-]{16,}/g,
  /\bsk-(ant-)?[A-Za-z0-9_-]{16,}/g,
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
];

/** `password=…`, `"token": "…"`, `api_key: …` in free text (query strings, error messages, logs). */
const SECRET_ASSIGNMENT =
  /(["']?)\b(pass(?:word|wd|phrase)?|secret|client[-_]?secret|(?:access|refresh|id)?[-_]?token|api[-_]?key|credentials?)\1(\s*[:=]\s*)(["']?)[^\s"'&,;}]+/gi;

export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name) && !IDENTIFIER_NAME.test(name);
}

export function redactText(text: string): string {
  let out = text.replace(
    SECRET_ASSIGNMENT,
    (_m, q1: string, name: string, sep: string, q2: string) =>
      `${q1}${name}${q1}${sep}${q2}${REDACTED}`,
  );
  for (const pattern of SECRET_TEXT)
    out = out.replace(pattern, (m) =>
      /^(Bearer|Basic)\s/i.test(m) ? `${m.split(/\s/)[0]} ${REDACTED}` : REDACTED,
    );
  return out;
}

/** Deep copy with secret-named fields and secret-shaped strings redacted. */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[…]';
  seen.add(value);
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] =
      isSensitiveName(k) && v !== undefined && v !== null && v !== ''
        ? REDACTED
        : redactDeep(v, depth + 1, seen);
  }
  return out;
}

/** IPv4 keeps its /24 (192.168.1.***), IPv6 its /48; anything else is masked whole. */
export function maskIp(ip: string | undefined): string {
  if (!ip) return '***';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  switch (isIP(address)) {
    case 4:
      return address.split('.').slice(0, 3).join('.') + '.***';
    case 6: {
      const groups = expandIpv6(address);
      return groups.slice(0, 3).join(':') + '::***';
    }
    default:
      return '***';
  }
}

function expandIpv6(address: string): string[] {
  const [head, tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = address.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** Keeps the client family for triage, drops versions and platform details. */
export function maskUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return '***';
  const family = /^[A-Za-z][A-Za-z0-9._-]{0,31}/.exec(userAgent)?.[0];
  return family ? `${family}/***` : '***';
}
