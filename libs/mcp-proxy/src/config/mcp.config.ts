import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { defineConfig } from '@techsapo/core';

const list = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

class McpEnv {
  NODE_ENV: string = 'development';

  /** JSON or YAML file with the upstream servers and the tool policy; unset = no upstreams. */
  @IsOptional() @IsString() MCP_CONFIG?: string;

  /** MCP5: per-call timeout of an upstream tool call. */
  @IsInt() @Min(100) @Max(120_000) MCP_CALL_TIMEOUT_MS: number = 3000;

  /** MCP5: per MCP session (or REST principal), file reads and network-reaching calls. */
  @IsInt() @Min(0) MCP_SESSION_FILE_READS: number = 50;
  @IsInt() @Min(0) MCP_SESSION_NETWORK_CALLS: number = 25;
  /** Per MCP session: analyses started through the `techsapo__analyze` tool. */
  @IsInt() @Min(0) MCP_SESSION_ANALYSES: number = 10;

  /** Idle MCP sessions are closed after this many seconds. */
  @IsInt() @Min(10) MCP_SESSION_IDLE_SECONDS: number = 900;

  /** Results larger than this (UTF-8 bytes of their text) are cut. */
  @IsInt() @Min(1024) MCP_RESULT_MAX_BYTES: number = 262_144;

  /** Host header values /mcp accepts (DNS-rebinding protection); empty = loopback names and PUBLIC_URL's host. */
  @IsOptional() @Transform(list) @IsString({ each: true }) MCP_ALLOWED_HOSTS?: string[];

  /** Origins /mcp accepts when a browser sends one; empty = CORS_ORIGINS and PUBLIC_URL's origin. */
  @IsOptional() @Transform(list) @IsString({ each: true }) MCP_ALLOWED_ORIGINS?: string[];

  @IsOptional() @Transform(list) @IsString({ each: true }) CORS_ORIGINS?: string[];
  @IsString() PUBLIC_URL: string = '';
}

export interface McpConfig {
  production: boolean;
  configFile?: string;
  callTimeoutMs: number;
  quotas: { fileReads: number; networkCalls: number; analyses: number };
  sessionIdleSeconds: number;
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
    production: e.NODE_ENV === 'production',
    configFile: e.MCP_CONFIG,
    callTimeoutMs: e.MCP_CALL_TIMEOUT_MS,
    quotas: {
      fileReads: e.MCP_SESSION_FILE_READS,
      networkCalls: e.MCP_SESSION_NETWORK_CALLS,
      analyses: e.MCP_SESSION_ANALYSES,
    },
    sessionIdleSeconds: e.MCP_SESSION_IDLE_SECONDS,
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
