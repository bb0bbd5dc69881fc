import { AhoCorasick } from './match/aho-corasick';
import {
  DEFAULT_DETECTION_POLICY,
  type DetectionPolicy,
  type DetectionRule,
} from './policy/detection-policy';
import type {
  DetectionAction,
  Category,
  Channel,
  Finding,
  ScanResult,
  Verdict,
} from './detection.types';
import { normalize, type NormalizedText } from './normalize/normalizer';
import { matchShape } from './match/shapes';

/** Largest input scanned (SM4: LLM responses up to 2 MiB); longer text is scanned up to it. */
export const MAX_SCAN_LENGTH = 2 * 1024 * 1024;
/** Findings kept per rule; overlapping hits of one rule are merged first. */
const MAX_FINDINGS_PER_RULE = 50;

type TokenRole = 'hit' | 'near' | 'unless';

interface TokenRef {
  rule: number;
  role: TokenRole;
  boundaryStart: boolean;
  boundaryEnd: boolean;
  /** An open-ended word token (`writefile*`) reports the whole word it starts. */
  extendWord: boolean;
  except: string[];
  notFollowedBy: string;
  notPrecededBy: string;
}

interface Span {
  start: number;
  end: number;
}

interface RuleState {
  hits: Span[];
  near: Span[];
  unless: Span[];
  found: Span[];
  scannedUntil: number;
}

const isWordUnit = (unit: number): boolean =>
  (unit >= 97 && unit <= 122) || (unit >= 48 && unit <= 57) || unit === 95 || unit === 36;

const foldToken = (token: string): string => token.normalize('NFKC').toLowerCase();

/**
 * The one detector every channel uses (requests, LLM answers, MCP arguments, results and
 * tool descriptions). Linear time: one normalisation pass, one Aho–Corasick pass, bounded
 * shape checks and a merge of sorted hit lists; no regular expressions touch the input.
 */
export interface ContentDetectorOptions {
  /** The rules and per-channel actions; the shipped default when absent. */
  policy?: DetectionPolicy;
}

export class ContentDetector {
  readonly policy: DetectionPolicy;
  private readonly automaton: AhoCorasick;
  private readonly refs: TokenRef[][];
  private readonly rules: DetectionRule[];
  private readonly maxNearLength: number[];

  constructor(options: ContentDetectorOptions = {}) {
    this.policy = options.policy ?? DEFAULT_DETECTION_POLICY;
    this.rules = this.policy.rules;
    const patterns = new Map<string, number>();
    const refs: TokenRef[][] = [];
    this.maxNearLength = this.rules.map(() => 0);
    const add = (raw: string, rule: number, role: TokenRole): void => {
      const boundaryStart = !raw.startsWith('*');
      const boundaryEnd = !raw.endsWith('*');
      const text = foldToken(raw.slice(boundaryStart ? 0 : 1, boundaryEnd ? raw.length : -1));
      let id = patterns.get(text);
      if (id === undefined) {
        id = patterns.size;
        patterns.set(text, id);
        refs.push([]);
      }
      const definition = this.rules[rule];
      if (role !== 'hit') {
        this.maxNearLength[rule] = Math.max(this.maxNearLength[rule], text.length);
      }
      refs[id].push({
        rule,
        role,
        boundaryStart: boundaryStart && isWordUnit(text.charCodeAt(0)),
        boundaryEnd: boundaryEnd && isWordUnit(text.charCodeAt(text.length - 1)),
        extendWord: !boundaryEnd && isWordUnit(text.charCodeAt(text.length - 1)),
        except: role === 'unless' ? [] : (definition.except ?? []).map(foldToken),
        notFollowedBy: role === 'hit' ? (definition.notFollowedBy ?? '') : '',
        notPrecededBy: role === 'hit' ? (definition.notPrecededBy ?? '') : '',
      });
    };
    this.rules.forEach((rule, index) => {
      for (const token of rule.tokens) add(token, index, 'hit');
      for (const token of rule.near ?? []) add(token, index, 'near');
      for (const token of rule.unless ?? []) add(token, index, 'unless');
    });
    this.automaton = new AhoCorasick([...patterns.keys()]);
    this.refs = refs;
  }

  scan(text: string, channel: Channel): ScanResult {
    const input = text.length > MAX_SCAN_LENGTH ? text.slice(0, MAX_SCAN_LENGTH) : text;
    const normalized = normalize(input);
    const states = this.match(normalized.text, normalized.breaks ?? []);
    const findings = this.collect(states, normalized, channel);
    return this.decide(text, findings);
  }

