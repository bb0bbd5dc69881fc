import type { AnalysisTask, AnswerFormat, PeerAnswerReport } from '../analysis/analysis.types';
import type { Completion } from '../providers/provider.types';
import type { Read } from './analysis-run';
import { type Judgement, readJudgement } from './parsing/judgement';
import { readPeerAnswer } from './parsing/peer-answer';
import { type ParsedRanking, readRanking } from './parsing/ranking';
import type { Screened, Screener } from './screening/screener';

/** A screened reply and, when it tries to take over the analysis, the finding that says so. */
export interface ScreenedValue<T> {
  value: T;
  hijack?: string;
}

const withheld = (s: Pick<Screened, 'blockedBy'>): Read<never> => ({
  ok: false,
  status: 'blocked',
  reason: `answer withheld (${s.blockedBy})`,
});
const EMPTY: Read<never> = { ok: false, status: 'failed', reason: 'empty answer' };

const hijackOf = (s: Pick<Screened, 'hijack'>): string | undefined =>
  s.hijack ? `${s.hijack.rule} (${s.hijack.severity}) in its output` : undefined;

/** Reads a peer's reply and screens every text in it (answer, finding titles and places). */
export function peerReader(screener: Screener, task: AnalysisTask, source: string) {
  return (completion: Completion): Read<ScreenedValue<PeerAnswerReport>> => {
    const answer = readPeerAnswer(task, completion);
    const places = answer.findings.map((f) => f.location ?? '');
    const screened = screener.screenAll(
      [answer.text, ...answer.findings.map((f) => f.title), ...places],
      'llm-answer',
      source,
    );
    if (screened.blockedBy) return withheld(screened);
    const [text, ...rest] = screened.texts;
    if (!text.trim()) return EMPTY;
    const n = answer.findings.length;
    const findings = answer.findings.map((f, i) => ({
      ...f,
      title: rest[i],
      location: f.location === null ? null : rest[n + i],
    }));
    return {
      ok: true,
      value: { value: { ...answer, text, findings }, hijack: hijackOf(screened) },
    };
  };
}

/** Reads the aggregator's reply and screens its answer and dissent. */
export function judgementReader(
  screener: Screener,
  task: AnalysisTask,
  source: string,
  format?: AnswerFormat,
) {
  return (completion: Completion): Read<ScreenedValue<Judgement>> => {
    const judgement = readJudgement(task, completion, format);
    const dissent = judgement.claims?.dissent ?? [];
    const screened = screener.screenAll([judgement.answer, ...dissent], 'llm-answer', source);
    if (screened.blockedBy) return withheld(screened);
    const [answer, ...screenedDissent] = screened.texts;
    if (!answer.trim()) return EMPTY;
    return {
      ok: true,
      value: {
        value: {
          ...judgement,
          answer,
          ...(judgement.claims
            ? { claims: { ...judgement.claims, dissent: screenedDissent } }
            : {}),
        },
        hijack: hijackOf(screened),
      },
    };
  };
}

/** Reads a council review and screens its critique (or its prose). */
export function rankingReader(screener: Screener, labels: readonly string[], source: string) {
  return (completion: Completion): Read<ParsedRanking> => {
    const ranking = readRanking(completion, labels);
    const screened = screener.screen(ranking.critique ?? completion.text, 'llm-answer', source);
    if (screened.blockedBy) return withheld(screened);
    return {
      ok: true,
      value: ranking.critique === undefined ? ranking : { ...ranking, critique: screened.text },
    };
  };
}
