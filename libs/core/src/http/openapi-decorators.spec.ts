import 'reflect-metadata';
import * as swagger from '@nestjs/swagger';
import * as recorded from './openapi-decorators';

/** Every piece of metadata on a class, its prototype's methods and its properties, by key. */
function metadataOf(cls: abstract new () => unknown): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  const read = (where: string, target: object, key?: string) => {
    const keys = key ? Reflect.getOwnMetadataKeys(target, key) : Reflect.getOwnMetadataKeys(target);
    for (const k of keys) {
      if (typeof k === 'string' && k.startsWith('design:')) continue;
      found[`${where} ${String(k)}`] = key
        ? Reflect.getOwnMetadata(k, target, key)
        : Reflect.getOwnMetadata(k, target);
    }
  };
  read('class', cls);
  read('prototype', cls.prototype as object);
  for (const name of Object.getOwnPropertyNames(cls.prototype)) {
    const method = (cls.prototype as Record<string, unknown>)[name];
    if (name !== 'constructor' && typeof method === 'function') read(`method ${name}`, method);
    read(`property ${name}`, cls.prototype as object, name);
  }
  for (const name of ['status', 'checks']) read(`property ${name}`, cls.prototype as object, name);
  return found;
}

/** The same declarations, through the given set of decorators. */
function declare(d: typeof recorded | typeof swagger) {
  class Check {
    @d.ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
    @d.ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/x' } })
    checks?: Record<string, unknown>;
  }
  @d.ApiTags('operations')
  @d.ApiExtraModels(Check)
  class Controller {
    @d.ApiOperation({ summary: 'Readiness' })
    @d.ApiOkResponse({ type: Check })
    @d.ApiServiceUnavailableResponse({ type: Check, description: 'Not ready' })
    ready(): Check {
      return new Check();
    }
  }
  return { Check, Controller };
}

describe('the OpenAPI decorators, applied when a document is built', () => {
  it('set nothing where they are written; once applied, exactly what @nestjs/swagger sets', () => {
    const direct = declare(swagger);
    const later = declare(recorded);
    expect(metadataOf(later.Controller)).toEqual({});
    expect(metadataOf(later.Check)).toEqual({});

    recorded.applyOpenApiDecorators(swagger);

    const expected = metadataOf(direct.Controller);
    expect(Object.keys(expected).sort()).toEqual([
      'class swagger/apiExtraModels',
      'class swagger/apiUseTags',
      'method ready swagger/apiOperation',
      'method ready swagger/apiResponse',
    ]);
    // The models differ (each declaration has its own class): compared by name.
    const byName = (m: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(m, (_k, v: unknown) => (typeof v === 'function' ? `class ${v.name}` : v)),
      ) as unknown;
    expect(byName(metadataOf(later.Controller))).toEqual(byName(expected));
    expect(metadataOf(later.Check)).toEqual(metadataOf(direct.Check));
  });

  it('are applied once: a second document build adds nothing twice', () => {
    const later = declare(recorded);
    recorded.applyOpenApiDecorators(swagger);
    const once = metadataOf(later.Check);
    recorded.applyOpenApiDecorators(swagger);
    expect(metadataOf(later.Check)).toEqual(once);
  });

  it('refer to a schema as @nestjs/swagger does', () => {
    class ChatCompletionDto {}
    expect(recorded.getSchemaPath(ChatCompletionDto)).toBe(
      swagger.getSchemaPath(ChatCompletionDto),
    );
    expect(recorded.getSchemaPath('CheckDto')).toBe(swagger.getSchemaPath('CheckDto'));
  });
});
