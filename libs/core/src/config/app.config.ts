import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { commaList, defineConfig, isProduction } from './define-config';
import { IsSecret } from './secret.validator';

export const PROCESS_ROLES = ['api', 'worker', 'mcp', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

class AppEnv {
  @IsIn(['development', 'production', 'test']) NODE_ENV: string = 'development';
  @IsInt() @Min(0) @Max(65535) PORT: number = 3000;
  @IsString() HOST: string = '0.0.0.0';
  @IsIn(PROCESS_ROLES) ROLE: ProcessRole = 'all';
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL: string = 'info';
  /** json: one JSON record a line (for machines); pretty: pino-pretty's lines (for people). */
  @IsIn(['json', 'pretty']) LOG_FORMAT: 'json' | 'pretty' = 'json';
  @IsOptional() @Transform(commaList) @IsString({ each: true }) CORS_ORIGINS?: string[];
  /** false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
  @IsString() TRUST_PROXY: string = 'false';
  @IsOptional() @IsSecret(16) METRICS_TOKEN?: string;
  /**
   * How long a scrape of /metrics waits for a gauge read from Redis; one not read in time is
   * left out and marked by techsapo_metric_stale.
   */
  @IsInt() @Min(10) @Max(10000) METRICS_COLLECT_TIMEOUT_MS: number = 250;
  @IsString() DATA_DIR: string = '.data';
  @IsInt() @Min(0) SHUTDOWN_TIMEOUT_MS: number = 25000;
  @IsString() PUBLIC_URL: string = '';
  /** How deeply a JSON body may nest objects and arrays; deeper bodies are refused with 400. */
  @IsInt() @Min(1) @Max(1000) BODY_MAX_DEPTH: number = 64;
}

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  host: string;
  role: ProcessRole;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  corsOrigins: string[];
  trustProxy: boolean | number | string[];
  metricsToken?: string;
  metricsCollectTimeoutMs: number;
  dataDir: string;
  shutdownTimeoutMs: number;
  publicUrl: string;
  bodyMaxDepth: number;
}

export const appConfig = defineConfig('app', AppEnv, (e): AppConfig => ({
  env: e.NODE_ENV as AppConfig['env'],
  production: isProduction(e),
  port: e.PORT,
  host: e.HOST,
  role: e.ROLE,
  logLevel: e.LOG_LEVEL,
  logFormat: e.LOG_FORMAT,
  corsOrigins: e.CORS_ORIGINS ?? [],
  trustProxy: parseTrustProxy(e.TRUST_PROXY),
  metricsToken: e.METRICS_TOKEN,
  metricsCollectTimeoutMs: e.METRICS_COLLECT_TIMEOUT_MS,
  dataDir: e.DATA_DIR,
  shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  publicUrl: e.PUBLIC_URL,
  bodyMaxDepth: e.BODY_MAX_DEPTH,
}));

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
