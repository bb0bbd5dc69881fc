import type {
  DetectionPolicy,
  DetectionRule,
  PolicyToken,
  RuleConstraint,
} from '../policy/detection-policy';
import { SELF_TARGET_SETS } from '../self-targets';
import { AhoCorasick } from './aho-corasick';
import { shapeOf, type Shape } from './shapes';
import { parseToken, type Token } from './token';

/**
 * A token compiled for matching: its units, what may sit beside it and, for an anchor, its
 * rule's conditions. Near and anchor tokens have the same fields, so the code that runs per
 * hit sees objects of one shape.
 */
export interface TokenSpec extends Omit<Token, 'text'> {
  units: Uint16Array;
  /** Longer tokens this hit may be part of, with the hit's offset in them (`.env` in `process.env`). */
  except: ExceptToken[];
  notFollowedBy: Uint16Array;
  notPrecededBy: Uint16Array;
  /** Whether any of the three above applies (most anchors have none). */
  conditional: boolean;
  /** Its edge bits (see edgeBits). */
  edges: number;
}

/**
 * A longer token an anchor's hit may be part of: its units, the hit's offset in them, and how
 * many units from there are the anchor's own (the hit holds them already, so they are not
 * compared again; 0 when they could not be told equal).
 */
export interface ExceptToken {
  units: Uint16Array;
  offset: number;
  matched: number;
}

/** The tokens of a constraint looked for around hits only: an automaton of their own. */
export interface SearchTokens {
  automaton: AhoCorasick;
  /** Per pattern, the tokens with that text (their edges may differ). */
  specs: TokenSpec[][];
}

export interface CompiledConstraint {
  window: number;
  order: 'either' | 'after' | 'before';
  scope: 'window' | 'call' | 'line';
  sameLine: boolean;
  sameSentence: boolean;
  /** The longest of its tokens (how far past the window a token may end). */
  maxLength: number;
  /**
   * Where its occurrences come from: the shared lists of its token sets, filled by the
   * automaton pass, or (`search`) a search of the regions around the rule's hits.
   */
  lists: number[];
  search: SearchTokens | undefined;
}

export interface CompiledRule {
  rule: DetectionRule;
  /**
   * The rule's shape, copied: policy rules differ in which optional fields they have, so
   * reading one from the rule itself is a slow, many-shaped property access per hit.
   */
  shape: Shape | undefined;
  anchors: TokenSpec[];
  near: CompiledConstraint[];
  unless: CompiledConstraint[];
  /** Whether anchors wait for their constraints to be checked. */
  constrained: boolean;
  /**
   * One near constraint in a window and nothing else: anchors whose windows overlap are
   * checked as one cluster, since the union of overlapping windows is one window. The
   * constraint's window (-1: anchors do not cluster) and order, copied for the per-hit code.
   */
  clusterWindow: number;
  clusterOrder: CompiledConstraint['order'];
  /**
   * Every region starts at the hit's end (calls, command lines, windows after it): anchors
   * that end at the same place (`fs.writeFileSync` and `writeFileSync`) are checked once.
   */
  endOnly: boolean;
  /** Per constraint (near, then unless), the index of its first cursor (one per list). */
  cursorBase: number[];
  cursorCount: number;
}

/**
 * A token set used by near/unless constraints: one list of its occurrences serves every rule
 * that names the set (a rule's inline tokens form a set of their own).
 */
export interface NearList {
  tokens: TokenSpec[];
}

/** Rules anchored by one pattern with the same edges and conditions: checked once per hit. */
interface AnchorGroup {
  token: TokenSpec;
  rules: number[];
}

/** What one pattern of a channel's automaton means (while the automaton is built). */
interface PatternRefs {
  anchors: AnchorGroup[];
  /** The near lists this pattern's text belongs to, grouped by the edges it must have there. */
  lists: { token: TokenSpec; lists: number[] }[];
}

