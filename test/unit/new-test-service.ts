import type {
  ApiKeysStore,
  BlocksStore,
  PasswordHasher,
  SessionsStore,
  UsersStore,
} from '@techsapo/security';
// The services' own files, not the library's index: a unit test loads only what it tests.
import { ApiKeysService } from '../../libs/security/src/identity/api-keys/api-keys.service';
import { UsersService } from '../../libs/security/src/identity/users/users.service';
import type { ToolPinsStore } from '@techsapo/mcp-proxy';
import {
  InMemoryApiKeysStore,
  InMemoryBlocksStore,
  InMemorySessionsStore,
  InMemoryToolPinsStore,
  InMemoryUsersStore,
} from './in-memory-stores';

/** A password "hash" a unit test can read: the rules around hashing are what is tested. */
export class PlainPasswordHasher implements Pick<PasswordHasher, 'hash' | 'verify'> {
  async hash(password: string): Promise<string> {
    return `plain$${password}`;
  }

  async verify(password: string, encoded: string | undefined): Promise<boolean> {
    return encoded === `plain$${password}`;
  }
}

/** Every store faked in memory (the fakes, to arrange and inspect state). */
export interface TestStores {
  users: InMemoryUsersStore;
  apiKeys: InMemoryApiKeysStore;
  blocks: InMemoryBlocksStore;
  sessions: InMemorySessionsStore;
  toolPins: InMemoryToolPinsStore;
  hasher: PlainPasswordHasher;
}

/** The same fakes, typed as what the services' constructors take. */
export interface TestDependencies {
  users: UsersStore;
  apiKeys: ApiKeysStore;
  blocks: BlocksStore;
  sessions: SessionsStore;
  toolPins: ToolPinsStore;
  hasher: PasswordHasher;
}

/**
 * Builds a service with every store faked in memory, as immich's `newTestService` does:
 * `const { sut, users } = newTestService((d) => new UsersService(d.users, d.hasher));`.
 * The service's rules are then tested without Redis; the e2e suite proves the real stores.
 */
export function newTestService<S>(
  build: (dependencies: TestDependencies) => S,
): { sut: S } & TestStores {
  const stores: TestStores = {
    users: new InMemoryUsersStore(),
    apiKeys: new InMemoryApiKeysStore(),
    blocks: new InMemoryBlocksStore(),
    sessions: new InMemorySessionsStore(),
    toolPins: new InMemoryToolPinsStore(),
    hasher: new PlainPasswordHasher(),
    ...limitAndEventFakes(),
  };
  // The fakes have the stores' public methods; the classes' private Redis fields they lack.
  return { sut: build(stores as unknown as TestDependencies), ...stores };
}

/** Users and API keys over the faked stores: what the identity services that use them need. */
export function identityServices(d: TestDependencies): {
  users: UsersService;
  apiKeys: ApiKeysService;
} {
  return { users: new UsersService(d.users, d.hasher), apiKeys: new ApiKeysService(d.apiKeys) };
}

// ---------------------------------------------------------------------------------------------
// Login bans, MCP sessions, MCP quotas and analysis events: their stores faked in memory.

import type {
  AnalysisEvent,
  AnalysisEventsStore,
  AnalysisSignal,
  StoredAnalysisEvent,
} from '@techsapo/wall-bounce';
import type { McpQuotasStore, McpSessionsStore } from '@techsapo/mcp-proxy';
import type { BanRule, LoginBansStore } from '@techsapo/security';

export interface TestStores {
  loginBans: InMemoryLoginBansStore;
  mcpSessions: InMemoryMcpSessionsStore;
  mcpQuotas: InMemoryMcpQuotasStore;
  analysisEvents: InMemoryAnalysisEventsStore;
}

export interface TestDependencies {
  loginBans: LoginBansStore;
  mcpSessions: McpSessionsStore;
  mcpQuotas: McpQuotasStore;
  analysisEvents: AnalysisEventsStore;
}

function limitAndEventFakes(): Pick<
  TestStores,
  'loginBans' | 'mcpSessions' | 'mcpQuotas' | 'analysisEvents'
> {
  return {
    loginBans: new InMemoryLoginBansStore(),
    mcpSessions: new InMemoryMcpSessionsStore(),
    mcpQuotas: new InMemoryMcpQuotasStore(),
    analysisEvents: new InMemoryAnalysisEventsStore(),
  };
}

/** The public face of a store: what a fake must offer in its place. */
type FakeOf<T> = { [K in keyof T]: T[K] };

/** Failure counts and bans per name (case- and width-folded) and per address; no clock. */
export class InMemoryLoginBansStore implements FakeOf<LoginBansStore> {
  readonly failures = new Map<string, number>();
  /** Ban length in ms per banned name or address (a ban stays until the test clears it). */
  readonly bans = new Map<string, number>();

