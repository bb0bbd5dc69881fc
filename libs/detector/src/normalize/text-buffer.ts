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

/**
 * A UTF-16 buffer with origin ranges, written by a decoding pass (its arrays directly, within
 * the room `reset` and `reserve` make). It is reused from text to text: a pass over megabytes
 * would otherwise allocate and clear tens of megabytes each time.
 */
export class TextBuilder {
  units = new Uint16Array(16);
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  length = 0;

  /** Starts a new text of about `capacity` units. */
  reset(capacity: number): void {
    this.length = 0;
    this.reserve(capacity);
  }

  /** Appends units [from, to) of `input` as they are, with their origins. */
  copy(input: TextPass, from: number, to: number): void {
    const count = to - from;
    if (count <= 0) return;
    this.reserve(count);
    const { units, starts, ends, length } = this;
    const { text, start, end } = input;
    const shift = length - from;
    for (let i = from; i < to; i += 1) units[i + shift] = text.charCodeAt(i);
    if (start === null || end === null) {
      for (let i = from; i < to; i += 1) {
        starts[i + shift] = i;
        ends[i + shift] = i + 1;
      }
    } else {
      starts.set(start.subarray(from, to), length);
      ends.set(end.subarray(from, to), length);
    }
    this.length = length + count;
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

  /** The text built, its origins viewing the buffers (valid until the next reset). */
  pass(): TextPass {
    return {
      text: decoder.decode(this.units.subarray(0, this.length)),
      start: this.starts.subarray(0, this.length),
      end: this.ends.subarray(0, this.length),
    };
  }

  /** Whether `pass` views this builder's buffers. */
  holds(pass: TextPass): boolean {
    return pass.start !== null && pass.start.buffer === this.starts.buffer;
  }
}