/** Bits of `ChannelAutomaton.tokenFlags`. */
export const TOKEN_FLAGS = {
  /** The token has word or path edges to check. */
  EDGES: 1,
  /** An open-ended word token: the hit runs on to the end of the word. */
  EXTENDS: 2,
  /** An anchor with conditions of its rule (except, notFollowedBy, notPrecededBy). */
  CONDITIONAL: 4,
  /** Which edges (see Token), read per hit as bits rather than from the token object. */
  WORD_START: 8,
  WORD_END: 16,
  PATH_START: 32,
  PATH_END: 64,
} as const;

/** A token's edge bits (TOKEN_FLAGS.WORD_START … PATH_END). */
export function edgeBits(
  token: Pick<Token, 'wordStart' | 'wordEnd' | 'pathStart' | 'pathEnd'>,
): number {
  const { WORD_START, WORD_END, PATH_START, PATH_END } = TOKEN_FLAGS;
  return (
    (token.wordStart ? WORD_START : 0) |
    (token.wordEnd ? WORD_END : 0) |
    (token.pathStart ? PATH_START : 0) |
    (token.pathEnd ? PATH_END : 0)
  );
}

/**
 * The automaton of one channel, over the anchors and near tokens of the rules active there,
 * and what a hit of each pattern means as a flat list of actions in typed arrays (the code
 * that runs per hit reads no nested objects): the actions [actionStart[p], actionStart[p +
 * 1]) of pattern p each record the hit in a near list or anchor a rule, through a token whose
 * edges and conditions the hit must fit. Actions of one token are adjacent, so a hit is
 * checked once per token. A pattern's near-list actions come first, its anchors from
 * `anchorsFrom[p]` on.
 */
export interface ChannelAutomaton {
  automaton: AhoCorasick;
  actionStart: Int32Array;
  anchorsFrom: Int32Array;
  /** The rule an action anchors, or -1 minus the near list it records the hit in. */
  actionTarget: Int32Array;
  /** The action's token, an index into `tokens`. */
  actionToken: Int32Array;
  tokens: TokenSpec[];
  /** Per token, its TOKEN_FLAGS. */
  tokenFlags: Uint8Array;
}

/**
 * The strings of the code itself, not the equal ones read from a policy's JSON: the per-hit
 * code compares them, and two copies of a string compare by content, one string by identity.
 */
const ORDERS = { either: 'either', after: 'after', before: 'before' } as const;
const SCOPES = { window: 'window', call: 'call', line: 'line' } as const;

/**
 * The text's UTF-16 units, as the normalised text holds them: a character outside the BMP is
 * its two surrogates there too.
 */
const unitsOf = (text: string): Uint16Array => {
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i += 1) units[i] = text.charCodeAt(i);
  return units;
};

function exceptToken(units: Uint16Array, offset: number, token: Token): ExceptToken {
  const own = unitsOf(token.text);
  const same = sameCodes(units.subarray(offset, offset + own.length), own);
  return { units, offset, matched: same ? own.length : 0 };
}

type Conditions = Pick<TokenSpec, 'except' | 'notFollowedBy' | 'notPrecededBy'>;

const NO_CONDITIONS: Conditions = {
  except: [],
  notFollowedBy: new Uint16Array(0),
  notPrecededBy: new Uint16Array(0),
};

function spec(token: Token, conditions: Conditions = NO_CONDITIONS): TokenSpec {
  const { except, notFollowedBy, notPrecededBy } = conditions;
  return {
    wordStart: token.wordStart,
    wordEnd: token.wordEnd,
    pathStart: token.pathStart,
    pathEnd: token.pathEnd,
    extendWord: token.extendWord,
    units: unitsOf(token.text),
    except,
    notFollowedBy,
    notPrecededBy,
    conditional: except.length + notFollowedBy.length + notPrecededBy.length > 0,
    edges: edgeBits(token),
  };
}

/** A token's text (its units passed as arguments: a spread would iterate them one by one). */
const textOf = (token: TokenSpec): string =>
  String.fromCharCode.apply(null, token.units as unknown as number[]);

const sameCodes = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether two tokens of the same text have the same edges (a hit fits both or neither). */
const sameEdges = (a: TokenSpec, b: TokenSpec): boolean =>
  a.edges === b.edges && a.extendWord === b.extendWord;

