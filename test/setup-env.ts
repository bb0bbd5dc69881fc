// e2e defaults: quiet logs unless asked, test mode, a Redis from the environment.
process.env.NODE_ENV ??= 'test';
process.env.LOG_LEVEL ??= 'silent';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
