import type { Prompt, ResourceTemplate, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createHash } from 'node:crypto';
import { canonicalJson } from '@techsapo/core';

/** What a client relies on when it decides to call a tool: all of it is pinned. */
export function toolDefinition(tool: Tool): Record<string, unknown> {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: tool.inputSchema,
    outputSchema: tool.outputSchema,
    annotations: tool.annotations,
  };
}

export function definitionHash(tool: Tool): string {
  return digest(toolDefinition(tool));
}

/** A prompt's definition, pinned like a tool's: what a client relies on when it uses it. */
export function promptHash(prompt: Prompt): string {
  return digest({
    name: prompt.name,
    title: prompt.title,
    description: prompt.description,
    arguments: prompt.arguments,
  });
}

/** A resource template's definition, pinned like a tool's: the URIs it lets a client read. */
export function templateHash(template: ResourceTemplate): string {
  return digest({
    uriTemplate: template.uriTemplate,
    name: template.name,
    title: template.title,
    description: template.description,
    mimeType: template.mimeType,
  });
}

function digest(definition: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex');
}