/** Whether two anchors of the same text accept the same hits (compared field by field). */
const sameAnchor = (a: TokenSpec, b: TokenSpec): boolean =>
  sameEdges(a, b) &&
  a.except.length === b.except.length &&
  a.except.every(
    (e, k) => e.offset === b.except[k].offset && sameCodes(e.units, b.except[k].units),
  ) &&
  sameCodes(a.notFollowedBy, b.notFollowedBy) &&
  sameCodes(a.notPrecededBy, b.notPrecededBy);

/**
 * A searched set this large (the Japanese negations: about 1 800 tokens, 1.1–1.2 MB of table)
 * is not compiled again for every search that names it: the searches that name it share one
 * automaton of all their tokens, each reading only the hits of its own.
 */
const SHARED_SEARCH_SET = 1000;

/** A search's tokens by text, before its automaton is built; `users` are its constraints. */
interface PendingSearch {
  texts: Map<string, TokenSpec[]>;
  /** The large named set it shares an automaton by (see SHARED_SEARCH_SET), if any. */
  shared: string | undefined;
  users: CompiledConstraint[];
}

/**
 * Builds every search's automaton: one of its own, or one shared by the searches that name the
 * same large set, whose patterns are all of theirs. A search's specs are empty for the
 * patterns that are not its own, so it records the same occurrences, in the same order (of
 * end, then longest first), as an automaton of its own tokens would.
 */
function buildSearches(pending: Iterable<PendingSearch>): void {
  const groups = new Map<string, PendingSearch[]>();
  for (const search of pending) {
    const key = search.shared ?? `own:${groups.size}`;
    const group = groups.get(key);
    if (group) group.push(search);
    else groups.set(key, [search]);
  }
  for (const group of groups.values()) {
    const texts = new Set<string>();
    for (const search of group) for (const text of search.texts.keys()) texts.add(text);
    const automaton = new AhoCorasick([...texts]);
    for (const search of group) {
      const built: SearchTokens = {
        automaton,
        specs: [...texts].map((text) => search.texts.get(text) ?? []),
      };
      for (const user of search.users) user.search = built;
    }
  }
}

/**
 * A policy compiled for matching: every token of every rule (named sets expanded, the
 * service's own targets included), near-token lists shared between the rules that use the
 * same tokens, and per channel an automaton over what the active rules need.
 */
export class CompiledPolicy {
  readonly rules: CompiledRule[];
  readonly nearLists: NearList[] = [];
  private readonly automata = new Map<string, ChannelAutomaton>();

