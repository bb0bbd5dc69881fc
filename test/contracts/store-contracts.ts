import type { Fake } from '../unit/in-memory-stores';
import type { BlocksStore, LoginBansStore, SessionsStore, UsersStore } from '@techsapo/security';
import type { McpQuotasStore, McpSessionsStore, ToolPinsStore } from '@techsapo/mcp-proxy';
import type { AnalysisEventsStore } from '@techsapo/wall-bounce';
import { analysisEventsContract } from './analysis-events.contract';
import { apiKeysContract, type ApiKeysSubject } from './api-keys.contract';
import { blocksContract } from './blocks.contract';
import { loginBansContract } from './login-bans.contract';
import { mcpQuotasContract } from './mcp-quotas.contract';
import { mcpSessionsContract } from './mcp-sessions.contract';
import { retentionLockContract, type RetentionLockSubject } from './retention-lock.contract';
import { sessionsContract } from './sessions.contract';
import { toolPinsContract } from './tool-pins.contract';
import { usersContract } from './users.contract';

/** Makes a fresh, empty store for one test: in memory, or over Redis under a prefix of its own. */
export type MakeStore<S> = () => Promise<S>;

/** How each store of the contracts is made. */
export interface StoreMakers {
  users: MakeStore<Fake<UsersStore>>;
  apiKeys: MakeStore<ApiKeysSubject>;
  blocks: MakeStore<Fake<BlocksStore>>;
  toolPins: MakeStore<Fake<ToolPinsStore>>;
  sessions: MakeStore<Fake<SessionsStore>>;
  loginBans: MakeStore<Fake<LoginBansStore>>;
  mcpSessions: MakeStore<Fake<McpSessionsStore>>;
  mcpQuotas: MakeStore<Fake<McpQuotasStore>>;
  analysisEvents: MakeStore<Fake<AnalysisEventsStore>>;
  retentionLock: MakeStore<RetentionLockSubject>;
}

/**
 * The observable behaviour of every Redis store, as its callers rely on it. The same contracts
 * run against the in-memory fakes (test/unit/in-memory-stores.spec.ts) and against the real
 * stores over Redis (test/store-contracts.e2e-spec.ts), so a fake cannot drift from its store.
 */
export function storeContracts(make: StoreMakers): void {
  usersContract(make.users);
  apiKeysContract(make.apiKeys);
  blocksContract(make.blocks);
  toolPinsContract(make.toolPins);
  sessionsContract(make.sessions);
  loginBansContract(make.loginBans);
  mcpSessionsContract(make.mcpSessions);
  mcpQuotasContract(make.mcpQuotas);
  analysisEventsContract(make.analysisEvents);
  retentionLockContract(make.retentionLock);
}
