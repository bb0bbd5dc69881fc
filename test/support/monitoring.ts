import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { K8S_ROOT, readObjects } from './kustomize';

export const MONITORING = join(K8S_ROOT, 'base', 'monitoring');
export const PROMETHEUS_RULE = join(MONITORING, 'prometheusrules.yaml');
export const DASHBOARD = join(MONITORING, 'grafana-dashboard.json');
const SERVICE_MONITOR = join(MONITORING, 'servicemonitor.yaml');
const ADAPTER_RULES = join(K8S_ROOT, 'cluster', 'prometheus-adapter-rules.yaml');

export interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** The PrometheusRule's spec: exactly a Prometheus rule file. */
export interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}

/** A PromQL expression of the monitoring objects, and where it is. */
export interface Expression {
  where: string;
  expr: string;
}

export function ruleFile(): RuleFile {
  const [rule] = readObjects(PROMETHEUS_RULE);
  return rule.spec as RuleFile;
}

export function alertRules(): (Rule & { alert: string })[] {
  return ruleFile().groups.flatMap((g) => g.rules.filter((r) => r.alert)) as (Rule & {
    alert: string;
  })[];
}

/**
 * Every PromQL expression the cluster will evaluate for us: the Grafana panels, the alert and
 * recording rules, and prometheus-adapter's queries (its template filled in as the adapter
 * does for the worker HPA's namespace).
 */
export function monitoringExpressions(): Expression[] {
  const out: Expression[] = [];
  type Panel = { title: string; targets?: { refId: string; expr: string }[]; panels?: Panel[] };
  const walk = (panels: Panel[]): void => {
    for (const panel of panels) {
      for (const t of panel.targets ?? []) {
        out.push({ where: `panel "${panel.title}" ${t.refId}`, expr: t.expr });
      }
      walk(panel.panels ?? []);
    }
  };
  walk((JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] }).panels);
  for (const group of ruleFile().groups) {
    for (const rule of group.rules) {
      out.push({ where: `rule ${rule.alert ?? rule.record}`, expr: rule.expr });
    }
  }
  const [adapter] = readObjects(ADAPTER_RULES);
  const config = load((adapter.data as Record<string, string>)['config.yaml']) as {
    externalRules: { seriesQuery: string; metricsQuery: string; name: { as: string } }[];
  };
  for (const rule of config.externalRules) {
    out.push({ where: `adapter ${rule.name.as} seriesQuery`, expr: rule.seriesQuery });
    out.push({
      where: `adapter ${rule.name.as} metricsQuery`,
      expr: rule.metricsQuery
        .replaceAll('<<.Series>>', rule.seriesQuery.split('{')[0].trim())
        .replaceAll('<<.LabelMatchers>>', 'namespace="techsapo"'),
    });
  }
  return out;
}

/**
 * The labels Prometheus adds to every series it scrapes from the app: prometheus-operator's
 * target labels, and the ServiceMonitor's own relabelings.
 */
export function targetLabels(): string[] {
  const [monitor] = readObjects(SERVICE_MONITOR);
  const endpoints = (monitor.spec as { endpoints: { relabelings?: { targetLabel: string }[] }[] })
    .endpoints;
  const relabelled = endpoints.flatMap((e) => (e.relabelings ?? []).map((r) => r.targetLabel));
  return ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint', ...relabelled];
}
