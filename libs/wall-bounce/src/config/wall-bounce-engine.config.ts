import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { commaList, defineConfig, EnvSource, isProduction } from '@techsapo/core';
import { GATE_ACTIONS, type GateAction } from '../analysis/analysis.types';
import { AnalysisProfile, readProfiles } from './analysis-profiles';
import { isHostAllowed, isLoopbackHost, DEFAULT_ALLOWED_HOSTS } from './allowed-hosts';
import {
  baseUrlOf,
  ProviderDefinition,
  readProviderList,
  structuredOutputOf,
} from './provider-definition';

export const SIMULATOR_MODES = ['auto', 'on', 'off'] as const;
export type SimulatorMode = (typeof SIMULATOR_MODES)[number];

class WallBounceEngineEnv {
  NODE_ENV: string = 'development';

  /** A JSON or YAML file listing the providers (see docs/wall-bounce.md). */
  @ProviderListValid() LLM_PROVIDERS_FILE?: string;
  /** The same list as inline JSON. */
  @ProviderListValid() LLM_PROVIDERS?: string;

  /** The provider that writes the final answer (default: the first provider listed). */
  @NamesProvider() WALL_BOUNCE_AGGREGATOR?: string;
  /** Used when the aggregator fails. */
  @NamesProvider() WALL_BOUNCE_FALLBACK_AGGREGATOR?: string;
  /** The peers asked when a request names none (default: every provider). */
  @IsOptional() @Transform(commaList) @NamesProvider() WALL_BOUNCE_PEERS?: string[];

  /**
   * Admin-defined analysis profiles (JSON array of { name, mode, peers?, aggregator?,
   * maxCostUsd?, gates? }), offered as models `techsapo/<name>` besides the built-in three.
   */
  @ProfilesValid() WALL_BOUNCE_PROFILES?: string;

  /** Hostnames providers may be called at; loopback only when listed and never in production. */
  @Transform(commaList)
  @IsString({ each: true })
  @NoLoopbackInProduction()
  LLM_ALLOWED_HOSTS: string[] = DEFAULT_ALLOWED_HOSTS;

  @IsNumber() @Min(0) @Max(1) WALL_BOUNCE_MIN_CONFIDENCE: number = 0.7;
  @IsNumber() @Min(0) @Max(1) WALL_BOUNCE_MIN_CONSENSUS: number = 0.6;
  @IsIn(GATE_ACTIONS) WALL_BOUNCE_GATE_ACTION: GateAction = 'flag';
  @IsInt() @Min(0) @Max(5) WALL_BOUNCE_MAX_ESCALATIONS: number = 1;
  @IsInt() @Min(2) @Max(10) WALL_BOUNCE_SEQUENTIAL_DEPTH: number = 3;
  /**
   * Once a quorum of peers answered (a majority of those asked, at least 2), a straggler gets
   * until this factor × the median latency of those that answered (at least the floor), then is
   * left behind (`late`).
   */
  @IsNumber() @Min(1) @Max(20) WALL_BOUNCE_STRAGGLER_FACTOR: number = 2;
  /** The least time (ms from the start of the round) a straggler gets once the quorum answered. */
  @IsInt() @Min(0) @Max(600000) WALL_BOUNCE_STRAGGLER_FLOOR_MS: number = 3000;

  @IsInt() @Min(100) @Max(600000) LLM_TIMEOUT_MS: number = 60000;
  @IsInt() @Min(1) @Max(1000000) LLM_MAX_OUTPUT_TOKENS: number = 2048;
  @IsInt() @Min(0) @Max(600000) LLM_RETRY_AFTER_MAX_MS: number = 20000;
  @IsInt() @Min(1) @Max(100) LLM_CIRCUIT_FAILURES: number = 5;
  @IsInt() @Min(100) @Max(3600000) LLM_CIRCUIT_RESET_MS: number = 30000;

  @IsIn(SIMULATOR_MODES) @SimulatorNotInProduction() WALL_BOUNCE_SIMULATOR: SimulatorMode = 'auto';
  @IsInt() @Min(0) @Max(60000) WALL_BOUNCE_SIMULATOR_LATENCY_MS: number = 150;
}

