import fc from 'fast-check';
import { normalize, originEnd, originStart, spaceAfter, type NormalizedText } from './normalizer';

const textOf = (n: NormalizedText): string => String.fromCharCode(...n.units.subarray(0, n.length));
const folded = (text: string, plusAsSpace = false): string =>
  textOf(normalize(text, { plusAsSpace }));

describe('normalize', () => {
  it('folds case, full width, ligatures and mathematical letters', () => {
    expect(folded('FS.WriteFileSync')).toBe('fs.writefilesync');
    expect(folded('ｆｓ．ｗｒｉｔｅ')).toBe('fs.write');
    expect(folded('ﬁle')).toBe('file');
    expect(folded('𝒳𝓎')).toBe('xy');
  });

  it.each([
    ['..\u2215..\u2215etc\u2215passwd', '../../etc/passwd'], // DIVISION SLASH
    ['..\u2044..\u2044etc', '../../etc'], // FRACTION SLASH
    ['..\u29f8..\u29f8etc', '../../etc'], // BIG SOLIDUS
    ['..\uff0f..\uff0fetc', '../../etc'], // FULLWIDTH SOLIDUS
    ['\uff0e\uff0e/\uff0e\uff0e/etc', '../../etc'], // FULLWIDTH FULL STOP
    ['\ufe52\ufe52/etc', '../etc'], // SMALL FULL STOP
    ['\u2024\u2024/etc', '../etc'], // ONE DOT LEADER
    ['\u2025/etc', '../etc'], // TWO DOT LEADER
    ['..\u2216..\u2216win.ini', '..\\..\\win.ini'], // SET MINUS
    ['\u2019 OR \u20191\u2019=\u20191', "' or '1'='1"], // RIGHT SINGLE QUOTATION MARK
    ['\u02bc or 1=1\u2010\u2010', "' or 1=1--"], // MODIFIER APOSTROPHE, HYPHEN
    ['javascript\u2236alert(1)', 'javascript:alert(1)'], // RATIO
    ['\u02c2script\u02c3', '<script>'], // MODIFIER ARROWHEADS
  ])('maps the look-alikes in %j', (text, expected) => {
    expect(folded(text)).toBe(expected);
  });

  it('reads + as a space only where asked (form-encoded fields), full-width + too', () => {
    expect(folded('1+UNION+SELECT+1', true)).toBe('1 union select 1');
    expect(folded('1\uff0bUNION\uff0bSELECT', true)).toBe('1 union select');
    expect(folded('a+b', false)).toBe('a+b');
  });

  it('decodes percent-encoding twice, overlong UTF-8, entities and escapes, then look-alikes', () => {
    expect(folded('%252e%252e%252f')).toBe('../');
    expect(folded('..%c0%af..%c0%af')).toBe('../../');
    expect(folded('..%E2%88%95etc')).toBe('../etc');
    expect(folded('&lt;script&gt;&#x3c;&#60;')).toBe('<script><<');
    expect(folded('\\x3cscript\\u003e\\u{2F}')).toBe('<script>/');
    expect(folded('50% off & more')).toBe('50% off & more');
  });

  it('drops invisible characters and reads Unicode tag characters as the ASCII they hide', () => {
    expect(folded('wri\u200bte\u2060File')).toBe('writefile');
    const hidden = [...'ignore'].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0)));
    expect(folded(`a${hidden.join('')}b`)).toBe('aignoreb');
  });

  it('collapses whitespace, drops it around dots and before parentheses, keeps line breaks aside', () => {
    const n = normalize('fs . writeFileSync  (\n  x )\r\nnext');
    expect(textOf(n)).toBe('fs.writefilesync( x ) next');
    expect(n.breakCount).toBe(2);
    expect(textOf(n).slice(n.breaks[1])).toBe('next');
    expect(folded('UNION/**/SELECT')).toBe('union select');
  });

  it('maps every unit back to the original, through decoding, folding and expansions', () => {
    const original = 'A  %2e%2E\tﬁ&lt;𝒳 z';
    const n = normalize(original);
    expect(textOf(n)).toBe('a..fi<x z');
    const spans = Array.from({ length: n.length }, (_, k) => [originStart(n, k), originEnd(n, k)]);
    expect(spans.map(([s, e]) => original.slice(s, e))).toEqual([
      'A',
      '%2e',
      '%2E',
      'ﬁ',
      'ﬁ',
      '&lt;',
      '𝒳',
      ' ',
      'z',
    ]);
  });

  it('never loses track of the original (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.fullUnicodeString({ maxLength: 200 }),
          // Pieces of encodings, look-alikes, expansions, invisibles and comments.
          fc.stringOf(fc.constantFrom(...Array.from('%2ec0af&#;\\u.∕ﬁ𝒳 \n\u200b+'), '/**/'), {
            maxLength: 120,
          }),
        ),
        fc.boolean(),
        (text, plus) => {
          const n = normalize(text, { plusAsSpace: plus });
          let previous = 0;
          for (let k = 0; k < n.length; k += 1) {
            const start = originStart(n, k);
            const end = originEnd(n, k);
            expect(start).toBeGreaterThanOrEqual(previous === 0 ? 0 : previous - 2);
            expect(end).toBeGreaterThan(start);
            expect(end).toBeLessThanOrEqual(text.length);
            previous = start;
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('spaceAfter', () => {
  it('tells a full stop that ends a sentence from a member access', () => {
    const n = normalize('Use fs.write here. Then stop.');
    const dots = [...textOf(n)].flatMap((c, k) => (c === '.' ? [k] : []));
    expect(dots.map((k) => spaceAfter(n, k))).toEqual([false, true, true]);
  });

  it('reads every mark alike, in the decoded text', () => {
    const marks = (text: string): boolean[] => {
      const n = normalize(text);
      return [...textOf(n)].flatMap((c, k) => ('.!?'.includes(c) ? [spaceAfter(n, k)] : []));
    };
    // The normalised text drops the space before `(`; the decoded one still has the break.
    expect(marks('Fine!\n(next) Sure?\n(next) Done.\n(next)')).toEqual([true, true, true]);
    // A no-break or ideographic space is white space, as the normaliser folds it.
    expect(marks('Fine.\u00a0Next. Done!\u3000Next')).toEqual([true, true, true]);
    // Invisible characters are looked past; a mark inside a word or a call is no end.
    expect(marks('Fine!\u200b\u200b Next a!=b x.y f?.(z)')).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
