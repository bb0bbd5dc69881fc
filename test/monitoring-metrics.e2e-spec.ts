import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import request from 'supertest';
import { adminAuth } from './support/auth';
import { monitoringExpressions, targetLabels } from './support/monitoring';
import { ROOT } from './support/processes';
import { type LabelCatalog, readExpression } from './support/promql-labels';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * The Grafana dashboard, the alert rules and prometheus-adapter read only series the app
 * emits, by labels those series have: the real app (role `all`) is started, its /metrics read,
 * and every PromQL expression of k8s/ parsed with Prometheus' grammar (support/promql-labels).
 */

/** Series from outside the app that the monitoring objects may read, with their labels. */
const KUBE_STATE_HPA = ['job', 'instance', 'namespace', 'horizontalpodautoscaler'];
const EXTERNAL: Record<string, string[]> = {
  up: targetLabels(), // Prometheus' own, one per scraped target
  kube_horizontalpodautoscaler_status_current_replicas: KUBE_STATE_HPA,
  kube_horizontalpodautoscaler_status_desired_replicas: KUBE_STATE_HPA,
  kube_horizontalpodautoscaler_spec_max_replicas: KUBE_STATE_HPA,
};

/**
 * Labels whose values are not our vocabulary: names from outside (file paths, usernames, the
 * operator's provider names), kept as given, and bucket bounds (`+Inf`).
 */
const NOT_VOCABULARY = new Set(['path', 'user', 'provider', 'le']);

interface Family {
  type: string;
  samples: { series: string; labels: Record<string, string> }[];
}

/** The Prometheus text format: families from `# TYPE`, their samples with their labels. */
function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (series: string): Family | undefined =>
    families.get(series) ?? families.get(series.replace(/_(bucket|sum|count)$/, ''));
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) families.set(type[1], { type: type[2], samples: [] });
    if (!line || line.startsWith('#')) continue;
    const series = /^[a-zA-Z_:][\w:]*/.exec(line)![0];
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    familyOf(series)?.samples.push({ series, labels });
  }
  return families;
}

/** The label names a metric of the running app was registered with. */
function declaredLabels(name: string): string[] {
  const metric = register.getSingleMetric(name);
  // prom-client keeps them on the instance but leaves them out of its type declarations.
  return [...((metric as unknown as { labelNames?: readonly string[] })?.labelNames ?? [])];
}

