import type { NormalizedText } from '../normalize/normalizer';
import type { HitSink } from './aho-corasick';
import {
  TOKEN_FLAGS,
  type ChannelAutomaton,
  type CompiledConstraint,
  type CompiledPolicy,
  type CompiledRule,
  type TokenSpec,
} from './compiled-policy';
import { TextRegions, type Region } from './regions';
import { matchShape } from './shapes';
import { SpanList } from './span-list';
import { TOKEN_UNITS } from './token';

// Read once: a module's exports are property lookups, too slow for the per-hit path.
const { isWordUnit, isPathUnit } = TOKEN_UNITS;
const { EDGES, EXTENDS, CONDITIONAL, WORD_START, WORD_END, PATH_START, PATH_END } = TOKEN_FLAGS;
const STARTS = WORD_START | PATH_START;
const ENDS = WORD_END | PATH_END;

/**
 * Hits a rule looks at once it has matched: its verdict is known, and the places reported are
 * capped anyway, so a text that repeats a pattern a million times costs a few thousand checks.
 * (Not when every match counts: secrets to redact, attempts to look up in a quoted source.)
 */
const HITS_AFTER_MATCH = 1024;
/**
 * How far a search of a constraint's tokens runs ahead of the region that asked for it. In
 * ordinary code, anchors are far apart and most of what is read ahead is never asked for:
 * 256 read 4.3 million units per 2 MiB of the code corpus, 64 reads 1.8 million with as many
 * searches (text with hits close together is searched alike).
 */
const SEARCH_AHEAD = 64;
/** The most a stretch that keeps being extended reads ahead (see SearchedSpans.ahead). */
const MAX_SEARCH_AHEAD = 4096;
/**
 * The first stretch of a region searched before its occurrences are checked; each further
 * stretch is twice as long. A cluster of many hits has a long region, and the first
 * occurrence that fits ends the search.
 */
const SEARCH_STEP = 4096;
/** Limits up to this are caps on reported places; larger ones mean every match counts. */
const MAX_BOUNDED = 1000;
/**
 * Regions read straight from the near-token log for a deferred list before the deferred lists
 * are recorded whole: a few anchors that get past their unless constraints cost a few short
 * reads, many cost one replay of the log.
 */
const MAX_SLICES = 64;
/**
 * Near lists are deferred only where near-token hits are dense, at least one every this many
 * units: sparse hits (ordinary code: one every 16) cost little to record, and an anchor that
 * gets past its negations would then cost a second pass over the log.
 */
const DEFER_DENSITY = 8;
const MAX_WORD_EXTENSION = 64;
const EITHER = 0;
const AFTER = 1;
const BEFORE = 2;
const ORDER_CODES = { either: EITHER, after: AFTER, before: BEFORE } as const;

/** Whether `units` holds `unit` (a loop: `includes` is a call per hit). */
function holds(units: Uint16Array, unit: number): boolean {
  for (let i = 0; i < units.length; i += 1) if (units[i] === unit) return true;
  return false;
}

/** Occurrences of a searched constraint, found only where some region needed them. */
class SearchedSpans {
  readonly found = new SpanList();
  /** The stretch searched so far, [from, to); `to` is -1 before the first search. */
  from = 0;
  to = -1;
  /** How far the next extension reads ahead of what it is asked for. */
  ahead = SEARCH_AHEAD;

  restart(at: number): void {
    this.found.clear();
    this.from = at;
    this.to = at;
    this.ahead = SEARCH_AHEAD;
  }
}

/** A rule's state during one scan; reused from scan to scan. */
export class RuleState {
  /**
   * Anchors waiting for their constraints. For a rule whose anchors cluster, an entry spans a
   * cluster, and `inner` keeps the start of its last anchor and the end of its first.
   */
  readonly anchors = new SpanList();
  readonly inner = new SpanList();
  /** The rule's matches, in normalised coordinates. */
  readonly found = new SpanList();
  /** Per constraint (near then unless): a cursor into its occurrences, and its own search. */
  readonly cursors: Int32Array;
  readonly searched: SearchedSpans[];
  /**
   * Per constraint, the last region found to hold no occurrence of it (start, end, latest start,
   * earliest end; start -1: none yet): a fact about the text, so a region inside it holds none
   * either (anchors that share a start or a line ask alike).
   */
  readonly missed: Int32Array;
  /** How far a shape's scan reached (hits before it cannot start a longer match). */
  scannedUntil = 0;
  /** Hits looked at since the rule first matched. */
  afterMatch = 0;

