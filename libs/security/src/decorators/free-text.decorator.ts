/**
 * Marks a DTO property as free text (e.g. analysis content): code and prose under review are
 * data, so the request guard scans it as `request-text` — findings are flagged and audited,
 * never refused. Every unmarked field is structured and scanned as `request-field`.
 */
export const FREE_TEXT = 'techsapo:free-text';

export const FreeText = (): PropertyDecorator => (target, property) => {
  const owner = target.constructor;
  const own: string[] = Reflect.getOwnMetadata(FREE_TEXT, owner) ?? [
    ...((Reflect.getMetadata(FREE_TEXT, owner) as string[] | undefined) ?? []),
  ];
  if (typeof property === 'string' && !own.includes(property)) own.push(property);
  Reflect.defineMetadata(FREE_TEXT, own, owner);
};

/** The free-text property names of a DTO class (inherited ones included). */
export function freeTextFields(type: unknown): ReadonlySet<string> {
  if (typeof type !== 'function') return new Set();
  return new Set((Reflect.getMetadata(FREE_TEXT, type) as string[] | undefined) ?? []);
}
