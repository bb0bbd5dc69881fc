import { newTestService } from '@techsapo/testing';
import { AnalysisEvents, type AnalysisSignal } from './analysis-events';

function setup() {
  const { sut, analysisEvents } = newTestService((d) => new AnalysisEvents(d.analysisEvents));
  return { events: sut, store: analysisEvents };
}

describe('AnalysisEvents', () => {
  it('numbers an analysis’ events in order and reads them back from any seq', async () => {
    const { events } = setup();
    const first = await events.append('a-1', 'queued');
    await events.append('a-2', 'queued');
    const second = await events.append('a-1', 'started', { worker: 'w-1' });
    expect([first.seq, second.seq]).toEqual([1, 2]);
    expect(second).toMatchObject({ analysisId: 'a-1', type: 'started', data: { worker: 'w-1' } });
    expect(Date.parse(second.at)).not.toBeNaN();
    expect(await events.history('a-1')).toEqual([first, second]);
    expect(await events.history('a-1', 2)).toEqual([second]);
    // A seq below 1 reads from the first.
    expect(await events.history('a-1', 0)).toEqual([first, second]);
    expect(await events.count('a-1')).toBe(2);
  });

  it('gives each listener only its analysis’ signals, until it stops listening', async () => {
    const { events } = setup();
    const heard: AnalysisSignal[] = [];
    const other: AnalysisSignal[] = [];
    const stop = await events.listen('a-1', (s) => heard.push(s));
    await events.listen('a-2', (s) => other.push(s));
    const appended = await events.append('a-1', 'queued');
    await events.announceErased('a-1');
    expect(heard).toEqual([
      { kind: 'event', event: appended },
      { kind: 'erased', analysisId: 'a-1' },
    ]);
    expect(other).toEqual([]);
    stop();
    await events.append('a-1', 'started');
    expect(heard).toHaveLength(2);
  });

  it('subscribes once per process, however many listen', async () => {
    const { events, store } = setup();
    await events.listen('a-1', () => undefined);
    await events.listen('a-1', () => undefined);
    await events.listen('a-2', () => undefined);
    expect(store.subscriptions).toHaveLength(1);
  });

  it('subscribes again after a failed subscription', async () => {
    const { events, store } = setup();
    const subscribe = jest
      .spyOn(store, 'subscribe')
      .mockRejectedValueOnce(new Error('Connection is closed.'));
    await expect(events.listen('a-1', () => undefined)).rejects.toThrow('Connection is closed.');
    await events.listen('a-1', () => undefined);
    expect(subscribe).toHaveBeenCalledTimes(2);
    expect(store.subscriptions).toHaveLength(1);
  });

  it('at shutdown drops its listeners and closes the subscription', async () => {
    const { events, store } = setup();
    const heard: AnalysisSignal[] = [];
    await events.listen('a-1', (s) => heard.push(s));
    await events.onApplicationShutdown();
    expect(store.closed).toBe(1);
    await events.append('a-1', 'queued');
    expect(heard).toEqual([]);
  });
});
