import type { ChainLink } from '../trail/audit-chain';

/**
 * A signed statement of the chain's head at a time, kept outside Redis (the security log and
 * DATA_DIR), as CloudTrail keeps its digest files apart from the log: whoever empties or
 * truncates the stream cannot also take back what the checkpoints saw.
 */
export interface AuditCheckpoint extends ChainLink {
  /** When the head was read (ISO 8601). */
  time: string;
  /** The chain's epoch: another epoch in Redis means the chain was begun again. */
  epoch: string;
  /** The seq retention had anchored the chain after, if any: entries up to it were removed. */
  anchoredAt?: number;
  /** The instance that wrote it (host name and process id). */
  instance: string;
  /** HMAC-SHA-256 with the chain key over seq, hash, time, epoch and anchoredAt. */
  sig: string;
}

/** What verification compared the chain with. */
export interface CheckpointCheck {
  seq: number;
  hash: string;
  time: string;
  /** False when the signature does not match: the checkpoint itself was altered. */
  authentic: boolean;
}
