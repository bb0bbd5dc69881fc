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
    let budget = maxBytes;
    const addText = (raw: string): void => {
      if (budget <= 0) {
        out.truncated = true;
        return;
      }
      let text = this.clean(raw, out, origin);
      if (Buffer.byteLength(text, 'utf8') > budget) {
        text = Buffer.from(text, 'utf8')
          .subarray(0, budget)
          .toString('utf8')
          .replace(/\uFFFD$/, '');
        out.truncated = true;
      }
      budget -= Buffer.byteLength(text, 'utf8');
      out.content.push({ type: 'text', text });
    };
    for (const item of result.content ?? []) {
      switch (item.type) {
        case 'text':
          addText(item.text);
          break;
        case 'image':
        case 'audio':
          if (MEDIA_TYPES.test(item.mimeType) && item.data.length <= budget) {
            budget -= item.data.length;
            out.content.push({ type: item.type, data: item.data, mimeType: item.mimeType });
          } else {
            out.truncated = true;
          }
          break;
        case 'resource':
          if ('text' in item.resource && typeof item.resource.text === 'string')
            addText(item.resource.text);
          else out.truncated = true;
          break;
        case 'resource_link':
          addText(`[resource ${item.name}: ${String(item.uri).slice(0, 512)}]`);
          break;
        default:
          out.truncated = true;
      }
    }
    if (result.structuredContent && typeof result.structuredContent === 'object') {
      const json = JSON.stringify(result.structuredContent);
      if (Buffer.byteLength(json, 'utf8') <= budget) {
        const cleaned = this.clean(json, out, origin);
        try {
          out.structuredContent = JSON.parse(cleaned) as Record<string, unknown>;
        } catch {
          out.truncated = true;
        }
      } else {
        out.truncated = true;
      }
    }
    if (out.truncated)
      out.content.push({
        type: 'text',
        text: '[result cut by the proxy: size limit or unsupported content]',
      });
    return out;
  }

  private clean(text: string, out: SanitizedResult, origin: CallOrigin): string {
    const scan = this.detector.scan(text, 'mcp-result');
    this.attempts.report(scan.findings, {
      ...origin,
      channel: 'mcp-result',
      eventType: 'SUSPICIOUS_MCP_RESULT',
      payload: text,
    });
    for (const f of scan.findings) {
      if (out.flags.length < 50)
        out.flags.push({ rule: f.rule, category: f.category, action: f.action });
    }
    if (scan.verdict === 'block') {
      out.blocked = true;
      return '[withheld by the proxy: the result carried a blocked pattern]';
    }
    const stripped = stripInvisible(scan.redacted ?? text);
    for (const kind of stripped.found) {
      if (out.flags.length < 50)
        out.flags.push({
          rule: `invisible-text.${kind}`,
          category: 'invisible-text',
          action: 'strip',
        });
    }
    return stripped.text;
  }
}
