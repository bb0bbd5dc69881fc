import { ProgressChain } from './progress-chain';

describe('ProgressChain', () => {
  const setup = (failing: Set<string>) => {
    const written: string[] = [];
    const events = {
      append: jest.fn(async (_id: string, type: string) => {
        if (failing.has(type)) throw new Error('READONLY You cannot write against a replica');
        written.push(type);
        return { seq: written.length, type, at: '', data: {} } as never;
      }),
    };
    const logger = { error: jest.fn() };
    const erased = new AbortController();
    const chain = new ProgressChain(events, 'a-1', erased.signal, logger);
    return { chain, written, logger, erased };
  };

  it('writes events in the order they were pushed', async () => {
    const { chain, written, logger } = setup(new Set());
    chain.push('started', {});
    chain.push('provider_started', {});
    chain.push('completed', {});
    await chain.settled();
    expect(written).toEqual(['started', 'provider_started', 'completed']);
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('logs a failed write, naming the analysis and the event, and goes on with the next', async () => {
    const { chain, written, logger } = setup(new Set(['provider_started']));
    chain.push('started', {});
    chain.push('provider_started', {});
    chain.push('completed', {});
    await chain.settled();
    expect(written).toEqual(['started', 'completed']);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error.mock.calls[0][0]).toMatch(
      /^analysis a-1: the provider_started event was not written: .*READONLY/,
    );
  });

  it('writes nothing once the analysis was erased', async () => {
    const { chain, written, erased } = setup(new Set());
    erased.abort();
    chain.push('started', {});
    await chain.settled();
    expect(written).toEqual([]);
  });
});
