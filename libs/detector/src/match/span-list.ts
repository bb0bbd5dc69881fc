/** A growable list of [start, end) spans in typed arrays, reused from scan to scan. */
export class SpanList {
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  length = 0;

  clear(): void {
    this.length = 0;
  }

  push(start: number, end: number): void {
    if (this.length === this.starts.length) this.grow();
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  /** Appends a span, merging it into the last one when they overlap or touch. */
  merge(start: number, end: number): void {
    const last = this.length - 1;
    if (last >= 0 && start <= this.ends[last] && end >= this.starts[last]) {
      if (start < this.starts[last]) this.starts[last] = start;
      if (end > this.ends[last]) this.ends[last] = end;
      return;
    }
    this.push(start, end);
  }

  /** Makes room for `more` further spans, so a caller may write them directly. */
  reserve(more: number): void {
    if (this.length + more > this.starts.length) this.grow(this.length + more);
  }

  private grow(least = 0): void {
    const starts = new Int32Array(Math.max(least, this.starts.length * 2));
    starts.set(this.starts);
    const ends = new Int32Array(starts.length);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }
}