  constructor(rule: CompiledRule) {
    this.cursors = new Int32Array(rule.cursorCount);
    this.searched = Array.from(
      { length: rule.near.length + rule.unless.length },
      () => new SearchedSpans(),
    );
    this.missed = new Int32Array(4 * this.searched.length);
  }

  reset(): void {
    this.anchors.clear();
    this.inner.clear();
    this.found.clear();
    this.cursors.fill(0);
    for (const searched of this.searched) searched.to = -1;
    for (let m = 0; m < this.missed.length; m += 4) this.missed[m] = -1;
    this.scannedUntil = 0;
    this.afterMatch = 0;
  }

  /** Whether the rule has matched and looked at enough further hits (see HITS_AFTER_MATCH). */
  done(limit: number): boolean {
    if (this.found.length === 0) return false;
    return (
      this.found.length >= limit || (limit <= MAX_BOUNDED && ++this.afterMatch > HITS_AFTER_MATCH)
    );
  }
}

/**
 * Runs the compiled policy over a normalised text: one automaton pass records the anchors of
 * the rules active in this scan and the occurrences of their near tokens (one list per token
 * set, shared between rules), then each rule with constraints keeps the anchors whose regions
 * hold a token of every near constraint and none of an unless constraint. Lists are sorted by
 * end and each anchor looks only inside its bounded regions with cursors that only move
 * forward, so the whole pass stays linear.
 */
export class RuleMatcher implements HitSink {
  private readonly states: RuleState[];
  /** Per rule, its cluster window and order (see CompiledRule), read per hit. */
  private readonly clusterWindows: Int32Array;
  private readonly clusterOrders: Uint8Array;
  /**
   * Per clustering rule, its last cluster while the automaton pass grows it: its end and the
   * start of its last anchor (clusterEnd -1: none yet). Kept here, not in the rule's anchor
   * lists, so a dense run of hits joining one cluster reads and writes one slot of each array;
   * written back to the lists when the cluster closes (see closeCluster).
   */
  private readonly clusterEnd: Int32Array;
  private readonly clusterInner: Int32Array;
  private readonly nearFound: SpanList[];
  private readonly regions = new TextRegions();
  private readonly region: Region = { start: 0, end: 0, latestStart: 0, earliestEnd: 0 };
  /**
   * While a constraint's own automaton searches a region, its tokens and where their
   * occurrences go (else null). The matcher is the one sink of every automaton, so the scan
   * loop calls one method of one class and stays fast.
   */
  private searchSpecs: TokenSpec[][] | null = null;
  private searchFound!: SpanList;
  /** Whether `inside` passed over an occurrence only for overlapping the anchor. */
  private overlapped = false;
  /** The occurrence `satisfied` found last. */
  private matchStart = 0;
  private matchEnd = 0;
  /** What the current anchor's match would cover: the anchor and its near occurrences. */
  private keptStart = 0;
  private keptEnd = 0;
  /** The anchor (or cluster) being resolved; see setAnchor. */
  private anchorStart = 0;
  private anchorEnd = 0;
  private lastStart = 0;
  private firstEnd = 0;
  private text!: NormalizedText;
  private lengths!: Int32Array;
  private actionStart!: Int32Array;
  private anchorsFrom!: Int32Array;
  private actionTarget!: Int32Array;
  private actionToken!: Int32Array;
  private tokens!: TokenSpec[];
  private tokenFlags!: Uint8Array;
  /** Per rule: 0 when it is not active in this scan, else how many matches to keep. */
  private limits!: Int32Array;
  /**
   * The same, set to 0 once the rule is done with hits (see RuleState.done): the hits of a
   * rule that has settled are skipped with one read.
   */
  private readonly live: Int32Array;
  /** The near-token hits of the automaton pass: starts hold the pattern, ends where it ends. */
  private readonly nearHits = new SpanList();
  /** Per near list, whether a rule with anchors reads it in this scan. */
  private readonly needed: Uint8Array;
  /**
   * Per near list, whether its occurrences are recorded only when an anchor first needs them
   * (see recordNearHits), and meanwhile whether it has any.
   */
  private readonly deferred: Uint8Array;
  private readonly nonEmpty: Uint8Array;
  private anyDeferred = false;
  /** Deferred lists read from the log so far in this scan (see MAX_SLICES), and where. */
  private slices = 0;
  private readonly slice = new SpanList();
  private readonly sliceCursor = new Int32Array(1);
  /** Per near list, whether it may be deferred: none of its tokens runs on past its hit. */
  private readonly deferrable: Uint8Array;
  /** Per unless constraint of the rule being resolved, whether the text holds an occurrence. */
  private readonly unlessFound: Uint8Array;
  /**
   * Per pattern of the automaton, once its first logged hit is read in a scan: its actions
   * that record in a needed list, `feedActions[feedFrom[p], feedTo[p])` (-1: not read yet).
   */
  private feedFrom = new Int32Array(0);
  private feedTo = new Int32Array(0);
  private feedActions = new Int32Array(0);
  /** The last open-ended hit's end, and where its word ends. */
  private extendedFrom = -1;
  private extendedTo = -1;

