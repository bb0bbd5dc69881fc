import { withTimeout } from './with-timeout';

describe('withTimeout', () => {
  afterEach(() => jest.useRealTimers());

  it("gives the work's answer, or its failure, when it settles first", async () => {
    await expect(withTimeout(Promise.resolve(7), 1_000)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1_000)).rejects.toThrow(
      'refused',
    );
  });

  it('rejects naming the limit when the work does not settle, and leaves no timer behind', async () => {
    jest.useFakeTimers();
    const never = new Promise<number>(() => undefined);
    const outcome = withTimeout(never, 250);
    jest.advanceTimersByTime(250);
    await expect(outcome).rejects.toThrow('no answer within 250 ms');
    await expect(withTimeout(Promise.resolve(1), 250)).resolves.toBe(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});
