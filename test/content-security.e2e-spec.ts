import { SecurityEventService, type SecurityEventInput } from '@techsapo/audit';
import { ContentDetector, type Channel } from '@techsapo/detector';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { auditEntries } from './support/audit';
import { adminAuth } from './support/auth';
import { ROOT } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';

/** PayloadsAllTheThings' payload lists, unchanged (MIT; see its LICENSE and README). */
const ATTACK_CORPUS = join(ROOT, 'test', 'fixtures', 'attack-corpus');
const DETECTOR_CORPUS = join(ROOT, 'test', 'fixtures', 'detector');
const CLI = join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

const corpusFiles = (): string[] =>
  readdirSync(ATTACK_CORPUS)
    .filter((name) => name.endsWith('.txt'))
    .sort();
const payloads = (file: string): string[] =>
  readFileSync(join(ATTACK_CORPUS, file), 'utf8')
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.length > 0);

/** A refused value raised one event per category of attempt found in it, one of them blocked. */
function expectOneEventPerCategory(events: SecurityEventInput[]): void {
  const categories = events.map((e) => e.attemptType);
  expect(categories.length).toBeGreaterThan(0);
  expect(new Set(categories).size).toBe(categories.length);
  expect(events.some((e) => e.blocked)).toBe(true);
}

