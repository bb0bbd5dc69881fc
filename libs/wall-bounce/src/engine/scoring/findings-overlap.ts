import { FINDING_SEVERITIES, type PeerFinding } from '../../analysis/analysis.types';
import {
  negationAwareSimilarity,
  profileText,
  type TextProfile,
} from './negation-aware-similarity';

/** Findings compared per answer (the most important first, as the peers are asked to list). */
export const MAX_COMPARED_FINDINGS = 10;
/** Two findings are the same from this match quality on. */
export const FINDING_MATCH = 0.5;
/** Lines apart that still count as the same place. */
const LINE_TOLERANCE = 3;

export interface ComparableFinding {
  finding: PeerFinding;
  title: TextProfile;
  place?: { file: string; line?: number };
}

export function comparableFindings(findings: readonly PeerFinding[]): ComparableFinding[] {
  return findings.slice(0, MAX_COMPARED_FINDINGS).map((finding) => ({
    finding,
    title: profileText(finding.title),
    place: placeOf(finding.location),
  }));
}

/** `src/db.ts:42`, `src/db.ts line 42`, `db.ts#L42` → file and line (file alone otherwise). */
function placeOf(location: string | null | undefined): ComparableFinding['place'] {
  const text = location?.trim().toLowerCase();
  if (!text) return undefined;
  const match = /^(.*?)(?:[:#]l?|\s+line\s+)(\d+)/.exec(text);
  if (!match) return { file: text };
  return { file: match[1].replace(/^\.\//, ''), line: Number(match[2]) };
}

function samePlace(
  a: ComparableFinding['place'],
  b: ComparableFinding['place'],
): boolean | undefined {
  if (!a || !b) return undefined;
  const fileA = a.file.split('/').pop();
  const fileB = b.file.split('/').pop();
  if (fileA !== fileB) return false;
  if (a.line === undefined || b.line === undefined) return true;
  return Math.abs(a.line - b.line) <= LINE_TOLERANCE;
}

/** How well two findings match: 0 at different places, else their titles' agreement (same place: at least the match). */
function matchQuality(a: ComparableFinding, b: ComparableFinding): number {
  const place = samePlace(a.place, b.place);
  if (place === false) return 0;
  const title = negationAwareSimilarity(a.title, b.title).score;
  return place ? Math.max(title, FINDING_MATCH) : title;
}

function severityAgreement(a: PeerFinding, b: PeerFinding): number {
  const distance = Math.abs(
    FINDING_SEVERITIES.indexOf(a.severity) - FINDING_SEVERITIES.indexOf(b.severity),
  );
  return 1 - distance / (FINDING_SEVERITIES.length - 1);
}

/**
 * Overlap of two answers' findings: findings are paired greedily by match quality (a place
 * both give must agree; titles are compared by the negation-aware measure); a pair counts
 * from FINDING_MATCH on, weighted by how close the severities are. Score = 2 × Σ pair weights
 * / (findings of one + findings of the other), a Dice coefficient over findings. Undefined
 * when neither answer has any finding (nothing to compare).
 */
export function findingsOverlap(
  a: readonly ComparableFinding[],
  b: readonly ComparableFinding[],
): number | undefined {
  if (a.length + b.length === 0) return undefined;
  const candidates: { i: number; j: number; quality: number }[] = [];
  a.forEach((x, i) =>
    b.forEach((y, j) => {
      const quality = matchQuality(x, y);
      if (quality >= FINDING_MATCH) candidates.push({ i, j, quality });
    }),
  );
  candidates.sort((p, q) => q.quality - p.quality || p.i - q.i || p.j - q.j);
  const usedA = new Set<number>();
  const usedB = new Set<number>();
  let matched = 0;
  for (const { i, j } of candidates) {
    if (usedA.has(i) || usedB.has(j)) continue;
    usedA.add(i);
    usedB.add(j);
    matched += severityAgreement(a[i].finding, b[j].finding);
  }
  return (2 * matched) / (a.length + b.length);
}
