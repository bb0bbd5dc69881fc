import type { ScanResult } from '@techsapo/detector';

/** Text already released that is scanned again with the new text (a pattern may straddle). */
export const STREAM_WINDOW_CHARS = 2048;
/** Text is released in pieces of at least this many characters (fewer scans). */
const MIN_RELEASE_CHARS = 24;
/**
 * A trailing run of printable ASCII without spaces may be the start of a secret: held back
 * until it ends, up to this many characters (longer than any key; bounds the work per piece).
 */
const MAX_HELD_BACK = 512;

function trailingToken(text: string): number {
  let n = 0;
  while (n < MAX_HELD_BACK && n < text.length) {
    const code = text.charCodeAt(text.length - 1 - n);
    if (code < 0x21 || code > 0x7e) break;
    n += 1;
  }
  return n;
}

/**
 * Streamed model text released only after the detector scanned it clean. Each scan covers the
 * new text plus the last STREAM_WINDOW_CHARS released (linear cost); a trailing word is held
 * back so that a secret cut in two is redacted whole; a redaction is released as the
 * detector's marker. A blocking finding stops all release (the answer is then handled as
 * blocked by whoever reads the whole reply).
 */
export class ScreenedStream {
  private raw = '';
  private released = 0;
  private stoppedFlag = false;

  constructor(
    private readonly scan: (text: string) => ScanResult,
    private readonly emit: (text: string) => void,
  ) {}

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  push(delta: string): void {
    if (this.stoppedFlag) return;
    this.raw += delta;
    if (this.raw.length - this.released >= MIN_RELEASE_CHARS) this.release(false);
  }

  /** The reply is complete: release the rest (if it scans clean). */
  finish(): void {
    if (!this.stoppedFlag) this.release(true);
  }

  private release(final: boolean): void {
    let end = final ? this.raw.length : this.raw.length - trailingToken(this.raw);
    if (end <= this.released) return;
    const from = Math.max(0, this.released - STREAM_WINDOW_CHARS);
    const result = this.scan(this.raw.slice(from));
    if (result.verdict === 'block') {
      this.stoppedFlag = true;
      return;
    }
    const redactions = result.findings
      .filter((f) => f.action === 'redact')
      .map((f) => ({ start: from + f.start, end: from + f.end, rule: f.rule }))
      .filter((r) => r.end > this.released)
      .sort((a, b) => a.start - b.start);
    // A secret that runs past what would be released is held back whole, unless this is the end.
    for (const r of redactions)
      if (!final && r.end > end) end = Math.min(end, Math.max(this.released, r.start));
    if (end <= this.released) return;
    let out = '';
    let at = this.released;
    for (const r of redactions) {
      if (r.start >= end) break;
      const start = Math.max(r.start, this.released);
      if (start > at) out += this.raw.slice(at, start);
      if (r.end > at) {
        out += `[REDACTED:${r.rule}]`;
        at = Math.min(Math.max(at, r.end), end);
      }
    }
    out += this.raw.slice(at, end);
    this.released = end;
    if (out) this.emit(out);
  }
}
