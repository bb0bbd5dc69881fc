import { load as loadYaml } from 'js-yaml';
import { readFileSync } from 'node:fs';

export const PROVIDER_KINDS = ['openai', 'anthropic', 'gemini', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/**
 * How a structured reply is asked: `native` through the provider's own feature (OpenAI and
 * Gemini `response_format` json_schema, Anthropic a forced tool call), `prompt` by an
 * instruction and a fenced block marked with a per-call nonce (servers without the feature).
 */
export const STRUCTURED_OUTPUT_MODES = ['native', 'prompt'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** One entry of LLM_PROVIDERS / LLM_PROVIDERS_FILE, as written by the operator. */
export interface ProviderDefinition {
  name: string;
  kind: ProviderKind;
  model: string;
  baseUrl?: string;
  /** The environment variable holding the key; the key itself never appears in the list. */
  apiKeyEnv?: string;
  timeoutMs?: number;
  maxOutputTokens?: number;
  temperature?: number;
  priceInputPer1M?: number;
  priceOutputPer1M?: number;
  /** Default: `native`, except `prompt` for openai-compatible (not every server has the feature). */
  structuredOutput?: StructuredOutputMode;
}

/** Where each kind is served unless `baseUrl` says otherwise. */
export const DEFAULT_BASE_URLS: Record<Exclude<ProviderKind, 'openai-compatible'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai',
};

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/i;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;
const KEYS = new Set([
  'name',
  'kind',
  'model',
  'baseUrl',
  'apiKeyEnv',
  'timeoutMs',
  'maxOutputTokens',
  'temperature',
  'priceInputPer1M',
  'priceOutputPer1M',
  'structuredOutput',
]);

export interface ParsedProviders {
  definitions: ProviderDefinition[];
  problems: string[];
}

/** Reads the list from the file (JSON or YAML by content) or the inline JSON; both = a problem. */
export function readProviderList(file?: string, inline?: string): ParsedProviders {
  if (file && inline) {
    return { definitions: [], problems: ['set LLM_PROVIDERS_FILE or LLM_PROVIDERS, not both'] };
  }
  let raw: unknown = [];
  let text: string | undefined = inline;
  try {
    if (file) text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    return { definitions: [], problems: [`cannot read ${file} (${code})`] };
  }
  try {
    // YAML is a superset of JSON, so the file may be either.
    if (text !== undefined) raw = file ? loadYaml(text) : JSON.parse(text);
  } catch (error) {
    // Parser messages quote the input, which may hold a misplaced key: report the place only.
    const line = (error as { mark?: { line?: number } }).mark?.line;
    const where = line !== undefined ? ` (line ${line + 1})` : '';
    const what = file ? 'is not valid YAML or JSON' : 'is not valid JSON';
    return { definitions: [], problems: [`${what}${where}`] };
  }
  return checkProviderList(raw);
}

/** Every problem of the list at once, each naming the entry; never echoes values that may be secret. */
export function checkProviderList(raw: unknown): ParsedProviders {
  const list =
    raw && typeof raw === 'object' && !Array.isArray(raw) && 'providers' in raw
      ? (raw as { providers: unknown }).providers
      : raw;
  if (list === undefined || list === null) return { definitions: [], problems: [] };
  if (!Array.isArray(list)) {
    return { definitions: [], problems: ['must be a list of providers'] };
  }
  const problems: string[] = [];
  const names = new Set<string>();
  const definitions = list.flatMap((entry: unknown, index): ProviderDefinition[] => {
    const at = `provider ${index + 1}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      problems.push(`${at}: must be an object`);
      return [];
    }
    const e = entry as Record<string, unknown>;
    const before = problems.length;
    for (const key of Object.keys(e)) if (!KEYS.has(key)) problems.push(`${at}: unknown ${key}`);
    if (typeof e.name !== 'string' || !NAME.test(e.name)) {
      problems.push(`${at}: name must be 1-63 letters, digits, ".", "_" or "-"`);
    } else if (names.has(e.name)) problems.push(`${at}: name ${e.name} is used twice`);
    else names.add(e.name);
    if (!PROVIDER_KINDS.includes(e.kind as ProviderKind)) {
      problems.push(`${at}: kind must be one of ${PROVIDER_KINDS.join(', ')}`);
    }
    if (typeof e.model !== 'string' || e.model.length === 0 || e.model.length > 200) {
      problems.push(`${at}: model is required`);
    }
    if (e.baseUrl !== undefined && !isHttpUrl(e.baseUrl)) {
      problems.push(`${at}: baseUrl must be an http(s) URL without credentials`);
    }
    if (e.kind === 'openai-compatible' && e.baseUrl === undefined) {
      problems.push(`${at}: baseUrl is required for kind openai-compatible`);
    }
    if (
      e.apiKeyEnv !== undefined &&
      (typeof e.apiKeyEnv !== 'string' || !ENV_NAME.test(e.apiKeyEnv))
    ) {
      problems.push(`${at}: apiKeyEnv must name an environment variable (A-Z, 0-9, _)`);
    }
    if (e.kind !== 'openai-compatible' && e.kind !== undefined && e.apiKeyEnv === undefined) {
      problems.push(`${at}: apiKeyEnv is required for kind ${String(e.kind)}`);
    }
    number(e.timeoutMs, 100, 600000, `${at}: timeoutMs`, problems, true);
    number(e.maxOutputTokens, 1, 1000000, `${at}: maxOutputTokens`, problems, true);
    number(e.temperature, 0, 2, `${at}: temperature`, problems);
    number(e.priceInputPer1M, 0, 10000, `${at}: priceInputPer1M`, problems);
    number(e.priceOutputPer1M, 0, 10000, `${at}: priceOutputPer1M`, problems);
    if (
      e.structuredOutput !== undefined &&
      !STRUCTURED_OUTPUT_MODES.includes(e.structuredOutput as StructuredOutputMode)
    ) {
      problems.push(`${at}: structuredOutput must be one of ${STRUCTURED_OUTPUT_MODES.join(', ')}`);
    }
    return problems.length === before ? [e as unknown as ProviderDefinition] : [];
  });
  return { definitions, problems };
}

function number(
  value: unknown,
  min: number,
  max: number,
  what: string,
  problems: string[],
  integer = false,
): void {
  if (value === undefined) return;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    problems.push(`${what} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    );
  } catch {
    return false;
  }
}

/** How a provider is asked for structured replies unless its entry says otherwise. */
export function structuredOutputOf(definition: ProviderDefinition): StructuredOutputMode {
  return (
    definition.structuredOutput ?? (definition.kind === 'openai-compatible' ? 'prompt' : 'native')
  );
}

/** The URL a provider is called at. */
export function baseUrlOf(definition: ProviderDefinition): string {
  if (definition.baseUrl) return definition.baseUrl;
  return DEFAULT_BASE_URLS[definition.kind as keyof typeof DEFAULT_BASE_URLS];
}
