import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@techsapo/core';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Block, BlockKind, BlockSubject } from './block';
import { BlocksStore, BlockTarget } from './blocks.store';

export interface NewBlock {
  kind: BlockKind;
  value: string;
  reason: string;
  ttlSeconds: number;
  createdBy: string;
}

/**
 * Blocks by client address, user or session, each ending with its TTL; addresses are compared
 * in one form (see `normalise`). Kept in the BlocksStore.
 */
@Injectable()
export class BlocksService {
  constructor(private readonly store: BlocksStore) {}

  /** Creates a block; with `onlyIfAbsent`, nothing happens when one is already active. */
  async create(input: NewBlock, onlyIfAbsent = false): Promise<Block | undefined> {
    const now = Date.now();
    const block: Block = {
      id: randomUUID(),
      kind: input.kind,
      value: normalise(input.kind, input.value),
      reason: input.reason,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + input.ttlSeconds * 1000).toISOString(),
      createdBy: input.createdBy,
    };
    const created = await this.store.insert(block, input.ttlSeconds * 1000, onlyIfAbsent);
    return created ? block : undefined;
  }

  async list(): Promise<Block[]> {
    const now = new Date().toISOString();
    const blocks = await this.store.all();
    await this.store.forget(blocks.filter((b) => b.expiresAt <= now).map((b) => b.id));
    return blocks
      .filter((b) => b.expiresAt > now)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async delete(id: string): Promise<void> {
    const block = await this.store.get(id);
    if (!block) throw new NotFoundError('Block', 'block-not-found');
    await this.store.remove(block);
  }

  /** The block in force for any of the subject's parts, if one is. One MGET. */
  find(subject: BlockSubject): Promise<Block | undefined> {
    const targets: BlockTarget[] = [];
    if (subject.ip) targets.push({ kind: 'ip', value: normalise('ip', subject.ip) });
    if (subject.userId) targets.push({ kind: 'user', value: subject.userId });
    if (subject.sessionId) targets.push({ kind: 'session', value: subject.sessionId });
    return this.store.inForce(targets);
  }
}

/** IPv4-mapped IPv6 addresses match their IPv4 form; IPv6 is compared in lower case. */
export function normalise(kind: BlockKind, value: string): string {
  if (kind !== 'ip') return value;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(value);
  const address = mapped ? mapped[1] : value;
  return isIP(address) === 6 ? address.toLowerCase() : address;
}
