import { readAs } from './field-reading';

/**
 * Marks a DTO property as free text (e.g. analysis content): code and prose under review are
 * data, so the request guard scans it as `request-text` — attempts on the service are flagged
 * and reported, risky code noted, never refused. Everything beneath it is free text too.
 * Every unmarked field is structured and scanned as `request-field`.
 */
export const FreeText = (): PropertyDecorator => readAs('free-text');
