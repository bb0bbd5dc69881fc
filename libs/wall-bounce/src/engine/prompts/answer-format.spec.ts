import { readJudgement } from '../parsing/judgement';
import { answerFormatProblem } from './answer-format';
import { judgementSchema } from './schemas';

const strict = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', items: { $ref: '#/$defs/item' } } },
  $defs: {
    item: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string' } },
    },
  },
};

describe('answer formats', () => {
  it('nests the client’s schema as the answer and moves its definitions to the root', () => {
    const { schema, name } = judgementSchema('question', { name: 'list', schema: strict });
    expect(name).toBe('final_judgement_question_list');
    expect((schema.properties as Record<string, unknown>).answer).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['items'],
      properties: strict.properties,
    });
    expect(schema.$defs).toEqual(strict.$defs);
    expect(answerFormatProblem({ name: 'list', schema: strict })).toBeUndefined();
  });

  it('refuses what cannot be asked of every provider, saying why', () => {
    const problem = (schema: Record<string, unknown>, name = 'f') =>
      answerFormatProblem({ name, schema });
    expect(problem(strict, 'a b')).toMatch(/name must be/);
    expect(problem({ type: 'array', items: { type: 'string' } })).toMatch(/object at its root/);
    expect(
      problem({
        type: 'object',
        additionalProperties: false,
        required: ['next'],
        properties: { next: { $ref: '#' } },
      }),
    ).toMatch(/own root/);
    expect(problem({ type: 'object', properties: { a: { type: 'string' } } })).toMatch(
      /In context=\(\), 'additionalProperties' is required/,
    );
    expect(
      problem({
        type: 'object',
        additionalProperties: false,
        required: ['a'],
        properties: { a: { type: 'string', format: 'credit-card' } },
      }),
    ).toMatch(/In context=\('properties', 'a'\), format 'credit-card' is not supported/);
  });

  it('reads the answer object as JSON text, and nothing from a reply without it', () => {
    const format = { name: 'list', schema: strict };
    const answer = { items: [{ name: 'x' }] };
    const read = readJudgement(
      'question',
      { text: '', json: { answer, verdict: 'open', dissent: [] }, structured: 'native' },
      format,
    );
    expect(JSON.parse(read.answer)).toEqual(answer);
    expect(readJudgement('question', { text: 'prose', structured: 'none' }, format).answer).toBe(
      '',
    );
    expect(readJudgement('question', { text: 'prose', structured: 'none' }).answer).toBe('prose');
  });
});
