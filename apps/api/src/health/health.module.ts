import { Module, OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReadinessRegistry, RedisService } from '@techsapo/core';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule], controllers: [HealthController] })
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly redis: RedisService,
  ) {}

  onModuleInit(): void {
    this.readiness.register('redis', () => this.redis.check());
  }
}
