import type * as LezerPromql from '@prometheus-io/lezer-promql' with {
  'resolution-mode': 'import',
};

// The package declares its types as an ES module; Jest loads its CommonJS build.
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

type Node = ReturnType<typeof parser.parse>['topNode'];

/** The label names each series name has; undefined for a name nobody emits. */
export type LabelCatalog = (seriesName: string) => ReadonlySet<string> | undefined;

/** What an expression reads: its series names, and what is wrong with it. */
export interface ExpressionReport {
  metrics: string[];
  problems: string[];
}

/**
 * An instant vector's label names. A scalar or a string has none to speak of, and what an
 * unknown series has is unknown: neither is checked further, so one mistake is reported once.
 */
type Value = { kind: 'vector'; labels: Set<string> } | { kind: 'scalar' } | { kind: 'unknown' };

const SCALAR: Value = { kind: 'scalar' };
const UNKNOWN: Value = { kind: 'unknown' };
const vector = (labels: Iterable<string>): Value => ({ kind: 'vector', labels: new Set(labels) });
/** Aggregations whose first argument is a parameter and that keep their input's labels. */
const KEEPS_LABELS = new Set(['Topk', 'Bottomk', 'LimitK', 'LimitRatio']);
const WITH_PARAMETER = new Set([...KEEPS_LABELS, 'Quantile', 'CountValues']);
/** Functions that return a scalar or no series labels. */
const SCALAR_FUNCTIONS = new Set(['Scalar', 'Time', 'Pi']);

/**
 * Reads a PromQL expression with Prometheus' own grammar (@prometheus-io/lezer-promql) and
 * follows the label names through it: every series name must be in the catalog, and every
 * label the expression filters by (`{type="…"}`), groups by (`by`, `without`), matches on
 * (`on`, `ignoring`, `group_left`) or needs (`le` in histogram_quantile) must be a label of the
 * series that reach that point.
 */
