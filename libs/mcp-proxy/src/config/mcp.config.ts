import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { commaList, defineConfig, isProduction } from '@techsapo/core';

class McpEnv {
  NODE_ENV: string = 'development';

  /** JSON or YAML file with the upstream servers and the tool policy; unset = no upstreams. */
  @IsOptional() @IsString() MCP_CONFIG?: string;

  /** MCP5: per-call timeout of an upstream tool call. */
  @IsInt() @Min(100) @Max(120_000) MCP_CALL_TIMEOUT_MS: number = 3000;

  /** MCP5: per principal and quota window (whatever session or door), file reads and network-reaching calls. */
  @IsInt() @Min(0) MCP_SESSION_FILE_READS: number = 50;
  @IsInt() @Min(0) MCP_SESSION_NETWORK_CALLS: number = 25;
  /** Per principal and quota window: analyses started through the `techsapo__analyze` tool. */
  @IsInt() @Min(0) MCP_SESSION_ANALYSES: number = 10;
  /** The window those quotas count over, in seconds. */
  @IsInt() @Min(10) @Max(604_800) MCP_QUOTA_WINDOW_SECONDS: number = 3600;

  /** Idle MCP sessions are closed after this many seconds. */
  @IsInt() @Min(10) MCP_SESSION_IDLE_SECONDS: number = 900;
  /** Open MCP sessions per user; one more ends the least recently used (which then answers 404). */
  @IsInt() @Min(1) @Max(1000) MCP_SESSION_MAX_PER_USER: number = 20;

  /** Rate limits of /mcp (per user, its own counters): agents send bursts of parallel calls. */
  @IsInt() @Min(1) MCP_RATE_LIMIT_BURST: number = 100;
  @IsInt() @Min(1) MCP_RATE_LIMIT_PER_MINUTE: number = 1200;
  @IsInt() @Min(1) MCP_RATE_LIMIT_PER_HOUR: number = 20_000;

  /** Tool arguments carrying a credential: refused, or sent with the credential redacted. */
  @IsIn(['refuse', 'redact']) MCP_ARGUMENT_SECRETS: 'refuse' | 'redact' = 'refuse';

  /** Liveness: each upstream is pinged this often; one that does not answer within the timeout is restarted. */
  @IsInt() @Min(100) @Max(600_000) MCP_UPSTREAM_PING_INTERVAL_MS: number = 15_000;
  @IsInt() @Min(50) @Max(60_000) MCP_UPSTREAM_PING_TIMEOUT_MS: number = 5000;

  /** Results larger than this (UTF-8 bytes of their text) are cut. */
  @IsInt() @Min(1024) MCP_RESULT_MAX_BYTES: number = 262_144;

  /** Host header values /mcp accepts (DNS-rebinding protection); empty = loopback names and PUBLIC_URL's host. */
  @IsOptional() @Transform(commaList) @IsString({ each: true }) MCP_ALLOWED_HOSTS?: string[];

  /** Origins /mcp accepts when a browser sends one; empty = CORS_ORIGINS and PUBLIC_URL's origin. */
  @IsOptional() @Transform(commaList) @IsString({ each: true }) MCP_ALLOWED_ORIGINS?: string[];

  @IsOptional() @Transform(commaList) @IsString({ each: true }) CORS_ORIGINS?: string[];
  @IsString() PUBLIC_URL: string = '';
}

export interface McpConfig {
  production: boolean;
  configFile?: string;
  callTimeoutMs: number;
  quotas: { fileReads: number; networkCalls: number; analyses: number; windowSeconds: number };
  sessionIdleSeconds: number;
  sessionMaxPerUser: number;
  rateLimit: { burst: number; perMinute: number; perHour: number };
  argumentSecrets: 'refuse' | 'redact';
  ping: { intervalMs: number; timeoutMs: number };
  resultMaxBytes: number;
  allowedHosts: string[];
  allowedOrigins: string[];
}

function publicUrl(value: string): URL | undefined {
  try {
    return value ? new URL(value) : undefined;
  } catch {
    return undefined;
  }
}

export const mcpConfig = defineConfig('mcp', McpEnv, (e): McpConfig => {
  const pub = publicUrl(e.PUBLIC_URL);
  return {
    production: isProduction(e),
    configFile: e.MCP_CONFIG,
    callTimeoutMs: e.MCP_CALL_TIMEOUT_MS,
    quotas: {
      fileReads: e.MCP_SESSION_FILE_READS,
      networkCalls: e.MCP_SESSION_NETWORK_CALLS,
      analyses: e.MCP_SESSION_ANALYSES,
      windowSeconds: e.MCP_QUOTA_WINDOW_SECONDS,
    },
    sessionIdleSeconds: e.MCP_SESSION_IDLE_SECONDS,
    sessionMaxPerUser: e.MCP_SESSION_MAX_PER_USER,
    rateLimit: {
      burst: e.MCP_RATE_LIMIT_BURST,
      perMinute: e.MCP_RATE_LIMIT_PER_MINUTE,
      perHour: e.MCP_RATE_LIMIT_PER_HOUR,
    },
    argumentSecrets: e.MCP_ARGUMENT_SECRETS,
    ping: {
      intervalMs: e.MCP_UPSTREAM_PING_INTERVAL_MS,
      timeoutMs: e.MCP_UPSTREAM_PING_TIMEOUT_MS,
    },
    resultMaxBytes: e.MCP_RESULT_MAX_BYTES,
    allowedHosts: (e.MCP_ALLOWED_HOSTS?.length
      ? e.MCP_ALLOWED_HOSTS
      : ['localhost', '127.0.0.1', '[::1]', ...(pub ? [pub.hostname] : [])]
    ).map((h) => h.toLowerCase()),
    allowedOrigins: e.MCP_ALLOWED_ORIGINS?.length
      ? e.MCP_ALLOWED_ORIGINS
      : [...(e.CORS_ORIGINS ?? []), ...(pub ? [pub.origin] : [])],
  };
});
