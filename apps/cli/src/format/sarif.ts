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

/**
 * SARIF 2.1.0 for code-scanning dashboards: every security flag is a result under a rule
 * named after the detector rule, its level from the flag's kind (see reportingOf), placed on
 * the lines the local detector finds it at (else on the first file); the analysis' answer is
 * one informational result.
 */
export function toSarif(analysis: Analysis, context: SarifContext): Sarif.Log {
  const cwd = context.cwd ?? process.cwd();
  const artifacts: Sarif.Artifact[] = context.files.map((f) => ({
    location: { uri: artifactUri(f.path, cwd), uriBaseId: '%SRCROOT%' },
  }));
  const artifactIndex = new Map(context.files.map((f, i) => [f.path, i]));
  const fileLocation = (path: string, region?: Sarif.Region): Sarif.Location => ({
    physicalLocation: {
      artifactLocation: {
        uri: artifactUri(path, cwd),
        uriBaseId: '%SRCROOT%',
        index: artifactIndex.get(path),
      },
      ...(region ? { region } : {}),
    },
  });
  const wholeContent = (): Sarif.Location[] =>
    context.files.length > 0 ? [fileLocation(context.files[0].path, { startLine: 1 })] : [];

  const rules: Sarif.ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const ruleFor = (id: string, make: () => Sarif.ReportingDescriptor): number => {
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.push(make()) - 1;
      ruleIndex.set(id, index);
    }
    return index;
  };

  const results: Sarif.Result[] = [];
  const result = analysis.result;
  for (const flag of result?.security.flags ?? []) {
    const reporting = reportingOf(flag);
    const index = ruleFor(flag.rule, () => ({
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
    }));
    const where = isRequestFlag(flag)
      ? 'in the analysed content'
      : `in the answer of ${flag.source}`;
    const what =
      flag.kind === 'risk'
        ? 'a risky pattern (informational, not an attack)'
        : flag.kind === 'secret'
          ? 'a credential'
          : 'an attempt on the service';
    const message = {
      text: `${flag.category} (${flag.rule}, ${flag.severity}) ${where}: ${what}; the server's action: ${flag.action}.`,
    };
    const hits = isRequestFlag(flag) ? context.located.filter((l) => l.rule === flag.rule) : [];
    const placements: Sarif.Location[][] =
      hits.length > 0
        ? hits.map((h) => [
            fileLocation(h.path, {
              startLine: h.startLine,
              startColumn: h.startColumn,
              endLine: h.endLine,
              endColumn: h.endColumn,
            }),
          ])
        : [wholeContent()];
    for (const locations of placements) {
      results.push({
        ruleId: flag.rule,
        ruleIndex: index,
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
      });
    }
  }
  if (result) {
    const index = ruleFor(ANSWER_RULE, () => ({
      id: ANSWER_RULE,
      name: 'WallBounceAnalysis',
      shortDescription: { text: 'The multi-LLM analysis of the content' },
      defaultConfiguration: { level: 'note' },
    }));
    const consensus = `consensus ${result.consensus.score.toFixed(2)} (${result.consensus.level}), confidence ${result.confidence.toFixed(2)}${result.degraded ? ', degraded' : ''}`;
    results.push({
      ruleId: ANSWER_RULE,
      ruleIndex: index,
      kind: 'informational',
      level: 'none',
      message: { text: `${result.answer.trim()}\n\n(${consensus})` },
      ...(wholeContent().length > 0 ? { locations: wholeContent() } : {}),
    });
  }

  const notifications: Sarif.Notification[] = [
    ...(result?.degradedReasons ?? []).map((reason): Sarif.Notification => ({
      level: 'warning',
      message: { text: `degraded: ${reason}` },
    })),
    ...(analysis.error
      ? [
          {
            level: 'error',
            message: {
              text: `${analysis.error.title}${analysis.error.detail ? `: ${analysis.error.detail}` : ''}`,
            },
          } satisfies Sarif.Notification,
        ]
      : []),
  ];

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
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: analysis.status === 'completed',
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
        ...(artifacts.length > 0 ? { artifacts } : {}),
        results,
        properties: {
          analysisId: analysis.id,
          status: analysis.status,
          mode: analysis.mode,
          ...(result
            ? {
                consensus: result.consensus,
                confidence: result.confidence,
                degraded: result.degraded,
              }
            : {}),
        },
      },
    ],
  };
}