  async longestBanMs(username: string, ip: string): Promise<number> {
    return Math.max(0, ...targetsOf(username, ip).map((t) => this.bans.get(t) ?? 0));
  }

  async countFailure(username: string, ip: string, rule: BanRule): Promise<boolean> {
    let started = false;
    for (const target of targetsOf(username, ip)) {
      const count = (this.failures.get(target) ?? 0) + 1;
      this.failures.set(target, count);
      if (count >= rule.maxFailures) {
        this.bans.set(target, rule.banMs);
        this.failures.delete(target);
        started = true;
      }
    }
    return started;
  }

  async clearFailures(username: string): Promise<void> {
    this.failures.delete(targetsOf(username, '')[0]);
  }
}

const targetsOf = (username: string, ip: string): [string, string] => [
  `user:${username.normalize('NFKC').toLowerCase()}`,
  `ip:${ip}`,
];

/** MCP sessions per principal with their last activity (ms), as the sorted sets hold them. */
export class InMemoryMcpSessionsStore implements FakeOf<McpSessionsStore> {
  readonly sessions = new Map<string, Map<string, number>>();

  async add(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<string[]> {
    const live = this.live(principalId, now, idleMs);
    live.set(sessionId, now);
    return [...live].sort(([a, at], [b, bt]) => at - bt || a.localeCompare(b)).map(([id]) => id);
  }

  async touch(
    principalId: string,
    sessionId: string,
    now: number,
    idleMs: number,
  ): Promise<boolean> {
    const live = this.live(principalId, now, idleMs);
    if (!live.has(sessionId)) return false;
    live.set(sessionId, now);
    return true;
  }

  async remove(principalId: string, sessionIds: string[]): Promise<void> {
    for (const id of sessionIds) this.sessions.get(principalId)?.delete(id);
  }

  async count(principalId: string, since: number): Promise<number> {
    return [...(this.sessions.get(principalId)?.values() ?? [])].filter((at) => at >= since).length;
  }

  /** The principal's sessions, those idle since `now - idleMs` dropped. */
  private live(principalId: string, now: number, idleMs: number): Map<string, number> {
    const sessions = this.sessions.get(principalId) ?? new Map<string, number>();
    for (const [id, at] of sessions) if (at <= now - idleMs) sessions.delete(id);
    this.sessions.set(principalId, sessions);
    return sessions;
  }
}

/** Quota counts per principal, window and kind. */
export class InMemoryMcpQuotasStore implements FakeOf<McpQuotasStore> {
  readonly counts = new Map<string, number>();

  async increment(principalId: string, kind: string, window: number): Promise<number> {
    const key = `${principalId}|${window}|${kind}`;
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    return used;
  }
}

/** Event logs per analysis, and subscriptions that hear every append and erasure at once. */
export class InMemoryAnalysisEventsStore implements FakeOf<AnalysisEventsStore> {
  readonly logs = new Map<string, StoredAnalysisEvent[]>();
  readonly subscriptions: {
    wanted: (analysisId: string) => boolean;
    onSignal: (signal: AnalysisSignal) => void;
  }[] = [];
  closed = 0;

  async append(analysisId: string, event: StoredAnalysisEvent): Promise<number> {
    const log = this.logs.get(analysisId) ?? [];
    log.push(copy(event));
    this.logs.set(analysisId, log);
    const seq = log.length;
    this.publish(analysisId, { kind: 'event', event: { ...copy(event), analysisId, seq } });
    return seq;
  }

  async publishErased(analysisId: string): Promise<void> {
    this.publish(analysisId, { kind: 'erased', analysisId });
  }

  async read(analysisId: string, from: number): Promise<AnalysisEvent[]> {
    return (this.logs.get(analysisId) ?? [])
      .map((event, index) => ({ ...copy(event), analysisId, seq: index + 1 }))
      .slice(from - 1);
  }

  async count(analysisId: string): Promise<number> {
    return this.logs.get(analysisId)?.length ?? 0;
  }

  async subscribe(
    wanted: (analysisId: string) => boolean,
    onSignal: (signal: AnalysisSignal) => void,
  ): Promise<void> {
    this.subscriptions.push({ wanted, onSignal });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
    this.closed += 1;
  }

  private publish(analysisId: string, signal: AnalysisSignal): void {
    for (const s of [...this.subscriptions]) if (s.wanted(analysisId)) s.onSignal(copy(signal));
  }
}

const copy = <T>(value: T): T => structuredClone(value);

// Fakes of the stores that services take one at a time (built directly, not through
// newTestService): the audit stream.
export { InMemoryAuditStore } from './in-memory-audit-store';
// ...and the analyses' records.
export { InMemoryAnalysisStore } from './in-memory-analysis-store';
