import { z } from 'zod';
import {
  ANALYSIS_MODES,
  GATE_ACTIONS,
  type AnalysisGates,
  type AnalysisMode,
} from '../analysis/analysis.types';

/** What a profile's model name starts with (`techsapo/council`). */
export const PROFILE_PREFIX = 'techsapo/';

/**
 * A named way to run an analysis, chosen as the `model` of the OpenAI-compatible API or the
 * MCP tool: the mode, and optionally the peers, the aggregator, the gates and a cost cap.
 */
export interface AnalysisProfile {
  name: string;
  description: string;
  mode: AnalysisMode;
  peers?: string[];
  aggregator?: string;
  maxCostUsd?: number;
  gates?: AnalysisGates;
  /** One of the three every installation has (`parallel`, `council`, `sequential`). */
  builtIn: boolean;
}

const MODE_MEANING: Record<AnalysisMode, string> = {
  parallel: 'Every peer answers independently; the aggregator writes the final answer.',
  council: 'Peers answer, rank each other anonymously; the chairman writes the final answer.',
  sequential: 'Each peer refines the previous answer in turn; the aggregator writes the last word.',
};

export const BUILT_IN_PROFILES: readonly AnalysisProfile[] = ANALYSIS_MODES.map((mode) => ({
  name: mode,
  description: MODE_MEANING[mode],
  mode,
  builtIn: true,
}));

const NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const unit = z.number().min(0).max(1);

const ProfileSchema = z
  .object({
    name: z.string().regex(NAME, 'must be lower-case letters, digits, dots, dashes, underscores'),
    description: z.string().max(500).optional(),
    mode: z.enum(ANALYSIS_MODES),
    peers: z.array(z.string()).min(2).max(10).optional(),
    aggregator: z.string().optional(),
    maxCostUsd: z.number().positive().max(1000).optional(),
    gates: z
      .object({
        minConfidence: unit.optional(),
        minConsensus: unit.optional(),
        action: z.enum(GATE_ACTIONS).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface ParsedProfiles {
  profiles: AnalysisProfile[];
  problems: string[];
}

/**
 * The built-in profiles and those of WALL_BOUNCE_PROFILES (a JSON array), checked: the shape,
 * names unique and not a built-in's, and every provider named among the configured ones.
 */
export function readProfiles(
  json: string | undefined,
  providers: readonly string[],
): ParsedProfiles {
  const profiles = [...BUILT_IN_PROFILES];
  if (json === undefined || json.trim() === '') return { profiles, problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { profiles, problems: ['is not valid JSON'] };
  }
  const parsed = z.array(ProfileSchema).max(100).safeParse(raw);
  if (!parsed.success) {
    return {
      profiles,
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`),
    };
  }
  const problems: string[] = [];
  const known = new Set(providers);
  for (const p of parsed.data) {
    if (profiles.some((q) => q.name === p.name))
      problems.push(`${p.name}: the name is taken (built-in or given twice)`);
    for (const name of [...(p.peers ?? []), ...(p.aggregator ? [p.aggregator] : [])])
      if (!known.has(name)) problems.push(`${p.name}: "${name}" is not a configured provider`);
    if (p.peers && new Set(p.peers).size !== p.peers.length)
      problems.push(`${p.name}: a peer is named twice`);
    profiles.push({
      name: p.name,
      description: p.description ?? `${MODE_MEANING[p.mode]} (profile ${p.name})`,
      mode: p.mode,
      ...(p.peers ? { peers: p.peers } : {}),
      ...(p.aggregator ? { aggregator: p.aggregator } : {}),
      ...(p.maxCostUsd !== undefined ? { maxCostUsd: p.maxCostUsd } : {}),
      ...(p.gates ? { gates: p.gates } : {}),
      builtIn: false,
    });
  }
  return { profiles, problems };
}
