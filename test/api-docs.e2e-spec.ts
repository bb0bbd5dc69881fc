import request from 'supertest';
import { REQUEST_EXAMPLES } from '../apps/api/src/bootstrap/openapi-examples';
import { buildOpenApiDocument } from '../apps/api/src/bootstrap/swagger';
import { HSTS } from '../apps/api/src/bootstrap/transport-security';
import { adminAuth } from './support/auth';
import { startTestApp, type TestApp } from './support/test-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('/docs and the API over plain HTTP and behind TLS', () => {
  describe('plain HTTP (no TLS, no trusted proxy)', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp()));
    afterAll(() => t.close());

    it('no HSTS and no upgrade-insecure-requests: the Swagger UI loads its scripts over http', async () => {
      for (const path of ['/docs', '/docs/swagger-ui-bundle.js', '/health/live']) {
        const res = await request(t.server).get(path).redirects(1);
        expect(res.status).toBe(200);
        expect(res.headers['strict-transport-security']).toBeUndefined();
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      }
    });

    it('an untrusted X-Forwarded-Proto changes nothing', async () => {
      const res = await request(t.server)
        .get('/docs')
        .redirects(1)
        .set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    });
  });

  describe('behind a TLS proxy trusted by TRUST_PROXY', () => {
    let t: TestApp;
    beforeAll(async () => (t = await startTestApp({ TRUST_PROXY: 'true' })));
    afterAll(() => t.close());

    it('X-Forwarded-Proto: https gets HSTS and upgrade-insecure-requests', async () => {
      const res = await request(t.server)
        .get('/docs')
        .redirects(1)
        .set('X-Forwarded-Proto', 'https');
      expect(res.headers['strict-transport-security']).toBe(HSTS);
      expect(res.headers['content-security-policy']).toMatch(/;upgrade-insecure-requests$/);
      const plain = await request(t.server)
        .get('/docs')
        .redirects(1)
        .set('X-Forwarded-Proto', 'http');
      expect(plain.headers['strict-transport-security']).toBeUndefined();
    });
  });
});

describe('the OpenAPI document: real examples, declared headers', () => {
  let t: TestApp;
  let doc: Json;
  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'all' });
    doc = buildOpenApiDocument(t.app) as Json;
  });
  afterAll(() => t.close());

  const operations = (): [string, string, Json][] =>
    Object.entries(doc.paths as Json).flatMap(([path, item]) =>
      Object.entries(item as Json)
        .filter(([, op]) => typeof op === 'object' && op && 'responses' in op)
        .map(([method, op]) => [method, path, op as Json] as [string, string, Json]),
    );

  it('every request body has an example, and the app accepts each one (no 400)', async () => {
    const auth = await adminAuth(t);
    const withBody = operations().filter(([, , op]) => op.requestBody);
    expect(withBody.length).toBeGreaterThan(5);
    for (const [method, path, op] of withBody) {
      const example = op.requestBody.content['application/json'].example;
      expect({ operation: `${method} ${path}`, example }).toEqual({
        operation: `${method} ${path}`,
        example: REQUEST_EXAMPLES[`${method.toUpperCase()} ${path}`],
      });
      expect(example).toBeDefined();
      // Path ids are UUIDs (a malformed one is a 400 of its own): one that names nothing.
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      const res = await request(t.server)
        [method as 'post'](url)
        .set(auth)
        .send(example as object);
      expect({
        operation: `${method} ${path}`,
        status: res.status,
        body: res.body,
      }).not.toMatchObject({
        status: 400,
      });
    }
  });

  it('every problem response has an example; none is a generated placeholder', () => {
    for (const [method, path, op] of operations()) {
      for (const [code, response] of Object.entries(op.responses as Json)) {
        const problem = (response as Json).content?.['application/problem+json'];
        if (!problem || Number(code) < 400) continue;
        const examples = Object.values(problem.examples ?? {}) as Json[];
        expect({ at: `${method} ${path} ${code}`, examples: examples.length > 0 }).toEqual({
          at: `${method} ${path} ${code}`,
          examples: true,
        });
        for (const { value } of examples) expect(value.status).toBe(Number(code));
      }
    }
  });

  it('the examples are what the app answers: 400, 401, 404 and 415 provoked for real', async () => {
    const auth = await adminAuth(t);
    const post = doc.paths['/api/v1/analyses'].post.responses;
    const get = doc.paths['/api/v1/analyses/{id}'].get.responses;
    const example = (responses: Json, code: string) =>
      (Object.values(responses[code].content['application/problem+json'].examples) as Json[])[0]
        .value as Json;
    const shape = (body: Json) => ({
      type: body.type,
      title: body.title,
      status: body.status,
      detail: body.detail,
      errors: body.errors,
    });
    const invalid = await request(t.server)
      .post('/api/v1/analyses')
      .set(auth)
      .send({ content: '', mode: 'solo' });
    expect(shape(invalid.body)).toEqual(shape(example(post, '400')));
    const anonymous = await request(t.server).get(
      '/api/v1/analyses/00000000-0000-4000-8000-000000000000',
    );
    expect(shape(anonymous.body)).toEqual(shape(example(get, '401')));
    const missing = await request(t.server)
      .get('/api/v1/analyses/00000000-0000-4000-8000-000000000000')
      .set(auth);
    expect(shape(missing.body)).toEqual(shape(example(get, '404')));
    const text = await request(t.server)
      .post('/api/v1/analyses')
      .set(auth)
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(shape(text.body)).toEqual(shape(example(post, '415')));
  });

  it('declares the headers the app sends: WWW-Authenticate, Retry-After, RateLimit-*, Location', async () => {
    const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
    const post = doc.paths['/api/v1/analyses'].post.responses;
    expect(post['401'].headers['WWW-Authenticate']).toEqual(ref('WWW-Authenticate'));
    expect(post['429'].headers['Retry-After']).toEqual(ref('Retry-After'));
    expect(post['202'].headers.Location).toEqual(ref('Location'));
    for (const name of [
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
    ]) {
      expect(post['202'].headers[name]).toEqual(ref(name));
      expect(doc.components.headers[name].schema).toBeDefined();
    }
    // Health is not rate limited, and says so by declaring no RateLimit-* header.
    expect(doc.paths['/health/live'].get.responses['200'].headers).toBeUndefined();
    // ...and the app sends what is declared.
    const auth = await adminAuth(t);
    const created = await request(t.server)
      .post('/api/v1/analyses')
      .set(auth)
      .send(REQUEST_EXAMPLES['POST /api/v1/analyses'] as object);
    expect(created.status).toBe(202);
    expect(created.headers.location).toBe(`/api/v1/analyses/${created.body.id}`);
    expect(created.headers['ratelimit-policy']).toBeDefined();
    const anonymous = await request(t.server).get('/api/v1/analyses');
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
    const live = await request(t.server).get('/health/live');
    expect(live.headers['ratelimit-limit']).toBeUndefined();
  });
});
