import { IsInt, Min } from 'class-validator';
import { defineConfig } from '@techsapo/core';

class RuntimeEnv {
  /** Seconds between verifications of dist/integrity-manifest.json; 0 = only at boot. */
  @IsInt() @Min(0) INTEGRITY_CHECK_INTERVAL: number = 60;
}

export interface RuntimeConfig {
  integrityCheckIntervalSeconds: number;
}

export const runtimeConfig = defineConfig('runtime', RuntimeEnv, (e): RuntimeConfig => ({
  integrityCheckIntervalSeconds: e.INTEGRITY_CHECK_INTERVAL,
}));
