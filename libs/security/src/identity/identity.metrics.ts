import { makeCounterProvider, makeGaugeProvider } from '@willsoto/nestjs-prometheus';

export const AUTH_ATTEMPTS = 'techsapo_auth_attempts_total';
export const ACTIVE_SESSIONS = 'techsapo_active_sessions';

export type AuthMethodLabel = 'login' | 'jwt' | 'api-key' | 'basic';
export type AuthResultLabel = 'success' | 'failure' | 'banned' | 'blocked';

export const identityMetricProviders = [
  makeCounterProvider({
    name: AUTH_ATTEMPTS,
    help: 'Authentication attempts by result and method',
    labelNames: ['result', 'method'],
  }),
  makeGaugeProvider({
    name: ACTIVE_SESSIONS,
    help: 'Sessions currently active (all instances)',
  }),
];
