/**
 * A reading that never changes for its key (a route handler, a controller class, a set of
 * rate windows), made on the first call for that key and remembered while the key lives.
 * Every request's guards ask; decorators and configuration do not change after start. The
 * arguments after the key are what the first reading needs; later calls do not use them.
 */
export function readOnce<K extends object, A extends unknown[], V>(
  read: (key: K, ...rest: A) => V,
): (key: K, ...rest: A) => V {
  const known = new WeakMap<K, { value: V }>();
  return (key, ...rest) => {
    let entry = known.get(key);
    if (!entry) {
      entry = { value: read(key, ...rest) };
      known.set(key, entry);
    }
    return entry.value;
  };
}
