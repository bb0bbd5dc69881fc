import type * as Sarif from 'sarif';
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ContentFile } from '../analyze/content';
import type { Analysis, SecurityFlag } from '../api/types';
import type { LocatedFinding } from './locate';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The rule of the analysis' own answer, reported as one informational result. */
export const ANSWER_RULE = 'techsapo/analysis';

export interface SarifContext {
  /** The files the content came from (first = where file-wide results point). */
  files: ContentFile[];
  /** Request flags placed in those files by the local detector. */
  located: LocatedFinding[];
  toolVersion: string;
  cwd?: string;
}

/** GitHub code scanning ranks security results by this (CVSS-like, 0-10). */
const SECURITY_SEVERITY: Record<string, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
};

/** How a flag of each kind is reported: the level, and whether it is a security result. */
interface Reporting {
  level: Sarif.ReportingConfiguration.level;
  kind: Sarif.Result.kind;
  security: boolean;
}

/**
 * The two questions stay apart in code scanning. An attempt on TechSapo (or an injection into a
 * field it interprets) is an `error` (critical, high) or a `warning`, with a security
 * severity; a secret is rated as the detector rates it; a risky pattern in the code under
 * review is a note with no security tag or severity, never an alert to triage.
 */
function reportingOf(flag: SecurityFlag): Reporting {
  // `fail` with level `note`: SARIF (§3.27.9) gives a result of any other kind the level `none`.
  if (flag.kind === 'risk') return { level: 'note', kind: 'fail', security: false };
  const serious = flag.severity === 'critical' || flag.severity === 'high';
  if (flag.kind === 'secret') {
    const level = serious ? 'error' : flag.severity === 'medium' ? 'warning' : 'note';
    return { level, kind: 'fail', security: true };
  }
  return { level: serious ? 'error' : 'warning', kind: 'fail', security: true };
}

/** A path as a SARIF URI: relative to the working directory when inside it, else file://. */
export function artifactUri(path: string, cwd = process.cwd()): string {
  const absolute = isAbsolute(path) ? path : `${cwd}${sep}${path}`;
  const inside = relative(cwd, absolute);
  if (!inside.startsWith('..') && !isAbsolute(inside)) return inside.split(sep).join('/');
  return pathToFileURL(absolute).href;
}

function isRequestFlag(flag: SecurityFlag): boolean {
  return flag.source === 'request' || flag.source.startsWith('request');
}

/** Where results point: the content's files as SARIF artifacts, and locations in them. */
class Locator {
  readonly artifacts: Sarif.Artifact[];
  private readonly indexes: Map<string, number>;

  constructor(
    private readonly files: ContentFile[],
    private readonly cwd: string,
  ) {
    this.artifacts = files.map((f) => ({
      location: { uri: artifactUri(f.path, cwd), uriBaseId: '%SRCROOT%' },
    }));
    this.indexes = new Map(files.map((f, i) => [f.path, i]));
  }

  at(path: string, region?: Sarif.Region): Sarif.Location {
    return {
      physicalLocation: {
        artifactLocation: {
          uri: artifactUri(path, this.cwd),
          uriBaseId: '%SRCROOT%',
          index: this.indexes.get(path),
        },
        ...(region ? { region } : {}),
      },
    };
  }

  /** File-wide results point at the first line of the first file (nowhere without files). */
  wholeContent(): Sarif.Location[] {
    return this.files.length > 0 ? [this.at(this.files[0].path, { startLine: 1 })] : [];
  }
}

/** The run's rules, each described once, in the order results first name them. */
class RuleTable {
  readonly rules: Sarif.ReportingDescriptor[] = [];
  private readonly indexes = new Map<string, number>();

  indexOf(id: string, describe: () => Sarif.ReportingDescriptor): number {
    let index = this.indexes.get(id);
    if (index === undefined) {
      index = this.rules.push(describe()) - 1;
      this.indexes.set(id, index);
    }
    return index;
  }
}

/** What a flag of each kind found, in a result's message; any other kind is an attempt. */
const FOUND: Readonly<Record<string, string>> = {
  risk: 'a risky pattern (informational, not an attack)',
  secret: 'a credential',
};
const ATTEMPT = 'an attempt on the service';

function flagRule(flag: SecurityFlag, reporting: Reporting): Sarif.ReportingDescriptor {
  return {
    id: flag.rule,
    name: flag.rule.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) =>
      (c ?? '').toUpperCase(),
    ),
    shortDescription: { text: `${flag.category}: ${flag.rule}` },
    fullDescription: {
      text: `TechSapo content detector rule ${flag.rule} (${flag.kind}, ${flag.category}, ${flag.severity}).`,
    },
    defaultConfiguration: { level: reporting.level },
    properties: reporting.security
      ? {
          tags: [...new Set(['security', flag.kind, flag.category])],
          kind: flag.kind,
          category: flag.category,
          'security-severity': SECURITY_SEVERITY[flag.severity] ?? '5.5',
        }
      : {
          tags: [...new Set([flag.kind, flag.category])],
          kind: flag.kind,
          category: flag.category,
        },
  };
}

