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

export const CATEGORIES = [
  'self-modification',
  'code-execution',
  'file-write',
  'prompt-injection',
  'web-injection',
  'secret',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const DETECTION_ACTIONS = ['block', 'flag', 'redact', 'ignore'] as const;
export type DetectionAction = (typeof DETECTION_ACTIONS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type DetectionSeverity = (typeof SEVERITIES)[number];

export type Verdict = 'clean' | 'flag' | 'block';

/** One rule hit; `start`/`end` are UTF-16 offsets into the ORIGINAL input (end exclusive). */
export interface Finding {
  rule: string;
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

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}