/** A provider ready to be called: its definition with defaults and its key resolved. */
export interface ProviderConfig extends Required<
  Omit<ProviderDefinition, 'apiKeyEnv' | 'baseUrl' | 'temperature'>
> {
  baseUrl: string;
  apiKeyEnv?: string;
  /** From the variable named by apiKeyEnv; never written anywhere else. */
  apiKey?: string;
  temperature?: number;
  /** A simulated provider (development only); calls go to the bundled simulator. */
  simulated?: boolean;
}

export interface WallBounceEngineConfig {
  environment: string;
  production: boolean;
  providers: ProviderConfig[];
  aggregator?: string;
  fallbackAggregator?: string;
  peers?: string[];
  allowedHosts: string[];
  thresholds: { confidence: number; consensus: number };
  gate: { action: GateAction; maxEscalations: number };
  sequentialDepth: number;
  straggler: { factor: number; floorMs: number };
  retryAfterMaxMs: number;
  circuit: { failures: number; resetMs: number };
  simulator: { mode: SimulatorMode; latencyMs: number };
  /** The built-in profiles, then WALL_BOUNCE_PROFILES. */
  profiles: AnalysisProfile[];
}

const envOf = (schema: object): EnvSource => schema as unknown as EnvSource;

function resolveProviders(e: WallBounceEngineEnv): ProviderConfig[] {
  const { definitions } = readProviderList(e.LLM_PROVIDERS_FILE, e.LLM_PROVIDERS);
  const env = envOf(e);
  return definitions.map((d) => ({
    name: d.name,
    kind: d.kind,
    model: d.model,
    baseUrl: baseUrlOf(d),
    apiKeyEnv: d.apiKeyEnv,
    apiKey: d.apiKeyEnv ? env[d.apiKeyEnv] : undefined,
    timeoutMs: d.timeoutMs ?? e.LLM_TIMEOUT_MS,
    maxOutputTokens: d.maxOutputTokens ?? e.LLM_MAX_OUTPUT_TOKENS,
    temperature: d.temperature,
    priceInputPer1M: d.priceInputPer1M ?? 0,
    priceOutputPer1M: d.priceOutputPer1M ?? 0,
    structuredOutput: structuredOutputOf(d),
  }));
}

export const wallBounceEngineConfig = defineConfig(
  'wallBounceEngine',
  WallBounceEngineEnv,
  (e): WallBounceEngineConfig => {
    const providers = resolveProviders(e);
    return {
      environment: e.NODE_ENV,
      production: isProduction(e),
      providers,
      aggregator: e.WALL_BOUNCE_AGGREGATOR ?? providers[0]?.name,
      fallbackAggregator: e.WALL_BOUNCE_FALLBACK_AGGREGATOR,
      peers: e.WALL_BOUNCE_PEERS,
      allowedHosts: e.LLM_ALLOWED_HOSTS,
      thresholds: {
        confidence: e.WALL_BOUNCE_MIN_CONFIDENCE,
        consensus: e.WALL_BOUNCE_MIN_CONSENSUS,
      },
      gate: { action: e.WALL_BOUNCE_GATE_ACTION, maxEscalations: e.WALL_BOUNCE_MAX_ESCALATIONS },
      sequentialDepth: e.WALL_BOUNCE_SEQUENTIAL_DEPTH,
      straggler: {
        factor: e.WALL_BOUNCE_STRAGGLER_FACTOR,
        floorMs: e.WALL_BOUNCE_STRAGGLER_FLOOR_MS,
      },
      retryAfterMaxMs: e.LLM_RETRY_AFTER_MAX_MS,
      circuit: { failures: e.LLM_CIRCUIT_FAILURES, resetMs: e.LLM_CIRCUIT_RESET_MS },
      simulator: { mode: e.WALL_BOUNCE_SIMULATOR, latencyMs: e.WALL_BOUNCE_SIMULATOR_LATENCY_MS },
      profiles: readProfiles(
        e.WALL_BOUNCE_PROFILES,
        providers.map((p) => p.name),
      ).profiles,
    };
  },
);

/**
 * The provider list as a whole: parses, entries valid, hosts allowed; in the roles that run
 * analyses also keys present and, in production, at least two providers (the simulator never
 * runs there).
 * Reported on whichever of the two variables is set (LLM_PROVIDERS when neither is).
 */