/** Series name → label names, for the app's families and the external series. */
function catalogOf(families: Map<string, Family>): LabelCatalog {
  const series = new Map<string, Set<string>>();
  const target = targetLabels();
  for (const [name, family] of families) {
    const labels = [...declaredLabels(name), ...target];
    if (family.type === 'histogram') {
      series.set(`${name}_bucket`, new Set([...labels, 'le']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else if (family.type === 'summary') {
      series.set(name, new Set([...labels, 'quantile']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else {
      series.set(name, new Set(labels));
    }
  }
  for (const [name, labels] of Object.entries(EXTERNAL)) series.set(name, new Set(labels));
  return (name) => series.get(name);
}

describe('monitoring reads what the app emits (real app, /metrics)', () => {
  let t: TestApp;
  let families: Map<string, Family>;

  beforeAll(async () => {
    t = await startTestApp({ ROLE: 'all' });
    // Traffic that gives the labelled families samples: requests, a failed login and a bad
    // token, a refused query parameter, a login and an analysis on the simulator.
    await request(t.server).get('/health/live').expect(200);
    await request(t.server)
      .post('/api/v1/auth/login')
      .send({ username: t.admin.username, password: 'not-the-password' })
      .expect(401);
    await request(t.server).get('/api/v1/auth/me').set('Authorization', 'Bearer nope').expect(401);
    await request(t.server)
      .get('/health/ready')
      .query({ probe: '<script>alert(1)</script>' })
      .expect(403);
    await request(t.server)
      .post('/api/v1/analyses?wait=30')
      .set(await adminAuth(t))
      .send({ content: 'Is this retry loop bounded?', cache: false })
      .expect(200);
    const metrics = await request(t.server).get('/metrics').expect(200);
    families = parseExposition(metrics.text);
  });
  afterAll(() => t?.close());

  it('every panel, rule and adapter query reads series the app emits, by labels they have', () => {
    const catalog = catalogOf(families);
    const expressions = monitoringExpressions();
    const read = expressions.map((e) => ({ ...e, ...readExpression(e.expr, catalog) }));
    expect(read.flatMap((r) => r.problems.map((p) => `${r.where}: ${p}`))).toEqual([]);
    expect(read.filter((r) => r.metrics.length === 0).map((r) => r.where)).toEqual([]);
  });

  it('every label value the app emits is lower case', () => {
    const samples = [...families.entries()]
      .filter(([name]) => name.startsWith('techsapo_'))
      .flatMap(([, family]) => family.samples);
    const seen = new Set(samples.map((s) => s.series));
    // The traffic reached the labelled families this is about.
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'techsapo_http_request_duration_seconds_count',
        'techsapo_security_violations_total',
        'techsapo_auth_attempts_total',
        'techsapo_self_modification_attempts_total',
        'techsapo_wall_bounce_duration_seconds_count',
        'techsapo_llm_tokens_total',
      ]),
    );
    const upper = samples.flatMap(({ series, labels }) =>
      Object.entries(labels)
        .filter(([name, value]) => !NOT_VOCABULARY.has(name) && value !== value.toLowerCase())
        .map(([name, value]) => `${series}{${name}="${value}"}`),
    );
    expect([...new Set(upper)]).toEqual([]);
  });

  it('docs/deployment.md lists every techsapo metric, and only those', () => {
    const docs = readFileSync(join(ROOT, 'docs', 'deployment.md'), 'utf8');
    const section = docs.slice(docs.indexOf('\n### Metrics'), docs.indexOf('\n### Alerts'));
    const listed = [...section.matchAll(/^\| `(techsapo_\w+)/gm)].map((m) => m[1]).sort();
    const exposed = [...families.keys()].filter((n) => n.startsWith('techsapo_')).sort();
    expect(listed).toEqual(exposed);
  });
});

describe('reading PromQL (support/promql-labels)', () => {
  const catalog: LabelCatalog = (name) =>
    ({
      techsapo_auth_attempts_total: new Set(['result', 'method', 'pod']),
      techsapo_http_request_duration_seconds_bucket: new Set(['method', 'route', 'status', 'le']),
      techsapo_http_request_duration_seconds_count: new Set(['method', 'route', 'status']),
      up: new Set(['job', 'pod', 'component']),
    })[name];

  it('follows labels through aggregations, functions and vector matching', () => {
    expect(
      readExpression(
        'histogram_quantile(0.99, sum by (le, route) (rate(techsapo_http_request_duration_seconds_bucket{method="get"}[5m])))' +
          ' / on (route) group_left (method) sum by (route, method) (rate(techsapo_http_request_duration_seconds_count[5m]))' +
          ' and on () (count by (component) (up{job=~"techsapo-.*"} == 0) > 0)',
        catalog,
      ),
    ).toEqual({
      metrics: [
        'techsapo_http_request_duration_seconds_bucket',
        'techsapo_http_request_duration_seconds_count',
        'up',
      ],
      problems: [],
    });
  });

  it.each([
    [
      'sum by (direction, component, trigger) (increase(techsapo_scaling_events_total[15m]))',
      ['techsapo_scaling_events_total: not a series the app emits, nor a listed external one'],
    ],
    [
      'sum by (severity) (rate(techsapo_auth_attempts_total{source="auth"}[5m]))',
      [
        'techsapo_auth_attempts_total{…}: no series there has label source',
        'sum by (severity): no series there has label severity',
      ],
    ],
    [
      'histogram_quantile(0.9, sum by (route) (rate(techsapo_http_request_duration_seconds_bucket[5m])))',
      ['histogram_quantile(…): no series there has label le'],
    ],
    [
      'sum by (le) (rate(techsapo_http_request_duration_seconds_count[5m]))',
      ['sum by (le): no series there has label le'],
    ],
    [
      'sum(rate(techsapo_auth_attempts_total[5m])) / on (pod) sum by (pod) (up)',
      ['on (pod): no series there has label pod'],
    ],
    ['max(techsapo_auth_attempts_total{result="failure"', ['does not parse at offset 49']],
  ])('finds what is wrong in %s', (expr, problems) => {
    expect(readExpression(expr, catalog).problems).toEqual(problems);
  });
});