function flagMessage(flag: SecurityFlag): Sarif.Message {
  const where = isRequestFlag(flag) ? 'in the analysed content' : `in the answer of ${flag.source}`;
  const what = Object.hasOwn(FOUND, flag.kind) ? FOUND[flag.kind] : ATTEMPT;
  return {
    text: `${flag.category} (${flag.rule}, ${flag.severity}) ${where}: ${what}; the server's action: ${flag.action}.`,
  };
}

/** One set of locations per place the local detector found the flag at, else the whole content. */
function flagPlacements(
  flag: SecurityFlag,
  located: LocatedFinding[],
  locator: Locator,
): Sarif.Location[][] {
  const hits = isRequestFlag(flag) ? located.filter((l) => l.rule === flag.rule) : [];
  if (hits.length === 0) return [locator.wholeContent()];
  return hits.map((h) => [
    locator.at(h.path, {
      startLine: h.startLine,
      startColumn: h.startColumn,
      endLine: h.endLine,
      endColumn: h.endColumn,
    }),
  ]);
}

function flagResults(
  flag: SecurityFlag,
  rules: RuleTable,
  located: LocatedFinding[],
  locator: Locator,
): Sarif.Result[] {
  const reporting = reportingOf(flag);
  const ruleIndex = rules.indexOf(flag.rule, () => flagRule(flag, reporting));
  const message = flagMessage(flag);
  return flagPlacements(flag, located, locator).map((locations) => ({
    ruleId: flag.rule,
    ruleIndex,
    level: reporting.level,
    kind: reporting.kind,
    message,
    ...(locations.length > 0 ? { locations } : {}),
    properties: {
      source: flag.source,
      kind: flag.kind,
      action: flag.action,
      category: flag.category,
    },
  }));
}

/** The analysis' answer, with its consensus and confidence, as one informational result. */
function answerResult(
  result: NonNullable<Analysis['result']>,
  rules: RuleTable,
  locator: Locator,
): Sarif.Result {
  const ruleIndex = rules.indexOf(ANSWER_RULE, () => ({
    id: ANSWER_RULE,
    name: 'WallBounceAnalysis',
    shortDescription: { text: 'The multi-LLM analysis of the content' },
    defaultConfiguration: { level: 'note' },
  }));
  const consensus = `consensus ${result.consensus.score.toFixed(2)} (${result.consensus.level}), confidence ${result.confidence.toFixed(2)}${result.degraded ? ', degraded' : ''}`;
  const locations = locator.wholeContent();
  return {
    ruleId: ANSWER_RULE,
    ruleIndex,
    kind: 'informational',
    level: 'none',
    message: { text: `${result.answer.trim()}\n\n(${consensus})` },
    ...(locations.length > 0 ? { locations } : {}),
  };
}

/** Why the run was degraded, and the analysis' error, as tool execution notifications. */
function notificationsOf(analysis: Analysis): Sarif.Notification[] {
  const degraded = (analysis.result?.degradedReasons ?? []).map((reason): Sarif.Notification => ({
    level: 'warning',
    message: { text: `degraded: ${reason}` },
  }));
  if (!analysis.error) return degraded;
  const { title, detail } = analysis.error;
  return [
    ...degraded,
    { level: 'error', message: { text: `${title}${detail ? `: ${detail}` : ''}` } },
  ];
}

function runProperties(analysis: Analysis): Sarif.PropertyBag {
  const result = analysis.result;
  return {
    analysisId: analysis.id,
    status: analysis.status,
    mode: analysis.mode,
    ...(result
      ? { consensus: result.consensus, confidence: result.confidence, degraded: result.degraded }
      : {}),
  };
}

/**
 * SARIF 2.1.0 for code-scanning dashboards: every security flag is a result under a rule
 * named after the detector rule, its level from the flag's kind (see reportingOf), placed on
 * the lines the local detector finds it at (else on the first file); the analysis' answer is
 * one informational result.
 */
export function toSarif(analysis: Analysis, context: SarifContext): Sarif.Log {
  const locator = new Locator(context.files, context.cwd ?? process.cwd());
  const rules = new RuleTable();
  const result = analysis.result;
  const results: Sarif.Result[] = [
    ...(result?.security.flags ?? []).flatMap((flag) =>
      flagResults(flag, rules, context.located, locator),
    ),
    ...(result ? [answerResult(result, rules, locator)] : []),
  ];
  const notifications = notificationsOf(analysis);
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'techsapo',
            version: context.toolVersion,
            semanticVersion: context.toolVersion,
            rules: rules.rules,
          },
        },
        invocations: [
          {
            executionSuccessful: analysis.status === 'completed',
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(locator.artifacts.length > 0 ? { artifacts: locator.artifacts } : {}),
        results,
        properties: runProperties(analysis),
      },
    ],
  };
}
