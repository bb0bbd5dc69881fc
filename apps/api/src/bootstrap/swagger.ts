import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME } from '@techsapo/security';
import { addProblemResponses } from './openapi-problems';

export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('TechSapo')
    .setDescription(
      'Secure multi-LLM analysis gateway. Errors are RFC 9457 problem details (application/problem+json), ' +
        'except on the OpenAI-compatible routes (/v1/…), which answer OpenAI’s error shape; ' +
        'every response carries X-Request-Id.',
    )
    .setVersion('1')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or tsk_ API key' },
      BEARER_SCHEME,
    )
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'tsk_ API key' },
      API_KEY_SCHEME,
    )
    .build();
  return addProblemResponses(SwaggerModule.createDocument(app, config));
}

/** The document as committed in openapi.json (`npm run openapi`); stable key order from Nest. */
export function openApiJson(app: NestFastifyApplication): string {
  return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
}

export function setupSwagger(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    // The token entered under Authorize survives a reload of the page.
    swaggerOptions: { persistAuthorization: true },
  });
}
