/** A 0..1 score from a model: numbers or numeric strings; 1 < x ≤ 100 read as a percentage. */
export function unitScore(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value.replace('%', '').trim()) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
  if (n <= 1) return n;
  if (n <= 100) return n / 100;
  return undefined;
}

/** Strings of a model's list, trimmed, empty ones dropped, bounded in number and length. */
export function stringList(value: unknown, maxItems: number, maxLength: number): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((v): v is string => typeof v === 'string' && v.trim().length > 0)
    .slice(0, maxItems)
    .map((v) => v.trim().slice(0, maxLength));
}
