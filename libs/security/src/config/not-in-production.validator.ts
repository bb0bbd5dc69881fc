import { registerDecorator, ValidationArguments } from 'class-validator';

/** Refuses one value of a setting when NODE_ENV=production (e.g. AUTH_METHOD=basic). */
export function NotInProduction(refused: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notInProduction',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [refused],
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          return (
            (args.object as { NODE_ENV?: string }).NODE_ENV !== 'production' || value !== refused
          );
        },
        defaultMessage(): string {
          return `must not be "${refused}" in production (NODE_ENV=production)`;
        },
      },
    });
}
