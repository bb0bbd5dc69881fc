import type { SparseVector } from './features';

/**
 * L2-regularised logistic regression over sparse vectors, trained by stochastic gradient
 * descent (Bottou's schedule, the weights kept as a scale times a vector so the decay costs
 * O(1) per step). Written here rather than taken from npm: the packages found for logistic
 * regression work on dense matrices, and a hashed text vector has about a million slots of
 * which a few hundred are set. Deterministic: the order of the examples comes from a seeded
 * generator.
 */

export interface TrainOptions {
  /** L2 strength (per example). */
  lambda: number;
  epochs: number;
  seed: number;
  /** Weight of the positive class relative to the negative (balances unequal classes). */
  positiveWeight?: number;
}

export interface Example {
  vector: SparseVector;
  label: 0 | 1;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle of `items` in place with `random`. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class LogisticRegression {
  private constructor(
    private readonly weights: Float64Array,
    private readonly bias: number,
  ) {}

  /** The probability that `vector` is of the positive class. */
  score(vector: SparseVector): number {
    let z = this.bias;
    const { indices, values } = vector;
    for (let j = 0; j < indices.length; j += 1) z += this.weights[indices[j]] * values[j];
    return sigmoid(z);
  }

  static train(examples: Example[], dimension: number, options: TrainOptions): LogisticRegression {
    const { lambda, epochs } = options;
    const positiveWeight = options.positiveWeight ?? 1;
    const random = seededRandom(options.seed);
    const order = examples.map((_, i) => i);
    const v = new Float64Array(dimension);
    let scale = 1;
    let bias = 0;
    // Bottou's rate: eta_t = eta0 / (1 + eta0 * lambda * t), eta0 fixed for unit-length inputs.
    const eta0 = 0.5;
    let t = 0;
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      shuffle(order, random);
      for (const i of order) {
        const { vector, label } = examples[i];
        const eta = eta0 / (1 + eta0 * lambda * t);
        t += 1;
        let z = bias;
        for (let j = 0; j < vector.indices.length; j += 1) {
          z += scale * v[vector.indices[j]] * vector.values[j];
        }
        const gradient = (sigmoid(z) - label) * (label === 1 ? positiveWeight : 1);
        scale *= 1 - eta * lambda;
        const step = (eta * gradient) / scale;
        for (let j = 0; j < vector.indices.length; j += 1) {
          v[vector.indices[j]] -= step * vector.values[j];
        }
        bias -= eta * gradient;
        if (scale < 1e-9) {
          for (let k = 0; k < v.length; k += 1) v[k] *= scale;
          scale = 1;
        }
      }
    }
    for (let k = 0; k < v.length; k += 1) v[k] *= scale;
    return new LogisticRegression(v, bias);
  }
}
