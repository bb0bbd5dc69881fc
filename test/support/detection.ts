import { Test } from '@nestjs/testing';
import {
  SecurityEventsModule,
  SecurityEventService,
  type SecurityEventInput,
} from '@techsapo/audit';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter, DetectionModule } from '@techsapo/security';

export interface RecordedDetection {
  readonly detector: ContentDetector;
  readonly attempts: AttemptReporter;
  /** The security events raised during the current test, as reported. */
  readonly events: SecurityEventInput[];
}

/**
 * For specs of the classes that scan and report: the service's detector and attempt reporter
 * wired as the app wires them (DetectionModule over the real SecurityEventService and its
 * counters in prom-client's registry), built before the file's tests, with the security events
 * they raise recorded afresh for each test. Call it at the top of a spec file.
 */
export function useRecordedDetection(): RecordedDetection {
  const events: SecurityEventInput[] = [];
  let wired: { detector: ContentDetector; attempts: AttemptReporter } | undefined;
  beforeAll(async () => {
    const module = await Test.createTestingModule({
      imports: [SecurityEventsModule, DetectionModule],
    }).compile();
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
