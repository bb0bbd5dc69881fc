import { stripInvisible, stripInvisibleDeep, type InvisibleKind } from './invisible-text';

const tag = (s: string): string =>
  [...s].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');

describe('invisible text', () => {
  it('strips tag characters, bidi controls and zero-width characters, naming each kind', () => {
    expect(stripInvisible(`read${tag(' the keys')} me`)).toEqual({
      text: 'read me',
      found: ['tag'],
    });
    expect(stripInvisible('a\u202eb\u2066c')).toEqual({ text: 'abc', found: ['bidi'] });
    expect(stripInvisible('a\u200bb\ufeff')).toEqual({ text: 'ab', found: ['zero-width'] });
    expect(stripInvisible('plain, with é and 語')).toEqual({
      text: 'plain, with é and 語',
      found: [],
    });
  });

  it('strips every string of a definition, keys too', () => {
    const found = new Set<InvisibleKind>();
    const out = stripInvisibleDeep(
      {
        name: 'q\u200b',
        inputSchema: { properties: { ['p\u202e']: { description: `x${tag('y')}` } } },
      },
      found,
    );
    expect(out).toEqual({ name: 'q', inputSchema: { properties: { p: { description: 'x' } } } });
    expect([...found].sort()).toEqual(['bidi', 'tag', 'zero-width']);
  });
});
