/**
 * Text being normalised, with, for every UTF-16 unit, the range of the ORIGINAL input that
 * produced it. `start`/`end` are null while the text is the untouched original.
 */
export interface TextPass {
  text: string;
  start: Int32Array | null;
  end: Int32Array | null;
}

const decoder = new TextDecoder('utf-16le');

/** Grows a UTF-16 buffer with origin ranges, in amortised constant time per unit. */
export class TextBuilder {
  units: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  length = 0;

  constructor(capacity: number) {
    const size = Math.max(16, capacity);
    this.units = new Uint16Array(size);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
  }

  push(unit: number, start: number, end: number): void {
    if (this.length === this.units.length) this.reserve(1);
    this.units[this.length] = unit;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.length += 1;
  }

  pushCodePoint(cp: number, start: number, end: number): void {
    if (cp > 0xffff) {
      const v = cp - 0x10000;
      this.push(0xd800 + (v >> 10), start, end);
      this.push(0xdc00 + (v & 0x3ff), start, end);
    } else {
      this.push(cp, start, end);
    }
  }

  /** Makes room for `more` further units. */
  reserve(more: number): void {
    if (this.length + more <= this.units.length) return;
    const size = Math.max(this.units.length * 2, this.length + more);
    const units = new Uint16Array(size);
    units.set(this.units.subarray(0, this.length));
    const starts = new Int32Array(size);
    starts.set(this.starts.subarray(0, this.length));
    const ends = new Int32Array(size);
    ends.set(this.ends.subarray(0, this.length));
    this.units = units;
    this.starts = starts;
    this.ends = ends;
  }

  pass(): TextPass {
    return {
      text: decoder.decode(this.units.subarray(0, this.length)),
      start: this.starts.subarray(0, this.length),
      end: this.ends.subarray(0, this.length),
    };
  }
}
