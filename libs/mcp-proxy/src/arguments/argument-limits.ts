/** MCP3: limits on what a tool call may carry. */
export const MAX_ARGUMENT_BYTES = 2048;
export const MAX_URI_LENGTH = 512;

/** MCP2: argument names that carry commands or scripts: refused wherever they appear. */
export const COMMAND_NAMES = new Set([
  'command',
  'commands',
  'cmd',
  'script',
  'scripts',
  'shell',
  'exec',
  'execute',
  'eval',
  'code',
  'program',
  'executable',
  'binary',
  'interpreter',
  'argv',
  'shellcommand',
  'runcommand',
  'bash',
  'sh',
  'powershell',
  'javascript',
  'python',
]);

/** Names of arguments that hold a file path (IV4, MCP2). */
export const PATH_NAMES = new Set([
  'path',
  'paths',
  'source',
  'sources',
  'destination',
  'dest',
  'file',
  'files',
  'filepath',
  'filepaths',
  'filename',
  'filenames',
  'dir',
  'dirs',
  'directory',
  'directories',
  'folder',
  'root',
  'roots',
  'uri',
  'uris',
  'cwd',
  'workdir',
  'workingdirectory',
  'target',
  'location',
]);

/** Names of arguments that hold a resource URI or URL (MCP3: at most 512 characters). */
export const URI_NAMES = new Set([
  'uri',
  'uris',
  'url',
  'urls',
  'href',
  'link',
  'resource',
  'resourceuri',
]);

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[_\-.\s]/g, '');
}
