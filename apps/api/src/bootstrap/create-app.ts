import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  appConfig,
  AppConfig,
  installRequestLog,
  RequestLifecycle,
  validateEnvironment,
} from '@techsapo/core';
import { Logger } from 'nestjs-pino';
import { AppModule, roleRuns } from '../app.module';
import { CONFIG_NAMESPACES } from '../config';
import { serveConsole } from '../console/serve-console';
import { quietStartUp } from './app-logger';
import { BODY_LIMIT_BYTES } from './body-limit';
import { closeIdleConnectionsWhileClosing } from './drain';
import { generateRequestId, installHttpHooks } from './http-hooks';
import { limitJsonBodies } from './json-body-parser';
import { acceptOnlyJsonBodies } from './json-only';
import { answerOpenAiErrors } from './openai-errors';
import { installSecurityHeaders } from './security-headers';
import { installTransportSecurity } from './transport-security';

/**
 * Builds the application exactly as it runs, for main.ts and for the e2e tests alike.
 * Throws ConfigurationError (naming every invalid variable) before anything starts.
 */
export async function createApp(): Promise<NestFastifyApplication> {
  validateEnvironment(process.env, CONFIG_NAMESPACES);
  const config: AppConfig = appConfig.read(process.env);
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: generateRequestId,
    return503OnClosing: true,
    // No Nest middleware: requests are logged by a Fastify hook (installRequestLog).
    skipMiddie: true,
    forceCloseConnections: 'idle',
    // Long path parameters reach the content-security guard (refused and audited as attacks)
    // instead of the router's bare 414 at Fastify's default of 100 characters.
    routerOptions: { maxParamLength: 8192 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    await AppModule.forRole(config.role),
    adapter,
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  app.useLogger(quietStartUp(app.get(Logger)));
  installRequestLog(app.getHttpAdapter().getInstance());
  installHttpHooks(app.getHttpAdapter().getInstance(), app.get(RequestLifecycle));
  closeIdleConnectionsWhileClosing(app.getHttpAdapter().getInstance());
  answerOpenAiErrors(app.getHttpAdapter().getInstance());
  installSecurityHeaders(app.getHttpAdapter().getInstance());
  installTransportSecurity(app.getHttpAdapter().getInstance());
  // The console signs in and reads through the REST API: only the roles that serve it.
  if (roleRuns(config.role, 'api')) await serveConsole(app);
  if (config.corsOrigins.length > 0)
    app.enableCors({ origin: config.corsOrigins, credentials: false });
  // /docs describes the routes clients call; a worker serves only /health and /metrics, and
  // without it never loads @nestjs/swagger, swagger-ui's assets and @fastify/static.
  if (roleRuns(config.role, 'api') || roleRuns(config.role, 'mcp'))
    (await import('./swagger.js')).setupSwagger(app);
  await app.init();
  acceptOnlyJsonBodies(app.getHttpAdapter().getInstance());
  limitJsonBodies(app.getHttpAdapter().getInstance(), config.bodyMaxDepth);
  return app;
}
