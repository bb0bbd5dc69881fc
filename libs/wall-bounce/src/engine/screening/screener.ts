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

/**
 * Every text a model wrote passes here before anyone sees it: findings become the result's
 * security flags (once per rule and source), secrets are redacted, and what blocks or
 * hijacks is reported to the caller.
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
  ) {}

  scan(text: string, channel: Channel): ScanResult {
    return this.detector.scan(
      text,
      channel,
      channel === 'request-text' ? {} : { quotedFrom: this.reviewed },
    );
  }

  screen(text: string, channel: Channel, source: string): Screened {
    const result = this.scan(text, channel);
    for (const f of result.findings) {
      if (!this.flags.some((x) => x.rule === f.rule && x.source === source)) {
        this.flags.push({
          rule: f.rule,
          category: f.category,
          severity: f.severity,
          action: f.action,
          source,
        });
      }
    }
    const blocking =
      result.verdict === 'block' ? result.findings.find((f) => f.action === 'block') : undefined;
    const hijack = result.findings.find(isHijackAttempt);
    return {
      text: result.redacted ?? text,
      ...(result.verdict === 'block' ? { blockedBy: blocking?.category ?? 'blocked content' } : {}),
      ...(hijack ? { hijack: { rule: hijack.rule, severity: hijack.severity } } : {}),
    };
  }

  /** Several texts of one reply, each screened; blocked or hijacked when any part is. */
  screenAll(
    texts: readonly string[],
    channel: Channel,
    source: string,
  ): { texts: string[] } & Omit<Screened, 'text'> {
    const out: string[] = [];
    let blockedBy: string | undefined;
    let hijack: Screened['hijack'];
    for (const text of texts) {
      const s = this.screen(text, channel, source);
      out.push(s.text);
      blockedBy ??= s.blockedBy;
      hijack ??= s.hijack;
    }
    return { texts: out, ...(blockedBy ? { blockedBy } : {}), ...(hijack ? { hijack } : {}) };
  }
}
