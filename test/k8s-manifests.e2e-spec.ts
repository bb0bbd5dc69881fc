import { validateEnvironment } from '@techsapo/core';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CONFIG_NAMESPACES } from '../apps/api/src/config';
import { K8S_ROOT, K8sObject, kustomizeBuild, podSpecOf, readObjects } from './support/kustomize';

/**
 * k8s/: the base and every overlay rendered the way `kustomize build` does
 * (support/kustomize.ts), every object validated against the Kubernetes schemas, and the
 * hardening of issue 8 asserted for every workload. Each check returns findings, and the last
 * block shows each one finds a broken manifest.
 */
const TARGETS = {
  base: join(K8S_ROOT, 'base'),
  normal: join(K8S_ROOT, 'overlays', 'normal'),
  peak: join(K8S_ROOT, 'overlays', 'peak'),
  stress: join(K8S_ROOT, 'overlays', 'stress'),
};
const rendered = Object.fromEntries(
  Object.entries(TARGETS).map(([name, dir]) => [name, kustomizeBuild(dir)]),
) as Record<keyof typeof TARGETS, K8sObject[]>;

// Seed 000's resource table (SC2): cpu, memory, replicas per role and scenario.
const SIZES = {
  normal: { api: ['200m', '512Mi', 2], worker: ['500m', '1Gi', 2], mcp: ['100m', '256Mi', 2] },
  peak: { api: ['500m', '1Gi', 5], worker: ['1000m', '2Gi', 5], mcp: ['300m', '512Mi', 3] },
  stress: { api: ['1000m', '2Gi', 10], worker: ['2000m', '4Gi', 10], mcp: ['500m', '1Gi', 5] },
} as const;
const ROLES = ['api', 'worker', 'mcp'] as const;

/** Where a workload may write (emptyDir mounts); everything else is read-only. */
const WRITABLE: Record<string, string[]> = {
  techsapo: ['/app/data', '/tmp'], // DATA_DIR and the temp folder; code stays read-only
  'redis-cluster': ['/tmp'], // its data lives on the PersistentVolume at /data
};
const SENSITIVE = /SECRET|PASSWORD|PASSPHRASE|TOKEN|API_KEY|ENCRYPTION_KEY|HMAC_KEY|PRIVATE_KEY/;

// Rendered YAML is walked loosely here; its shape is what the schema check asserts.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = Record<string, any>;
const id = (o: K8sObject): string => `${o.kind}/${o.metadata.name}`;
const spec = (o: K8sObject): Any => (o.spec ?? {}) as Any;
const templateLabels = (o: K8sObject): Record<string, string> =>
  spec(o).template?.metadata?.labels ?? {};
const workloads = (objects: K8sObject[]) => objects.filter((o) => podSpecOf(o));
const appName = (o: K8sObject) => templateLabels(o)['app.kubernetes.io/name'] ?? '';

function selects(selector: Any | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(
    (e: { key: string; operator: string; values?: string[] }) =>
      e.operator === 'In'
        ? (e.values ?? []).includes(labels[e.key])
        : e.operator === 'Exists'
          ? e.key in labels
          : false,
  );
  return byLabels && byExpressions;
}

function schemaErrors(objects: K8sObject[]): { object: string; errors: string | null }[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'support', 'k8s-schemas.mjs')], {
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out);
}

function hardeningFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  for (const o of workloads(objects)) {
    const pod = podSpecOf(o)!;
    const podSc: Any = (pod.securityContext as Any) ?? {};
    const writable = WRITABLE[appName(o)] ?? [];
    const isApp = appName(o) === 'techsapo';
    if (pod.automountServiceAccountToken !== false) findings.push(`${id(o)}: mounts an API token`);
    if (pod.hostNetwork || pod.hostPID || pod.hostIPC) findings.push(`${id(o)}: host namespaces`);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const at = `${id(o)}/${c.name}`;
      const sc: Any = (c.securityContext as Any) ?? {};
      const effective = (field: string) => sc[field] ?? podSc[field];
      if (effective('runAsNonRoot') !== true) findings.push(`${at}: runAsNonRoot is not true`);
      if (effective('runAsUser') !== 1001) findings.push(`${at}: runAsUser is not 1001`);
      if (sc.readOnlyRootFilesystem !== true) findings.push(`${at}: root file system writable`);
      if (sc.allowPrivilegeEscalation !== false) findings.push(`${at}: privilege escalation`);
      if (sc.privileged === true) findings.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL'))
        findings.push(`${at}: keeps capabilities`);
      if ((sc.capabilities?.add ?? []).length > 0) findings.push(`${at}: adds capabilities`);
      if (effective('seccompProfile')?.type !== 'RuntimeDefault') {
        findings.push(`${at}: seccomp is not RuntimeDefault`);
      }
      const resources: Any = (c.resources as Any) ?? {};
      if (!resources.limits?.cpu || !resources.limits?.memory) findings.push(`${at}: no limits`);
      if (!/:[\w.-]+$/.test(c.image) || c.image.endsWith(':latest')) {
        findings.push(`${at}: image ${c.image} is not pinned to a tag`);
      }
      for (const mount of (c.volumeMounts as Any[] | undefined) ?? []) {
        const volume: Any = (pod.volumes ?? []).find((v) => v.name === mount.name) ?? {};
        if (volume.hostPath) findings.push(`${at}: hostPath ${mount.mountPath}`);
        if (volume.emptyDir) {
          if (!writable.includes(mount.mountPath)) {
            findings.push(`${at}: writable emptyDir at ${mount.mountPath}`);
          }
          if (!volume.emptyDir.sizeLimit) findings.push(`${at}: emptyDir without sizeLimit`);
        }
      }
      if (o.kind === 'Job') continue;
      const live: Any | undefined = c.livenessProbe as Any;
      const ready: Any | undefined = c.readinessProbe as Any;
      if (isApp) {
        if (live?.httpGet?.path !== '/health/live')
          findings.push(`${at}: liveness not /health/live`);
        if (ready?.httpGet?.path !== '/health/ready') {
          findings.push(`${at}: readiness not /health/ready`);
        }
      } else if (!live || !ready) {
        findings.push(`${at}: no liveness or readiness probe`);
      }
    }
  }
  return findings;
}

/** Rolling updates lose no request: preStop outlasts endpoint removal, grace outlasts both. */
function shutdownFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const config = objects.find((o) => id(o) === 'ConfigMap/techsapo-config');
  const shutdownMs = Number((config?.data as Any | undefined)?.SHUTDOWN_TIMEOUT_MS);
  if (!(shutdownMs > 0)) findings.push('techsapo-config: no SHUTDOWN_TIMEOUT_MS');
  for (const o of workloads(objects).filter((w) => appName(w) === 'techsapo')) {
    const pod = podSpecOf(o)!;
    const command: string[] = (pod.containers[0].lifecycle as Any)?.preStop?.exec?.command ?? [];
    const wait = command[0] === 'sleep' ? Number(command[1]) : 0;
    if (!(wait > 0)) findings.push(`${id(o)}: no preStop wait before SIGTERM`);
    const grace = Number(pod.terminationGracePeriodSeconds ?? 30);
    if (grace <= wait + shutdownMs / 1000) {
      findings.push(`${id(o)}: grace ${grace} s ≤ preStop ${wait} s + shutdown ${shutdownMs} ms`);
    }
  }
  return findings;
}

/** A value of the right shape for each key of the Secret `techsapo-secrets`. */
function secretValue(key: string): string {
  if (key === 'data-encryption-key') return randomBytes(32).toString('base64');
  if (key === 'admin-username') return 'admin';
  return randomBytes(48).toString('base64url');
}

/**
 * The environment each app container gets (ConfigMaps through envFrom, its own env, Secret
 * references filled with values of the right shape), validated as the service validates it
 * at boot: a variable the code requires but the manifests lack fails here, not in the cluster.
 */
function configurationFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  for (const o of workloads(objects).filter((w) => appName(w) === 'techsapo')) {
    const container = podSpecOf(o)!.containers[0] as Any;
    const env: Record<string, string> = {};
    for (const from of container.envFrom ?? []) {
      const map = objects.find(
        (x) => x.kind === 'ConfigMap' && x.metadata.name === from.configMapRef?.name,
      );
      if (!map) findings.push(`${id(o)}: envFrom ${from.configMapRef?.name} is missing`);
      Object.assign(env, (map?.data as Record<string, string> | undefined) ?? {});
    }
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      env[e.name] = ref ? secretValue(ref.key) : e.value;
    }
    try {
      validateEnvironment(env, CONFIG_NAMESPACES);
      for (const namespace of CONFIG_NAMESPACES) {
        (namespace as unknown as { read(e: Record<string, string>): unknown }).read(env);
      }
    } catch (error) {
      findings.push(`${id(o)}: ${(error as Error).message.replace(/\n\s*/g, ' ')}`);
    }
  }
  return findings;
}

function secretFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret') findings.push(`${id(o)}: a Secret is inlined in the manifests`);
    if (o.kind === 'ConfigMap') {
      for (const [key, value] of Object.entries((o.data ?? {}) as Record<string, string>)) {
        if (SENSITIVE.test(key)) findings.push(`${id(o)}: ${key} in a ConfigMap`);
        for (const line of value.split('\n')) {
          const name = /^\s*([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? '';
          if (SENSITIVE.test(name) || /^\s*(requirepass|masterauth)\s/.test(line)) {
            findings.push(`${id(o)}: ${key} holds a secret (${line.split(/[=\s]/)[0]})`);
          }
        }
      }
    }
  }
  for (const o of workloads(objects)) {
    const pod = podSpecOf(o)!;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      for (const env of (c.env as Any[] | undefined) ?? []) {
        if (SENSITIVE.test(env.name) && !env.valueFrom?.secretKeyRef) {
          findings.push(`${id(o)}/${c.name}: ${env.name} is not read from a Secret`);
        }
      }
    }
  }
  return findings;
}

function scalingFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  for (const o of workloads(objects).filter((w) => w.kind !== 'Job')) {
    const covering = pdbs.filter((p) => selects(spec(p).selector, templateLabels(o)));
    if (covering.length !== 1) findings.push(`${id(o)}: ${covering.length} PodDisruptionBudgets`);
    if (o.kind !== 'Deployment') continue;
    const mine = hpas.filter((h) => spec(h).scaleTargetRef?.name === o.metadata.name);
    if (mine.length !== 1) {
      findings.push(`${id(o)}: ${mine.length} HorizontalPodAutoscalers`);
      continue;
    }
    const hpa = spec(mine[0]);
    if (hpa.minReplicas !== 2 || hpa.maxReplicas !== 20) findings.push(`${id(o)}: not 2–20 pods`);
    const resource = (name: string) =>
      (hpa.metrics ?? []).find((m: Any) => m.type === 'Resource' && m.resource.name === name)
        ?.resource.target;
    const cpu = resource('cpu');
    const memory = resource('memory');
    if (cpu?.type !== 'Utilization' || cpu.averageUtilization !== 70) {
      findings.push(`${id(o)}: CPU target is not 70 %`);
    }
    if (memory?.type !== 'Utilization' || memory.averageUtilization !== 80) {
      findings.push(`${id(o)}: memory target is not 80 %`);
    }
    if (templateLabels(o)['app.kubernetes.io/component'] === 'worker') {
      const queue = (hpa.metrics ?? []).find(
        (m: Any) => (m.external ?? m.pods)?.metric?.name === 'techsapo_wall_bounce_queue_length',
      );
      const target = (queue?.external ?? queue?.pods)?.target;
      if (target?.type !== 'AverageValue' || String(target.averageValue) !== '10') {
        findings.push(`${id(o)}: no queue-length target of 10 per pod`);
      }
    }
  }
  return findings;
}

