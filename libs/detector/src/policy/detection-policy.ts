import { z } from 'zod';
import {
  ACTIONS_OF_KIND,
  CATEGORIES,
  CHANNELS,
  DETECTION_ACTIONS,
  FIELD_MEANINGS,
  KINDS,
  SEVERITIES,
  type Channel,
  type DetectionAction,
  type Kind,
} from '../detection.types';
import { SELF_TARGET_SETS } from '../self-targets';
import defaultPolicyJson from './default-policy.json';

const action = z.enum(DETECTION_ACTIONS);
const channel = z.enum(CHANNELS);
const literal = z.string().min(1).max(120);
/** A literal token, or `{ "set": name }` for every token of a named set. */
const token = z.union([literal, z.object({ set: z.string() }).strict()]);

/**
 * Where a second token must lie for a hit to count (`near`) or to be dropped (`unless`):
 * within `window` normalised characters (after the hit, before it, or either side), inside
 * the argument list of the call the hit names (`scope: call`), or on the rest of its shell
 * command line (`scope: line`); `sameLine` keeps the window on the hit's own line, and
 * `sameSentence` inside the hit's sentence (up to a `.`, `!` or `?` before a space, or a `。`).
 */
const constraintSchema = z
  .object({
    tokens: z.array(token).min(1),
    window: z.number().int().min(0).max(400),
    order: z.enum(['either', 'after', 'before']).optional(),
    scope: z.enum(['call', 'line']).optional(),
    sameLine: z.boolean().optional(),
    sameSentence: z.boolean().optional(),
    /** The tokens are paths: `/app` matches `/app` and `/app/x`, not `/application`. */
    paths: z.boolean().optional(),
    /**
     * Look for the tokens only around the rule's hits instead of everywhere: for very
     * frequent tokens (`=`, `}`, `>`) next to rare hits.
     */
    search: z.boolean().optional(),
  })
  .strict();

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9.-]+$/),
    kind: z.enum(KINDS),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    description: z.string().optional(),
    /**
     * Literal tokens, matched on the normalised (lower-case, decoded) text. A token edge that
     * is a word character must sit on a word boundary; a `*` at that edge lifts the boundary.
     */
    tokens: z.array(token).min(1),
    paths: z.boolean().optional(),
    /** Every one of these must be satisfied. */
    near: z.array(constraintSchema).optional(),
    /** Any one of these drops the hit. */
    unless: z.array(constraintSchema).optional(),
    /** A hit that is part of one of these longer tokens is ignored (`.env` in `process.env`). */
    except: z.array(literal).optional(),
    /** The hit must not be followed directly by any of these characters. */
    notFollowedBy: z.string().optional(),
    /** The hit must not be preceded directly by any of these characters (`-` of `--chown`). */
    notPrecededBy: z.string().optional(),
    /** Structured shapes checked by hand-written linear matchers from the hit onwards. */
    shape: z.enum(['tail', 'jwt', 'event-handler', 'pem', 'sql-concatenation']).optional(),
    tail: z
      .object({ charset: z.enum(['base64url', 'alnum', 'token']), min: z.number().int().min(1) })
      .optional(),
    /** Per-channel overrides of the channel's action for the rule's kind and category. */
    actions: z.record(channel, action).optional(),
  })
  .strict()
  .refine(
    (rule) => (rule.shape === 'tail' ? rule.tail !== undefined : true),
    'tail shape needs tail',
  );

const attemptActions = z.record(z.enum(CATEGORIES), action);

const channelSchema = z
  .object({
    attempt: attemptActions,
    risk: action,
    secret: action,
    /** `+` reads as a space (form-encoded values). */
    plusAsSpace: z.boolean().optional(),
  })
  .strict();

const tokenSetSchema = z
  .object({ paths: z.boolean().optional(), tokens: z.array(literal).min(1) })
  .strict();

const fieldSchema = z
  .object({
    /** Rules this meaning makes irrelevant (their hits are allowed in such a field). */
    relax: z.array(z.string()).min(1),
    /** The check that replaces them. */
    check: z.enum(FIELD_MEANINGS),
    /** The rule a failed check is reported as (its kind, category, severity and action). */
    report: z.string(),
  })
  .strict();

