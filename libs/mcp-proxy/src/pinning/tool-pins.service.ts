import { Injectable } from '@nestjs/common';
import { ToolPinsStore } from './tool-pins.store';

export interface ToolPin {
  hash: string;
  approvedAt: string;
  /** The admin who approved it, or `first-catalogue` for the tools a server first came with. */
  approvedBy: string;
  /**
   * The definition as clients saw it when it was pinned, so that an admin reviewing a change
   * sees what changed (pins written before it was kept have none).
   */
  definition?: Record<string, unknown>;
}

/** `new`: never approved (withheld until an admin approves it). */
export type PinState = 'pinned' | 'unchanged' | 'changed' | 'new';

/**
 * Tool definitions pinned per server (kept in the ToolPinsStore). The tools a server comes
 * with the first time any instance sees it are its baseline, pinned as they are; every tool
 * that appears later, and every later change of a definition, is withheld until an admin
 * approves that exact definition.
 */
@Injectable()
export class ToolPinsService {
  constructor(private readonly store: ToolPinsStore) {}

  /** Every pin of one server, read once (a catalogue rebuild needs all of them). */
  all(server: string): Promise<Map<string, ToolPin>> {
    return this.store.all(server);
  }

  /** True for the one caller (across instances) that takes the server's baseline. */
  takeBaseline(server: string): Promise<boolean> {
    return this.store.markBaseline(server, new Date());
  }

  /**
   * The state of one definition against its pin; `known` (from `all`) saves the round trip.
   * With `baseline`, an unpinned tool is pinned now (the first instance wins).
   */
  async check(
    server: string,
    tool: string,
    hash: string,
    known: ToolPin | undefined,
    baseline: boolean,
    definition?: Record<string, unknown>,
  ): Promise<{ state: PinState; pin?: ToolPin }> {
    let pin = known;
    if (!pin && baseline) {
      const fresh: ToolPin = {
        hash,
        approvedAt: new Date().toISOString(),
        approvedBy: 'first-catalogue',
        ...(definition ? { definition } : {}),
      };
      if (await this.store.insert(server, tool, fresh)) return { state: 'pinned', pin: fresh };
      pin = await this.store.get(server, tool);
    }
    if (!pin) return { state: 'new' };
    return { state: pin.hash === hash ? 'unchanged' : 'changed', pin };
  }

  get(server: string, tool: string): Promise<ToolPin | undefined> {
    return this.store.get(server, tool);
  }

  async approve(
    server: string,
    tool: string,
    hash: string,
    by: string,
    definition?: Record<string, unknown>,
  ): Promise<ToolPin> {
    const pin: ToolPin = {
      hash,
      approvedAt: new Date().toISOString(),
      approvedBy: by,
      ...(definition ? { definition } : {}),
    };
    await this.store.put(server, tool, pin);
    return pin;
  }
}
