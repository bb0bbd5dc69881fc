import { JSONParser } from '@streamparser/json';

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * Follows a JSON object as its text arrives in fragments and hands on, in order, the decoded
 * pieces of one top-level string property as it is written. The incremental parser
 * (@streamparser/json) resolves escapes cut across fragments (`\n`, `\"`, `\uXXXX`); a
 * surrogate pair cut in two is held until whole. Properties of the same name deeper in the
 * object are ignored. Text that is not such an object ends the streaming quietly: the reply is
 * judged as a whole once complete.
 */
export class JsonFieldStreamer {
  private readonly parser: JSONParser;
  private emitted = 0;
  private stopped = false;

  constructor(
    private readonly field: string,
    private readonly onDelta: (text: string) => void,
  ) {
    this.parser = new JSONParser({
      emitPartialTokens: true,
      emitPartialValues: true,
      ...(PLAIN_KEY.test(field) ? { paths: [`$.${field}`] } : {}),
    });
    this.parser.onValue = ({ value, key, stack, partial }) => {
      if (key !== this.field || stack.length !== 1 || typeof value !== 'string') return;
      this.grow(value, partial === true);
    };
    // The root value is complete: whatever follows (a closing fence, prose) is not ours.
    this.parser.onEnd = () => {
      this.stopped = true;
    };
    this.parser.onError = () => {
      this.stopped = true;
    };
  }

  write(fragment: string): void {
    if (this.stopped || fragment === '') return;
    try {
      this.parser.write(fragment);
    } catch {
      this.stopped = true;
    }
  }

  private grow(value: string, partial: boolean): void {
    let end = value.length;
    const last = value.charCodeAt(end - 1);
    if (partial && last >= 0xd800 && last <= 0xdbff) end -= 1;
    if (end <= this.emitted) return;
    const piece = value.slice(this.emitted, end);
    this.emitted = end;
    this.onDelta(piece);
  }
}
