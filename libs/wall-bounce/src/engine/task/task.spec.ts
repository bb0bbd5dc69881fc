import { decideTask } from './decide-task';
import { scalePosition, verdictsOf } from './verdicts';

describe('tasks and verdicts', () => {
  it('a review when the content carries code or a change, a question otherwise', () => {
    expect(decideTask('==> src/db.ts <==\nexport const x = 1')).toBe('review');
    expect(decideTask('diff --git a/x b/x\n@@ -1,2 +1,2 @@\n-a\n+b')).toBe('review');
    expect(decideTask('Is this right?\n```ts\nconst a = 1\n```')).toBe('review');
    expect(decideTask('const a = 1;\nconst b = 2;\nfunction f() {\n  return a;\n}')).toBe('review');
    expect(decideTask('Is bcrypt still a good choice for passwords?')).toBe('question');
    expect(decideTask('Is `db.query("SELECT * FROM t WHERE id=" + id)` safe?')).toBe('question');
    expect(decideTask('const a = 1;\nconst b = 2;\nlet c = 3;', 'question')).toBe('question');
  });

  it('verdicts: an ordered scale with votes, and verdicts without a vote', () => {
    expect(verdictsOf('review')).toEqual([
      'no-issues',
      'minor-issues',
      'serious-issues',
      'cannot-tell',
    ]);
    expect(verdictsOf('question')).toEqual(['yes', 'depends', 'no', 'open', 'cannot-tell']);
    expect(
      ['yes', 'depends', 'no', 'open', 'cannot-tell'].map((v) => scalePosition('question', v)),
    ).toEqual([0, 1, 2, undefined, undefined]);
  });
});
