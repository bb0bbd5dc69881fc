import { Injectable } from '@nestjs/common';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ContentDetector } from '@techsapo/detector';
import { AttemptReporter } from '@techsapo/security';
import type { CallOrigin } from '../proxy/call-context';
import { stripInvisible } from '../text/invisible-text';

export interface ResultFlag {
  rule: string;
  category: string;
  action: string;
}

export interface SanitizedResult {
  content: (
    { type: 'text'; text: string } | { type: 'image' | 'audio'; data: string; mimeType: string }
  )[];
  isError: boolean;
  structuredContent?: Record<string, unknown>;
  flags: ResultFlag[];
  truncated: boolean;
  blocked: boolean;
}

const MEDIA_TYPES = /^(image\/(png|jpeg|gif|webp)|audio\/(wav|mpeg|ogg))$/;

/**
 * Results are data, never instructions or code: only text (and plain images/audio) pass;
 * embedded resources become their text, links a line of text, anything else is dropped.
 * Text is scanned on the `mcp-result` channel: secrets redacted, prompt injection and code
 * flagged (in `_meta` for MCP clients, `securityFlags` on REST); a self-modification payload
 * withholds the text. Invisible and bidirectional characters (tag characters that spell hidden
 * text, bidi controls, zero-width) are stripped and flagged (`invisible-text`); the detector
 * reads what tag characters spell before they go. Each text's attempts are reported as
 * security events. The whole result is cut at the configured size.
 */
@Injectable()
export class ResultSanitizer {
  constructor(
    private readonly detector: ContentDetector,
    private readonly attempts: AttemptReporter,
  ) {}

  sanitize(result: CallToolResult, maxBytes: number, origin: CallOrigin): SanitizedResult {
    const out: SanitizedResult = {
      content: [],
      isError: result.isError === true,
      flags: [],
      truncated: false,
      blocked: false,
    };
    const budget = new ByteBudget(maxBytes);
    for (const item of result.content ?? []) this.addContent(item, out, budget, origin);
    this.addStructured(result.structuredContent, out, budget, origin);
    if (out.truncated) out.content.push({ type: 'text', text: CUT_NOTICE });
    return out;
  }

  /**
   * Short texts an upstream suggests (completion values), each cleaned like result text: a
   * value carrying a blocked pattern is dropped, the rest redacted and stripped, all of them
   * within the size limit.
   */
  sanitizeValues(
    values: string[],
    maxBytes: number,
    origin: CallOrigin,
  ): { values: string[]; flags: ResultFlag[]; truncated: boolean } {
    const budget = new ByteBudget(maxBytes);
    const kept: string[] = [];
    const flags: ResultFlag[] = [];
    for (const value of values) {
      const verdict = this.clean(value, origin);
      flags.push(...verdict.flags);
      if (verdict.blocked) continue;
      if (!budget.fits(verdict.text))
        return { values: kept, flags: flags.slice(0, MAX_FLAGS), truncated: true };
      budget.spend(verdict.text);
      kept.push(verdict.text);
    }
    return { values: kept, flags: flags.slice(0, MAX_FLAGS), truncated: false };
  }

  /** One content item: text passes cleaned, plain media within the budget, the rest is cut. */
  private addContent(
    item: ContentItem,
    out: SanitizedResult,
    budget: ByteBudget,
    origin: CallOrigin,
  ): void {
    switch (item.type) {
      case 'text':
        return this.addText(item.text, out, budget, origin);
      case 'image':
      case 'audio':
        return addMedia(item, out, budget);
      case 'resource':
        if ('text' in item.resource && typeof item.resource.text === 'string')
          return this.addText(item.resource.text, out, budget, origin);
        out.truncated = true;
        return;
      case 'resource_link':
        return this.addText(
          `[resource ${item.name}: ${String(item.uri).slice(0, 512)}]`,
          out,
          budget,
          origin,
        );
      default:
        out.truncated = true;
    }
  }

