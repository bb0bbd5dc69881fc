/** Where a text comes from; the policy decides per channel what a finding does. */
export const CHANNELS = [
  'request-field',
  'request-text',
  'llm-answer',
  'mcp-argument',
  'mcp-result',
  'mcp-description',
] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The two questions the detector answers, never mixed, and credentials:
 * - `attempt`: the content tries to change or subvert TechSapo itself (its code, dependencies,
 *   configuration, environment, process, security state, policies) or injects into a field
 *   TechSapo interprets. Blocks where the channel says so, is counted and audited.
 * - `risk`: a risky pattern in code or text under review. Informational, never blocked, never
 *   counted as an attack.
 * - `secret`: a credential, redacted where the channel says so.
 */
export const KINDS = ['attempt', 'risk', 'secret'] as const;
export type Kind = (typeof KINDS)[number];

export const CATEGORIES = [
  'self-modification',
  'prompt-injection',
  'web-injection',
  'code-execution',
  'template-injection',
  'file-write',
  'secret',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** `note` is the action of risks: reported, nothing else. */
export const DETECTION_ACTIONS = ['block', 'flag', 'note', 'redact', 'ignore'] as const;
export type DetectionAction = (typeof DETECTION_ACTIONS)[number];

/** The actions each kind may take; the policy is refused when it asks for another. */
export const ACTIONS_OF_KIND: Record<Kind, readonly DetectionAction[]> = {
  attempt: ['block', 'flag', 'ignore'],
  risk: ['note', 'ignore'],
  secret: ['flag', 'redact', 'ignore'],
};

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type DetectionSeverity = (typeof SEVERITIES)[number];

/** `flag` when something was flagged or redacted; notes alone leave a text `clean`. */
export type Verdict = 'clean' | 'flag' | 'block';

/**
 * What a structured field holds, when that allows what would otherwise look suspicious; the
 * policy says which rules a meaning relaxes and which check takes their place.
 * `repository-path`: a path relative to a repository root (`docs/../src/a.ts` is fine; a path
 * that leaves the root, an absolute path or an encoded traversal is not).
 */
export const FIELD_MEANINGS = ['repository-path'] as const;
export type FieldMeaning = (typeof FIELD_MEANINGS)[number];

/** One rule hit; `start`/`end` are UTF-16 offsets into the ORIGINAL input (end exclusive). */
export interface Finding {
  rule: string;
  kind: Kind;
  category: Category;
  severity: DetectionSeverity;
  action: DetectionAction;
  start: number;
  end: number;
}

export interface ScanResult {
  verdict: Verdict;
  findings: Finding[];
  /** The input with every `redact` finding replaced; present only when something was redacted. */
  redacted?: string;
}

export interface ScanOptions {
  /**
   * The content under review that the scanned text answers (an LLM answer, an MCP result): an
   * attempt whose matched text is quoted from it is that content, not an attempt.
   */
  quotedFrom?: string;
  /** What the scanned structured field holds (see FIELD_MEANINGS). */
  field?: FieldMeaning;
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

export function isFieldMeaning(value: unknown): value is FieldMeaning {
  return typeof value === 'string' && (FIELD_MEANINGS as readonly string[]).includes(value);
}
