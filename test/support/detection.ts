import { Test, type TestingModuleBuilder } from '@nestjs/testing';
import {
  SecurityEventsModule,
  SecurityEventService,
  type SecurityEventInput,
} from '@techsapo/audit';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter, DetectionModule, runningSelfTargets } from '@techsapo/security';
import { detectorWithRules } from './detector-rules';

/**
 * A testing module whose DetectionModule holds the detector over the named rules, with the
 * running service as its self-targets (as DetectionModule builds it).
 */
export function withRules(builder: TestingModuleBuilder, ids: readonly string[]) {
  return builder
    .overrideProvider(ContentDetector)
    .useValue(detectorWithRules(ids, runningSelfTargets()));
}

export interface RecordedDetection {
  readonly detector: ContentDetector;
  readonly attempts: AttemptReporter;
  /** The security events raised during the current test, as reported. */
  readonly events: SecurityEventInput[];
}

/**
 * For specs of the classes that scan and report: the service's detector and attempt reporter
 * wired as the app wires them (DetectionModule over the real SecurityEventService and its
 * counters in prom-client's registry), the detector over the rules the spec's inputs touch
 * (see policyWithRules), built before the file's tests, with the security events they raise
 * recorded afresh for each test. Call it at the top of a spec file.
 */
export function useRecordedDetection(rules: readonly string[]): RecordedDetection {
  const events: SecurityEventInput[] = [];
  let wired: { detector: ContentDetector; attempts: AttemptReporter } | undefined;
  beforeAll(async () => {
    const module = await withRules(
      Test.createTestingModule({ imports: [SecurityEventsModule, DetectionModule] }),
      rules,
    ).compile();
    module.get(SecurityEventService).onEvent((_line, input) => events.push(input));
    wired = { detector: module.get(ContentDetector), attempts: module.get(AttemptReporter) };
  });
  beforeEach(() => {
    events.length = 0;
  });
  const get = () => {
    if (!wired) throw new Error('useRecordedDetection: used before its beforeAll ran');
    return wired;
  };
  return {
    get detector() {
      return get().detector;
    },
    get attempts() {
      return get().attempts;
    },
    events,
  };
}