  constructor(private readonly compiled: CompiledPolicy) {
    this.states = compiled.rules.map((rule) => new RuleState(rule));
    this.clusterWindows = Int32Array.from(compiled.rules, (rule) => rule.clusterWindow);
    this.clusterOrders = Uint8Array.from(compiled.rules, (rule) => ORDER_CODES[rule.clusterOrder]);
    this.clusterEnd = new Int32Array(compiled.rules.length);
    this.clusterInner = new Int32Array(compiled.rules.length);
    this.nearFound = compiled.nearLists.map(() => new SpanList());
    this.live = new Int32Array(compiled.rules.length);
    this.needed = new Uint8Array(compiled.nearLists.length);
    this.deferred = new Uint8Array(compiled.nearLists.length);
    this.deferrable = Uint8Array.from(compiled.nearLists, (list) =>
      list.tokens.some((token) => token.extendWord) ? 0 : 1,
    );
    this.nonEmpty = new Uint8Array(compiled.nearLists.length);
    this.unlessFound = new Uint8Array(Math.max(0, ...compiled.rules.map((r) => r.unless.length)));
  }

  /** The states of every rule after matching; valid until the next call. */
  match(text: NormalizedText, channel: ChannelAutomaton, limits: Int32Array): readonly RuleState[] {
    this.text = text;
    this.limits = limits;
    this.live.set(limits);
    this.actionStart = channel.actionStart;
    this.anchorsFrom = channel.anchorsFrom;
    this.actionTarget = channel.actionTarget;
    this.actionToken = channel.actionToken;
    this.tokens = channel.tokens;
    this.tokenFlags = channel.tokenFlags;
    this.lengths = channel.automaton.lengths;
    this.regions.reset(text);
    this.searchSpecs = null;
    for (const list of this.nearFound) list.clear();
    this.nearHits.clear();
    this.extendedFrom = -1;
    this.states.forEach((state, index) => {
      if (limits[index] > 0) state.reset();
    });
    this.clusterEnd.fill(-1);
    channel.automaton.scan(text.units, text.length, this);
    this.closeClusters();
    this.recordNearHits();
    this.compiled.rules.forEach((rule, index) => {
      if (limits[index] > 0 && rule.constrained && this.mayMatch(rule)) {
        this.resolve(rule, this.states[index], index);
      }
    });
    return this.states;
  }

  hits(patterns: Int32Array, ends: Int32Array, count: number): void {
    const specs = this.searchSpecs;
    if (specs !== null) {
      for (let k = 0; k < count; k += 1) this.searched(specs[patterns[k]], ends[k]);
      return;
    }
    const { actionStart, anchorsFrom, actionTarget, actionToken, lengths, live, states } = this;
    const { clusterWindows, clusterOrders, nearHits, tokenFlags } = this;
    nearHits.reserve(count);
    const { starts: logged, ends: loggedEnds } = nearHits;
    let logLength = nearHits.length;
    for (let k = 0; k < count; k += 1) {
      const pattern = patterns[k];
      const end = ends[k];
      const first = anchorsFrom[pattern];
      if (first !== actionStart[pattern]) {
        logged[logLength] = pattern;
        loggedEnds[logLength] = end;
        logLength += 1;
      }
      if (first === actionStart[pattern + 1]) continue;
      const start = end - lengths[pattern];
      // The token checked last, and where the hit ends for it (-1: the hit does not fit it).
      let checked = -1;
      let stop = end;
      for (let a = first; a < actionStart[pattern + 1]; a += 1) {
        const target = actionTarget[a];
        const limit = live[target];
        if (limit === 0) continue;
        const state = states[target];
        // Hits inside a shape's failed run cannot start a longer match.
        if (start < state.scannedUntil) continue;
        if (state.found.length !== 0 && state.done(limit)) {
          live[target] = 0;
          continue;
        }
        if (actionToken[a] !== checked) {
          checked = actionToken[a];
          stop = tokenFlags[checked] === 0 ? end : this.stopOf(checked, start, end);
        }
        if (stop < 0) continue;
        // Most hits of a dense run join the cluster before them.
        const window = clusterWindows[target];
        if (window < 0) {
          this.anchor(this.compiled.rules[target], state, start, end, stop);
        } else if (!this.joinCluster(window, clusterOrders[target], target, start, stop)) {
          this.closeCluster(target, state);
          this.anchor(this.compiled.rules[target], state, start, end, stop);
          this.openCluster(target, state);
        }
      }
    }
    nearHits.length = logLength;
  }