/**
 * The Redis Cluster survives any one lost pod or node: 3 masters each with a replica, one Redis
 * pod per Kubernetes node (so a master and its replica never share one), a PodDisruptionBudget
 * letting one pod go at a time, and AOF kept.
 */
function redisFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const set = objects.find((o) => id(o) === 'StatefulSet/redis-cluster');
  const init = objects.find((o) => id(o) === 'Job/redis-cluster-init');
  if (!set || !init) return ['no Redis StatefulSet or init Job'];
  const pods = Number(spec(set).replicas);
  const script: string = (podSpecOf(init)!.containers[0].command as string[]).join(' ');
  const replicasPerMaster = Number(/--cluster-replicas (\d+)/.exec(script)?.[1] ?? 0);
  if (replicasPerMaster < 1) findings.push(`${id(init)}: masters without replicas`);
  const masters = pods / (replicasPerMaster + 1);
  if (!Number.isInteger(masters) || masters < 3) {
    findings.push(`${id(set)}: ${pods} pods make no 3+ masters with ${replicasPerMaster} replicas`);
  }
  const awaited = (/for i in ([\d ]+); do/.exec(script)?.[1] ?? '').trim().split(/\s+/).length;
  if (awaited !== pods) findings.push(`${id(init)}: waits for ${awaited} of ${pods} nodes`);
  const antiAffinity: Any[] =
    (podSpecOf(set)!.affinity as Any | undefined)?.podAntiAffinity
      ?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
  const onePerNode = antiAffinity.some(
    (term) =>
      term.topologyKey === 'kubernetes.io/hostname' &&
      selects(term.labelSelector, templateLabels(set)),
  );
  if (!onePerNode) findings.push(`${id(set)}: Redis pods may share a Kubernetes node`);
  const pdb = objects.find(
    (o) => o.kind === 'PodDisruptionBudget' && selects(spec(o).selector, templateLabels(set)),
  );
  const budget: Any = pdb ? spec(pdb) : {};
  const allowed =
    budget.maxUnavailable ?? (budget.minAvailable === undefined ? 0 : pods - budget.minAvailable);
  if (allowed !== 1) findings.push(`${id(set)}: disruptions allow ${allowed} pods down, not 1`);
  const conf = String(
    (objects.find((o) => id(o) === 'ConfigMap/redis-cluster-config')?.data as Any | undefined)?.[
      'redis.conf'
    ] ?? '',
  );
  if (!/^appendonly yes$/m.test(conf)) findings.push('redis.conf: AOF is off');
  return findings;
}

function networkFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const defaultDeny = policies.find((p) => {
    const s = spec(p);
    return (
      Object.keys(s.podSelector ?? {}).length === 0 &&
      ['Ingress', 'Egress'].every((t) => (s.policyTypes ?? []).includes(t)) &&
      !s.ingress &&
      !s.egress
    );
  });
  if (!defaultDeny) findings.push('no default-deny NetworkPolicy for ingress and egress');
  for (const o of workloads(objects)) {
    const labels = templateLabels(o);
    const mine = policies.filter((p) => p !== defaultDeny && selects(spec(p).podSelector, labels));
    const component = labels['app.kubernetes.io/component'];
    const fromIngressController = mine.some((p) =>
      (spec(p).ingress ?? []).some((rule: Any) =>
        (rule.from ?? []).some(
          (peer: Any) =>
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ===
            'ingress-nginx',
        ),
      ),
    );
    if (appName(o) === 'techsapo' && fromIngressController !== (component !== 'worker')) {
      findings.push(`${id(o)}: ingress-controller access should be ${component !== 'worker'}`);
    }
    // The API role talks to Redis and DNS only: no egress to addresses outside the cluster.
    const external = mine.some((p) =>
      (spec(p).egress ?? []).some((rule: Any) =>
        (rule.to ?? [undefined]).some((peer: Any) => !peer || peer.ipBlock),
      ),
    );
    if (external && !['worker', 'mcp'].includes(component)) {
      findings.push(`${id(o)}: egress outside the cluster`);
    }
  }
  return findings;
}

