import { registerDecorator, ValidationOptions } from 'class-validator';

/** True when `value` is standard or URL-safe base64 of exactly `bytes` bytes. */
export function isBase64Key(value: unknown, bytes: number): boolean {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return false;
  return Buffer.from(value, 'base64').length === bytes;
}

/** A key given as base64 (each entry, for a comma-separated list). */
export function IsBase64Key(bytes: number, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isBase64Key',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      constraints: [bytes],
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value)
            ? value.every((v) => isBase64Key(v, bytes))
            : isBase64Key(value, bytes),
        defaultMessage: () => `must be ${bytes} bytes encoded as base64`,
      },
    });
}
