import type { FieldError } from '@techsapo/core';

/** The providers a request chose (by name). */
export interface ProviderChoice {
  providers?: readonly string[];
  aggregator?: string;
}

/**
 * Why a request's choice of providers cannot run here: names that are not configured, and
 * names given twice. Each message names the configured providers, so a client can correct
 * the request at once. Empty when the choice is valid.
 */
export function providerChoiceErrors(
  configured: readonly string[],
  choice: ProviderChoice,
): FieldError[] {
  const known = new Set(configured);
  const names = `configured providers: ${configured.join(', ') || 'none'}`;
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  choice.providers?.forEach((name, index) => {
    const field = `providers.${index}`;
    if (!known.has(name))
      errors.push({ field, message: `"${name}" is not a configured provider (${names})` });
    else if (seen.has(name))
      errors.push({ field, message: `"${name}" is named more than once (${names})` });
    seen.add(name);
  });
  if (choice.aggregator !== undefined && !known.has(choice.aggregator)) {
    errors.push({
      field: 'aggregator',
      message: `"${choice.aggregator}" is not a configured provider (${names})`,
    });
  }
  return errors;
}
