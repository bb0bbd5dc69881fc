export const BLOCK_KINDS = ['ip', 'user', 'session'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/** An admin block (or one set by the rate limiter, RL2): matching requests get 403 until it ends. */
export interface Block {
  id: string;
  kind: BlockKind;
  value: string;
  reason: string;
  createdAt: string;
  expiresAt: string;
  createdBy: string;
}

/** What a request is matched against. */
export interface BlockSubject {
  ip?: string;
  userId?: string;
  sessionId?: string;
}
