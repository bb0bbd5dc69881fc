import type * as Swagger from '@nestjs/swagger';

/**
 * The OpenAPI decorators of `@nestjs/swagger`, under the same names and signatures, recorded
 * where they are written and applied only when a process builds the document
 * (`applyOpenApiDecorators`). A process that serves no /docs (the worker) then never loads
 * `@nestjs/swagger` and lodash (2.6 MB of heap), though it runs controllers that carry them
 * (/health, /metrics) and the libraries' decorators (`@Secured()`). The routes and DTOs import
 * them from here, never from `@nestjs/swagger`. Each export below names the swagger export it
 * stands for.
 */
type Name = keyof typeof Swagger;

type AnyDecorator = (
  target: object,
  key?: string | symbol,
  descriptor?: PropertyDescriptor,
) => void;

interface Recorded {
  name: Name;
  args: unknown[];
  target: object;
  key?: string | symbol;
  descriptor?: PropertyDescriptor;
}

/** In the order written (as TypeScript applies decorators): the order swagger merges them in. */
const recorded: Recorded[] = [];

function deferred<N extends Name>(name: N): (typeof Swagger)[N] {
  const factory =
    (...args: unknown[]): AnyDecorator =>
    (target, key, descriptor) => {
      recorded.push({ name, args, target, key, descriptor });
    };
  return factory as unknown as (typeof Swagger)[N];
}

/** Applies every decorator recorded so far, once; called before a document is built. */
export function applyOpenApiDecorators(swagger: typeof Swagger): void {
  for (const { name, args, target, key, descriptor } of recorded.splice(0)) {
    const factory = swagger[name] as unknown as (...a: unknown[]) => AnyDecorator;
    factory(...args)(target, key, descriptor);
  }
}

/** `@nestjs/swagger`'s own rule: the reference to a model's schema by its class name. */
export function getSchemaPath(
  model: string | (abstract new (...args: never[]) => unknown),
): string {
  return `#/components/schemas/${typeof model === 'string' ? model : model.name}`;
}

export const ApiAcceptedResponse = deferred('ApiAcceptedResponse');
export const ApiBadRequestResponse = deferred('ApiBadRequestResponse');
export const ApiBearerAuth = deferred('ApiBearerAuth');
export const ApiConflictResponse = deferred('ApiConflictResponse');
export const ApiCreatedResponse = deferred('ApiCreatedResponse');
export const ApiExcludeController = deferred('ApiExcludeController');
export const ApiExtraModels = deferred('ApiExtraModels');
export const ApiForbiddenResponse = deferred('ApiForbiddenResponse');
export const ApiGatewayTimeoutResponse = deferred('ApiGatewayTimeoutResponse');
export const ApiHeader = deferred('ApiHeader');
export const ApiNoContentResponse = deferred('ApiNoContentResponse');
export const ApiNotFoundResponse = deferred('ApiNotFoundResponse');
export const ApiOkResponse = deferred('ApiOkResponse');
export const ApiOperation = deferred('ApiOperation');
export const ApiProduces = deferred('ApiProduces');
export const ApiProperty = deferred('ApiProperty');
export const ApiPropertyOptional = deferred('ApiPropertyOptional');
export const ApiSecurity = deferred('ApiSecurity');
export const ApiServiceUnavailableResponse = deferred('ApiServiceUnavailableResponse');
export const ApiTags = deferred('ApiTags');
export const ApiTooManyRequestsResponse = deferred('ApiTooManyRequestsResponse');
export const ApiUnauthorizedResponse = deferred('ApiUnauthorizedResponse');