describe('content security on the request channel (real app)', () => {
  let t: TestApp;
  const events: SecurityEventInput[] = [];

  beforeAll(async () => {
    // The corpus is sent as one admin session: lift the per-session quota for this file.
    t = await startTestApp({
      RATE_LIMIT_BURST: '100000',
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_PER_HOUR: '100000',
    });
    t.app.get(SecurityEventService).onEvent((_line, input) => events.push(input));
  });
  afterAll(() => t.close());
  beforeEach(() => {
    events.length = 0;
  });

  it.each([
    ['<script>alert(1)</script>', 'XSS_ATTEMPT'],
    ['../../etc/passwd', 'PATH_TRAVERSAL'],
    ['..%2f..%2fapp%2fdist', 'PATH_TRAVERSAL'],
  ])(
    'a query parameter %s is refused with 403 and audited as a security event',
    async (value, violation) => {
      const res = await request(t.server).get('/health/ready').query({ probe: value }).expect(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.type).toMatch(/\/security-pattern-blocked$/);
      expect(res.body.fields).toEqual([
        { location: 'query', field: 'probe', categories: ['web-injection'] },
      ]);
      expect(events).toEqual([
        expect.objectContaining({
          eventType: 'SUSPICIOUS_ACTIVITY',
          violationType: violation,
          attemptType: 'web-injection',
          blocked: true,
          source: 'request-field',
        }),
      ]);
      const entries = await auditEntries(t);
      const requestId = res.body.requestId as string;
      expect(entries).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'security',
            request: expect.objectContaining({ id: requestId }),
            outcome: expect.objectContaining({ decision: 'denied', reason: violation }),
            details: expect.objectContaining({
              event_type: 'SUSPICIOUS_ACTIVITY',
              blocked: true,
              source: 'request-field',
              attempt_type: 'web-injection',
              location: 'query',
              field: 'probe',
            }),
          }),
        ]),
      );
    },
  );

  it('a path parameter with <script> or ../ is refused with 403 and a security event', async () => {
    const auth = await adminAuth(t);
    for (const [id, violation] of [
      ['<script>alert(1)</script>', 'XSS_ATTEMPT'],
      ['../../app/dist', 'PATH_TRAVERSAL'],
      ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', 'PATH_TRAVERSAL'],
    ]) {
      events.length = 0;
      const res = await request(t.server)
        .delete(`/api/v1/admin/sessions/${encodeURIComponent(id)}`)
        .set(auth)
        .expect(403);
      expect(res.body.type).toMatch(/\/security-pattern-blocked$/);
      expect(res.body.fields).toEqual([
        { location: 'path', field: 'id', categories: ['web-injection'] },
      ]);
      expect(events).toEqual([
        expect.objectContaining({
          violationType: violation,
          blocked: true,
          source: 'request-field',
        }),
      ]);
    }
    // An ordinary id passes the guard and reaches the handler (no such session).
    await request(t.server)
      .delete(`/api/v1/admin/sessions/${'s'.repeat(24)}`)
      .set(auth)
      .expect(404);
  });

  describe('the JSON body of an analysis request', () => {
    const create = async (body: object) =>
      request(t.server)
        .post('/api/v1/analyses')
        .set(await adminAuth(t))
        .send({ content: 'How long should a cache entry live?', cache: false, ...body });

    it.each([
      ["require('child_process').exec('id')", 'code-execution'],
      ['eval(atob(payload))', 'code-execution'],
      ['${7*7}', 'template-injection'],
      ['$(id)', 'code-execution'],
      ['1+UNION+SELECT+1', 'web-injection'],
    ])(
      'a structured field holding %s is refused (403 security-pattern-blocked) and reported',
      async (value, category) => {
        for (const metadata of [{ ref: value }, { source: `src/${value}` }]) {
          events.length = 0;
          const res = await create({ metadata });
          expect(res.status).toBe(403);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.body.type).toMatch(/\/security-pattern-blocked$/);
          const field = `metadata.${Object.keys(metadata)[0]}`;
          expect(res.body.fields).toEqual([
            expect.objectContaining({
              location: 'body',
              field,
              categories: expect.arrayContaining([category]),
            }),
          ]);
          expectOneEventPerCategory(events);
          expect(events).toContainEqual(
            expect.objectContaining({
              attemptType: category,
              blocked: true,
              source: 'request-field',
              details: expect.objectContaining({ location: 'body', field }),
            }),
          );
        }
      },
    );

    it('metadata.source is a repository path: a path inside the root is accepted', async () => {
      for (const source of ['docs/../src/a.ts', 'libs/wall-bounce/src/engine', './README.md']) {
        events.length = 0;
        const res = await create({ metadata: { source, ref: 'origin/main...HEAD' } });
        expect(res.status).toBe(202);
        expect(events).toEqual([]);
      }
    });

    it.each([
      ['a path that leaves the root', '../../etc/passwd'],
      ['look-alike slashes (U+2215)', '..\u2215..\u2215etc\u2215passwd'],
      ['an absolute path', '/etc/passwd'],
      ['an encoded traversal', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
      ['a URL', 'file:///etc/passwd'],
    ])('metadata.source refuses %s', async (_name, source) => {
      const res = await create({ metadata: { source } });
      expect(res.status).toBe(403);
      expect(res.body.fields).toEqual([
        { location: 'body', field: 'metadata.source', categories: ['web-injection'] },
      ]);
      expect(events).toEqual([
        expect.objectContaining({ violationType: 'PATH_TRAVERSAL', source: 'request-field' }),
      ]);
    });

    it('every other structured field stays strict: the same repository path is refused in metadata.ref', async () => {
      const res = await create({ metadata: { ref: 'docs/../src/a.ts' } });
      expect(res.status).toBe(403);
      expect(res.body.fields).toEqual([
        expect.objectContaining({ location: 'body', field: 'metadata.ref' }),
      ]);
    });
  });

  it('refuses every attack-corpus payload placed in a path parameter (share per file)', async () => {
    const auth = await adminAuth(t);
    const shares: Record<string, string> = {};
    for (const file of corpusFiles()) {
      const lines = payloads(file);
      let refused = 0;
      for (const line of lines) {
        events.length = 0;
        const res = await request(t.server)
          .delete(`/api/v1/admin/sessions/${encodeURIComponent(line)}`)
          .set(auth);
        if (res.status === 403 && res.body.type?.endsWith('/security-pattern-blocked')) {
          refused += 1;
          expectOneEventPerCategory(events);
        }
      }
      shares[file] = `${refused}/${lines.length} (${((100 * refused) / lines.length).toFixed(1)}%)`;
      // Achieved: every line (see the printed shares); the floor leaves room for list updates.
      expect(refused / lines.length).toBeGreaterThanOrEqual(0.98);
    }
    process.stdout.write(
      `attack corpus refused in a path parameter:\n${JSON.stringify(shares, null, 2)}\n`,
    );
  });

  it('refuses the attack-corpus payloads placed in a query parameter (share per file)', async () => {
    const shares: Record<string, string> = {};
    let refusedAll = 0;
    let totalAll = 0;
    for (const file of corpusFiles()) {
      const lines = payloads(file);
      let refused = 0;
      for (const line of lines) {
        events.length = 0;
        const res = await request(t.server).get('/health/ready').query({ q: line });
        if (res.status === 403 && res.body.type?.endsWith('/security-pattern-blocked')) {
          refused += 1;
          // Every refusal is reported: one security event per category of attempt.
          expectOneEventPerCategory(events);
        } else {
          expect(res.status).toBe(200);
        }
      }
      refusedAll += refused;
      totalAll += lines.length;
      shares[file] = `${refused}/${lines.length} (${((100 * refused) / lines.length).toFixed(1)}%)`;
    }
    process.stdout.write(
      `attack corpus refused in a query parameter:\n${JSON.stringify(shares, null, 2)}\n`,
    );
    // Achieved: every line of every file (839/839); the floor leaves room for list updates.
    expect(refusedAll / totalAll).toBeGreaterThanOrEqual(0.99);
    for (const file of corpusFiles()) {
      const [refused, total] = shares[file].split(' ')[0].split('/').map(Number);
      expect(refused / total).toBeGreaterThanOrEqual(0.98);
    }
  });
});

