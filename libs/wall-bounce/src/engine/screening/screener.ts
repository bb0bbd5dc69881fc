import type { Channel, ContentDetector, Finding, ScanResult } from '@techsapo/detector';
import type { SecurityFlag } from '../../analysis/analysis.types';
import { isHijackAttempt } from './hijack-attempt';

export interface Screened {
  /** The text with secrets redacted. */
  text: string;
  /** Why the text is withheld (a blocking finding's category), if it is. */
  blockedBy?: string;
  /** The first finding that is an attempt to take over the analysis, if any. */
  hijack?: Pick<Finding, 'rule' | 'severity'>;
}

/** One model reply, as its security events name it. */
export interface ScreenedReply {
  channel: Channel;
  /** `provider:<name>`. */
  source: string;
  /** Its texts joined by newlines (the findings' offsets point into it). */
  text: string;
}

/** Reports the attempts found in one reply (the engine binds it to the analysis). */
export type AttemptSink = (findings: readonly Finding[], reply: ScreenedReply) => void;

/**
 * Every text a model wrote passes here before anyone sees it: findings become the result's
 * security flags (once per rule and source), secrets are redacted, what blocks or hijacks is
 * reported to the caller, and the attempts of each reply go to the attempt sink once — a
 * reply read as several texts (answer, finding titles, dissent) is still one reply, and a
 * streamed answer is reported when the whole of it is read, never per piece (`scan`, which the
 * streamed release uses, reports nothing).
 */
export class Screener {
  readonly flags: SecurityFlag[] = [];

  /**
   * @param reviewed the content under review: what a model quotes from it is that content,
   *   not an attempt of the model's own.
   */
  constructor(
    private readonly detector: ContentDetector,
    private readonly reviewed?: string,
    private readonly onAttempts: AttemptSink = () => undefined,
  ) {}

  scan(text: string, channel: Channel): ScanResult {
    return this.detector.scan(
      text,
      channel,
      channel === 'request-text' ? {} : { quotedFrom: this.reviewed },
    );
  }

  /**
   * The request's own content: its findings become flags with source `request`. Its attempts
   * were reported by the request guard when it arrived, so they are not reported again.
   */
  noteRequest(content: string): void {
    this.record(this.scan(content, 'request-text').findings, 'request');
  }

  screen(text: string, channel: Channel, source: string): Screened {
    const { texts, ...rest } = this.screenAll([text], channel, source);
    return { text: texts[0], ...rest };
  }

  /** Several texts of one reply, each screened; blocked or hijacked when any part is. */
  screenAll(
    texts: readonly string[],
    channel: Channel,
    source: string,
  ): { texts: string[] } & Omit<Screened, 'text'> {
    const out: string[] = [];
    // The reply's findings, placed in its texts joined by newlines (the events' payload).
    const found: Finding[] = [];
    const joined: string[] = [];
    let offset = 0;
    let blockedBy: string | undefined;
    let hijack: Screened['hijack'];
    for (const text of texts) {
      const result = this.scan(text, channel);
      this.record(result.findings, source);
      for (const f of result.findings)
        found.push({ ...f, start: f.start + offset, end: f.end + offset });
      joined.push(text);
      offset += text.length + 1;
      out.push(result.redacted ?? text);
      if (result.verdict === 'block') {
        blockedBy ??=
          result.findings.find((f) => f.action === 'block')?.category ?? 'blocked content';
      }
      const hijacking = result.findings.find(isHijackAttempt);
      if (hijacking) hijack ??= { rule: hijacking.rule, severity: hijacking.severity };
    }
    if (found.some((f) => f.kind === 'attempt')) {
      this.onAttempts(found, { channel, source, text: joined.join('\n') });
    }
    return { texts: out, ...(blockedBy ? { blockedBy } : {}), ...(hijack ? { hijack } : {}) };
  }

  private record(findings: readonly Finding[], source: string): void {
    for (const f of findings) {
      if (!this.flags.some((x) => x.rule === f.rule && x.source === source)) {
        this.flags.push({
          rule: f.rule,
          kind: f.kind,
          category: f.category,
          severity: f.severity,
          action: f.action,
          source,
        });
      }
    }
  }
}
