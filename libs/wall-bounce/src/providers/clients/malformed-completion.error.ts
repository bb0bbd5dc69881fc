/** A response that does not hold what the protocol promises (no content, a stream cut short). */
export class MalformedCompletionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedCompletionError';
  }
}
