import type { OwnerKind } from '@techsapo/wall-bounce';

declare module '@techsapo/core' {
  interface RequestDetails {
    /** The budget an administrator set: whose, and the new daily amount. */
    budget?: { kind: OwnerKind; id: string; dailyUsd: number | null };
  }
}
