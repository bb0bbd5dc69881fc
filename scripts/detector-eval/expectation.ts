import type { ScanResult } from '../../libs/detector/src';
import type { Expectation } from './corpus';

/** Whether a scan does what a class of attempts expects: block, or find a (counted) attempt. */
export function meets(result: ScanResult, expectation: Expectation): boolean {
  if (expectation === 'block') return result.verdict === 'block';
  return result.findings.some((f) => f.kind === 'attempt' && f.action !== 'ignore');
}
