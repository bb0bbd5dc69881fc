import {
  ContentDetector,
  type Category,
  type Channel,
  type ContentDetectorOptions,
  type ScanOptions,
  type ScanResult,
} from '@techsapo/detector';
import type { Counter } from 'prom-client';

/** techsapo_self_modification_attempts_total{source,type,blocked}: attempts, per scan and category. */
export const SELF_MODIFICATION_ATTEMPTS = 'techsapo_self_modification_attempts_total';

/**
 * The service's detector: the library's, with the attempts of every scan counted once per
 * category (risks and secrets are not attempts). Label values are lower case.
 */
export class CountedContentDetector extends ContentDetector {
  constructor(
    private readonly attempts: Counter<string>,
    options?: ContentDetectorOptions,
  ) {
    super(options);
  }

  override scan(text: string, channel: Channel, options?: ScanOptions): ScanResult {
    const result = super.scan(text, channel, options);
    const blocked = new Map<Category, boolean>();
    for (const finding of result.findings) {
      if (finding.kind !== 'attempt') continue;
      blocked.set(
        finding.category,
        (blocked.get(finding.category) ?? false) || finding.action === 'block',
      );
    }
    for (const [type, wasBlocked] of blocked) {
      this.attempts.inc({ source: channel, type, blocked: String(wasBlocked) });
    }
    return result;
  }
}
