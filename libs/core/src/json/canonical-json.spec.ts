import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('serialises with sorted keys at every level and without undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, undefined], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,null]},"b":1}',
    );
    expect(canonicalJson(JSON.parse(canonicalJson({ z: 1, a: 2 })))).toBe('{"a":2,"z":1}');
  });

  it('orders keys by code unit and writes holes as audit entries already sealed have them', () => {
    // eslint-disable-next-line no-sparse-arrays -- a hole, as Array.prototype.join wrote it
    const value = { é: 1, Z: 2, a: [1, , 3], 'a b': null, b: {}, 10: true, 9: 'x' };
    expect(canonicalJson(value)).toBe(
      '{"10":true,"9":"x","Z":2,"a":[1,,3],"a b":null,"b":{},"é":1}',
    );
  });

  it('writes a value with toJSON (a Date) as JSON.stringify does, inside objects and arrays', () => {
    const at = new Date(Date.UTC(2026, 11, 5, 21, 30));
    const value = { when: at, list: [at], nested: { toJSON: () => ({ b: 2, a: 1 }) } };
    expect(canonicalJson(value)).toBe(
      '{"list":["2026-12-05T21:30:00.000Z"],"nested":{"a":1,"b":2},"when":"2026-12-05T21:30:00.000Z"}',
    );
    expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
  });

  it('orders keys as Array.prototype.sort does, whatever their number and first order', () => {
    const keys = ['b', 'B', '_', 'é', 'a b', '10', '9', 'aa', 'a', 'Z', '0', '-1', 'zz', '$'];
    for (let shift = 0; shift < keys.length; shift += 1) {
      const order = [...keys.slice(shift), ...keys.slice(0, shift)];
      const value = Object.fromEntries(order.map((k, i) => [k, i]));
      const expected = Object.keys(value).sort();
      expect(canonicalJson(value)).toBe(
        `{${expected.map((k) => `${JSON.stringify(k)}:${value[k]}`).join(',')}}`,
      );
    }
  });
});
