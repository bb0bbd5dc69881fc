import { FIELD_MEANINGS, isFieldMeaning, type FieldMeaning as Meaning } from '@techsapo/detector';
import { readAs } from './field-reading';

/**
 * Declares what a structured DTO property holds, where that allows what would otherwise look
 * suspicious: `repository-path` (a path relative to a repository root, `docs/../src/a.ts`).
 * The request guard passes the meaning to the detector, which relaxes only the rules the
 * meaning makes irrelevant (traversal, for a repository path) and checks the value its own way
 * instead (a path that leaves the root, an absolute or encoded one, is still refused); every
 * other rule of structured fields still applies, and every undeclared field stays strict.
 */
export function FieldMeaning(meaning: Meaning): PropertyDecorator {
  if (!isFieldMeaning(meaning)) {
    throw new Error(
      `unknown field meaning "${String(meaning)}": one of ${FIELD_MEANINGS.join(', ')}`,
    );
  }
  return readAs(meaning);
}
