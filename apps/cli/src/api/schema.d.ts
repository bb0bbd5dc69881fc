// Written by npm run client (openapi-typescript) from openapi.json, the CLI operations only; do not edit.
export interface paths {
  '/api/v1/auth/me': {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    /** Who the caller is */
    get: operations['AuthController_me'];
    put?: never;
    post?: never;
    delete?: never;
    options?: never;
    head?: never;
    patch?: never;
    trace?: never;
  };
}
export type webhooks = Record<string, never>;
export interface components {
  schemas: {
    PrincipalDto: {
      id: string;
      username: string;
      roles: ('admin' | 'analyst' | 'ci' | 'viewer')[];
      sessionId?: string;
      apiKeyId?: string;
      /**
       * @description How the caller authenticated.
       * @enum {string}
       */
      method: 'jwt' | 'basic' | 'api-key';
    };
    /** @description RFC 9457 problem details (application/problem+json). */
    ProblemDetails: {
      /**
       * Format: uri
       * @example https://techsapo.dev/problems/validation-failed
       */
      type: string;
      title: string;
      status: number;
      detail: string;
      instance: string;
      requestId: string;
      errors?: {
        field: string;
        message: string;
      }[];
    } & {
      [key: string]: unknown;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
  AuthController_me: {
    parameters: {
      query?: never;
      header?: never;
      path?: never;
      cookie?: never;
    };
    requestBody?: never;
    responses: {
      200: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/json': components['schemas']['PrincipalDto'];
        };
      };
      /** @description Not authenticated (problem+json, WWW-Authenticate). */
      401: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not allowed, or a blocked security pattern (problem+json). */
      403: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Rate limited or banned (problem+json, Retry-After). */
      429: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Unexpected error (no internals shown) */
      500: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
      /** @description Not ready */
      503: {
        headers: {
          [name: string]: unknown;
        };
        content: {
          'application/problem+json': components['schemas']['ProblemDetails'];
        };
      };
    };
  };
}