  private match(text: string, breaks: number[]): RuleState[] {
    const states: RuleState[] = this.rules.map(() => ({
      hits: [],
      near: [],
      unless: [],
      found: [],
      scannedUntil: 0,
    }));
    const lengths = this.automaton.lengths;
    this.automaton.scan(text, (id, tokenEnd) => {
      const start = tokenEnd - lengths[id];
      for (const ref of this.refs[id]) {
        if (!this.accepts(text, start, tokenEnd, ref)) continue;
        const end = ref.extendWord ? wordEnd(text, tokenEnd) : tokenEnd;
        const state = states[ref.rule];
        if (ref.role !== 'hit') {
          state[ref.role].push({ start, end });
          continue;
        }
        const rule = this.rules[ref.rule];
        if (rule.shape) {
          if (start < state.scannedUntil) continue;
          const shapeEnd = matchShape(rule, text, start, tokenEnd);
          state.scannedUntil = Math.abs(shapeEnd);
          if (shapeEnd > 0) addSpan(state.found, { start, end: shapeEnd });
        } else if (rule.near) {
          state.hits.push({ start, end });
        } else {
          addSpan(state.found, { start, end });
        }
      }
    });
    this.rules.forEach((rule, index) => {
      if (rule.near) {
        this.resolveNear(rule, states[index], this.maxNearLength[index], text, breaks);
      }
    });
    return states;
  }

  private accepts(text: string, start: number, end: number, ref: TokenRef): boolean {
    if (ref.boundaryStart && start > 0 && isWordUnit(text.charCodeAt(start - 1))) return false;
    if (ref.boundaryEnd && end < text.length && isWordUnit(text.charCodeAt(end))) return false;
    if (ref.notFollowedBy && end < text.length && ref.notFollowedBy.includes(text[end])) {
      return false;
    }
    if (ref.notPrecededBy && start > 0 && ref.notPrecededBy.includes(text[start - 1])) {
      return false;
    }
    for (const longer of ref.except) {
      const token = text.slice(start, end);
      const offset = longer.indexOf(token);
      if (offset >= 0 && text.startsWith(longer, start - offset)) return false;
    }
    return true;
  }

  /**
   * Keeps the hits that have a `near` token in their region and no `unless` token there.
   * The region is the hit's call arguments (`scope: call`), the rest of its command line
   * (`scope: line`), or the window around (or after) it. Lists are sorted by end; each hit
   * looks only at the tokens inside its bounded region, so the pass stays linear.
   */
  private resolveNear(
    rule: DetectionRule,
    state: RuleState,
    maxNear: number,
    text: string,
    breaks: number[],
  ): void {
    const cursor = { near: 0, unless: 0 };
    for (const hit of state.hits) {
      const region = regionOf(rule, hit, maxNear, text, breaks);
      if (!region) continue;
      const found = firstInside(state.near, region, maxNear, cursor, 'near');
      if (!found) continue;
      if (state.unless.length > 0 && firstInside(state.unless, region, maxNear, cursor, 'unless')) {
        continue;
      }
      addSpan(state.found, {
        start: Math.min(hit.start, found.start),
        end: Math.max(hit.end, found.end),
      });
    }
  }

  private collect(states: RuleState[], normalized: NormalizedText, channel: Channel): Finding[] {
    const findings: Finding[] = [];
    const defaults = this.policy.channels[channel] as Partial<Record<Category, DetectionAction>>;
    states.forEach((state, index) => {
      const rule = this.rules[index];
      const action: DetectionAction = rule.actions?.[channel] ?? defaults[rule.category] ?? 'flag';
      if (action === 'ignore') return;
      // Every secret is redacted; other rules report a bounded number of places.
      const spans = action === 'redact' ? state.found : state.found.slice(0, MAX_FINDINGS_PER_RULE);
      for (const span of spans) {
        findings.push({
          rule: rule.id,
          category: rule.category,
          severity: rule.severity,
          action,
          start: normalized.start[span.start],
          end: normalized.end[span.end - 1],
        });
      }
    });
    return findings.sort((a, b) => a.start - b.start || a.end - b.end);
  }

