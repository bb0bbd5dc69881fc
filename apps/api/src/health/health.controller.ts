import { AuditType } from '@techsapo/audit';
import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, HttpStatus, Inject, Optional, Req, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import {
  appConfig,
  ReadinessRegistry,
  ReadinessResult,
  describeError,
  withTimeout,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@techsapo/core';
import { Authenticator, consoleCookieToken, Public } from '@techsapo/security';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerMatches } from '../observability/metrics-token';
import { CheckDto, LivenessDto, ReadinessDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@ApiExtraModels(CheckDto)
@AuditType('http')
@Controller('health')
// Probes and scrapes must never be refused by the rate limiter.
@SkipThrottle()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
    @Inject(appConfig.factory.KEY) private readonly app: ConfigType<typeof appConfig.factory>,
    @Optional() private readonly authenticator?: Authenticator,
  ) {}

  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({
    summary: 'Readiness',
    description:
      'Anonymous callers learn only `status`; an admin (any credential) or the metrics token (`Authorization: Bearer $METRICS_TOKEN`) also gets `checks`, one per capability, with their details.',
  })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    type: ReadinessDto,
    description: 'Not ready (for an admin or the metrics token, the checks that are down)',
  })
  async ready(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReadinessDto> {
    const indicators = this.readiness.entries().map(
      ([name, check]) =>
        () =>
          this.run(name, check),
    );
    const result = await this.health
      .check(indicators)
      .catch((error: { response?: { details?: Record<string, unknown> } }) => {
        if (error.response?.details)
          return { status: 'error' as const, details: error.response.details };
        throw error;
      });
    const ok = result.status === 'ok';
    reply.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    const status = ok ? 'ok' : 'error';
    if (!(await this.mayReadDetails(request))) return { status };
    return { status, checks: result.details as ReadinessDto['checks'] };
  }

  /**
   * Provider names, models, circuit states and queue counts are for operators: the metrics
   * token, or an admin's credential (which cannot be checked while Redis is away).
   */
  private async mayReadDetails(request: FastifyRequest): Promise<boolean> {
    const header = request.headers.authorization;
    if (this.app.metricsToken && bearerMatches(header, this.app.metricsToken)) return true;
    const credential =
      header || request.headers['x-api-key'] !== undefined || consoleCookieToken(request);
    if (!this.authenticator || !credential) return false;
    try {
      return (await this.authenticator.authenticate(request)).roles.includes('admin');
    } catch {
      return false;
    }
  }

  private async run(
    name: string,
    check: () => Promise<ReadinessResult>,
  ): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(name);
    const outcome = await withTimeout(check(), CHECK_TIMEOUT_MS).catch(
      (error: unknown): ReadinessResult => ({
        ok: false,
        detail: { message: describeError(error) },
      }),
    );
    return outcome.ok ? session.up(outcome.detail) : session.down(outcome.detail);
  }
}
