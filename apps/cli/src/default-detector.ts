import { ContentDetector } from '@techsapo/detector';

let built: ContentDetector | undefined;

/**
 * The server's content detector with its shipped policy, as `techsapo scan` and the request
 * flags of `techsapo analyze` use it: built on first use and kept, since compiling the policy
 * takes seconds.
 */
export function defaultDetector(): ContentDetector {
  return (built ??= new ContentDetector());
}
