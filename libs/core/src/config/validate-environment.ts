import { validateSync, ValidationError } from 'class-validator';
import { ConfigNamespace, EnvSource, toSchema } from './define-config';

export class ConfigurationError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration: ${problems.map((p) => p.variable).join(', ')}\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigurationError';
  }
}

/** Validates every namespace at once so one message names every invalid variable. */
export function validateEnvironment(env: EnvSource, namespaces: readonly ConfigNamespace[]): void {
  const problems = namespaces.flatMap((ns) =>
    validateSync(toSchema(ns.schema, env), { forbidUnknownValues: false }).map((error) => ({
      variable: error.property,
      message: describe(error),
    })),
  );
  if (problems.length > 0) throw new ConfigurationError(problems);
}

function describe(error: ValidationError): string {
  return Object.values(error.constraints ?? {}).join('; ') || 'invalid value';
}
