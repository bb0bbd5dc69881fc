import { storeContracts } from '../contracts/store-contracts';
import {
  InMemoryAnalysisEventsStore,
  InMemoryApiKeysStore,
  InMemoryBlocksStore,
  InMemoryLoginBansStore,
  InMemoryMcpQuotasStore,
  InMemoryMcpSessionsStore,
  InMemoryRetentionLockStore,
  InMemorySessionsStore,
  InMemoryToolPinsStore,
  InMemoryUsersStore,
} from './in-memory-stores';

// The fakes the unit specs stand on, held to the stores' contracts (run over Redis in
// test/store-contracts.e2e-spec.ts).
describe('in-memory stores', () => {
  storeContracts({
    users: async () => new InMemoryUsersStore(),
    apiKeys: async () => {
      const store = new InMemoryApiKeysStore();
      return { store, lookupExpiresAt: async (hash) => store.lookups.get(hash)?.expiresAt };
    },
    blocks: async () => new InMemoryBlocksStore(),
    toolPins: async () => new InMemoryToolPinsStore(),
    sessions: async () => new InMemorySessionsStore(),
    loginBans: async () => new InMemoryLoginBansStore(),
    mcpSessions: async () => new InMemoryMcpSessionsStore(),
    mcpQuotas: async () => new InMemoryMcpQuotasStore(),
    analysisEvents: async () => new InMemoryAnalysisEventsStore(),
    retentionLock: async () => {
      const store = new InMemoryRetentionLockStore();
      return {
        store,
        heldForMs: async () => (store.heldBy === undefined ? undefined : store.ttlMs),
      };
    },
  });
});
