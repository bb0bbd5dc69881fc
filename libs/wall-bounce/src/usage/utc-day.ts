/** A calendar day in UTC, `YYYY-MM-DD`: the unit of daily budgets and usage reports. */
export type UtcDay = string;

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function utcDayOf(at: Date): UtcDay {
  return at.toISOString().slice(0, 10);
}

/** The instant the day begins (00:00 UTC). */
export function startOfUtcDay(day: UtcDay): Date {
  if (!DAY.test(day)) throw new RangeError(`not a UTC day: ${day}`);
  return new Date(`${day}T00:00:00.000Z`);
}

/** The instant the next day begins: when a daily budget of `at`'s day is renewed. */
export function nextUtcMidnight(at: Date): Date {
  return new Date(startOfUtcDay(utcDayOf(at)).getTime() + DAY_MS);
}

/** Every day from `first` to `last`, both included (empty when `last` is before `first`). */
export function utcDaysBetween(first: UtcDay, last: UtcDay): UtcDay[] {
  const days: UtcDay[] = [];
  const end = startOfUtcDay(last).getTime();
  for (let t = startOfUtcDay(first).getTime(); t <= end; t += DAY_MS) {
    days.push(utcDayOf(new Date(t)));
  }
  return days;
}
