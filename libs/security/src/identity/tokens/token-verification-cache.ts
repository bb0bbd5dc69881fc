import { createHash } from 'node:crypto';

/** Tokens whose verification is kept; the oldest verification goes first beyond this. */
const DEFAULT_CAPACITY = 10_000;

interface Entry<T> {
  value: T;
  expiresAtMs: number;
}

/**
 * The result of a token's signature and claims check, kept by the token's SHA-256 until the
 * token's own expiry: a token is verified once, not on every request. Only the verification
 * is kept — whether its session is still alive or blocked is asked on every request. Tokens
 * are never kept in clear; the capacity bounds memory (oldest first out).
 */
export class TokenVerificationCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly capacity = DEFAULT_CAPACITY,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The kept verification of `token`, if it was verified and has not expired since. */
  get(token: string): T | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps a verification until `expiresAtMs` (the token's `exp`). */
  set(token: string, value: T, expiresAtMs: number): void {
    if (expiresAtMs <= this.now()) return;
    const key = digest(token);
    this.entries.delete(key);
    while (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAtMs });
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
