import {
  type Channel,
  type DetectionAction,
  type FieldMeaning,
  type Finding,
  type ScanOptions,
  type ScanResult,
  type Verdict,
} from './detection.types';
import { repositoryPathProblem } from './fields/repository-path';
import { CompiledPolicy, type ChannelAutomaton } from './match/compiled-policy';
import { RuleMatcher, type RuleState } from './match/rule-matcher';
import {
  normalize,
  NormalizeWorkspace,
  originEnd,
  originStart,
  type NormalizedText,
} from './normalize/normalizer';
import {
  actionOf,
  channelPolicyOf,
  DEFAULT_DETECTION_POLICY,
  type DetectionPolicy,
  type DetectionRule,
} from './policy/detection-policy';
import { compactSpan, QuotedSources } from './quoted/quoted-source';
import { selfTargetTokenSets, type SelfTargets } from './self-targets';

/** Largest input scanned (LLM responses up to 2 MiB); longer text is scanned up to it. */
export const MAX_SCAN_LENGTH = 2 * 1024 * 1024;
/** Places reported per rule; every secret is redacted whatever the count. */
const MAX_FINDINGS_PER_RULE = 50;
/** Distinct quotes looked up per scan; past this, attempts stay attempts (fail closed). */
const MAX_QUOTE_LOOKUPS = 256;

export interface ContentDetectorOptions {
  /** The rules and per-channel actions; the shipped default when absent. */
  policy?: DetectionPolicy;
  /** What TechSapo itself is where it runs (see SelfTargets); none when absent. */
  selfTargets?: SelfTargets;
}

/** What a channel (and a field meaning) does with each rule. */
interface Plan {
  automaton: ChannelAutomaton;
  actions: DetectionAction[];
  /** Per rule: 0 when ignored, else the matches to keep (see RuleMatcher). */
  limits: Int32Array;
  /** The same when every attempt's matches are kept (to look up quotes). */
  limitsForQuotes: Int32Array;
  plusAsSpace: boolean;
  check?: { meaning: FieldMeaning; rule: number };
}

/**
 * The one detector every channel uses (requests, LLM answers, MCP arguments, results and
 * tool descriptions). It answers two questions, never mixed: does this content try to change
 * or subvert TechSapo itself (`attempt`), and does code under review hold risky patterns
 * (`risk`); credentials are `secret`. Linear time: one normalisation pass, one automaton pass,
 * bounded shape checks and a merge of sorted hit lists; no regular expression touches the
 * input. Not reentrant (`scan` is synchronous and reuses its buffers). A channel's automaton
 * is built the first time the channel is scanned, so a process that scans one channel (the
 * CLI, most specs) builds one.
 */
export class ContentDetector {
  readonly policy: DetectionPolicy;
  private readonly rules: DetectionRule[];
  private readonly compiled: CompiledPolicy;
  private readonly matcher: RuleMatcher;
  private readonly plans = new Map<string, Plan>();
  private readonly quoted = new QuotedSources();
  private readonly workspace = new NormalizeWorkspace();

  constructor(options: ContentDetectorOptions = {}) {
    this.policy = options.policy ?? DEFAULT_DETECTION_POLICY;
    this.rules = this.policy.rules;
    this.compiled = new CompiledPolicy(this.policy, selfTargetTokenSets(options.selfTargets));
    this.matcher = new RuleMatcher(this.compiled);
  }

  scan(text: string, channel: Channel, options: ScanOptions = {}): ScanResult {
    const input = text.length > MAX_SCAN_LENGTH ? text.slice(0, MAX_SCAN_LENGTH) : text;
    const plan = this.planFor(channel, options.field);
    const normalized = normalize(input, { plusAsSpace: plan.plusAsSpace }, this.workspace);
    const quotes = options.quotedFrom !== undefined;
    const limits = quotes ? plan.limitsForQuotes : plan.limits;
    const states = this.matcher.match(normalized, plan.automaton, limits);
    const findings = this.collect(states, normalized, plan, options.quotedFrom);
    if (plan.check) this.checkField(input, normalized, plan, findings);
    findings.sort((a, b) => a.start - b.start || a.end - b.end);
    return this.decide(text, findings);
  }

