import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import type { ContentFile } from '../analyze/content';
import type { Analysis } from '../api/types';
import { locateFindings } from './locate';
import { toJson } from './json';
import { toMarkdown } from './markdown';
import { ANSWER_RULE, artifactUri, toSarif } from './sarif';

/** The SARIF 2.1.0 schema (OASIS final, rtm.5) as Microsoft's SARIF SDK ships it. */
const sarifSchema = JSON.parse(
  readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
) as object;
// The published schema's `language` pattern has a stray `]`, legal only without the u flag.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validateSarif = ajv.compile(sarifSchema);
const valid = (log: unknown) => {
  const ok = validateSarif(log);
  return ok ? [] : (validateSarif.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const analysis: Analysis = {
  id: 'an_1',
  status: 'completed',
  mode: 'council',
  createdAt: '2026-12-01T00:00:00.000Z',
  startedAt: '2026-12-01T00:00:01.000Z',
  completedAt: '2026-12-01T00:00:03.000Z',
  ownerId: 'u1',
  cached: false,
  usage: {
    inputTokens: 1,
    outputTokens: 1,
    costUsd: 0,
    calls: 1,
    failedCalls: 0,
    estimatedCalls: 0,
    providers: [],
  },
  result: {
    answer: 'The patch writes to src/ at run time | and calls eval.',
    confidence: 0.74,
    consensus: {
      score: 0.81,
      level: 'strong',
      method: 'measured-peer-agreement',
      independent: true,
      signals: [
        { name: 'verdict-agreement', value: 0.75, weight: 0.5 },
        { name: 'findings-overlap', value: null, weight: 0.3 },
      ],
    },
    degraded: true,
    degradedReasons: ['provider gemini timed out'],
    providers: [
      {
        name: 'openai',
        model: 'gpt-x',
        status: 'ok',
        latencyMs: 812.2,
        usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.0012 },
        roles: ['peer', 'aggregator'],
        answer: {
          text: 'It writes to src/ at run time.',
          verdict: 'serious-issues',
          findings: [{ title: 'Writes its own source', severity: 'high', location: 'src/a.ts:3' }],
          confidence: 0.8,
          structured: 'native',
        },
      },
      {
        name: 'gemini',
        model: 'gemini-y',
        status: 'timeout',
        latencyMs: 30000,
        usage: { inputTokens: 0, outputTokens: 0, costUsd: 0 },
        error: 'no answer within 30 s',
        roles: ['peer'],
      },
    ],
    dissent: ['anthropic doubts the eval is reachable'],
    security: {
      flags: [
        {
          rule: 'risk.eval',
          kind: 'risk',
          category: 'code-execution',
          severity: 'low',
          action: 'note',
          source: 'request',
        },
        {
          rule: 'prompt-injection.override',
          kind: 'attempt',
          category: 'prompt-injection',
          severity: 'high',
          action: 'flag',
          source: 'provider:openai',
        },
        {
          rule: 'prompt-injection.directive-words',
          kind: 'attempt',
          category: 'prompt-injection',
          severity: 'medium',
          action: 'flag',
          source: 'request',
        },
        {
          rule: 'secret.github-token',
          kind: 'secret',
          category: 'secret',
          severity: 'critical',
          action: 'flag',
          source: 'request',
        },
      ],
      allowedOperations: ['read', 'analyze', 'suggest'],
      deniedOperations: ['write', 'execute', 'modify'],
    },
    usage: { inputTokens: 100, outputTokens: 50, costUsd: 0.0012 },
    task: 'review',
    verdict: 'serious-issues',
    confidenceSignals: [{ name: 'answered-share', value: 0.667, weight: 1 }],
    aggregator: { provider: 'openai', fallback: false, structured: 'native' },
    aggregatorClaims: { agreement: 0.95, confidence: 0.9, verdict: 'no-issues', dissent: [] },
  },
};

const files: ContentFile[] = [
  { path: 'src/app.ts', text: 'const a = 1;\nconst b = eval(input);\n' },
  { path: 'src/diffed.ts', text: 'ok\nx = eval(y)', lines: [10, 14] },
];
/** A stand-in for the detector: reports every `eval(` as risk.eval. */
const scanEval = (text: string) =>
  [...text.matchAll(/eval\(/g)].map((m) => ({
    rule: 'risk.eval',
    start: m.index,
    end: m.index + 5,
  }));

describe('output formats', () => {
  it('json is the Analysis as the server sent it', () => {
    expect(JSON.parse(toJson(analysis))).toEqual(analysis);
  });

  it('markdown summarises answer, consensus, confidence, providers, flags and degradation', () => {
    const md = toMarkdown(analysis);
    expect(md).toContain('Analysis `an_1` · mode **council** · status **completed**');
    expect(md).toContain('The patch writes to src/ at run time | and calls eval.');
    expect(md).toContain(
      '| serious-issues (review) | 0.81 | strong | measured-peer-agreement | 0.74 | yes |',
    );
    // Every measured signal, and what the aggregator said kept apart as its claims.
    expect(md).toContain('| verdict-agreement | 0.750 | 0.5 |');
    expect(md).toContain('| findings-overlap | not measured | 0.3 |');
    expect(md).toContain('| answered-share | 0.667 | 1 |');
    expect(md).toContain(
      'Written by openai; it claimed agreement 0.95, confidence 0.90, verdict no-issues (claims, not measurements).',
    );
    expect(md).toContain('| openai | gpt-x | ok | serious-issues | 1 | 812 | 100 / 50 | 0.0012 |');
    expect(md).toContain(
      '| gemini | gemini-y | timeout: no answer within 30 s | — | — | 30000 | 0 / 0 | 0.0000 |',
    );
    expect(md).toContain('- provider gemini timed out');
    expect(md).toContain('- anthropic doubts the eval is reachable');
    // Attempts and secrets are security flags; risks are notes on the code.
    expect(md).toContain(
      '| attempt | prompt-injection.override | prompt-injection | high | flag | provider:openai |',
    );
    expect(md).toContain('| secret | secret.github-token | secret | critical | flag | request |');
    expect(md).toMatch(
      /## Risk notes\n\nRisky patterns in the code under review: informational, not attacks\./,
    );
    expect(md).toContain('| risk.eval | code-execution | request |');
    expect(md.indexOf('risk.eval')).toBeGreaterThan(md.indexOf('## Risk notes'));
  });

  it('markdown of a failed analysis shows its error', () => {
    const md = toMarkdown({
      ...analysis,
      status: 'failed',
      result: undefined,
      error: {
        type: 'https://x/problems/insufficient-providers',
        title: 'Insufficient providers',
        status: 503,
        detail: '1 of 2',
        instance: '/api/v1/analyses/an_1',
        requestId: 'r1',
      },
    });
    expect(md).toContain('status **failed**');
    expect(md).toContain('**Insufficient providers**: 1 of 2');
  });

  it('places findings on file lines, mapping diff text lines to the new file', () => {
    expect(locateFindings(files, scanEval)).toEqual([
      {
        rule: 'risk.eval',
        path: 'src/app.ts',
        startLine: 2,
        startColumn: 11,
        endLine: 2,
        endColumn: 16,
      },
      {
        rule: 'risk.eval',
        path: 'src/diffed.ts',
        startLine: 14,
        startColumn: 5,
        endLine: 14,
        endColumn: 10,
      },
    ]);
  });

  describe('sarif', () => {
    const cwd = '/repo';
    const log = toSarif(analysis, {
      files,
      located: locateFindings(files, scanEval),
      toolVersion: '0.1.0',
      cwd,
    });
    const run = log.runs[0];

    it('is valid SARIF 2.1.0 by the official schema', () => {
      expect(log.version).toBe('2.1.0');
      expect(valid(log)).toEqual([]);
    });

    it('names the tool techsapo and declares each rule once', () => {
      expect(run.tool.driver.name).toBe('techsapo');
      expect(run.tool.driver.rules?.map((r) => r.id)).toEqual([
        'risk.eval',
        'prompt-injection.override',
        'prompt-injection.directive-words',
        'secret.github-token',
        ANSWER_RULE,
      ]);
    });

    it('keeps the two questions apart: risks are notes without security severity, attempts and secrets security results', () => {
      const rule = (id: string) => run.tool.driver.rules?.find((r) => r.id === id);
      const results = (id: string) => run.results?.filter((r) => r.ruleId === id) ?? [];
      // A risky pattern in the code under review: a note, never a security alert.
      expect(rule('risk.eval')?.defaultConfiguration?.level).toBe('note');
      expect(rule('risk.eval')?.properties).not.toHaveProperty('security-severity');
      expect(rule('risk.eval')?.properties?.tags).not.toContain('security');
      for (const r of results('risk.eval')) {
        expect([r.level, r.kind, r.properties?.kind]).toEqual(['note', 'fail', 'risk']);
      }
      // Attempts: error when high or critical, warning below, with a security severity.
      expect(results('prompt-injection.override').map((r) => [r.level, r.kind])).toEqual([
        ['error', 'fail'],
      ]);
      expect(results('prompt-injection.directive-words').map((r) => r.level)).toEqual(['warning']);
      expect(rule('prompt-injection.override')?.properties).toMatchObject({
        'security-severity': '8.0',
        tags: ['security', 'attempt', 'prompt-injection'],
      });
      expect(rule('prompt-injection.directive-words')?.properties?.['security-severity']).toBe(
        '5.5',
      );
      // A secret as the detector rates it.
      expect(results('secret.github-token').map((r) => r.level)).toEqual(['error']);
      expect(rule('secret.github-token')?.properties?.['security-severity']).toBe('9.5');
      // Nothing but attempts and secrets is an error or a warning.
      const alerts = run.results?.filter((r) => r.level === 'error' || r.level === 'warning');
      expect(new Set(alerts?.map((r) => r.properties?.kind))).toEqual(
        new Set(['attempt', 'secret']),
      );
    });

    it('reports request flags where the detector finds them, at file, line and column', () => {
      const evals = run.results?.filter((r) => r.ruleId === 'risk.eval') ?? [];
      expect(evals.map((r) => r.locations?.[0].physicalLocation)).toEqual([
        {
          artifactLocation: { uri: 'src/app.ts', uriBaseId: '%SRCROOT%', index: 0 },
          region: { startLine: 2, startColumn: 11, endLine: 2, endColumn: 16 },
        },
        {
          artifactLocation: { uri: 'src/diffed.ts', uriBaseId: '%SRCROOT%', index: 1 },
          region: { startLine: 14, startColumn: 5, endLine: 14, endColumn: 10 },
        },
      ]);
    });

    it('reports other flags and the answer on the first file', () => {
      const [override] = run.results?.filter((r) => r.ruleId === 'prompt-injection.override') ?? [];
      expect(override.message.text).toContain('in the answer of provider:openai');
      expect(override.locations?.[0].physicalLocation?.artifactLocation?.uri).toBe('src/app.ts');
      const [secret] = run.results?.filter((r) => r.ruleId === 'secret.github-token') ?? [];
      expect(secret.locations?.[0].physicalLocation?.region).toEqual({ startLine: 1 });
      const [answer] = run.results?.filter((r) => r.ruleId === ANSWER_RULE) ?? [];
      expect(answer.kind).toBe('informational');
      expect(answer.message.text).toContain('calls eval');
      expect(answer.message.text).toContain('consensus 0.81 (strong), confidence 0.74, degraded');
    });

    it('tells degradation as a warning notification and the run outcome', () => {
      expect(run.invocations?.[0]).toEqual({
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: 'warning', message: { text: 'degraded: provider gemini timed out' } },
        ],
      });
      expect(run.properties).toMatchObject({ analysisId: 'an_1', confidence: 0.74 });
    });

    it('stays valid without files (stdin), for a failed analysis, and with no flags', () => {
      const failed = toSarif(
        {
          ...analysis,
          status: 'failed',
          result: undefined,
          error: {
            type: 'x',
            title: 'Failed',
            status: 500,
            detail: 'd',
            instance: '/api/v1/analyses/an_1',
            requestId: 'r1',
          },
        },
        { files: [], located: [], toolVersion: '0.1.0' },
      );
      expect(valid(failed)).toEqual([]);
      expect(failed.runs[0].results).toEqual([]);
      expect(failed.runs[0].invocations?.[0].executionSuccessful).toBe(false);
      const stdin = toSarif(analysis, { files: [], located: [], toolVersion: '0.1.0' });
      expect(valid(stdin)).toEqual([]);
      expect(stdin.runs[0].results?.every((r) => r.locations === undefined)).toBe(true);
    });

    it('catches what is not SARIF (the validation can fail)', () => {
      expect(valid({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).not.toEqual([]);
      expect(valid({ ...log, version: '2.0.0' })).not.toEqual([]);
    });

    it('writes paths relative to the working directory, others as file URIs', () => {
      expect(artifactUri('src/a.ts', '/repo')).toBe('src/a.ts');
      expect(artifactUri('/repo/lib/b.ts', '/repo')).toBe('lib/b.ts');
      expect(artifactUri('/elsewhere/c d.ts', '/repo')).toBe('file:///elsewhere/c%20d.ts');
    });
  });
});
