import { Injectable } from '@nestjs/common';
import { RedisService } from '@techsapo/core';
import type { ToolPin } from './tool-pins.service';

/**
 * Tool pins in Redis, one hash per server (`…:mcp:pins:{<server>}`, field = tool), and the
 * key recording that the server's baseline was taken (`…:mcp:pins:{<server>}:baseline`).
 */
@Injectable()
export class ToolPinsStore {
  constructor(private readonly redis: RedisService) {}

  async all(server: string): Promise<Map<string, ToolPin>> {
    const stored = await this.redis.client.hgetall(this.key(server));
    return new Map(
      Object.entries(stored).map(([tool, json]) => [tool, JSON.parse(json) as ToolPin]),
    );
  }

  async get(server: string, tool: string): Promise<ToolPin | undefined> {
    const stored = await this.redis.client.hget(this.key(server), tool);
    return stored ? (JSON.parse(stored) as ToolPin) : undefined;
  }

  /** Marks the baseline taken; true for the one caller (across instances) that did. */
  async markBaseline(server: string, at: Date): Promise<boolean> {
    return (await this.redis.client.set(this.baselineKey(server), at.toISOString(), 'NX')) === 'OK';
  }

  /** Writes the pin unless the tool has one; true when it was written. */
  async insert(server: string, tool: string, pin: ToolPin): Promise<boolean> {
    return (await this.redis.client.hsetnx(this.key(server), tool, JSON.stringify(pin))) === 1;
  }

  async put(server: string, tool: string, pin: ToolPin): Promise<void> {
    await this.redis.client.hset(this.key(server), tool, JSON.stringify(pin));
  }

  private key(server: string): string {
    return this.redis.key('mcp', 'pins', this.redis.hashTag(server));
  }

  private baselineKey(server: string): string {
    return this.redis.key('mcp', 'pins', this.redis.hashTag(server), 'baseline');
  }
}