function stickinessFindings(objects: K8sObject[]): string[] {
  const findings: string[] = [];
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'techsapo-mcp');
  if (spec(service ?? ({} as K8sObject)).sessionAffinity !== 'ClientIP') {
    findings.push('Service/techsapo-mcp: no ClientIP session affinity');
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const backends: string[] = (spec(ingress).rules ?? []).flatMap((r: Any) =>
      (r.http?.paths ?? []).map((p: Any) => p.backend?.service?.name),
    );
    const notes = ingress.metadata.annotations ?? {};
    if (backends.includes('techsapo-mcp')) {
      if (notes['nginx.ingress.kubernetes.io/affinity'] !== 'cookie') {
        findings.push(`${id(ingress)}: MCP without cookie affinity`);
      }
      if (!notes['nginx.ingress.kubernetes.io/session-cookie-name']) {
        findings.push(`${id(ingress)}: MCP affinity cookie has no name`);
      }
    }
    if (notes['nginx.ingress.kubernetes.io/ssl-protocols'] !== 'TLSv1.3') {
      findings.push(`${id(ingress)}: not TLS 1.3 only`);
    }
    if (notes['nginx.ingress.kubernetes.io/force-ssl-redirect'] !== 'true') {
      findings.push(`${id(ingress)}: plain HTTP not redirected`);
    }
    const hosts = (spec(ingress).rules ?? []).map((r: Any) => r.host);
    const tlsHosts = (spec(ingress).tls ?? []).flatMap((t: Any) => (t.secretName ? t.hosts : []));
    if (!hosts.every((h: string) => tlsHosts.includes(h))) findings.push(`${id(ingress)}: no TLS`);
  }
  return findings;
}

