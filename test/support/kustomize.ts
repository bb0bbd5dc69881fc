import { load, loadAll } from 'js-yaml';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** A rendered Kubernetes object (loosely typed: the schema check types it). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: { path: string }[];
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
  configMapGenerator?: {
    name: string;
    envs?: string[];
    files?: string[];
    options?: { labels?: Record<string, string> };
  }[];
  images?: { name: string; newName?: string; newTag?: string }[];
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding']);
const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'patches',
  'labels',
  'configMapGenerator',
  'images',
]);

/**
 * `kustomize build <dir>` for the features k8s/ uses (resources, configMapGenerator,
 * strategic-merge patches by kind and name, labels without selectors, images, namespace);
 * anything else in a kustomization.yaml is refused rather than silently ignored.
 * Generated ConfigMaps keep their plain names (kustomize would append a content hash and
 * rewrite the references to it).
 */
export function kustomizeBuild(dir: string): K8sObject[] {
  const k = load(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((field) => !SUPPORTED.has(field));
  if (unknown.length > 0) throw new Error(`${dir}: unsupported kustomize fields ${unknown}`);

  const objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...kustomizeBuild(path));
    else objects.push(...readObjects(path));
  }
  for (const gen of k.configMapGenerator ?? []) {
    const data: Record<string, string> = {};
    for (const env of gen.envs ?? []) Object.assign(data, parseEnvFile(join(dir, env)));
    for (const file of gen.files ?? []) {
      const [key, path] = file.includes('=') ? file.split('=', 2) : [file.split('/').pop()!, file];
      data[key] = readFileSync(join(dir, path), 'utf8');
    }
    objects.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: gen.name, ...(gen.options?.labels ? { labels: gen.options.labels } : {}) },
      data,
    });
  }
  for (const patch of k.patches ?? []) {
    for (const p of readObjects(join(dir, patch.path))) {
      const target = objects.find((o) => o.kind === p.kind && o.metadata.name === p.metadata.name);
      if (!target) throw new Error(`${dir}: patch ${p.kind}/${p.metadata.name} matches nothing`);
      Object.assign(target, strategicMerge(target, p));
    }
  }
  for (const { pairs, includeSelectors } of k.labels ?? []) {
    if (includeSelectors) throw new Error(`${dir}: labels with includeSelectors are not supported`);
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...pairs };
  }
  for (const image of k.images ?? []) {
    for (const container of objects.flatMap(containersOf)) {
      const [name, tag] = splitImage(container.image);
      if (name !== image.name) continue;
      container.image = `${image.newName ?? name}${image.newTag ? `:${image.newTag}` : tag ? `:${tag}` : ''}`;
    }
  }
  if (k.namespace) {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  return objects;
}

export function readObjects(path: string): K8sObject[] {
  return loadAll(readFileSync(path, 'utf8')).filter(
    (doc): doc is K8sObject => typeof doc === 'object' && doc !== null,
  );
}

interface Container {
  name: string;
  image: string;
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; [source: string]: unknown }[];
  [field: string]: unknown;
}

/** The pod template of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob). */
export function podSpecOf(o: K8sObject): PodSpec | undefined {
  type Template = { template?: { spec?: PodSpec } };
  const spec = o.spec as (Template & { jobTemplate?: { spec?: Template } }) | undefined;
  if (o.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

function containersOf(o: K8sObject): Container[] {
  const pod = podSpecOf(o);
  return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
}

function splitImage(image: string): [string, string | undefined] {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/')
    ? [image.slice(0, at), image.slice(at + 1)]
    : [image, undefined];
}

function parseEnvFile(path: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    data[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return data;
}

/** Strategic merge as kustomize does it for these fields: maps deep, named lists by name. */
function strategicMerge(base: unknown, patch: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(patch)) {
    const named = (list: unknown[]) =>
      list.every((item) => typeof item === 'object' && item !== null && 'name' in item);
    if (!named(base) || !named(patch)) return patch;
    const out = base.map((item) => ({ ...(item as object) })) as { name: string }[];
    for (const item of patch as { name: string }[]) {
      const at = out.findIndex((b) => b.name === item.name);
      if (at >= 0) out[at] = strategicMerge(out[at], item) as { name: string };
      else out.push(item);
    }
    return out;
  }
  if (isMap(base) && isMap(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = key in base ? strategicMerge(base[key], value) : value;
    }
    return out;
  }
  return patch;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const K8S_ROOT = join(dirname(__dirname), '..', 'k8s');
