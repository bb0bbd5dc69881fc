import { Injectable, SetMetadata } from '@nestjs/common';
import type { RateWindow } from './rate-limit.store';

export const RATE_LIMIT_PROFILE = 'techsapo:rate-limit-profile';

/**
 * Declares that a route (or controller) is limited by a named profile of windows instead of
 * the default ones (RATE_LIMIT_*), counted apart from the caller's other requests. The library
 * that serves the route registers the profile's windows from its own settings; an unregistered
 * profile falls back to the defaults.
 */
export const RateLimitProfile = (name: string): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_LIMIT_PROFILE, name);

/** The windows of each named profile (e.g. `mcp`: agents send bursts of parallel calls). */
@Injectable()
export class RateLimitProfiles {
  private readonly profiles = new Map<string, readonly RateWindow[]>();

  register(name: string, windows: readonly RateWindow[]): void {
    this.profiles.set(name, windows);
  }

  get(name: string): readonly RateWindow[] | undefined {
    return this.profiles.get(name);
  }
}
