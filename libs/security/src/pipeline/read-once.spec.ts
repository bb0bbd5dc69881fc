import { readOnce } from './read-once';

describe('readOnce', () => {
  it('reads a key once, with the arguments of its first call, and each key apart', () => {
    const reads: string[] = [];
    const labelOf = readOnce((key: { name: string }, suffix: string) => {
      reads.push(key.name);
      return `${key.name}${suffix}`;
    });
    const a = { name: 'a' };
    const b = { name: 'b' };
    expect(labelOf(a, '!')).toBe('a!');
    expect(labelOf(a, '?')).toBe('a!');
    expect(labelOf(b, '?')).toBe('b?');
    expect(reads).toEqual(['a', 'b']);
  });

  it('remembers a reading that is undefined or false', () => {
    let reads = 0;
    const nothing = readOnce((_key: object) => {
      reads += 1;
      return undefined;
    });
    const key = {};
    expect(nothing(key)).toBeUndefined();
    expect(nothing(key)).toBeUndefined();
    expect(reads).toBe(1);
  });
});
