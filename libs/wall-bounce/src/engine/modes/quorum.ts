import type { CallOptions } from '../analysis-run';

export interface QuorumPolicy {
  /** A straggler gets until factor × the median latency of those that answered… */
  factor: number;
  /** …but at least this long (ms from the start of the round). */
  floorMs: number;
}

/** A majority of the peers asked, at least two. */
export function quorumOf(asked: number): number {
  return Math.max(2, Math.floor(asked / 2) + 1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Asks every peer at once. Once a quorum has answered, the others get until a deadline
 * (factor × the median time of those that answered, at least the floor, counted from the
 * start of the round); a call still running then is aborted and its provider is `late`. The
 * analysis goes on without it instead of waiting for the slowest peer.
 */
export async function askWithQuorum<P, T>(
  peers: readonly P[],
  ask: (peer: P, options: CallOptions) => Promise<T | undefined>,
  policy: QuorumPolicy,
): Promise<(T | undefined)[]> {
  const started = performance.now();
  const quorum = quorumOf(peers.length);
  const controllers = peers.map(() => new AbortController());
  const settled = peers.map(() => false);
  const answeredAt: number[] = [];
  let deadline: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const lateReason = (): string =>
    `left behind: no answer ${deadline} ms into the round, after ${answeredAt.length} of ` +
    `${peers.length} peers had answered (quorum ${quorum})`;
  try {
    return await Promise.all(
      peers.map(async (peer, i) => {
        const answer = await ask(peer, { leaveBehind: controllers[i].signal, lateReason });
        settled[i] = true;
        if (answer === undefined) return answer;
        answeredAt.push(performance.now() - started);
        if (answeredAt.length >= quorum && deadline === undefined && settled.includes(false)) {
          deadline = Math.round(Math.max(policy.floorMs, policy.factor * median(answeredAt)));
          timer = setTimeout(
            () => controllers.forEach((c, j) => settled[j] || c.abort()),
            Math.max(0, deadline - (performance.now() - started)),
          );
        }
        return answer;
      }),
    );
  } finally {
    clearTimeout(timer);
  }
}
