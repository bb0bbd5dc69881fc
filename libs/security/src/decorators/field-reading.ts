import type { FieldMeaning } from '@techsapo/detector';

/**
 * How the request guard reads a DTO property: as free text (code and prose under review), or
 * as a structured field with a declared meaning; a property without one is a strict
 * structured field. One reading per property, set by @FreeText() or @FieldMeaning().
 */
export type FieldReading = 'free-text' | FieldMeaning;

const FIELD_READINGS = 'techsapo:field-readings';

type Readings = Readonly<Record<string, FieldReading>>;

export function readAs(reading: FieldReading): PropertyDecorator {
  return (target, property) => {
    if (typeof property !== 'string') return;
    const owner = target.constructor;
    // Inherited readings are copied, so a subclass never changes its parent's.
    const inherited = (Reflect.getMetadata(FIELD_READINGS, owner) as Readings | undefined) ?? {};
    const own = (Reflect.getOwnMetadata(FIELD_READINGS, owner) as Readings | undefined) ?? {
      ...inherited,
    };
    Reflect.defineMetadata(FIELD_READINGS, { ...own, [property]: reading }, owner);
  };
}

/** The declared readings of a DTO class's properties (inherited ones included). */
export function fieldReadings(type: unknown): ReadonlyMap<string, FieldReading> {
  if (typeof type !== 'function') return new Map();
  const readings = (Reflect.getMetadata(FIELD_READINGS, type) as Readings | undefined) ?? {};
  return new Map(Object.entries(readings));
}
