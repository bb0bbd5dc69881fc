import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiJson } from '../apps/api/src/bootstrap/swagger';
import { startTestApp, TestApp } from './support/test-app';

describe('the committed OpenAPI document (openapi.json)', () => {
  let t: TestApp;
  let current: string;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'all' });
    current = openApiJson(t.app);
  });
  afterAll(() => t.close());

  it('is what the application documents now (run `npm run openapi` after changing an endpoint)', () => {
    const committed = readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8');
    expect(committed).toBe(current);
  });

  it('is a valid OpenAPI 3 document', async () => {
    await expect(SwaggerParser.validate(JSON.parse(current) as never)).resolves.toBeDefined();
  });

  it('holds none of the `$` patterns that break the Swagger UI page it is inlined into', () => {
    // @nestjs/swagger inlines the document with String.replace, which reads $` $' $& $$ in it.
    expect(current.match(/\$[`'&$]/g) ?? []).toEqual([]);
  });
});
