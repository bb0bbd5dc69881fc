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
import type { McpQuotasStore, McpSessionsStore } from '@techsapo/mcp-proxy';
import type { AnalysisEventsStore } from '@techsapo/wall-bounce';
import type { LoginBansStore } from '@techsapo/security';
import {
  InMemoryAnalysisEventsStore,
  InMemoryApiKeysStore,
  InMemoryBlocksStore,
  InMemoryLoginBansStore,
  InMemoryMcpQuotasStore,
  InMemoryMcpSessionsStore,
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
  loginBans: InMemoryLoginBansStore;
  mcpSessions: InMemoryMcpSessionsStore;
  mcpQuotas: InMemoryMcpQuotasStore;
  analysisEvents: InMemoryAnalysisEventsStore;
  hasher: PlainPasswordHasher;
}

/** The same fakes, typed as what the services' constructors take. */
export interface TestDependencies {
  users: UsersStore;
  apiKeys: ApiKeysStore;
  blocks: BlocksStore;
  sessions: SessionsStore;
  toolPins: ToolPinsStore;
  loginBans: LoginBansStore;
  mcpSessions: McpSessionsStore;
  mcpQuotas: McpQuotasStore;
  analysisEvents: AnalysisEventsStore;
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
    loginBans: new InMemoryLoginBansStore(),
    mcpSessions: new InMemoryMcpSessionsStore(),
    mcpQuotas: new InMemoryMcpQuotasStore(),
    analysisEvents: new InMemoryAnalysisEventsStore(),
    hasher: new PlainPasswordHasher(),
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

// Fakes of the stores that services take one at a time (built directly, not through
// newTestService): the audit stream, the analyses' records, the retention lock.
export { InMemoryAuditStore } from './in-memory-audit-store';
export { InMemoryAnalysisStore } from './in-memory-analysis-store';
export { InMemoryRetentionLockStore } from './in-memory-stores';
// A Fastify request's state, as the service's hooks set it.
export { withRequestState } from './request-state';
// The MCP services' collaborators in memory.
export { DOCS_ROOT, mcpCallContext, mcpCollaborators } from './mcp-collaborators';
