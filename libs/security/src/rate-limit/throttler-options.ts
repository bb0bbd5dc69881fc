import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { SecurityConfig } from '../config/security.config';
import { RateLimitStore } from './rate-limit.store';

export const HOUR_WINDOW = 'hour';

/** RL1: burst per second, per minute, per hour (RATE_LIMIT_BURST/PER_MINUTE/PER_HOUR). */
export function throttlerOptions(
  config: SecurityConfig,
  storage: RateLimitStore,
): ThrottlerModuleOptions {
  return {
    storage,
    throttlers: [
      { name: 'burst', ttl: 1_000, limit: config.rateLimit.burst },
      { name: 'minute', ttl: 60_000, limit: config.rateLimit.perMinute },
      { name: HOUR_WINDOW, ttl: 3_600_000, limit: config.rateLimit.perHour },
    ],
  };
}
