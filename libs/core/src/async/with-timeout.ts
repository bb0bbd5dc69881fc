/**
 * The work's own outcome, or a rejection `no answer within <ms> ms` once `ms` have passed.
 * The work is not cancelled; its late outcome is ignored. The timer is cleared either way.
 */
export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
