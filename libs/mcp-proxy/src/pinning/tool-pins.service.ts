import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';

export interface ToolPin {
  hash: string;
  approvedAt: string;
  /** The admin who approved it, or `first-catalogue` for the tools a server first came with. */
  approvedBy: string;
}

/** `new`: never approved (withheld until an admin approves it). */
export type PinState = 'pinned' | 'unchanged' | 'changed' | 'new';

/**
 * Tool definitions pinned in Redis, one hash per server (`…:mcp:pins:{<server>}`, field =
 * tool). The tools a server comes with the first time any instance sees it are its baseline,
 * pinned as they are (`…:mcp:pins:{<server>}:baseline` records that the baseline was taken);
 * every tool that appears later, and every later change of a definition, is withheld until an
 * admin approves that exact definition.
 */
@Injectable()
export class ToolPinsService {
  constructor(private readonly redis: RedisService) {}

  /** Every pin of one server, read once (a catalogue rebuild needs all of them). */
  async all(server: string): Promise<Map<string, ToolPin>> {
    const stored = await this.redis.client.hgetall(this.key(server));
    return new Map(
      Object.entries(stored).map(([tool, json]) => [tool, JSON.parse(json) as ToolPin]),
    );
  }

  /** True for the one caller (across instances) that takes the server's baseline. */
  async takeBaseline(server: string): Promise<boolean> {
    const taken = await this.redis.client.set(
      this.baselineKey(server),
      new Date().toISOString(),
      'NX',
    );
    return taken === 'OK';
  }

  /**
   * The state of one definition against its pin; `known` (from `all`) saves the round trip.
   * With `baseline`, an unpinned tool is pinned now (HSETNX: the first instance wins).
   */
  async check(
    server: string,
    tool: string,
    hash: string,
    known: ToolPin | undefined,
    baseline: boolean,
  ): Promise<{ state: PinState; pin?: ToolPin }> {
    let pin = known;
    if (!pin && baseline) {
      const fresh: ToolPin = {
        hash,
        approvedAt: new Date().toISOString(),
        approvedBy: 'first-catalogue',
      };
      const created = await this.redis.client.hsetnx(this.key(server), tool, JSON.stringify(fresh));
      if (created === 1) return { state: 'pinned', pin: fresh };
      pin = await this.get(server, tool);
    }
    if (!pin) return { state: 'new' };
    return { state: pin.hash === hash ? 'unchanged' : 'changed', pin };
  }

  async get(server: string, tool: string): Promise<ToolPin | undefined> {
    const stored = await this.redis.client.hget(this.key(server), tool);
    return stored ? (JSON.parse(stored) as ToolPin) : undefined;
  }

  async approve(server: string, tool: string, hash: string, by: string): Promise<ToolPin> {
    const pin: ToolPin = { hash, approvedAt: new Date().toISOString(), approvedBy: by };
    await this.redis.client.hset(this.key(server), tool, JSON.stringify(pin));
    return pin;
  }

  private key(server: string): string {
    return this.redis.key('mcp', 'pins', this.redis.hashTag(server));
  }

  private baselineKey(server: string): string {
    return this.redis.key('mcp', 'pins', this.redis.hashTag(server), 'baseline');
  }
}