describe('techsapo scan agrees with the in-process detector', () => {
  const detector = new ContentDetector();
  /** The CLI adds each finding's line and column; the rest is the detector's own. */
  const project = (r: { verdict: string; findings: object[] }) => ({
    verdict: r.verdict,
    findings: r.findings.map((f) => {
      const { line: _line, column: _column, ...rest } = f as { line?: number; column?: number };
      return rest;
    }),
  });
  const runCli = (args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, 'scan', ...args], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as {
      file: string;
      line?: number;
      verdict: string;
      findings: object[];
    }[];
  };

  it('on the labelled detector corpus (llm-answer)', () => {
    const files = readdirSync(DETECTOR_CORPUS, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.txt'))
      .sort()
      .map((name) => join(DETECTOR_CORPUS, name));
    const results = runCli(['--channel', 'llm-answer', ...files]);
    expect(results).toHaveLength(files.length);
    results.forEach((result, index) => {
      expect(result.file).toBe(files[index]);
      const inProcess = detector.scan(readFileSync(files[index], 'utf8'), 'llm-answer');
      expect(project(result)).toEqual(project(inProcess));
    });
  });

  it.each<[Channel]>([['request-field'], ['request-text']])(
    'on every attack-corpus line (%s)',
    (channel) => {
      const files = corpusFiles().map((name) => join(ATTACK_CORPUS, name));
      const results = runCli(['--channel', channel, '--lines', ...files]);
      const printed = new Map(results.map((r) => [`${r.file}:${r.line}`, r]));
      let compared = 0;
      for (const file of files) {
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((raw, index) => {
            const line = raw.replace(/\r$/, '');
            if (line.length === 0) return;
            const inProcess = detector.scan(line, channel);
            const result = printed.get(`${file}:${index + 1}`);
            // --lines prints exactly the lines with findings.
            if (inProcess.findings.length === 0) return expect(result).toBeUndefined();
            expect(result && project(result)).toEqual(project(inProcess));
            // Structured fields refuse every payload; in code under review a payload is data:
            // no attempt on the service, never refused.
            if (channel === 'request-field') expect(result?.verdict).toBe('block');
            else {
              expect(result?.verdict).not.toBe('block');
              expect(result?.findings).not.toContainEqual(
                expect.objectContaining({ kind: 'attempt' }),
              );
            }
            compared += 1;
          });
      }
      expect(compared).toBe(results.length);
      if (channel === 'request-field') {
        expect(compared).toBe(
          files.reduce((n, f) => n + payloads(f.split('/').pop() as string).length, 0),
        );
      }
    },
  );
});
