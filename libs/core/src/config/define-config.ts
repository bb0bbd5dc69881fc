import { ConfigFactory, ConfigObject, registerAs } from '@nestjs/config';
import { plainToInstance } from 'class-transformer';

export type EnvSource = Record<string, string | undefined>;

/** What boot-time validation and ConfigModule need of any namespace. */
export interface ConfigNamespace {
  readonly name: string;
  readonly schema: new () => object;
  readonly factory: ConfigFactory;
}

/**
 * One namespace per library. `schema` is a class-validator class whose property names are
 * the environment variable names, with defaults as initialisers; `map` turns it into the
 * typed value the library reads with `@Inject(ns.factory.KEY) cfg: ConfigType<typeof ns.factory>`.
 */
export function defineConfig<S extends object, T extends ConfigObject>(
  name: string,
  schema: new () => S,
  map: (env: S) => T,
) {
  const read = (env: EnvSource): T => map(toSchema(schema, env));
  return { name, schema, read, factory: registerAs(name, () => read(process.env)) };
}

/** An empty variable means "use the default", as in most twelve-factor tools. */
export function toSchema<S extends object>(schema: new () => S, env: EnvSource): S {
  const cleaned: EnvSource = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  return plainToInstance(schema, cleaned, {
    enableImplicitConversion: true,
    exposeDefaultValues: true,
  });
}

/**
 * `@Transform(commaList)`: "a, b,,c" becomes ["a", "b", "c"]; a value that is not a string
 * (already a list, or absent) passes through for the validators to judge.
 */
export const commaList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : value;

/** Whether an environment (a schema instance or a raw source) is production. */
export const isProduction = (env: { NODE_ENV?: string }): boolean => env.NODE_ENV === 'production';