  /**
   * Records the near-token hits in the lists that a rule with anchors will read. Most near
   * tokens of dense text belong to rules that have no anchor there: their hits are kept as a
   * log of (pattern, end) during the automaton pass, and checked only for the lists needed.
   * Where near-token hits are dense, the lists that only near constraints read are deferred:
   * this pass notes whether they have an occurrence, and they are recorded when an anchor first
   * gets past its rule's unless constraints (in text dense with anchors beside their negations,
   * none does).
   */
  private recordNearHits(): void {
    const { needed, deferred, nonEmpty, limits, states } = this;
    needed.fill(0);
    deferred.fill(0);
    nonEmpty.fill(0);
    this.anyDeferred = false;
    this.slices = 0;
    let any = false;
    const dense = this.nearHits.length * DEFER_DENSITY >= this.text.length;
    this.compiled.rules.forEach((rule, index) => {
      if (limits[index] === 0 || !rule.constrained || states[index].anchors.length === 0) return;
      for (const constraint of rule.near) {
        for (const list of constraint.lists) {
          if (needed[list] === 0 && dense) deferred[list] = this.deferrable[list];
          needed[list] = 1;
          any = true;
        }
      }
      for (const constraint of rule.unless) {
        for (const list of constraint.lists) {
          deferred[list] = 0;
          needed[list] = 1;
          any = true;
        }
      }
    });
    if (!any) return;
    const { actionStart, anchorsFrom, actionTarget, lengths } = this;
    const { starts: logged, length: count } = this.nearHits;
    if (this.feedFrom.length < lengths.length) {
      this.feedFrom = new Int32Array(lengths.length);
      this.feedTo = new Int32Array(lengths.length);
    }
    if (this.feedActions.length < actionTarget.length) {
      this.feedActions = new Int32Array(actionTarget.length);
    }
    const { feedFrom, feedTo, feedActions } = this;
    feedFrom.fill(-1, 0, lengths.length);
    let feedCount = 0;
    for (let k = 0; k < count; k += 1) {
      const pattern = logged[k];
      if (feedFrom[pattern] >= 0) continue;
      // Its needed actions, gathered once per pattern and scan: most of a pattern's lists
      // (a verb in seven sets) are not needed, and most patterns feed none.
      feedFrom[pattern] = feedCount;
      for (let a = actionStart[pattern]; a < anchorsFrom[pattern]; a += 1) {
        if (needed[-1 - actionTarget[a]] === 1) feedActions[feedCount++] = a;
      }
      feedTo[pattern] = feedCount;
    }
    for (let list = 0; list < deferred.length; list += 1) {
      if (deferred[list] === 1) this.anyDeferred = true;
    }
    this.replayNearHits(0);
  }

  /**
   * Replays the near-token log into the needed lists: deferred lists only (`deferredOnly` 1),
   * else the others, noting whether each deferred list has an occurrence.
   */
  private replayNearHits(deferredOnly: number): void {
    const { actionTarget, actionToken, lengths, tokenFlags, nearFound, deferred, nonEmpty } = this;
    const { feedFrom, feedTo, feedActions } = this;
    const { starts: logged, ends: loggedEnds, length: count } = this.nearHits;
    for (let k = 0; k < count; k += 1) {
      const pattern = logged[k];
      const from = feedFrom[pattern];
      const to = feedTo[pattern];
      if (from === to) continue;
      const end = loggedEnds[k];
      const start = end - lengths[pattern];
      let checked = -1;
      let stop = end;
      for (let f = from; f < to; f += 1) {
        const a = feedActions[f];
        const list = -1 - actionTarget[a];
        const late = deferred[list];
        if (late !== deferredOnly && (late === 0 || nonEmpty[list] === 1)) continue;
        if (actionToken[a] !== checked) {
          checked = actionToken[a];
          stop = tokenFlags[checked] === 0 ? end : this.stopOf(checked, start, end);
        }
        if (stop < 0) continue;
        if (late === deferredOnly) nearFound[list].push(start, stop);
        else nonEmpty[list] = 1;
      }
    }
  }

