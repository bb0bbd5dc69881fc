import { randomBytes } from 'node:crypto';
import {
  auditConfig,
  EncryptionService,
  RetentionLockStore,
  RetentionRegistry,
} from '@techsapo/audit';
import { redisConfig, RedisService } from '@techsapo/core';
import { McpQuotasStore, McpSessionsStore, ToolPinsStore } from '@techsapo/mcp-proxy';
import {
  ApiKeysStore,
  BlocksStore,
  LoginBansStore,
  SessionsStore,
  UsersStore,
} from '@techsapo/security';
import { AnalysisEventsStore, AnalysisStore, analysesConfig } from '@techsapo/wall-bounce';
import { storeContracts } from './contracts/store-contracts';
import { removeKeys } from './support/redis-cleanup';

/**
 * The Redis stores held to the contracts their in-memory fakes also pass
 * (test/unit/in-memory-stores.spec.ts). Each test's store has a key prefix of its own.
 */
describe('Redis stores', () => {
  const filePrefix = `t${randomBytes(4).toString('hex')}`;
  const opened: RedisService[] = [];
  const encryption = new EncryptionService(auditConfig.read({}));
  let tests = 0;

  const redis = (): RedisService => {
    tests += 1;
    const env = { ...process.env, REDIS_KEY_PREFIX: `${filePrefix}-${tests}` };
    const service = new RedisService(redisConfig.read(env));
    opened.push(service);
    return service;
  };
  /** PEXPIRETIME: epoch ms, null for a key that does not expire, undefined for none. */
  const expiresAt = async (service: RedisService, key: string) => {
    const at = await service.client.pexpiretime(key);
    return at === -2 ? undefined : at === -1 ? null : at;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((service) => service.onApplicationShutdown()));
  });
  afterAll(() => removeKeys(filePrefix));

  storeContracts({
    users: async () => new UsersStore(redis()),
    apiKeys: async () => {
      const service = redis();
      return {
        store: new ApiKeysStore(service),
        lookupExpiresAt: (hash) => expiresAt(service, service.key('api-key', hash)),
      };
    },
    blocks: async () => new BlocksStore(redis()),
    toolPins: async () => new ToolPinsStore(redis()),
    sessions: async () => new SessionsStore(redis()),
    loginBans: async () => new LoginBansStore(redis()),
    mcpSessions: async () => new McpSessionsStore(redis()),
    mcpQuotas: async () => new McpQuotasStore(redis()),
    analysisEvents: async () => {
      const service = redis();
      const analyses = new AnalysisStore(
        service,
        encryption,
        new RetentionRegistry(),
        analysesConfig.read({}),
      );
      return new AnalysisEventsStore(service, analyses, encryption);
    },
    retentionLock: async () => {
      const service = redis();
      return {
        store: new RetentionLockStore(service),
        heldForMs: async () => {
          const left = await service.client.pttl(service.key('retention', 'lock'));
          return left < 0 ? undefined : left;
        },
      };
    },
  });
});