export const detectionPolicySchema = z
  .object({
    version: z.literal(2),
    channels: z.record(channel, channelSchema),
    sets: z.record(z.string().regex(/^[a-z0-9-]+$/), tokenSetSchema),
    fields: z.record(z.enum(FIELD_MEANINGS), fieldSchema),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type DetectionPolicy = z.infer<typeof detectionPolicySchema>;
export type PolicyToken = z.infer<typeof token>;
export type DetectionRule = DetectionPolicy['rules'][number];
export type RuleConstraint = NonNullable<DetectionRule['near']>[number];
export type ChannelPolicy = z.infer<typeof channelSchema>;

/** A channel's part of a validated policy (every channel has one). */
export function channelPolicyOf(policy: DetectionPolicy, where: Channel): ChannelPolicy {
  return policy.channels[where] as ChannelPolicy;
}

/** What a rule does in a channel: its own override, else the channel's for its kind. */
export function actionOf(
  policy: DetectionPolicy,
  rule: DetectionRule,
  where: Channel,
): DetectionAction {
  const override = rule.actions?.[where];
  if (override) return override;
  const defaults = channelPolicyOf(policy, where);
  if (rule.kind === 'attempt') return defaults.attempt[rule.category] ?? 'ignore';
  return defaults[rule.kind];
}

function invalid(where: string, message: string): never {
  throw new Error(`invalid detection policy at ${where}: ${message}`);
}

function checkAction(kind: Kind, value: DetectionAction, where: string): void {
  if (!ACTIONS_OF_KIND[kind].includes(value)) {
    invalid(where, `a ${kind} can ${ACTIONS_OF_KIND[kind].join(', ')}, not ${value}`);
  }
}

function checkSetReferences(policy: DetectionPolicy): void {
  // The service's own targets are sets the running service fills in.
  const known = new Set([...Object.keys(policy.sets), ...Object.values(SELF_TARGET_SETS)]);
  const check = (tokens: readonly PolicyToken[], where: string): void => {
    for (const t of tokens) {
      if (typeof t !== 'string' && !known.has(t.set)) invalid(where, `unknown set ${t.set}`);
    }
  };
  policy.rules.forEach((rule, index) => {
    check(rule.tokens, `rules.${index}.tokens`);
    rule.near?.forEach((c, k) => check(c.tokens, `rules.${index}.near.${k}`));
    rule.unless?.forEach((c, k) => check(c.tokens, `rules.${index}.unless.${k}`));
  });
}

/** Validates a policy document; throws a readable error naming the first problem. */
export function parseDetectionPolicy(document: unknown): DetectionPolicy {
  const parsed = detectionPolicySchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    invalid(issue.path.join('.'), issue.message);
  }
  const policy = parsed.data;
  for (const name of CHANNELS) {
    const channelPolicy = policy.channels[name];
    if (!channelPolicy) invalid('channels', `no actions for channel ${name}`);
    checkAction('risk', channelPolicy.risk, `channels.${name}.risk`);
    checkAction('secret', channelPolicy.secret, `channels.${name}.secret`);
    for (const [category, value] of Object.entries(channelPolicy.attempt)) {
      checkAction('attempt', value, `channels.${name}.attempt.${category}`);
    }
  }
  const ids = new Set<string>();
  policy.rules.forEach((rule, index) => {
    if (ids.has(rule.id)) invalid(`rules.${index}`, `duplicate rule ${rule.id}`);
    ids.add(rule.id);
    for (const [where, value] of Object.entries(rule.actions ?? {})) {
      checkAction(rule.kind, value, `rules.${index}.actions.${where}`);
    }
  });
  for (const [meaning, field] of Object.entries(policy.fields)) {
    for (const id of [...field.relax, field.report]) {
      if (!ids.has(id)) invalid(`fields.${meaning}`, `unknown rule ${id}`);
    }
  }
  checkSetReferences(policy);
  return policy;
}

/** The shipped policy (policy/default-policy.json). */
export const DEFAULT_DETECTION_POLICY: DetectionPolicy = parseDetectionPolicy(defaultPolicyJson);
