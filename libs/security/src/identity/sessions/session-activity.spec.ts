import { activityDue } from './session-activity';

describe('activityDue', () => {
  it.each([
    // recorded, now, idle ms, due
    [0, 999, 900_000, false],
    [0, 1_000, 900_000, true],
    [0, 199, 2_000, false],
    [0, 200, 2_000, true],
    [5_000, 4_000, 900_000, false],
  ])('recorded at %d, now %d, idle %d ms: due %s', (recordedAt, now, idleMs, due) => {
    expect(activityDue(recordedAt, now, idleMs)).toBe(due);
  });
});