  private decide(text: string, findings: Finding[]): ScanResult {
    let verdict: Verdict = 'clean';
    for (const finding of findings) {
      if (finding.action === 'block') verdict = 'block';
      else if (verdict === 'clean') verdict = 'flag';
    }
    const redactions = findings.filter((f) => f.action === 'redact');
    if (redactions.length === 0) return { verdict, findings };
    return { verdict, findings, redacted: redact(text, redactions) };
  }
}

function regionOf(
  rule: DetectionRule,
  hit: Span,
  maxNear: number,
  text: string,
  breaks: number[],
): Span | undefined {
  const window = rule.window ?? 0;
  if (rule.scope === 'call') return callArguments(text, hit.end, window);
  if (rule.scope === 'line') return commandLine(text, hit.end, window, breaks);
  // A near token counts when it starts within the window, so the region ends a token later.
  const reach = hit.end + window + maxNear;
  if (rule.order === 'after') return { start: hit.end, end: reach };
  return { start: hit.start - window, end: reach };
}

/** Slack for hits whose regions start slightly out of order (bounded by the token length). */
const CURSOR_SLACK = 128;

/** The first span lying inside `region` (sorted by end; the cursor only moves forward). */
function firstInside(
  spans: Span[],
  region: Span,
  maxLength: number,
  cursor: Record<'near' | 'unless', number>,
  key: 'near' | 'unless',
): Span | undefined {
  while (cursor[key] < spans.length && spans[cursor[key]].end <= region.start - CURSOR_SLACK) {
    cursor[key] += 1;
  }
  for (let k = cursor[key]; k < spans.length; k += 1) {
    const span = spans[k];
    if (span.end - maxLength > region.end) break;
    if (span.start >= region.start && span.end <= region.end) return span;
  }
  return undefined;
}

const CALL_PREFIX = 24;

/**
 * The argument list of the call a hit names: an optional member tail and quote/bracket
 * (`fs['writeFileSync'](`, `subprocess.run(`), then `(` … its matching `)`, at most `window`.
 */
function callArguments(text: string, from: number, window: number): Span | undefined {
  let i = from;
  const prefixEnd = Math.min(text.length, from + CALL_PREFIX);
  while (i < prefixEnd && text.charCodeAt(i) !== 40) {
    const c = text.charCodeAt(i);
    if (!(isWordUnit(c) || c === 46 || c === 39 || c === 34 || c === 93 || c === 32)) break;
    i += 1;
  }
  // A token that ends with its own `(` starts the arguments right away.
  const open = text.charCodeAt(from - 1) === 40 ? from - 1 : i;
  if (text.charCodeAt(open) !== 40) return undefined;
  let depth = 0;
  const limit = Math.min(text.length, open + window);
  for (let k = open; k < limit; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 40) depth += 1;
    else if (c === 41 && --depth === 0) return { start: open + 1, end: k };
  }
  return { start: open + 1, end: limit };
}

/** The rest of a shell command line: up to a line break, `;`, `|` or `&`, at most `window`. */
function commandLine(text: string, from: number, window: number, breaks: number[]): Span {
  let end = Math.min(text.length, from + window);
  for (let k = from; k < end; k += 1) {
    const c = text.charCodeAt(k);
    if (c === 59 || c === 124 || c === 38) {
      end = k;
      break;
    }
  }
  // First line break after `from` (binary search over the ascending break offsets).
  let lo = 0;
  let hi = breaks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (breaks[mid] <= from) lo = mid + 1;
    else hi = mid;
  }
  if (lo < breaks.length && breaks[lo] < end) end = breaks[lo];
  return { start: from, end };
}

/** Where the word running through `from` ends (bounded, so overlapping hits stay linear). */
const MAX_WORD_EXTENSION = 64;
function wordEnd(text: string, from: number): number {
  let end = from;
  const limit = Math.min(text.length, from + MAX_WORD_EXTENSION);
  while (end < limit && isWordUnit(text.charCodeAt(end))) end += 1;
  return end;
}

/** Appends a span, merging it into the previous one when they overlap or touch. */
function addSpan(spans: Span[], span: Span): void {
  const last = spans[spans.length - 1];
  if (last && span.start <= last.end) {
    last.start = Math.min(last.start, span.start);
    last.end = Math.max(last.end, span.end);
    return;
  }
  spans.push(span);
}

function redact(text: string, findings: Finding[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const finding of [...findings].sort((a, b) => a.start - b.start)) {
    if (finding.end <= at) continue;
    const start = Math.max(at, finding.start);
    parts.push(text.slice(at, start), `[REDACTED:${finding.rule}]`);
    at = finding.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}
