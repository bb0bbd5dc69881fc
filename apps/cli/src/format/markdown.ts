import type { Analysis } from '../api/types';

const cell = (value: unknown): string =>
  String(value ?? '')
    .replace(/\|/g, '\\|')
    .replace(/\s+/g, ' ')
    .trim() || '—';
const fixed = (n: number | undefined, digits = 2) =>
  typeof n === 'number' ? n.toFixed(digits) : '—';

function table(head: string[], rows: unknown[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

/** A human summary for a pull-request comment or a job log. */
export function toMarkdown(analysis: Analysis): string {
  const lines = [
    '# TechSapo analysis',
    '',
    `Analysis \`${analysis.id}\` · mode **${analysis.mode}** · status **${analysis.status}**`,
  ];
  const result = analysis.result;
  if (analysis.error) {
    const e = analysis.error;
    lines.push(
      '',
      '## Error',
      '',
      `**${cell(e.title)}**${e.detail ? `: ${e.detail}` : ''} (\`${e.type}\`)`,
    );
  }
  if (!result) {
    if (!analysis.error) lines.push('', 'No result yet.');
    return `${lines.join('\n')}\n`;
  }
  lines.push(
    '',
    '## Answer',
    '',
    result.answer.trim(),
    '',
    '## Consensus',
    '',
    ...table(
      ['verdict', 'consensus', 'level', 'method', 'confidence', 'degraded'],
      [
        [
          `${result.verdict} (${result.task})`,
          fixed(result.consensus.score),
          result.consensus.level,
          result.consensus.method,
          fixed(result.confidence),
          result.degraded ? 'yes' : 'no',
        ],
      ],
    ),
  );
  const signals = [...result.consensus.signals, ...result.confidenceSignals];
  if (signals.length > 0) {
    lines.push(
      '',
      'Measured from the peers’ own answers:',
      '',
      ...table(
        ['signal', 'value', 'weight'],
        signals.map((s) => [
          s.name,
          s.value === null ? 'not measured' : fixed(s.value, 3),
          s.weight,
        ]),
      ),
    );
  }
  const claims = result.aggregatorClaims;
  if (result.aggregator) {
    const said = claims
      ? `; it claimed agreement ${fixed(claims.agreement)}, confidence ${fixed(claims.confidence)}, verdict ${claims.verdict ?? '—'} (claims, not measurements)`
      : '';
    lines.push(
      '',
      `Written by ${result.aggregator.provider}${result.aggregator.fallback ? ' (fallback)' : ''}${said}.`,
    );
  }
  if (result.degraded || result.degradedReasons.length > 0) {
    lines.push('', '### Degraded', '', ...result.degradedReasons.map((r) => `- ${cell(r)}`));
  }
  lines.push(
    '',
    '## Providers',
    '',
    ...table(
      [
        'provider',
        'model',
        'status',
        'verdict',
        'findings',
        'latency (ms)',
        'tokens in / out',
        'cost (USD)',
      ],
      result.providers.map((p) => [
        p.name,
        p.model,
        [
          p.error ? `${p.status}: ${p.error}` : p.status,
          p.excluded ? `excluded: ${p.excluded}` : '',
        ]
          .filter(Boolean)
          .join('; '),
        p.answer?.verdict,
        p.answer?.findings.length,
        Math.round(p.latencyMs),
        `${p.usage.inputTokens} / ${p.usage.outputTokens}`,
        fixed(p.usage.costUsd, 4),
      ]),
    ),
  );
  if (result.dissent.length > 0) {
    lines.push('', '## Dissent', '', ...result.dissent.map((d) => `- ${cell(d)}`));
  }
  // Attempts and secrets are security findings; risks are notes on the code under review.
  const flags = result.security.flags.filter((f) => f.kind !== 'risk');
  const risks = result.security.flags.filter((f) => f.kind === 'risk');
  lines.push('', '## Security flags', '');
  if (flags.length === 0) lines.push('None: no attempt on the service, no credential.');
  else {
    lines.push(
      ...table(
        ['kind', 'rule', 'category', 'severity', 'action', 'source'],
        flags.map((f) => [f.kind, f.rule, f.category, f.severity, f.action, f.source]),
      ),
    );
  }
  if (risks.length > 0) {
    lines.push(
      '',
      '## Risk notes',
      '',
      'Risky patterns in the code under review: informational, not attacks.',
      '',
      ...table(
        ['rule', 'category', 'source'],
        risks.map((f) => [f.rule, f.category, f.source]),
      ),
    );
  }
  lines.push(
    '',
    `Usage: ${result.usage.inputTokens} input and ${result.usage.outputTokens} output tokens, ` +
      `${fixed(result.usage.costUsd, 4)} USD.`,
  );
  return `${lines.join('\n')}\n`;
}