describe('Kubernetes manifests (k8s/)', () => {
  let validation: { object: string; errors: string | null }[];
  const extra = [
    ...readObjects(join(K8S_ROOT, 'cluster', 'ingress-nginx-tls13.yaml')),
    ...readObjects(join(K8S_ROOT, 'cluster', 'prometheus-adapter-rules.yaml')),
  ];
  beforeAll(() => {
    validation = schemaErrors([...Object.values(rendered).flat(), ...extra]);
  });

  it('renders the base and each overlay with every expected object', () => {
    for (const objects of Object.values(rendered)) {
      const names = objects.map(id);
      for (const role of ROLES) {
        expect(names).toEqual(
          expect.arrayContaining([
            `Deployment/techsapo-${role}`,
            `Service/techsapo-${role}`,
            `HorizontalPodAutoscaler/techsapo-${role}`,
            `PodDisruptionBudget/techsapo-${role}`,
          ]),
        );
      }
      expect(names).toEqual(
        expect.arrayContaining([
          'StatefulSet/redis-cluster',
          'Ingress/techsapo-api',
          'Ingress/techsapo-mcp',
          'NetworkPolicy/default-deny-all',
          'ServiceMonitor/techsapo',
          'PrometheusRule/techsapo',
          'ConfigMap/techsapo-grafana-dashboard',
        ]),
      );
      expect(new Set(names).size).toBe(names.length);
      for (const o of objects.filter((x) => x.kind !== 'Namespace')) {
        expect([id(o), o.metadata.namespace]).toEqual([id(o), 'techsapo']);
      }
    }
  });

  it('validates every object against the Kubernetes schemas', () => {
    expect(validation.length).toBe(Object.values(rendered).flat().length + extra.length);
    expect(validation.filter((r) => r.errors !== null)).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: every workload is hardened', (target) => {
    const objects = rendered[target as keyof typeof TARGETS];
    expect(workloads(objects).map(id).sort()).toEqual([
      'Deployment/techsapo-api',
      'Deployment/techsapo-mcp',
      'Deployment/techsapo-worker',
      'Job/redis-cluster-init',
      'StatefulSet/redis-cluster',
    ]);
    expect(hardeningFindings(objects)).toEqual([]);
    const namespace = objects.find((o) => o.kind === 'Namespace');
    expect(namespace?.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it.each(Object.keys(TARGETS))('%s: every role boots with its configuration', (target) => {
    expect(configurationFindings(rendered[target as keyof typeof TARGETS])).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: pods drain before they stop', (target) => {
    expect(shutdownFindings(rendered[target as keyof typeof TARGETS])).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: secrets are referenced, never inlined', (target) => {
    const objects = rendered[target as keyof typeof TARGETS];
    expect(secretFindings(objects)).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: HPAs and PodDisruptionBudgets', (target) => {
    expect(scalingFindings(rendered[target as keyof typeof TARGETS])).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: the Redis Cluster survives one lost node', (target) => {
    const objects = rendered[target as keyof typeof TARGETS];
    expect(redisFindings(objects)).toEqual([]);
    const set = objects.find((o) => id(o) === 'StatefulSet/redis-cluster')!;
    expect(spec(set).replicas).toBe(6);
  });

  it.each(Object.keys(TARGETS))('%s: NetworkPolicies deny by default', (target) => {
    expect(networkFindings(rendered[target as keyof typeof TARGETS])).toEqual([]);
  });

  it.each(Object.keys(TARGETS))('%s: MCP stickiness and TLS 1.3 at the ingress', (target) => {
    expect(stickinessFindings(rendered[target as keyof typeof TARGETS])).toEqual([]);
  });

  it.each(Object.keys(SIZES))('%s carries seed 000 resource table', (scenario) => {
    const objects = rendered[scenario as keyof typeof SIZES];
    for (const role of ROLES) {
      const [cpu, memory, replicas] = SIZES[scenario as keyof typeof SIZES][role];
      const deployment = objects.find((o) => id(o) === `Deployment/techsapo-${role}`)!;
      const container = podSpecOf(deployment)!.containers[0];
      expect([role, spec(deployment).replicas, container.resources]).toEqual([
        role,
        replicas,
        { requests: { cpu, memory }, limits: { cpu, memory } },
      ]);
      expect(deployment.metadata.labels?.['techsapo.dev/scenario']).toBe(scenario);
      expect(container.image).toBe('registry.example.com/techsapo:0.1.0');
      // The overlay patch merges: probes, env and securityContext of the base survive.
      expect(container.env).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'ROLE', value: role })]),
      );
    }
  });

  describe('each check finds a broken manifest', () => {
    const broken = (mutate: (objects: K8sObject[]) => void): K8sObject[] => {
      const copy = JSON.parse(JSON.stringify(rendered.base)) as K8sObject[];
      mutate(copy);
      return copy;
    };
    const api = (objects: K8sObject[]) =>
      podSpecOf(objects.find((o) => id(o) === 'Deployment/techsapo-api')!)!.containers[0] as Any;

    it('schemas', () => {
      const [result] = schemaErrors([
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: 'two' },
      ] as never);
      expect(result.errors).toMatch(/must be object/);
      expect(
        schemaErrors([{ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'y' } }]),
      ).toEqual([{ object: 'Thing/y', errors: 'no schema for example.com/v1 Thing' }]);
    });

    it('hardening', () => {
      const objects = broken((o) => {
        const c = api(o);
        delete c.securityContext.readOnlyRootFilesystem;
        c.securityContext.capabilities = { drop: ['NET_RAW'] };
        c.volumeMounts.push({ name: 'data', mountPath: '/app/dist' });
        c.livenessProbe.httpGet.path = '/health';
      });
      expect(hardeningFindings(objects)).toEqual([
        'Deployment/techsapo-api/techsapo: root file system writable',
        'Deployment/techsapo-api/techsapo: keeps capabilities',
        'Deployment/techsapo-api/techsapo: writable emptyDir at /app/dist',
        'Deployment/techsapo-api/techsapo: liveness not /health/live',
      ]);
    });

    it('secrets', () => {
      const objects = broken((o) => {
        api(o).env.push({ name: 'JWT_SECRET', value: 'inline' });
        o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } });
      });
      expect(secretFindings(objects)).toEqual([
        'Secret/s: a Secret is inlined in the manifests',
        'Deployment/techsapo-api/techsapo: JWT_SECRET is not read from a Secret',
      ]);
    });

    it('configuration', () => {
      const objects = broken((o) => {
        const config = o.find((x) => id(x) === 'ConfigMap/techsapo-config')!;
        (config.data as Any).SESSION_MAX_PER_USER = 'three';
        const worker = podSpecOf(o.find((x) => id(x) === 'Deployment/techsapo-worker')!)!;
        const env = worker.containers[0].env as Any[];
        env.splice(
          env.findIndex((e) => e.name === 'OPENAI_API_KEY'),
          1,
        );
      });
      const findings = configurationFindings(objects);
      expect(findings.map((f) => f.split(':')[0])).toEqual([
        'Deployment/techsapo-api',
        'Deployment/techsapo-worker',
        'Deployment/techsapo-mcp',
      ]);
      expect(findings.every((f) => f.includes('SESSION_MAX_PER_USER'))).toBe(true);
      expect(findings[1]).toContain('the key variable OPENAI_API_KEY is not set');
    });

    it('redis', () => {
      const objects = broken((o) => {
        const set = o.find((x) => id(x) === 'StatefulSet/redis-cluster')!;
        spec(set).replicas = 3;
        const pod = podSpecOf(set)! as Any;
        pod.affinity.podAntiAffinity = {
          preferredDuringSchedulingIgnoredDuringExecution:
            pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.map(
              (podAffinityTerm: Any) => ({ weight: 100, podAffinityTerm }),
            ),
        };
        const init = podSpecOf(o.find((x) => id(x) === 'Job/redis-cluster-init')!)!;
        init.containers[0].command = (init.containers[0].command as string[]).map((part) =>
          part.replace('--cluster-replicas 1', '--cluster-replicas 0'),
        );
        const pdb = o.find((x) => id(x) === 'PodDisruptionBudget/redis-cluster')!;
        spec(pdb).maxUnavailable = 2;
        const conf = o.find((x) => id(x) === 'ConfigMap/redis-cluster-config')!;
        (conf.data as Any)['redis.conf'] = (conf.data as Any)['redis.conf'].replace(
          'appendonly yes',
          'appendonly no',
        );
      });
      expect(redisFindings(objects)).toEqual([
        'Job/redis-cluster-init: masters without replicas',
        'Job/redis-cluster-init: waits for 6 of 3 nodes',
        'StatefulSet/redis-cluster: Redis pods may share a Kubernetes node',
        'StatefulSet/redis-cluster: disruptions allow 2 pods down, not 1',
        'redis.conf: AOF is off',
      ]);
    });

    it('scaling, network and stickiness', () => {
      const objects = broken((o) => {
        const hpa = o.find((x) => id(x) === 'HorizontalPodAutoscaler/techsapo-worker')!;
        spec(hpa).metrics = spec(hpa).metrics.slice(0, 2);
        const deny = o.find((x) => id(x) === 'NetworkPolicy/default-deny-all')!;
        spec(deny).policyTypes = ['Ingress'];
        const svc = o.find((x) => id(x) === 'Service/techsapo-mcp')!;
        delete spec(svc).sessionAffinity;
      });
      expect(scalingFindings(objects)).toEqual([
        'Deployment/techsapo-worker: no queue-length target of 10 per pod',
      ]);
      expect(networkFindings(objects)).toEqual([
        'no default-deny NetworkPolicy for ingress and egress',
      ]);
      expect(stickinessFindings(objects)).toEqual([
        'Service/techsapo-mcp: no ClientIP session affinity',
      ]);
      const worker = objects.find((x) => id(x) === 'Deployment/techsapo-worker')!;
      podSpecOf(worker)!.terminationGracePeriodSeconds = 30;
      expect(shutdownFindings(objects)).toEqual([
        'Deployment/techsapo-worker: grace 30 s ≤ preStop 5 s + shutdown 25000 ms',
      ]);
    });
  });
});