export function readExpression(expr: string, catalog: LabelCatalog): ExpressionReport {
  const tree = parser.parse(expr);
  const metrics = new Set<string>();
  const problems: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError && problems.length === 0) {
        problems.push(`does not parse at offset ${node.from}`);
      }
    },
  });
  if (problems.length > 0) return { metrics: [], problems };

  const text = (node: Node): string => expr.slice(node.from, node.to);
  const exprChildren = (node: Node | null): Node[] => {
    const out: Node[] = [];
    for (let child = node?.firstChild ?? null; child; child = child.nextSibling) {
      if (child.type.is('Expr')) out.push(child);
    }
    return out;
  };
  const labelNames = (grouping: Node | null): string[] =>
    grouping ? grouping.getChildren('LabelName').map(text) : [];
  const expectLabels = (labels: string[], value: Value, where: string): void => {
    if (value.kind !== 'vector') return;
    for (const label of labels) {
      if (!value.labels.has(label)) problems.push(`${where}: no series there has label ${label}`);
    }
  };

  const selector = (node: Node): Value => {
    const identifier = node.getChild('Identifier');
    if (!identifier) {
      problems.push(`${text(node)}: a selector without a metric name`);
      return UNKNOWN;
    }
    const name = text(identifier);
    metrics.add(name);
    const labels = catalog(name);
    if (!labels) {
      problems.push(`${name}: not a series the app emits, nor a listed external one`);
      return UNKNOWN;
    }
    const matchers = node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [];
    const filtered = matchers.map((m) => text(m.getChild('LabelName')!));
    expectLabels(filtered, vector(labels), `${name}{…}`);
    return vector(labels);
  };

  const aggregate = (node: Node): Value => {
    const op = node.getChild('AggregateOp')!.firstChild!.name;
    const args = exprChildren(node.getChild('FunctionCallBody'));
    const input = infer(args[args.length - 1]);
    if (WITH_PARAMETER.has(op)) infer(args[0]);
    const modifier = node.getChild('AggregateModifier');
    const grouping = labelNames(modifier?.getChild('GroupingLabels') ?? null);
    expectLabels(grouping, input, modifier ? `${text(node.firstChild!)} ${text(modifier)}` : op);
    if (KEEPS_LABELS.has(op)) return input;
    if (op === 'CountValues') {
      const label = JSON.parse(text(args[0])) as string;
      return vector([...grouping, label]);
    }
    if (modifier?.getChild('Without')) {
      return input.kind === 'vector'
        ? vector([...input.labels].filter((l) => !grouping.includes(l)))
        : UNKNOWN;
    }
    return vector(modifier ? grouping : []);
  };

  const call = (node: Node): Value => {
    const fn = node.getChild('FunctionIdentifier')!.firstChild!.name;
    const argNodes = exprChildren(node.getChild('FunctionCallBody'));
    const args = argNodes.map(infer);
    const firstVector = args.find((a) => a.kind !== 'scalar');
    if (SCALAR_FUNCTIONS.has(fn)) return SCALAR;
    if (fn === 'Vector') return vector([]);
    if (fn === 'HistogramQuantile' || fn === 'HistogramFraction') {
      const histogram = args[args.length - 1];
      expectLabels(['le'], histogram, `${text(node.getChild('FunctionIdentifier')!)}(…)`);
      return histogram.kind === 'vector'
        ? vector([...histogram.labels].filter((l) => l !== 'le'))
        : histogram;
    }
    if (fn === 'LabelReplace' || fn === 'LabelJoin') {
      const input = args[0];
      const [destination, ...rest] = argNodes.slice(1).map((a) => JSON.parse(text(a)) as string);
      const sources = fn === 'LabelReplace' ? [rest[2]] : rest.slice(1);
      expectLabels(
        sources.filter((s) => s),
        input,
        text(node.getChild('FunctionIdentifier')!),
      );
      return input.kind === 'vector' ? vector([...input.labels, destination]) : input;
    }
    return firstVector ?? SCALAR;
  };

  const binary = (node: Node): Value => {
    const [left, right] = exprChildren(node).map(infer);
    let operator = '';
    for (let child = node.firstChild; child; child = child.nextSibling) {
      if (!child.type.is('Expr') && !operator && child.name !== 'BoolModifier') {
        operator = child.name;
      }
    }
    const matching = node.getChild('MatchingModifierClause');
    if (matching) {
      const [on, extra] = matching.getChildren('GroupingLabels').map(labelNames);
      const where = text(matching);
      expectLabels(on, left, where);
      expectLabels(on, right, where);
      if (extra) expectLabels(extra, matching.getChild('GroupLeft') ? right : left, where);
      if (left.kind === 'vector' && matching.getChild('GroupLeft')) {
        return vector([...left.labels, ...(extra ?? [])]);
      }
      if (right.kind === 'vector' && matching.getChild('GroupRight')) {
        return vector([...right.labels, ...(extra ?? [])]);
      }
    }
    if (left.kind === 'scalar') return right;
    if (right.kind === 'scalar') return left;
    if (left.kind === 'unknown' || right.kind === 'unknown') return UNKNOWN;
    // `or` yields series of either side; every other operator keeps the left side's labels.
    return operator === 'Or' ? vector([...left.labels, ...right.labels]) : left;
  };

  function infer(node: Node): Value {
    switch (node.name) {
      case 'VectorSelector':
        return selector(node);
      case 'AggregateExpr':
        return aggregate(node);
      case 'FunctionCall':
        return call(node);
      case 'BinaryExpr':
        return binary(node);
      case 'NumberDurationLiteral':
      case 'StringLiteral':
        return SCALAR;
      default: {
        // Parentheses, offsets, `@`, ranges, subqueries and unary minus keep their labels.
        const inner = exprChildren(node);
        return inner.length > 0 ? infer(inner[0]) : SCALAR;
      }
    }
  }

  const top = exprChildren(tree.topNode);
  if (top.length !== 1) problems.push('not a single expression');
  else infer(top[0]);
  return { metrics: [...metrics].sort(), problems };
}