  /**
   * Whether an occurrence of a deferred list lies inside the current region, read from the
   * near-token log between the region's bounds (the log is in order of end): the answer the
   * recorded list would give, since a deferred list's occurrences end where their hits end,
   * so its list would be in order of end too.
   */
  private insideSlice(constraint: CompiledConstraint, list: number): boolean {
    const { region, slice, actionTarget, actionToken, lengths, tokenFlags } = this;
    const { feedFrom, feedTo, feedActions } = this;
    const { starts: logged, ends: loggedEnds, length: count } = this.nearHits;
    // The first logged hit that ends after the region's start.
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (loggedEnds[mid] <= region.start) lo = mid + 1;
      else hi = mid;
    }
    slice.clear();
    for (let k = lo; k < count && loggedEnds[k] <= region.end; k += 1) {
      const pattern = logged[k];
      const end = loggedEnds[k];
      const start = end - lengths[pattern];
      for (let f = feedFrom[pattern]; f < feedTo[pattern]; f += 1) {
        const a = feedActions[f];
        if (-1 - actionTarget[a] !== list) continue;
        const token = actionToken[a];
        const stop = tokenFlags[token] === 0 ? end : this.stopOf(token, start, end);
        if (stop >= 0) slice.push(start, stop);
      }
    }
    this.sliceCursor[0] = 0;
    return this.inside(constraint, slice, this.sliceCursor, 0);
  }

  /** Records the deferred lists, once an anchor first needs one of them. */
  private recordDeferred(): void {
    this.replayNearHits(1);
    this.deferred.fill(0);
    this.anyDeferred = false;
  }

  /**
   * Where a hit at [start, end) ends for a token (past the word for an open-ended token), or
   * -1 when its edges or conditions do not fit.
   */
  private stopOf(token: number, start: number, end: number): number {
    const flags = this.tokenFlags[token];
    if (flags === 0) return end;
    let stop = end;
    if ((flags & EXTENDS) !== 0) {
      // Open-ended tokens of one hit (`fs.write*`, `writefile*`) share the word's end.
      if (end !== this.extendedFrom) {
        this.extendedFrom = end;
        this.extendedTo = this.wordEnd(end);
      }
      stop = this.extendedTo;
    }
    const fits =
      ((flags & EDGES) === 0 || this.edgesFit(flags, start, end)) &&
      ((flags & CONDITIONAL) === 0 || this.anchorFits(this.tokens[token], start, stop));
    return fits ? stop : -1;
  }

  /** Joins an anchor to the rule's last cluster if their windows overlap. */
  private joinCluster(
    window: number,
    order: number,
    target: number,
    start: number,
    end: number,
  ): boolean {
    const { clusterEnd, clusterInner } = this;
    const last = clusterEnd[target];
    if (last < 0) return false;
    const joins =
      order === AFTER
        ? end <= last + window
        : order === BEFORE
          ? start - window <= clusterInner[target]
          : start - window <= last + window;
    if (!joins) return false;
    if (end > last) clusterEnd[target] = end;
    clusterInner[target] = start;
    return true;
  }

  /** Writes a rule's last cluster, as the pass grew it, back to its anchor lists. */
  private closeCluster(target: number, state: RuleState): void {
    const last = state.anchors.length - 1;
    if (last < 0 || this.clusterEnd[target] < 0) return;
    state.anchors.ends[last] = this.clusterEnd[target];
    state.inner.starts[last] = this.clusterInner[target];
  }

  /** Makes a rule's last anchor (if it has one) the cluster that further hits may join. */
  private openCluster(target: number, state: RuleState): void {
    const last = state.anchors.length - 1;
    if (last < 0) return;
    this.clusterEnd[target] = state.anchors.ends[last];
    this.clusterInner[target] = state.inner.starts[last];
  }

  /** Closes every rule's last cluster once the automaton pass is over. */
  private closeClusters(): void {
    const { clusterEnd, states } = this;
    for (let target = 0; target < clusterEnd.length; target += 1) {
      if (clusterEnd[target] >= 0) this.closeCluster(target, states[target]);
    }
  }

  /** Records the searched tokens that end at `end` and whose edges fit. */
  private searched(tokens: TokenSpec[], end: number): void {
    for (const token of tokens) {
      const start = end - token.units.length;
      if (this.edgesFit(token.edges, start, end)) {
        this.searchFound.push(start, token.extendWord ? this.wordEnd(end) : end);
      }
    }
  }

  /** `tokenEnd`: where the token ends; `end`: where the hit ends (past an open-ended word). */
  private anchor(
    compiled: CompiledRule,
    state: RuleState,
    start: number,
    tokenEnd: number,
    end: number,
  ): void {
    const { shape } = compiled;
    if (shape) {
      // A shape reads on from the token itself (a key's tail follows its prefix).
      const line = shape.kind === 'sql-concatenation' ? this.regions.lineEnd(tokenEnd) : 0;
      const shapeEnd = matchShape(shape, this.text, start, tokenEnd, line);
      state.scannedUntil = Math.abs(shapeEnd);
      if (shapeEnd > 0) state.found.merge(start, shapeEnd);
    } else if (compiled.constrained) {
      const { anchors, inner } = state;
      const last = anchors.length - 1;
      if (compiled.endOnly && last >= 0 && anchors.ends[last] === end) {
        if (start < anchors.starts[last]) anchors.starts[last] = start;
      } else {
        anchors.push(start, end);
        inner.push(start, end);
      }
    } else {
      state.found.merge(start, end);
    }
  }

  /** Word and path boundaries at both ends of a token found at [start, end) (`edges`: its bits). */
  private edgesFit(edges: number, start: number, end: number): boolean {
    const { units, length } = this.text;
    if (start > 0 && (edges & STARTS) !== 0) {
      const before = units[start - 1];
      if ((edges & WORD_START) !== 0 && isWordUnit(before)) return false;
      if ((edges & PATH_START) !== 0 && (isPathUnit(before) || before === 46)) return false;
    }
    if (end < length && (edges & ENDS) !== 0) {
      const after = units[end];
      if ((edges & WORD_END) !== 0 && isWordUnit(after)) return false;
      if ((edges & PATH_END) !== 0) {
        if (isPathUnit(after)) return false;
        // `.bak` continues the name; a full stop ending a sentence does not.
        if (after === 46 && end + 1 < length && isWordUnit(units[end + 1])) return false;
      }
    }
    return true;
  }

  /** The anchor's own conditions: characters around it, longer tokens it is part of. */
  private anchorFits(ref: TokenSpec, start: number, stop: number): boolean {
    const { units, length } = this.text;
    if (start > 0 && holds(ref.notPrecededBy, units[start - 1])) return false;
    if (stop < length && holds(ref.notFollowedBy, units[stop])) return false;
    for (const { units: longer, offset, matched } of ref.except) {
      const from = start - offset;
      if (from < 0 || from + longer.length > length) continue;
      // The anchor's own units match already: what comes before them, then after.
      let k = 0;
      while (k < offset && units[from + k] === longer[k]) k += 1;
      if (k < offset) continue;
      k = offset + matched;
      while (k < longer.length && units[from + k] === longer[k]) k += 1;
      if (k === longer.length) return false;
    }
    return true;
  }

  private wordEnd(from: number): number {
    const { units, length } = this.text;
    let end = from;
    const limit = Math.min(length, from + MAX_WORD_EXTENSION);
    while (end < limit && isWordUnit(units[end])) end += 1;
    return end;
  }

  /**
   * Whether the text holds an occurrence of every near constraint that is not searched: if one
   * has none anywhere, no anchor of the rule can be kept, and its anchors (in dense text,
   * hundreds of thousands) are not resolved one by one.
   */
  private mayMatch(rule: CompiledRule): boolean {
    for (const constraint of rule.near) {
      if (constraint.search === undefined && this.noneFound(constraint.lists)) return false;
    }
    return true;
  }

  /** Keeps the anchors whose regions satisfy every near constraint and no unless constraint. */
  private resolve(rule: CompiledRule, state: RuleState, index: number): void {
    const limit = this.limits[index];
    const { anchors, found } = state;
    const { near, unless } = rule;
    const nearCount = near.length;
    // An unless constraint with no occurrence in the whole text holds for no anchor.
    const { unlessFound } = this;
    for (let c = 0; c < unless.length; c += 1) {
      const { search, lists } = unless[c];
      unlessFound[c] = search !== undefined || !this.noneFound(lists) ? 1 : 0;
    }
    // The check that dropped the last anchor goes first (unless constraints are 0…, near ones
    // follow): in a run of like anchors, one check then settles each, where the fixed order
    // would run every check before it.
    const checks = unless.length + nearCount;
    let lead = -1;
    for (let a = 0; a < anchors.length && !state.done(limit); a += 1) {
      const start = anchors.starts[a];
      const end = anchors.ends[a];
      // An anchor inside the last match could only merge into it.
      const last = found.length - 1;
      if (last >= 0 && start >= found.starts[last] && end <= found.ends[last]) continue;
      this.setAnchor(start, end, state.inner.starts[a], state.inner.ends[a]);
      this.keptStart = start;
      this.keptEnd = end;
      let dropped = lead >= 0 && !this.passes(rule, state, lead);
      // Then unless constraints before near ones: in text dense with anchors beside their
      // negations, most are dropped by a negation beside them.
      for (let k = 0; k < checks && !dropped; k += 1) {
        if (k !== lead && !this.passes(rule, state, k)) {
          dropped = true;
          lead = k;
        }
      }
      if (!dropped) found.merge(this.keptStart, this.keptEnd);
    }
  }

  /**
   * Whether the current anchor passes check `k` of its rule: unless constraint `k` holds no
   * occurrence for it, or near constraint `k - unless.length` does (its occurrence then widens
   * keptStart/keptEnd).
   */
  private passes(rule: CompiledRule, state: RuleState, k: number): boolean {
    const { unless } = rule;
    if (k < unless.length) {
      return (
        this.unlessFound[k] === 0 || !this.satisfied(rule, unless[k], state, rule.near.length + k)
      );
    }
    const c = k - unless.length;
    if (!this.satisfied(rule, rule.near[c], state, c)) return false;
    if (this.matchStart < this.keptStart) this.keptStart = this.matchStart;
    if (this.matchEnd > this.keptEnd) this.keptEnd = this.matchEnd;
    return true;
  }

  /**
   * The anchor (or cluster) whose regions the next checks use: [start, end), the start of its
   * last anchor and the end of its first (the same as start and end for one anchor).
   */
  private setAnchor(start: number, end: number, lastStart: number, firstEnd: number): void {
    this.anchorStart = start;
    this.anchorEnd = end;
    this.lastStart = lastStart;
    this.firstEnd = firstEnd;
  }

  /**
   * Whether an occurrence of the constraint's tokens lies in its region around the hit (then
   * `matchStart`/`matchEnd` hold it).
   */
  private satisfied(
    rule: CompiledRule,
    constraint: CompiledConstraint,
    state: RuleState,
    slot: number,
  ): boolean {
    if (!this.regionOf(constraint)) return false;
    const { region } = this;
    // Where an occurrence may lie, however the window reads: it starts and ends in the region.
    const latestStart = Math.min(region.latestStart, region.end);
    const earliestEnd = Math.max(region.earliestEnd, region.start);
    const { missed } = state;
    const m = 4 * slot;
    if (
      missed[m] >= 0 &&
      region.start >= missed[m] &&
      region.end <= missed[m + 1] &&
      latestStart <= missed[m + 2] &&
      earliestEnd >= missed[m + 3]
    ) {
      return false;
    }
    this.overlapped = false;
    if (this.occurs(rule, constraint, state, slot)) return true;
    // Not when an occurrence was passed over for overlapping this anchor: another would keep it.
    if (!this.overlapped) {
      missed[m] = region.start;
      missed[m + 1] = region.end;
      missed[m + 2] = latestStart;
      missed[m + 3] = earliestEnd;
    }
    return false;
  }

  /** `satisfied` once the region is known (searched or listed occurrences). */
  private occurs(
    rule: CompiledRule,
    constraint: CompiledConstraint,
    state: RuleState,
    slot: number,
  ): boolean {
    const cursor = rule.cursorBase[slot];
    if (constraint.search) {
      const searched = state.searched[slot];
      const { end } = this.region;
      let step = SEARCH_STEP;
      let until = Math.min(end, this.region.start + step);
      for (;;) {
        this.search(constraint, searched, state, cursor, until);
        if (this.inside(constraint, searched.found, state.cursors, cursor)) return true;
        if (until >= end) return false;
        step *= 2;
        until = Math.min(end, until + step);
      }
    }
    if (this.anyDeferred) return this.satisfiedDeferred(constraint, state, cursor);
    const { lists } = constraint;
    for (let l = 0; l < lists.length; l += 1) {
      if (this.inside(constraint, this.nearFound[lists[l]], state.cursors, cursor + l)) return true;
    }
    return false;
  }

  /** `satisfied` for listed occurrences while some lists are deferred (kept out of its loop). */
  private satisfiedDeferred(
    constraint: CompiledConstraint,
    state: RuleState,
    cursor: number,
  ): boolean {
    const { lists } = constraint;
    for (let l = 0; l < lists.length; l += 1) {
      const list = lists[l];
      if (this.deferred[list] === 1) {
        if (this.slices < MAX_SLICES) {
          this.slices += 1;
          if (this.insideSlice(constraint, list)) return true;
          continue;
        }
        this.recordDeferred();
      }
      if (this.inside(constraint, this.nearFound[list], state.cursors, cursor + l)) return true;
    }
    return false;
  }

  /** Whether the text holds no occurrence of these near lists at all. */
  private noneFound(lists: number[]): boolean {
    const { deferred, nonEmpty, nearFound } = this;
    for (let l = 0; l < lists.length; l += 1) {
      const list = lists[l];
      if (deferred[list] === 1 ? nonEmpty[list] === 1 : nearFound[list].length > 0) return false;
    }
    return true;
  }

  /** Whether an occurrence in `spans` lies inside the current region (sets matchStart/End). */
  private inside(
    constraint: CompiledConstraint,
    spans: SpanList,
    cursors: Int32Array,
    cursorIndex: number,
  ): boolean {
    const { region } = this;
    // The cursor rests on the first occurrence that ends inside or after the region; regions
    // of successive anchors move forward, up to an anchor's length back.
    let cursor = cursors[cursorIndex];
    while (cursor > 0 && spans.ends[cursor - 1] > region.start) cursor -= 1;
    while (cursor < spans.length && spans.ends[cursor] <= region.start) cursor += 1;
    cursors[cursorIndex] = cursor;
    for (let k = cursor; k < spans.length; k += 1) {
      const spanStart = spans.starts[k];
      const spanEnd = spans.ends[k];
      if (spanEnd - constraint.maxLength > region.end) break;
      if (spanStart < region.start || spanEnd > region.end) continue;
      if (spanStart > region.latestStart || spanEnd < region.earliestEnd) continue;
      // A near token is another word than the anchor: it may not overlap it (for a cluster,
      // its first or its last anchor; tokens between them are near both).
      if (
        (spanEnd > this.anchorStart && spanStart < this.firstEnd) ||
        (spanEnd > this.lastStart && spanStart < this.anchorEnd)
      ) {
        this.overlapped = true;
        continue;
      }
      this.matchStart = spanStart;
      this.matchEnd = spanEnd;
      return true;
    }
    return false;
  }

  /**
   * Records a searched constraint's occurrences in the current region, up to `until`, that
   * were not searched yet.
   */
  private search(
    constraint: CompiledConstraint,
    searched: SearchedSpans,
    state: RuleState,
    cursor: number,
    until: number,
  ): void {
    const { start } = this.region;
    let to = until;
    // One searched stretch per constraint: a region before it, or far past it, starts a new
    // one (nothing was searched there); a region that runs on from it, or starts a little
    // after it, extends it. Each search reads a little further ahead than asked, so hits
    // close together do not each start a search of a few characters.
    if (searched.to < 0 || start < searched.from || start > searched.to + SEARCH_AHEAD) {
      searched.restart(start);
      state.cursors[cursor] = 0;
    } else if (to <= searched.to) {
      return;
    } else {
      // A stretch extended again and again (anchors close together along the text) reads
      // further ahead each time, so it is searched in a few long calls, not one per anchor.
      searched.ahead = Math.min(MAX_SEARCH_AHEAD, searched.ahead * 2);
    }
    to = Math.min(this.text.length, Math.max(to, searched.to + searched.ahead));
    const tokens = constraint.search;
    if (!tokens) return;
    // Start a token's length early, so a token across the old end is found once.
    const from = Math.max(searched.from, searched.to - constraint.maxLength + 1);
    this.searchSpecs = tokens.specs;
    this.searchFound = searched.found;
    tokens.automaton.scanRange(this.text.units, from, to, searched.to, this);
    this.searchSpecs = null;
    searched.to = to;
  }

  /**
   * The region of a constraint around the current anchor: for a cluster, the union of its
   * anchors' windows (from its first anchor's end, or its start, to its last anchor's start,
   * or its end).
   */
  private regionOf(constraint: CompiledConstraint): boolean {
    const { region, regions, anchorStart: start, anchorEnd: end } = this;
    if (constraint.scope === 'call') return regions.callArguments(end, constraint.window, region);
    if (constraint.scope === 'line') {
      regions.commandLine(end, constraint.window, region);
      return true;
    }
    const { window, maxLength, order } = constraint;
    region.start = order === 'after' ? this.firstEnd : start - window - maxLength;
    region.end = order === 'before' ? this.lastStart : end + window + maxLength;
    region.latestStart = order === 'before' ? this.lastStart : end + window;
    region.earliestEnd = order === 'after' ? this.firstEnd : start - window;
    if (constraint.sameLine) {
      // A cluster may run over several lines: from its first anchor's line to its last's.
      region.start = Math.max(region.start, regions.lineStart(start));
      region.end = Math.min(region.end, regions.lineEnd(this.lastStart));
    }
    if (constraint.sameSentence) {
      region.start = regions.sentenceStart(start, Math.max(0, region.start));
      region.end = regions.sentenceEnd(end, Math.min(this.text.length, region.end));
    }
    if (region.start < 0) region.start = 0;
    if (region.end > this.text.length) region.end = this.text.length;
    return region.start < region.end;
  }
}
