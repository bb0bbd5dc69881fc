// Validates Kubernetes objects against the Kubernetes OpenAPI schemas (kubernetes-models,
// @kubernetes-models/prometheus-operator for the monitoring CRDs). Those packages are ESM
// only, so the Jest test runs this file in its own Node process:
//   stdin:  a JSON array of objects
//   stdout: a JSON array, one entry per object: { object: "Kind/name", errors: string | null }
// An object of a kind without a known schema is an error, never a pass.
import { readFileSync } from 'node:fs';

const objects = JSON.parse(readFileSync(0, 'utf8'));

/** apiVersion → the module folder that holds its models. */
function modelPath(apiVersion, kind) {
  if (apiVersion === 'monitoring.coreos.com/v1') {
    return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/${kind}`;
  }
  return `kubernetes-models/${apiVersion}/${kind}`;
}

const results = [];
for (const object of objects) {
  const label = `${object.kind}/${object.metadata?.name}`;
  let Model;
  try {
    Model = (await import(modelPath(object.apiVersion, object.kind)))[object.kind];
  } catch {
    Model = undefined;
  }
  if (typeof Model !== 'function') {
    results.push({ object: label, errors: `no schema for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ object: label, errors: null });
  } catch (error) {
    results.push({ object: label, errors: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(results));
