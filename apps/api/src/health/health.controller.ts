import { SkipThrottle } from '@nestjs/throttler';
import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { ReadinessRegistry, ReadinessResult, describeError } from '@techsapo/core';
import { Public } from '@techsapo/security';
import type { FastifyReply } from 'fastify';
import { CheckDto, LivenessDto, ReadinessDto } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('operations')
@ApiExtraModels(CheckDto)
@Controller('health')
// Probes and scrapes must never be refused by the rate limiter.
@SkipThrottle()
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly readiness: ReadinessRegistry,
  ) {}

  @Get('live')
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    type: ReadinessDto,
    description: 'Not ready: the report marks the checks that are down',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessDto> {
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
    return { status: ok ? 'ok' : 'error', checks: result.details as ReadinessDto['checks'] };
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

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