  private planFor(channel: Channel, field?: FieldMeaning): Plan {
    const key = field ? `${channel}:${field}` : channel;
    let plan = this.plans.get(key);
    if (plan) return plan;
    const meaning = field ? this.policy.fields[field] : undefined;
    const relaxed = new Set(meaning?.relax ?? []);
    const actions = this.rules.map((rule) => actionOf(this.policy, rule, channel));
    const limit = (rule: DetectionRule, index: number, quotes: boolean): number => {
      if (actions[index] === 'ignore' || relaxed.has(rule.id)) return 0;
      if (actions[index] === 'redact' || (quotes && rule.kind === 'attempt')) return 0x7fffffff;
      return MAX_FINDINGS_PER_RULE;
    };
    const limits = Int32Array.from(this.rules, (rule, index) => limit(rule, index, false));
    plan = {
      automaton: this.compiled.automatonFor((index) => limits[index] > 0),
      actions,
      limits,
      limitsForQuotes: Int32Array.from(this.rules, (rule, index) => limit(rule, index, true)),
      plusAsSpace: channelPolicyOf(this.policy, channel).plusAsSpace === true,
      check:
        meaning && field
          ? { meaning: field, rule: this.rules.findIndex((r) => r.id === meaning.report) }
          : undefined,
    };
    this.plans.set(key, plan);
    return plan;
  }

  private collect(
    states: readonly RuleState[],
    normalized: NormalizedText,
    plan: Plan,
    quotedFrom: string | undefined,
  ): Finding[] {
    const findings: Finding[] = [];
    const source = quotedFrom === undefined ? undefined : this.quoted.compacted(quotedFrom);
    const lookups = new Map<string, boolean>();
    const isQuoted = (from: number, to: number): boolean => {
      if (source === undefined) return false;
      const quote = compactSpan(normalized, from, to);
      let known = lookups.get(quote);
      if (known === undefined) {
        if (lookups.size >= MAX_QUOTE_LOOKUPS) return false;
        known = quote.length > 0 && source.includes(quote);
        lookups.set(quote, known);
      }
      return known;
    };
    states.forEach((state, index) => {
      const action = plan.actions[index];
      if (plan.limits[index] === 0 || state.found.length === 0) return;
      const rule = this.rules[index];
      const { starts, ends, length } = state.found;
      let reported = 0;
      for (let k = 0; k < length; k += 1) {
        if (action !== 'redact' && reported >= MAX_FINDINGS_PER_RULE) break;
        if (rule.kind === 'attempt' && isQuoted(starts[k], ends[k])) continue;
        findings.push(this.finding(rule, action, normalized, starts[k], ends[k]));
        reported += 1;
      }
    });
    return findings;
  }

  private finding(
    rule: DetectionRule,
    action: DetectionAction,
    normalized: NormalizedText,
    from: number,
    to: number,
  ): Finding {
    return {
      rule: rule.id,
      kind: rule.kind,
      category: rule.category,
      severity: rule.severity,
      action,
      start: originStart(normalized, from),
      end: originEnd(normalized, to - 1),
    };
  }

  /** A declared field meaning's own check, in place of the rules it relaxes. */
  private checkField(
    input: string,
    normalized: NormalizedText,
    plan: Plan,
    findings: Finding[],
  ): void {
    const check = plan.check;
    if (!check || check.rule < 0 || normalized.length === 0) return;
    const problem = repositoryPathProblem(input, normalized);
    if (problem === undefined) return;
    const rule = this.rules[check.rule];
    findings.push(this.finding(rule, plan.actions[check.rule], normalized, 0, normalized.length));
  }

  private decide(text: string, findings: Finding[]): ScanResult {
    let verdict: Verdict = 'clean';
    for (const finding of findings) {
      if (finding.action === 'block') verdict = 'block';
      else if (verdict === 'clean' && (finding.action === 'flag' || finding.action === 'redact')) {
        verdict = 'flag';
      }
    }
    const redactions = findings.filter((f) => f.action === 'redact');
    if (redactions.length === 0) return { verdict, findings };
    return { verdict, findings, redacted: redact(text, redactions) };
  }
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
