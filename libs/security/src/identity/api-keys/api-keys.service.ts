import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { NotFoundError, Role, describeError } from '@techsapo/core';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { API_KEY_PREFIX, API_KEY_SHAPE, ApiKey, rolesCover, StoredApiKey } from './api-key';
import { ApiKeysStore, KeyLookup } from './api-keys.store';

const DAY_MS = 86_400_000;
const LAST_USE_FLUSH_MS = 5_000;

/** A key whose lookup succeeded: what the request's principal is made of. */
export interface ValidApiKey {
  id: string;
  name: string;
  role: Role;
}

/** The user a key belongs to, as far as keys care. */
export interface KeyOwner {
  id: string;
  roles: readonly Role[];
  disabled: boolean;
}

/**
 * API keys for CI (tsk_…): only the SHA-256 is stored (a 256-bit random key needs no slow
 * hash), looked up once per request in the ApiKeysStore; the lookup expires with the key and
 * is deleted on revocation. Last use is batched in memory and written every few seconds,
 * never on the request path.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly lastUse = new Map<string, string>();
  private flushTimer?: NodeJS.Timeout;

  constructor(private readonly store: ApiKeysStore) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flushLastUse(), LAST_USE_FLUSH_MS);
    this.flushTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flushTimer);
    await this.flushLastUse();
  }

  async create(input: {
    name: string;
    role: Role;
    expiresInDays?: number;
    createdBy: string;
  }): Promise<{ apiKey: ApiKey; key: string }> {
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = input.expiresInDays ? now + input.expiresInDays * DAY_MS : undefined;
    const stored: StoredApiKey = {
      id: randomUUID(),
      name: input.name,
      role: input.role,
      createdAt: new Date(now).toISOString(),
      expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
      createdBy: input.createdBy,
      hash: sha256(key),
    };
    const lookup: KeyLookup = {
      id: stored.id,
      name: stored.name,
      role: stored.role,
      expiresAt: expiresAt ?? null,
    };
    await this.store.insert(stored, lookup);
    return { apiKey: this.view(stored, null), key };
  }

  async list(): Promise<ApiKey[]> {
    const [records, used] = await Promise.all([this.store.all(), this.store.lastUses()]);
    return records
      .map((k) => this.view(k, this.lastUse.get(k.id) ?? used[k.id] ?? null))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Revocation deletes the lookup key, so the very next request with the key fails. */
  async revoke(id: string): Promise<void> {
    const stored = await this.store.get(id);
    if (!stored) throw new NotFoundError('API key', 'api-key-not-found');
    await this.remove(stored);
  }

  /**
   * Keys live within their creator's rights: a deleted or disabled creator's keys are revoked;
   * a key whose role the creator no longer holds is suspended (refused) until they hold it
   * again. `owner` undefined means the user is gone. Returns what changed.
   */
  async alignWithCreator(
    userId: string,
    owner: KeyOwner | undefined,
  ): Promise<{ revoked: string[]; suspended: string[]; reinstated: string[] }> {
    const keys = (await this.store.all()).filter((k) => k.createdBy === userId);
    const changed = {
      revoked: [] as string[],
      suspended: [] as string[],
      reinstated: [] as string[],
    };
    for (const key of keys) {
      if (!owner || owner.disabled) {
        await this.remove(key);
        changed.revoked.push(key.id);
        continue;
      }
      const suspended = !rolesCover(owner.roles, key.role);
      if (suspended === (key.suspended ?? false)) continue;
      await this.store.setSuspended(key, suspended);
      (suspended ? changed.suspended : changed.reinstated).push(key.id);
    }
    return changed;
  }

  private async remove(stored: StoredApiKey): Promise<void> {
    await this.store.remove(stored);
    this.lastUse.delete(stored.id);
  }

  /** One GET; undefined for a malformed, unknown, revoked, suspended or expired key. */
  async validate(key: string): Promise<ValidApiKey | undefined> {
    if (!API_KEY_SHAPE.test(key)) return undefined;
    const found = await this.store.lookup(sha256(key));
    if (!found) return undefined;
    if (found.suspended || (found.expiresAt !== null && found.expiresAt <= Date.now()))
      return undefined;
    this.lastUse.set(found.id, new Date().toISOString());
    return { id: found.id, name: found.name, role: found.role };
  }

  async flushLastUse(): Promise<void> {
    if (this.lastUse.size === 0) return;
    const batch = [...this.lastUse.entries()];
    this.lastUse.clear();
    try {
      await this.store.recordUses(Object.fromEntries(batch));
    } catch (error) {
      this.logger.warn(`could not record API key use: ${describeError(error)}`);
      for (const [id, at] of batch) if (!this.lastUse.has(id)) this.lastUse.set(id, at);
    }
  }

  private view(stored: StoredApiKey, lastUsedAt: string | null): ApiKey {
    const { hash: _hash, suspended, ...rest } = stored;
    return { ...rest, lastUsedAt, suspended: suspended ?? false };
  }
}

function sha256(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
