import SwaggerParser from '@apidevtools/swagger-parser';
import request from 'supertest';
import { adminAuth, signIn } from './support/auth';
import { startTestApp, TestApp } from './support/test-app';

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers unknown paths with 404 problem+json whose requestId is the X-Request-Id header', async () => {
    const res = await request(t.server).get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not found', instance: '/nope' });
    expect(res.body.type).toMatch(/\/not-found$/);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(res.body).not.toHaveProperty('stack');
  });

  it("reports the gateway's own time on every response", async () => {
    const res = await request(t.server).get('/health/live');
    expect(Number(res.headers['x-techsapo-overhead-ms'])).toBeGreaterThanOrEqual(0);
    const refused = await request(t.server).get('/nope');
    expect(refused.headers['x-techsapo-overhead-ms']).toMatch(/^\d+\.\d{2}$/);
  });

  it('answers with a request id of its own, whatever X-Request-Id the client sent', async () => {
    const safe = await request(t.server)
      .get('/health/live')
      .set('X-Request-Id', 'ci-run.42:step-7');
    expect(safe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await request(t.server)
      .get('/health/live')
      .set('X-Request-Id', '<script>alert(1)</script>');
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers malformed JSON with 400 problem+json', async () => {
    const res = await request(t.server)
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers a 2 MiB body with 413 problem+json', async () => {
    const body = JSON.stringify({ content: 'a'.repeat(2 * 1024 * 1024) });
    const res = await request(t.server)
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 413, title: 'Payload too large' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('sends security headers and no CORS headers when no origin is allowed', async () => {
    const res = await request(t.server).get('/health/live').set('Origin', 'https://evil.example');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    // Plain HTTP: HSTS only behind TLS (test/api-docs.e2e-spec.ts).
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends the same security headers on answers, refusals and failures before routing', async () => {
    const securityHeaders = (headers: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(headers).filter(([name]) =>
          /^(content-security-policy|cross-origin-|origin-agent-cluster|referrer-policy|x-content-type-options|x-dns-prefetch-control|x-download-options|x-frame-options|x-permitted-cross-domain-policies|x-xss-protection)/.test(
            name,
          ),
        ),
      );
    const answered = securityHeaders((await request(t.server).get('/health/live')).headers);
    expect(Object.keys(answered)).toHaveLength(11);
    expect(answered['x-frame-options']).toBe('SAMEORIGIN');
    const unauthenticated = await request(t.server).get('/api/v1/auth/me');
    expect(unauthenticated.status).toBe(401);
    expect(securityHeaders(unauthenticated.headers)).toEqual(answered);
    const unknown = await request(t.server).get('/nope');
    expect(securityHeaders(unknown.headers)).toEqual(answered);
    const malformed = await request(t.server)
      .post('/health/live')
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(malformed.status).toBe(400);
    expect(securityHeaders(malformed.headers)).toEqual(answered);
  });

  it('reports liveness and readiness with the redis check', async () => {
    expect((await request(t.server).get('/health/live')).body).toEqual({ status: 'ok' });
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(200);
    // Anonymous callers learn only whether it is ready; an admin sees the checks.
    expect(ready.body).toEqual({ status: 'ok' });
    const detailed = await request(t.server)
      .get('/health/ready')
      .set(await adminAuth(t));
    expect(detailed.body).toMatchObject({ status: 'ok', checks: { redis: { status: 'up' } } });
    const viewer = await signIn(t, 'viewer');
    expect((await request(t.server).get('/health/ready').set(viewer.auth)).body).toEqual({
      status: 'ok',
    });
  });

  it('exposes process metrics and the HTTP duration histogram', async () => {
    await request(t.server).get('/health/live');
    const res = await request(t.server).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(
      /techsapo_http_request_duration_seconds_count\{method="get",route="\/health\/live",status="200"\} \d+/,
    );
    expect(res.text).toMatch(
      /techsapo_http_request_duration_seconds_count\{method="get",route="unmatched",status="404"\}/,
    );
  });

  it('serves a valid OpenAPI 3 document with the bearer and API-key schemes', async () => {
    const res = await request(t.server).get('/docs-json');
    expect(res.status).toBe(200);
    const document = await SwaggerParser.validate(structuredClone(res.body));
    expect(document).toHaveProperty('openapi');
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    const ui = await request(t.server).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('CORS with an allow-list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: 'https://app.example' });
  });
  afterAll(() => t.close());

  it('allows the listed origin only', async () => {
    const ok = await request(t.server).get('/health/live').set('Origin', 'https://app.example');
    expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
    const other = await request(t.server).get('/health/live').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('METRICS_TOKEN', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: 'metrics-token-0123456789abcdef' });
  });
  afterAll(() => t.close());

  it('requires the bearer token when set', async () => {
    const anonymous = await request(t.server).get('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toContain('Bearer');
    const wrong = await request(t.server).get('/metrics').set('Authorization', 'Bearer nope');
    expect(wrong.status).toBe(401);
    const right = await request(t.server)
      .get('/metrics')
      .set('Authorization', 'Bearer metrics-token-0123456789abcdef');
    expect(right.status).toBe(200);
  });
});