  constructor(
    readonly policy: DetectionPolicy,
    runtimeSets: Record<string, readonly string[]>,
  ) {
    // Sets are named by many rules: each token is folded once.
    const parsed = { words: new Map<string, Token>(), paths: new Map<string, Token>() };
    const parse = (raw: string, paths: boolean): Token => {
      const known = paths ? parsed.paths : parsed.words;
      let folded = known.get(raw);
      if (folded === undefined) {
        folded = parseToken(raw, paths);
        known.set(raw, folded);
      }
      return folded;
    };
    const expand = (tokens: readonly PolicyToken[], paths: boolean): Token[] =>
      tokens.flatMap((raw) => {
        if (typeof raw === 'string') return [parse(raw, paths)];
        const set = policy.sets[raw.set];
        if (set) return set.tokens.map((t) => parse(t, paths || set.paths === true));
        return (runtimeSets[raw.set] ?? []).map((t) =>
          parse(t, raw.set === SELF_TARGET_SETS.paths),
        );
      });
    // A near token has no conditions of its own: one spec serves every list that holds it.
    const specs = new Map<Token, TokenSpec>();
    const nearSpec = (token: Token): TokenSpec => {
      let compiled = specs.get(token);
      if (compiled === undefined) {
        compiled = spec(token);
        specs.set(token, compiled);
      }
      return compiled;
    };
    const listIds = new Map<string, number>();
    const listOf = (key: string, tokens: () => Token[]): number => {
      let id = listIds.get(key);
      if (id === undefined) {
        id = this.nearLists.push({ tokens: tokens().map(nearSpec) }) - 1;
        listIds.set(key, id);
      }
      return id;
    };
    // Searches are built once every rule is compiled: those that name the same large set share
    // one automaton (see SHARED_SEARCH_SET).
    const searches = new Map<string, PendingSearch>();
    const sharedSetOf = (tokens: readonly PolicyToken[], paths: boolean): string | undefined => {
      let largest: string | undefined;
      let most = SHARED_SEARCH_SET - 1;
      for (const raw of tokens) {
        const set = typeof raw === 'string' ? undefined : policy.sets[raw.set];
        if (set === undefined || set.tokens.length <= most) continue;
        most = set.tokens.length;
        largest = `${paths || set.paths === true}:${(raw as { set: string }).set}`;
      }
      return largest;
    };
    const constraint = (c: RuleConstraint): CompiledConstraint => {
      const paths = c.paths === true;
      const tokens = expand(c.tokens, paths);
      const compiled: CompiledConstraint = {
        window: c.window,
        order: ORDERS[c.order ?? 'either'],
        scope: SCOPES[c.scope ?? 'window'],
        sameLine: c.sameLine === true,
        sameSentence: c.sameSentence === true,
        maxLength: tokens.reduce((max, t) => Math.max(max, t.text.length), 0),
        lists: [],
        search: undefined,
      };
      if (c.search) {
        // Rules that search the same tokens (a set of negations) share one automaton.
        const key = `${paths}:${JSON.stringify(c.tokens)}`;
        let search = searches.get(key);
        if (search === undefined) {
          const texts = new Map<string, TokenSpec[]>();
          for (const token of tokens) {
            const same = texts.get(token.text);
            if (same) same.push(nearSpec(token));
            else texts.set(token.text, [nearSpec(token)]);
          }
          search = { texts, shared: sharedSetOf(c.tokens, paths), users: [] };
          searches.set(key, search);
        }
        search.users.push(compiled);
        return compiled;
      }
      const inline = c.tokens.filter((t): t is string => typeof t === 'string');
      if (inline.length > 0) {
        compiled.lists.push(
          listOf(`inline:${paths}:${JSON.stringify(inline)}`, () => expand(inline, paths)),
        );
      }
      for (const t of c.tokens) {
        if (typeof t === 'string') continue;
        const setPaths = paths || policy.sets[t.set]?.paths === true;
        compiled.lists.push(listOf(`set:${setPaths}:${t.set}`, () => expand([t], paths)));
      }
      return compiled;
    };
    this.rules = policy.rules.map((rule) => {
      const except = (rule.except ?? []).map((raw) => parse(raw, false).text);
      const anchors = expand(rule.tokens, rule.paths === true).map((token) =>
        spec(token, {
          except: except
            .filter((longer) => longer.includes(token.text))
            .map((longer) => exceptToken(unitsOf(longer), longer.indexOf(token.text), token)),
          notFollowedBy: unitsOf(rule.notFollowedBy ?? ''),
          notPrecededBy: unitsOf(rule.notPrecededBy ?? ''),
        }),
      );
      const near = (rule.near ?? []).map(constraint);
      const unless = (rule.unless ?? []).map(constraint);
      const cursorBase: number[] = [];
      let cursorCount = 0;
      for (const c of [...near, ...unless]) {
        cursorBase.push(cursorCount);
        cursorCount += Math.max(1, c.lists.length);
      }
      return {
        rule,
        shape: shapeOf(rule),
        anchors,
        near,
        unless,
        constrained: near.length + unless.length > 0,
        clusterWindow:
          near.length === 1 && unless.length === 0 && near[0].scope === 'window'
            ? near[0].window
            : -1,
        clusterOrder: near.length > 0 ? near[0].order : ORDERS.either,
        endOnly: [...near, ...unless].every((c) => c.scope !== 'window' || c.order === 'after'),
        cursorBase,
        cursorCount,
      };
    });
    buildSearches(searches.values());
  }

