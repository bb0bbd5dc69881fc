import { auditConfig } from '@techsapo/audit';
import { appConfig, ConfigNamespace, redisConfig } from '@techsapo/core';
import { mcpConfig } from '@techsapo/mcp-proxy/config';
import { runtimeConfig, securityConfig } from '@techsapo/security';
import { analysesConfig, budgetsConfig, wallBounceEngineConfig } from '@techsapo/wall-bounce';

/** Every configuration namespace, validated together at boot (one message for all problems). */
export const CONFIG_NAMESPACES: ConfigNamespace[] = [
  appConfig,
  redisConfig,
  securityConfig,
  auditConfig,
  runtimeConfig,
  wallBounceEngineConfig,
  mcpConfig,
  analysesConfig,
  budgetsConfig,
];
