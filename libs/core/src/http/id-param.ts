import { ArgumentMetadata, Param, PipeTransform } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { ValidationFailedError } from '../errors/domain.error';

/** What an id of one kind looks like: a test, and the words a refusal uses for it. */
export interface IdFormat {
  readonly accepts: (value: string) => boolean;
  readonly description: string;
}

/** Users, API keys, blocks and analyses are named by a random UUID. */
export const UUID_ID: IdFormat = { accepts: (v) => isUUID(v), description: 'a UUID' };

/**
 * A path parameter that is not an id of its kind is refused with a problem+json 400 before the
 * handler runs, so a store is never asked about a key no id can produce.
 */
export class ParseIdPipe implements PipeTransform<string, string> {
  constructor(private readonly format: IdFormat) {}

  transform(value: string, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && this.format.accepts(value)) return value;
    const field = metadata.data ?? 'id';
    throw new ValidationFailedError(
      [{ field, message: `must be ${this.format.description}` }],
      `The ${field} in the path is not ${this.format.description}.`,
    );
  }
}

/** `@IdParam()`: the `:id` path parameter, checked against its format (a UUID by default). */
export const IdParam = (format: IdFormat = UUID_ID, name = 'id'): ParameterDecorator =>
  Param(name, new ParseIdPipe(format));
