import OpenAPIResponseValidator from 'openapi-response-validator';
import type { OpenAPIV3 } from 'openapi-types';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';

/**
 * Checks real responses against the application's own OpenAPI document: the operation and
 * status must be documented, and a JSON body must match the documented schema. Streams (SSE,
 * NDJSON) are checked for their status only.
 */
export class ContractChecker {
  readonly violations: string[] = [];
  readonly checked = { responses: 0 };
  private readonly validators = new Map<string, OpenAPIResponseValidator>();

  constructor(private readonly document: OpenAPIV3.Document) {}

  check(
    method: string,
    route: string | undefined,
    status: number,
    contentType: string,
    payload: unknown,
  ): void {
    if (!route) return; // the router's own 404 for unknown paths belongs to no operation
    const path = route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const item = this.document.paths[path];
    if (!item) return; // routes deliberately left out of the document (/metrics, /docs)
    const verb = method.toLowerCase() as Method;
    const operation = item[verb];
    const where = `${method} ${path} → ${status}`;
    if (!operation) return void this.violations.push(`${where}: operation not documented`);
    this.checked.responses += 1;
    const responses = operation.responses ?? {};
    if (!responses[String(status)] && !responses.default) {
      return void this.violations.push(`${where}: status not documented`);
    }
    if (!/json/.test(contentType) || (typeof payload !== 'string' && !Buffer.isBuffer(payload)))
      return;
    const text = payload.toString();
    if (text.length === 0) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return void this.violations.push(`${where}: body is not JSON`);
    }
    const result = this.validator(`${verb} ${path}`, responses).validateResponse(status, body);
    if (result) {
      const errors = result.errors
        .map((e: { path?: string; message?: string }) =>
          `${e.path ?? ''} ${e.message ?? ''}`.trim(),
        )
        .join('; ');
      this.violations.push(`${where}: ${errors}`);
    }
  }

  private validator(key: string, responses: OpenAPIV3.ResponsesObject): OpenAPIResponseValidator {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = new OpenAPIResponseValidator({
        responses: responses as never,
        components: this.document.components as never,
      });
      this.validators.set(key, validator);
    }
    return validator;
  }
}
