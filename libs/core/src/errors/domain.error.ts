export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members of the problem document (RFC 9457 extensions). */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * What services throw. `code` is stable and becomes the end of the problem `type`; the
 * global filter turns it into problem+json, so services never speak HTTP otherwise.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'Resource', code = 'not-found') {
    super(code, 404, `${what} not found`, `${what} not found.`);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], detail = 'The request is invalid.') {
    super('validation-failed', 400, 'Invalid request', detail, { errors });
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(detail = 'Authentication is required.', challenge = 'Bearer realm="techsapo"') {
    super('unauthenticated', 401, 'Not authenticated', detail, {
      headers: { 'WWW-Authenticate': challenge },
    });
  }
}

export class ForbiddenError extends DomainError {
  constructor(detail = 'You are not allowed to do this.', code = 'forbidden') {
    super(code, 403, 'Forbidden', detail);
  }
}

export class ConflictError extends DomainError {
  constructor(detail: string, code = 'conflict') {
    super(code, 409, 'Conflict', detail);
  }
}

export class TooManyRequestsError extends DomainError {
  constructor(
    retryAfterSeconds: number,
    detail = 'Too many requests.',
    code = 'rate-limited',
    headers: Record<string, string> = {},
  ) {
    super(code, 429, 'Too many requests', detail, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))), ...headers },
    });
  }
}

/** How long a client should wait before it retries a 503: about one Redis failover. */
export const RETRY_UNAVAILABLE_SECONDS = 5;

/** A dependency (Redis) cannot serve now: the request is refused, and may be retried later. */
export class ServiceUnavailableError extends DomainError {
  constructor(
    detail = 'The service is temporarily unavailable.',
    code = 'service-unavailable',
    retryAfterSeconds = RETRY_UNAVAILABLE_SECONDS,
  ) {
    super(code, 503, 'Service unavailable', detail, {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}
