import type { RedisConnection } from '@techsapo/core';
import { CoalescedMget } from './coalesced-mget';

/** A connection that answers MGET from a map and records each call's keys. */
function fakeConnection(values: Record<string, string>, failure?: Error) {
  const calls: string[][] = [];
  const connection = {
    mget: (...keys: string[]) => {
      calls.push(keys);
      return failure
        ? Promise.reject(failure)
        : Promise.resolve(keys.map((k) => values[k] ?? null));
    },
  } as unknown as RedisConnection;
  return { connection, calls };
}

describe('CoalescedMget', () => {
  it('sends the lookups of one turn as one MGET and gives each its own values', async () => {
    const { connection, calls } = fakeConnection({ '{b}:ip': 'x', '{b}:user': 'y' });
    const mget = new CoalescedMget(() => connection);
    const [address, userAndSession] = await Promise.all([
      mget.get(['{b}:ip']),
      mget.get(['{b}:user', '{b}:session']),
    ]);
    expect(calls).toEqual([['{b}:ip', '{b}:user', '{b}:session']]);
    expect(address).toEqual(['x']);
    expect(userAndSession).toEqual(['y', null]);
  });

  it('reads Redis again on the next turn: nothing is kept', async () => {
    const values: Record<string, string> = {};
    const { connection, calls } = fakeConnection(values);
    const mget = new CoalescedMget(() => connection);
    expect(await mget.get(['{b}:ip'])).toEqual([null]);
    values['{b}:ip'] = 'blocked';
    expect(await mget.get(['{b}:ip'])).toEqual(['blocked']);
    expect(calls).toHaveLength(2);
  });

  it('fails every lookup of the turn when the MGET fails', async () => {
    const { connection } = fakeConnection({}, new Error('Command timed out'));
    const mget = new CoalescedMget(() => connection);
    const results = await Promise.allSettled([mget.get(['{b}:a']), mget.get(['{b}:b'])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('splits a turn beyond 1 000 keys into further MGETs', async () => {
    const { connection, calls } = fakeConnection({});
    const mget = new CoalescedMget(() => connection);
    const keys = Array.from({ length: 600 }, (_, i) => `{b}:${i}`);
    const answers = await Promise.all([mget.get(keys), mget.get(keys)]);
    expect(calls.map((c) => c.length)).toEqual([600, 600]);
    expect(answers.map((a) => a.length)).toEqual([600, 600]);
  });
});
