import type { CallOptions } from '../analysis-run';
import { askWithQuorum, quorumOf } from './quorum';

describe('quorum', () => {
  it('is a majority of the peers asked, at least two', () => {
    expect([2, 3, 4, 5, 6].map(quorumOf)).toEqual([2, 2, 3, 3, 4]);
  });

  it('leaves a straggler behind once the quorum answered; waits for everyone before that', async () => {
    const answered: string[] = [];
    const ask = (peer: string, options: CallOptions) =>
      new Promise<string | undefined>((resolve) => {
        if (peer === 'slow') {
          options.leaveBehind?.addEventListener('abort', () => {
            answered.push(`${peer}: ${options.lateReason?.()}`);
            resolve(undefined);
          });
          return;
        }
        setImmediate(() => resolve(peer));
      });
    const results = await askWithQuorum(['a', 'slow', 'b'], ask, { factor: 2, floorMs: 0 });
    expect(results).toEqual(['a', undefined, 'b']);
    expect(answered).toEqual([
      expect.stringMatching(
        /^slow: left behind: no answer \d+ ms into the round, after 2 of 3 peers had answered \(quorum 2\)$/,
      ),
    ]);

    // One answer of three is no quorum: a failure does not start the deadline.
    const failing = (peer: string) => Promise.resolve(peer === 'a' ? 'a' : undefined);
    expect(await askWithQuorum(['a', 'b', 'c'], failing, { factor: 2, floorMs: 0 })).toEqual([
      'a',
      undefined,
      undefined,
    ]);
  });
});
