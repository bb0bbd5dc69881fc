import { SetMetadata } from '@nestjs/common';

export const BODY_SCANNED_BY_HANDLER = 'techsapo:body-scanned-by-handler';

/**
 * Declares that a route's body is judged by its handler with a check that knows what each
 * value is (the MCP argument guard reads a tool's input schema): the request guard then scans
 * its path, query and headers but not its body, so that a tool argument such as a SQL query or
 * `../lib/a.ts` is not refused by rules meant for fields this service interprets.
 */
export const BodyScannedByHandler = (): MethodDecorator =>
  SetMetadata(BODY_SCANNED_BY_HANDLER, true);
