import type {
  AnalysisEventsStore,
  AnalysisSignal,
  StoredAnalysisEvent,
} from '@techsapo/wall-bounce';
import type { Fake } from '../unit/in-memory-stores';
import type { MakeStore } from './store-contracts';

const event = (type: StoredAnalysisEvent['type'], step: number): StoredAnalysisEvent => ({
  type,
  at: `2026-01-01T00:00:0${step}.000Z`,
  data: { step, note: 'ｎｏｔｅ' },
});

export function analysisEventsContract(make: MakeStore<Fake<AnalysisEventsStore>>): void {
  describe('AnalysisEventsStore', () => {
    it('numbers the events of each analysis from 1 and reads them back from a seq', async () => {
      const events = await make();
      await expect(events.append('a1', event('queued', 1))).resolves.toBe(1);
      await expect(events.append('a2', event('queued', 1))).resolves.toBe(1);
      await expect(events.append('a1', event('started', 2))).resolves.toBe(2);
      await expect(events.append('a1', event('completed', 3))).resolves.toBe(3);
      await expect(events.count('a1')).resolves.toBe(3);
      await expect(events.read('a1', 2)).resolves.toEqual([
        { ...event('started', 2), analysisId: 'a1', seq: 2 },
        { ...event('completed', 3), analysisId: 'a1', seq: 3 },
      ]);
      await expect(events.read('a1', 4)).resolves.toEqual([]);
      await expect(events.read('a9', 1)).resolves.toEqual([]);
      await expect(events.count('a9')).resolves.toBe(0);
    });

    it('signals the events and erasures of the analyses a subscriber wants, events in order', async () => {
      const events = await make();
      const heard: AnalysisSignal[] = [];
      let allHeard!: () => void;
      const done = new Promise<void>((resolve) => (allHeard = resolve));
      await events.subscribe(
        (id) => id === 'a1',
        (signal) => {
          if (heard.push(signal) === 3) allHeard();
        },
      );
      await events.append('a2', event('queued', 1));
      await events.append('a1', event('queued', 1));
      await events.append('a1', event('started', 2));
      await events.publishErased('a2');
      await events.publishErased('a1');
      await done;
      await events.close();
      // An analysis's events come in order; on a cluster an erasure, published from any node,
      // may overtake events that travel from the node of the analysis's log.
      expect(heard.filter((signal) => signal.kind === 'event')).toEqual([
        { kind: 'event', event: { ...event('queued', 1), analysisId: 'a1', seq: 1 } },
        { kind: 'event', event: { ...event('started', 2), analysisId: 'a1', seq: 2 } },
      ]);
      expect(heard).toContainEqual({ kind: 'erased', analysisId: 'a1' });
    });
  });
}
