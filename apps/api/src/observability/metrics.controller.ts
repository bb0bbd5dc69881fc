import { AuditType } from '@techsapo/audit';
import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { appConfig, UnauthenticatedError, ApiExcludeController } from '@techsapo/core';
import { Public } from '@techsapo/security';
import type { FastifyReply } from 'fastify';
import { Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { bearerMatches } from './metrics-token';

/** Prometheus text; open unless METRICS_TOKEN is set, then that bearer token is required. */
@ApiExcludeController()
@AuditType('http')
@Controller()
// Probes and scrapes must never be refused by the rate limiter.
@SkipThrottle()
@Public()
export class MetricsController extends PrometheusController {
  constructor(
    @Inject(appConfig.factory.KEY) private readonly app: ConfigType<typeof appConfig.factory>,
  ) {
    super();
  }

  @Get()
  override async index(
    @Res({ passthrough: true }) reply: FastifyReply,
    @Req() request?: FastifyRequest,
  ): Promise<string> {
    if (
      this.app.metricsToken &&
      !bearerMatches(request?.headers.authorization, this.app.metricsToken)
    ) {
      throw new UnauthenticatedError('The metrics token is required.', 'Bearer realm="metrics"');
    }
    return super.index(reply);
  }
}
