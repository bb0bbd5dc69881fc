import { REDACTED } from '@techsapo/core';
import { createHash } from 'node:crypto';
import { bodyDigest } from './body-digest';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('body digest', () => {
  it('hashes a body as JSON.stringify would write it', () => {
    const body = { a: [1, 'two', null, { b: true }], c: { d: 1.5, skip: undefined }, e: [] };
    const json = JSON.stringify(body);
    expect(bodyDigest(body)).toEqual({ bytes: Buffer.byteLength(json), sha256: sha256(json) });
    expect(bodyDigest(body, 999).bytes).toBe(999);
  });

  it('hashes secret-named fields redacted, at any depth', () => {
    const body = { username: 'a', nested: [{ password: 'hunter2', note: 'x' }] };
    const redacted = { username: 'a', nested: [{ password: REDACTED, note: 'x' }] };
    expect(bodyDigest(body).sha256).toBe(sha256(JSON.stringify(redacted)));
    expect(bodyDigest(body).sha256).not.toBe(sha256(JSON.stringify(body)));
  });

  it('walks a body far deeper than the call stack allows', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = { a: deep };
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(bodyDigest(deep).sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
