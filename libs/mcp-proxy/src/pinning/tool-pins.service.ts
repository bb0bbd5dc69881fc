import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';

export interface ToolPin {
  hash: string;
  approvedAt: string;
  approvedBy: string;
}

export type PinState = 'pinned' | 'unchanged' | 'changed';

/**
 * Tool definitions pinned in Redis, one hash per server (`…:mcp:pins:{<server>}`, field =
 * tool): the first allowed sighting pins the definition (trust on first use); a later,
 * different definition is `changed` until an admin approves the new one.
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

  /**
   * The state of one definition against its pin; `known` (from `all`) saves the round trip
   * when the tool is already pinned. An unpinned tool is pinned now (HSETNX: the first
   * instance to see it wins, the others compare against that).
   */
  async check(
    server: string,
    tool: string,
    hash: string,
    known?: ToolPin,
  ): Promise<{ state: PinState; pin: ToolPin }> {
    let pin = known;
    if (!pin) {
      const key = this.key(server);
      const fresh: ToolPin = {
        hash,
        approvedAt: new Date().toISOString(),
        approvedBy: 'first-use',
      };
      const created = await this.redis.client.hsetnx(key, tool, JSON.stringify(fresh));
      if (created === 1) return { state: 'pinned', pin: fresh };
      const stored = await this.redis.client.hget(key, tool);
      pin = stored ? (JSON.parse(stored) as ToolPin) : fresh;
    }
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
}
