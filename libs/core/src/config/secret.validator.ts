import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import { isProduction } from './define-config';

const PLACEHOLDERS =
  /^(change-?me|changeit|secret|password|test|example|default|your[_-].*|dev[_-].*|x+|0+)$/i;

/**
 * A secret read from the environment. In production it must be present, not a placeholder,
 * and at least `minBytes` long; elsewhere an unset secret is allowed (the owner generates one).
 */
export function IsSecret(minBytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isSecret',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      constraints: [minBytes],
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const production = isProduction(args.object as { NODE_ENV?: string });
          if (value === undefined) return !production;
          if (typeof value !== 'string') return false;
          if (!production) return value.length > 0;
          return (
            Buffer.byteLength(value) >= minBytes &&
            !PLACEHOLDERS.test(value) &&
            !isRepetitive(value)
          );
        },
        defaultMessage(): string {
          return `must be a secret of at least ${minBytes} bytes (${minBytes * 8} bits), not a placeholder, in production`;
        },
      },
    });
}

function isRepetitive(value: string): boolean {
  return new Set(value).size < 8;
}
