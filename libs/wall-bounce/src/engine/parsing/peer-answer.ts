import {
  FINDING_SEVERITIES,
  type AnalysisTask,
  type FindingSeverity,
  type PeerAnswerReport,
  type PeerFinding,
} from '../../analysis/analysis.types';
import type { RawCompletion } from '../../providers/provider.types';
import { CANNOT_TELL, normaliseVerdict } from '../task/verdicts';
import { unitScore } from './unit-score';

/** Findings kept per answer, and the length of their texts. */
export const MAX_FINDINGS = 20;
const MAX_TITLE = 300;
const MAX_LOCATION = 300;

type Reply = Pick<RawCompletion, 'text' | 'json' | 'structured'>;

function findingsOf(value: unknown): PeerFinding[] {
  if (!Array.isArray(value)) return [];
  const findings: PeerFinding[] = [];
  for (const item of value) {
    if (!item || typeof item !== 'object') continue;
    const { title, severity, location } = item as Record<string, unknown>;
    if (typeof title !== 'string' || !title.trim()) continue;
    findings.push({
      title: title.trim().slice(0, MAX_TITLE),
      severity: FINDING_SEVERITIES.includes(severity as FindingSeverity)
        ? (severity as FindingSeverity)
        : 'medium',
      location:
        typeof location === 'string' && location.trim()
          ? location.trim().slice(0, MAX_LOCATION)
          : null,
    });
    if (findings.length === MAX_FINDINGS) break;
  }
  return findings;
}

/**
 * A peer's answer from its reply: the object it returned through structured output, or, when
 * none came back, its prose — which still counts, as `cannot-tell` with no findings. Only
 * the reply's own object is read: nothing is searched for inside text.
 */
export function readPeerAnswer(task: AnalysisTask, reply: Reply): PeerAnswerReport {
  const json = reply.structured !== 'none' ? reply.json : undefined;
  const answer = typeof json?.answer === 'string' ? json.answer.trim() : '';
  if (!json || !answer) {
    return { text: reply.text.trim(), verdict: CANNOT_TELL, findings: [], structured: 'none' };
  }
  const confidence = unitScore(json.confidence);
  return {
    text: answer,
    verdict: normaliseVerdict(task, json.verdict),
    findings: findingsOf(json.findings),
    ...(confidence === undefined ? {} : { confidence }),
    structured: reply.structured,
  };
}
