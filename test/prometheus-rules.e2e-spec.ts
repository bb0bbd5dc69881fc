import { dump, load } from 'js-yaml';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertRules, ruleFile, type RuleFile } from './support/monitoring';
import { ROOT } from './support/processes';

/**
 * The alerts of k8s/base/monitoring/prometheusrules.yaml under the real promtool: the
 * PrometheusRule's spec is written to a rule file in a temporary folder, `promtool check rules`
 * reads it, and `promtool test rules` runs the unit tests of test/prometheus/ against it (each
 * alert fed its series, shown to fire with its labels and annotations, and shown to stay quiet
 * on ordinary review traffic). Without promtool these tests fail, unless SKIP_PROMTOOL=1 says
 * to skip them outside CI.
 */
const TESTS = join(__dirname, 'prometheus');
const RULES_NAME = 'techsapo.rules.yaml';
const RUNBOOK = 'docs/deployment.md';
const SEVERITIES = ['critical', 'warning'];

interface PromtoolTestFile {
  rule_files: string[];
  tests: {
    name: string;
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
    promql_expr_test?: { expr: string; exp_samples?: unknown[] }[];
  }[];
}

const testFiles = readdirSync(TESTS)
  .filter((f) => f.endsWith('.test.yaml'))
  .sort();
const installed = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
const optedOut = !installed && process.env.SKIP_PROMTOOL === '1' && !process.env.CI;

/** GitHub's anchor of a Markdown heading. */
const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

(optedOut ? describe.skip : describe)('Prometheus alert rules (promtool)', () => {
  let dir: string;

  beforeAll(() => {
    if (!installed) {
      throw new Error(
        "promtool is not on the PATH: install Debian's prometheus package " +
          '(apt-get install -y --no-install-recommends prometheus)' +
          (process.env.CI ? '' : ', or set SKIP_PROMTOOL=1 to skip these tests'),
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'techsapo-rules-'));
    for (const file of testFiles) copyFileSync(join(TESTS, file), join(dir, file));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const promtool = (rules: RuleFile, ...args: string[]): { status: number; output: string } => {
    writeFileSync(join(dir, RULES_NAME), dump(rules));
    const run = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
    return { status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
  };
  const failingAlerts = (output: string): string[] =>
    [...new Set([...output.matchAll(/alertname(?:: |=")(\w+)/g)].map((m) => m[1]))].sort();
  const alertNames = alertRules()
    .map((r) => r.alert)
    .sort();

  it('promtool check rules accepts the PrometheusRule spec', () => {
    const rules = ruleFile();
    const { status, output } = promtool(rules, 'check', 'rules', RULES_NAME);
    const count = rules.groups.reduce((n, g) => n + g.rules.length, 0);
    expect([status, output]).toEqual([0, expect.stringContaining(`SUCCESS: ${count} rules found`)]);
  });

  it('promtool test rules: every alert fires on its series and stays quiet on ordinary traffic', () => {
    const { status, output } = promtool(ruleFile(), 'test', 'rules', ...testFiles);
    expect([status, output]).toEqual([0, expect.not.stringContaining('FAILED')]);
    expect(output.match(/SUCCESS/g)).toHaveLength(testFiles.length);
  });

  it('every alert is tested firing and quiet, pages only as critical, and links to its runbook', () => {
    const files = testFiles.map(
      (f) => load(readFileSync(join(TESTS, f), 'utf8')) as PromtoolTestFile,
    );
    expect(files.every((f) => f.rule_files.length === 1 && f.rule_files[0] === RULES_NAME)).toBe(
      true,
    );
    const cases = files.flatMap((f) => f.tests);
    const fires = new Set<string>();
    const quiet = new Set<string>();
    for (const c of cases) {
      for (const t of c.alert_rule_test ?? []) {
        (t.exp_alerts?.length ? fires : quiet).add(t.alertname);
      }
      // `ALERTS` expected empty: no alert even pending.
      if ((c.promql_expr_test ?? []).some((t) => t.expr === 'ALERTS' && !t.exp_samples?.length)) {
        for (const name of alertNames) quiet.add(name);
      }
    }
    expect(alertNames.filter((a) => !fires.has(a))).toEqual([]);
    expect(alertNames.filter((a) => !quiet.has(a))).toEqual([]);
    expect([...fires].filter((a) => !alertNames.includes(a))).toEqual([]);

    const headings = new Set(
      readFileSync(join(ROOT, RUNBOOK), 'utf8')
        .split('\n')
        .filter((line) => /^#{1,6} /.test(line))
        .map((line) => anchorOf(line.replace(/^#+ /, ''))),
    );
    const findings: string[] = [];
    for (const rule of alertRules()) {
      const severity = rule.labels?.severity ?? '';
      if (!SEVERITIES.includes(severity)) findings.push(`${rule.alert}: severity ${severity}`);
      for (const key of ['summary', 'description', 'runbook_url']) {
        if (!rule.annotations?.[key]) findings.push(`${rule.alert}: no ${key}`);
      }
      const [file, anchor] = (rule.annotations?.runbook_url ?? '').split('#');
      if (file !== RUNBOOK || anchor !== anchorOf(rule.alert) || !headings.has(anchor)) {
        findings.push(`${rule.alert}: runbook ${rule.annotations?.runbook_url} is not its heading`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('the tests catch an alert that never fires, and one that always does', () => {
    const mutate = (expr: string): RuleFile => {
      const rules = ruleFile();
      for (const group of rules.groups) {
        for (const rule of group.rules) if (rule.alert) rule.expr = expr;
      }
      return rules;
    };
    const never = promtool(mutate('vector(1) == 0'), 'test', 'rules', ...testFiles);
    expect(never.status).not.toBe(0);
    expect(failingAlerts(never.output)).toEqual(alertNames);
    const always = promtool(mutate('vector(1)'), 'test', 'rules', ...testFiles);
    expect(always.status).not.toBe(0);
    expect(failingAlerts(always.output)).toEqual(alertNames);
  });
});
