import type { ContentFile } from './content';

const FILE_HEADER = /^diff --git a\/(.+) b\/(.+)$/;
const NEW_PATH = /^\+\+\+ (?:b\/(.+)|\/dev\/null)$/;
const HUNK = /^@@ -[\d,]+ \+(\d+)[\d,]* @@/;

/**
 * The files a unified diff touches, each with its ADDED lines and their line numbers in the
 * new version: what is worth locating findings in (removed lines no longer exist).
 */
export function filesOfDiff(diff: string): ContentFile[] {
  const files: { path: string; added: string[]; lines: number[] }[] = [];
  let current: (typeof files)[number] | undefined;
  let inHunk = false;
  let next = 0;
  for (const line of diff.split('\n')) {
    const header = FILE_HEADER.exec(line);
    if (header) {
      current = { path: header[2], added: [], lines: [] };
      files.push(current);
      inHunk = false;
      continue;
    }
    if (!current) continue;
    if (!inHunk) {
      const target = NEW_PATH.exec(line);
      if (target) {
        if (target[1] === undefined) files.splice(files.indexOf(current), 1);
        else current.path = target[1];
        continue;
      }
    }
    const hunk = HUNK.exec(line);
    if (hunk) {
      inHunk = true;
      next = Number(hunk[1]);
      continue;
    }
    if (!inHunk) continue;
    if (line.startsWith('+')) {
      current.added.push(line.slice(1));
      current.lines.push(next++);
    } else if (line.startsWith(' ')) {
      next += 1;
    }
  }
  return files
    .filter((f) => f.added.length > 0)
    .map((f) => ({ path: f.path, text: f.added.join('\n'), lines: f.lines }));
}