function providerListProblems(e: WallBounceEngineEnv): string[] {
  const { definitions, problems } = readProviderList(e.LLM_PROVIDERS_FILE, e.LLM_PROVIDERS);
  const env = envOf(e);
  const production = isProduction(e);
  // Only processes that run analyses (worker, all) call providers, so only they need the keys.
  const calls = env.ROLE === undefined || env.ROLE === 'worker' || env.ROLE === 'all';
  const hosts = Array.isArray(e.LLM_ALLOWED_HOSTS) ? e.LLM_ALLOWED_HOSTS : DEFAULT_ALLOWED_HOSTS;
  for (const d of definitions) {
    if (calls && d.apiKeyEnv && !env[d.apiKeyEnv]) {
      problems.push(`${d.name}: the key variable ${d.apiKeyEnv} is not set`);
    }
    const host = new URL(baseUrlOf(d)).hostname;
    if (!isHostAllowed(host, hosts))
      problems.push(`${d.name}: host ${host} is not in LLM_ALLOWED_HOSTS`);
    else if (production && isLoopbackHost(host)) {
      problems.push(`${d.name}: loopback host ${host} is refused in production`);
    }
  }
  if (calls && production && problems.length === 0 && definitions.length < 2) {
    problems.push('production needs at least two providers (the simulator never runs there)');
  }
  return problems;
}

function ProviderListValid(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'providerListValid',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(_value: unknown, args: ValidationArguments): boolean {
          const e = args.object as WallBounceEngineEnv;
          const reportedHere =
            args.property === (e.LLM_PROVIDERS_FILE ? 'LLM_PROVIDERS_FILE' : 'LLM_PROVIDERS');
          return !reportedHere || providerListProblems(e).length === 0;
        },
        defaultMessage(args: ValidationArguments): string {
          return providerListProblems(args.object as WallBounceEngineEnv).join('; ');
        },
      },
    });
}

function NamesProvider(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'namesProvider',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          if (value === undefined) return true;
          const e = args.object as WallBounceEngineEnv;
          const names = new Set(
            readProviderList(e.LLM_PROVIDERS_FILE, e.LLM_PROVIDERS).definitions.map((d) => d.name),
          );
          const wanted = Array.isArray(value) ? value : [value];
          return wanted.every((name) => typeof name === 'string' && names.has(name));
        },
        defaultMessage(): string {
          return 'must name providers of LLM_PROVIDERS / LLM_PROVIDERS_FILE';
        },
      },
    });
}

function profileProblems(e: WallBounceEngineEnv): string[] {
  const names = readProviderList(e.LLM_PROVIDERS_FILE, e.LLM_PROVIDERS).definitions.map(
    (d) => d.name,
  );
  return readProfiles(e.WALL_BOUNCE_PROFILES, names).problems;
}

function ProfilesValid(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'profilesValid',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(_value: unknown, args: ValidationArguments): boolean {
          return profileProblems(args.object as WallBounceEngineEnv).length === 0;
        },
        defaultMessage(args: ValidationArguments): string {
          return profileProblems(args.object as WallBounceEngineEnv).join('; ');
        },
      },
    });
}

function NoLoopbackInProduction(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'noLoopbackInProduction',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const production = isProduction(args.object as WallBounceEngineEnv);
          return (
            !production || !Array.isArray(value) || !value.some((h) => isLoopbackHost(String(h)))
          );
        },
        defaultMessage(): string {
          return 'must not list loopback hosts in production';
        },
      },
    });
}

function SimulatorNotInProduction(): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'simulatorNotInProduction',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          return !isProduction(args.object as WallBounceEngineEnv) || value !== 'on';
        },
        defaultMessage(): string {
          return 'the simulator never runs in production';
        },
      },
    });
}

/**
 * True when the bundled simulator stands in for providers: none configured, never in
 * production, and either development (`auto`) or asked for (`on`, e.g. a test run).
 */
export function usesSimulator(config: WallBounceEngineConfig): boolean {
  if (config.production || config.providers.length > 0) return false;
  if (config.simulator.mode === 'on') return true;
  return config.simulator.mode === 'auto' && config.environment === 'development';
}
