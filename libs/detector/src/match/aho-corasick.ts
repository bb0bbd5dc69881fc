/**
 * Aho–Corasick automaton over UTF-16 units: finds every occurrence of every pattern in one
 * left-to-right pass, O(text + matches), with no backtracking. ASCII transitions are a dense
 * table (the common case); other units go through per-node maps and failure links.
 */
export class AhoCorasick {
  private readonly ascii: Int32Array[] = [];
  private readonly wide: Map<number, number>[] = [];
  private readonly fail: number[] = [];
  private readonly outputs: number[][] = [];
  readonly lengths: number[];

  constructor(patterns: readonly string[]) {
    this.lengths = patterns.map((p) => p.length);
    this.addNode();
    patterns.forEach((pattern, id) => {
      if (pattern.length === 0) throw new Error('empty pattern');
      let node = 0;
      for (let i = 0; i < pattern.length; i += 1) {
        const unit = pattern.charCodeAt(i);
        let next = this.child(node, unit);
        if (next < 0) {
          next = this.addNode();
          this.setChild(node, unit, next);
        }
        node = next;
      }
      this.outputs[node].push(id);
    });
    this.link();
  }

  /** Calls `onMatch(patternId, endExclusive)` for every occurrence, in order of end. */
  scan(text: string, onMatch: (id: number, end: number) => void): void {
    let node = 0;
    for (let i = 0; i < text.length; i += 1) {
      node = this.step(node, text.charCodeAt(i));
      const out = this.outputs[node];
      for (let k = 0; k < out.length; k += 1) onMatch(out[k], i + 1);
    }
  }

  private step(from: number, unit: number): number {
    let node = from;
    for (;;) {
      const next = this.child(node, unit);
      if (next >= 0) return next;
      if (node === 0) return 0;
      node = this.fail[node];
    }
  }

  private addNode(): number {
    this.ascii.push(new Int32Array(128).fill(-1));
    this.wide.push(new Map());
    this.fail.push(0);
    this.outputs.push([]);
    return this.ascii.length - 1;
  }

  private child(node: number, unit: number): number {
    if (unit < 128) return this.ascii[node][unit];
    return this.wide[node].get(unit) ?? -1;
  }

  private setChild(node: number, unit: number, next: number): void {
    if (unit < 128) this.ascii[node][unit] = next;
    else this.wide[node].set(unit, next);
  }

  private edges(node: number): [number, number][] {
    const list: [number, number][] = [];
    const table = this.ascii[node];
    for (let unit = 0; unit < 128; unit += 1) if (table[unit] >= 0) list.push([unit, table[unit]]);
    for (const edge of this.wide[node]) list.push(edge);
    return list;
  }

  /** Breadth-first failure links; outputs inherit their failure node's outputs. */
  private link(): void {
    const queue: number[] = [];
    for (const [, child] of this.edges(0)) {
      this.fail[child] = 0;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head += 1) {
      const node = queue[head];
      for (const [unit, child] of this.edges(node)) {
        let f = this.fail[node];
        while (f !== 0 && this.child(f, unit) < 0) f = this.fail[f];
        const target = this.child(f, unit);
        this.fail[child] = target >= 0 && target !== child ? target : 0;
        this.outputs[child] = [...this.outputs[child], ...this.outputs[this.fail[child]]];
        queue.push(child);
      }
    }
  }
}
