import { z } from 'zod';
import { DETECTION_ACTIONS, CATEGORIES, CHANNELS, SEVERITIES } from '../detection.types';
import defaultPolicyJson from './default-policy.json';

const action = z.enum(DETECTION_ACTIONS);
const category = z.enum(CATEGORIES);
const channel = z.enum(CHANNELS);
const token = z.string().min(1).max(120);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9.-]+$/),
    category,
    severity: z.enum(SEVERITIES),
    description: z.string().optional(),
    /**
     * Literal tokens, matched on the normalised (lower-case, decoded) text. A token edge that
     * is a word character must sit on a word boundary; a `*` at that edge lifts the boundary.
     */
    tokens: z.array(token).min(1),
    /** A hit counts only when one of these lies within `window` normalised characters. */
    near: z.array(token).min(1).optional(),
    window: z.number().int().min(0).max(400).optional(),
    /** `after`: the near token must follow the hit; `either` (default): on either side. */
    order: z.enum(['either', 'after']).optional(),
    /**
     * Where the near token must lie instead of the plain window: `call` — inside the argument
     * list of the call the hit names; `line` — on the rest of the hit's command line.
     */
    scope: z.enum(['call', 'line']).optional(),
    /** A hit is dropped when one of these lies in the same region (e.g. `cwd:` elsewhere). */
    unless: z.array(token).optional(),
    /** A hit that is part of one of these longer tokens is ignored (e.g. `.env` in `process.env`). */
    except: z.array(token).optional(),
    /** The hit must not be followed directly by any of these characters. */
    notFollowedBy: z.string().optional(),
    /** The hit must not be preceded directly by any of these characters (`-` of `--chown`). */
    notPrecededBy: z.string().optional(),
    /** Structured shapes checked by hand-written linear matchers from the hit onwards. */
    shape: z.enum(['tail', 'jwt', 'event-handler', 'pem']).optional(),
    tail: z
      .object({ charset: z.enum(['base64url', 'alnum', 'token']), min: z.number().int().min(1) })
      .optional(),
    /** Per-channel overrides of the category action. */
    actions: z.record(channel, action).optional(),
  })
  .strict()
  .refine((rule) => (rule.near ? rule.window !== undefined : true), 'near needs window')
  .refine(
    (rule) => (rule.shape === 'tail' ? rule.tail !== undefined : true),
    'tail shape needs tail',
  );

export const detectionPolicySchema = z
  .object({
    version: z.literal(1),
    channels: z.record(channel, z.record(category, action)),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type DetectionPolicy = z.infer<typeof detectionPolicySchema>;
export type DetectionRule = DetectionPolicy['rules'][number];

/** Validates a policy document; throws a readable error naming the first problem. */
export function parseDetectionPolicy(document: unknown): DetectionPolicy {
  const parsed = detectionPolicySchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid detection policy at ${issue.path.join('.')}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const rule of parsed.data.rules) {
    if (ids.has(rule.id)) throw new Error(`invalid detection policy: duplicate rule ${rule.id}`);
    ids.add(rule.id);
  }
  for (const name of CHANNELS) {
    if (!parsed.data.channels[name]) {
      throw new Error(`invalid detection policy: no actions for channel ${name}`);
    }
  }
  return parsed.data;
}

/** The seed's defaults, shipped with the build (policy/default-policy.json). */
export const DEFAULT_DETECTION_POLICY: DetectionPolicy = parseDetectionPolicy(defaultPolicyJson);