  private addText(raw: string, out: SanitizedResult, budget: ByteBudget, origin: CallOrigin): void {
    if (budget.spent) {
      out.truncated = true;
      return;
    }
    const text = this.cleanInto(raw, out, origin);
    const kept = budget.cut(text);
    if (kept !== text) out.truncated = true;
    budget.spend(kept);
    out.content.push({ type: 'text', text: kept });
  }

  /** Structured content is cleaned as JSON text; what does not fit or parse after cleaning is cut. */
  private addStructured(
    structured: unknown,
    out: SanitizedResult,
    budget: ByteBudget,
    origin: CallOrigin,
  ): void {
    if (!structured || typeof structured !== 'object') return;
    const json = JSON.stringify(structured);
    if (!budget.fits(json)) {
      out.truncated = true;
      return;
    }
    try {
      out.structuredContent = JSON.parse(this.cleanInto(json, out, origin)) as Record<
        string,
        unknown
      >;
    } catch {
      out.truncated = true;
    }
  }

  /** Cleans a text and records its verdict on the result. */
  private cleanInto(text: string, out: SanitizedResult, origin: CallOrigin): string {
    const verdict = this.clean(text, origin);
    for (const flag of verdict.flags) if (out.flags.length < MAX_FLAGS) out.flags.push(flag);
    if (verdict.blocked) {
      out.blocked = true;
      return WITHHELD;
    }
    return verdict.text;
  }

  /**
   * The detector's verdict on one text (its attempts reported), then invisible and
   * bidirectional characters stripped from what passes.
   */
  private clean(
    text: string,
    origin: CallOrigin,
  ): { text: string; flags: ResultFlag[]; blocked: boolean } {
    const scan = this.detector.scan(text, 'mcp-result');
    this.attempts.report(scan.findings, {
      ...origin,
      channel: 'mcp-result',
      eventType: 'SUSPICIOUS_MCP_RESULT',
      payload: text,
    });
    const flags: ResultFlag[] = scan.findings.map((f) => ({
      rule: f.rule,
      category: f.category,
      action: f.action,
    }));
    if (scan.verdict === 'block') return { text: WITHHELD, flags, blocked: true };
    const stripped = stripInvisible(scan.redacted ?? text);
    for (const kind of stripped.found)
      flags.push({ rule: `invisible-text.${kind}`, category: 'invisible-text', action: 'strip' });
    return { text: stripped.text, flags, blocked: false };
  }
}

type ContentItem = NonNullable<CallToolResult['content']>[number];

const MAX_FLAGS = 50;
const WITHHELD = '[withheld by the proxy: the result carried a blocked pattern]';
const CUT_NOTICE = '[result cut by the proxy: size limit or unsupported content]';

function addMedia(
  item: { type: 'image' | 'audio'; data: string; mimeType: string },
  out: SanitizedResult,
  budget: ByteBudget,
): void {
  if (MEDIA_TYPES.test(item.mimeType) && item.data.length <= budget.left) {
    budget.spendBytes(item.data.length);
    out.content.push({ type: item.type, data: item.data, mimeType: item.mimeType });
  } else {
    out.truncated = true;
  }
}

/** What is left of a result's size limit, in UTF-8 bytes. */
class ByteBudget {
  constructor(public left: number) {}

  get spent(): boolean {
    return this.left <= 0;
  }

  fits(text: string): boolean {
    return Buffer.byteLength(text, 'utf8') <= this.left;
  }

  /** The text, or its longest prefix that fits (never half a character). */
  cut(text: string): string {
    if (this.fits(text)) return text;
    return Buffer.from(text, 'utf8')
      .subarray(0, Math.max(0, this.left))
      .toString('utf8')
      .replace(/\uFFFD$/, '');
  }

  spend(text: string): void {
    this.spendBytes(Buffer.byteLength(text, 'utf8'));
  }

  spendBytes(bytes: number): void {
    this.left -= bytes;
  }
}