  /**
   * The automaton over what the rules `active` marks need, built once per set of active rules:
   * channels that keep the same rules (a request field and an MCP argument, an answer and a
   * result) share one.
   */
  automatonFor(active: (index: number) => boolean): ChannelAutomaton {
    const key = this.rules.map((_, index) => (active(index) ? '1' : '0')).join('');
    let built = this.automata.get(key);
    if (built) return built;
    const ids = new Map<string, number>();
    const patterns: PatternRefs[] = [];
    const patternOf = (token: TokenSpec): PatternRefs => {
      const text = textOf(token);
      let id = ids.get(text);
      if (id === undefined) {
        id = patterns.push({ anchors: [], lists: [] }) - 1;
        ids.set(text, id);
      }
      return patterns[id];
    };
    const lists = new Set<number>();
    this.rules.forEach((rule, index) => {
      if (!active(index)) return;
      for (const anchor of rule.anchors) {
        const groups = patternOf(anchor).anchors;
        const group = groups.find((g) => sameAnchor(g.token, anchor));
        if (group) group.rules.push(index);
        else groups.push({ token: anchor, rules: [index] });
      }
      for (const c of [...rule.near, ...rule.unless]) for (const list of c.lists) lists.add(list);
    });
    for (const list of lists) {
      for (const token of this.nearLists[list].tokens) {
        const refs = patternOf(token).lists;
        const group = refs.find((g) => sameEdges(g.token, token));
        if (group) group.lists.push(list);
        else refs.push({ token, lists: [list] });
      }
    }
    built = { automaton: new AhoCorasick([...ids.keys()]), ...flatActions(patterns) };
    this.automata.set(key, built);
    return built;
  }
}

/**
 * The patterns' meanings as the flat action lists of a ChannelAutomaton: counted, then written
 * straight into typed arrays (no growing lists in between).
 */
function flatActions(patterns: PatternRefs[]): Omit<ChannelAutomaton, 'automaton'> {
  let count = 0;
  for (let p = 0; p < patterns.length; p += 1) {
    const { lists, anchors } = patterns[p];
    for (let g = 0; g < lists.length; g += 1) count += lists[g].lists.length;
    for (let g = 0; g < anchors.length; g += 1) count += anchors[g].rules.length;
  }
  const tokens: TokenSpec[] = [];
  const tokenIds = new Map<TokenSpec, number>();
  const tokenId = (token: TokenSpec): number => {
    let id = tokenIds.get(token);
    if (id === undefined) {
      id = tokens.push(token) - 1;
      tokenIds.set(token, id);
    }
    return id;
  };
  const actionStart = new Int32Array(patterns.length + 1);
  const anchorsFrom = new Int32Array(patterns.length);
  const actionTarget = new Int32Array(count);
  const actionToken = new Int32Array(count);
  let action = 0;
  for (let p = 0; p < patterns.length; p += 1) {
    const { lists, anchors } = patterns[p];
    for (let g = 0; g < lists.length; g += 1) {
      const token = tokenId(lists[g].token);
      for (let k = 0; k < lists[g].lists.length; k += 1) {
        actionTarget[action] = -1 - lists[g].lists[k];
        actionToken[action++] = token;
      }
    }
    anchorsFrom[p] = action;
    for (let g = 0; g < anchors.length; g += 1) {
      const token = tokenId(anchors[g].token);
      for (let k = 0; k < anchors[g].rules.length; k += 1) {
        actionTarget[action] = anchors[g].rules[k];
        actionToken[action++] = token;
      }
    }
    actionStart[p + 1] = action;
  }
  const { EDGES, EXTENDS, CONDITIONAL } = TOKEN_FLAGS;
  const tokenFlags = new Uint8Array(tokens.length);
  tokens.forEach((t, id) => {
    tokenFlags[id] =
      (t.edges !== 0 ? EDGES | t.edges : 0) |
      (t.extendWord ? EXTENDS : 0) |
      (t.conditional ? CONDITIONAL : 0);
  });
  return { actionStart, anchorsFrom, actionTarget, actionToken, tokens, tokenFlags };
}
