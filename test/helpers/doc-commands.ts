/**
 * The shell commands of a Markdown file's ```sh blocks, one per logical line: backslash continuations
 * joined, comments and blank lines dropped. What test/deploy/doc-commands.test.ts checks a newcomer's
 * copy-and-paste against.
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './fixture-path';

export interface DocCommand {
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  /** The `##` section it is under. */
  section: string;
  text: string;
}

/** Drops a trailing `# comment` outside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i).trimEnd();
  }
  return line;
}

export function docCommands(relativeFile: string): DocCommand[] {
  const lines = fs.readFileSync(path.join(REPO_ROOT, relativeFile), 'utf8').split('\n');
  const out: DocCommand[] = [];
  let section = '';
  let inSh = false;
  let pending: DocCommand | undefined;
  lines.forEach((raw, i) => {
    if (!inSh && raw.startsWith('## ')) section = raw.slice(3).trim();
    if (/^```(sh|bash|shell)\s*$/.test(raw)) return void (inSh = true);
    if (inSh && raw.startsWith('```')) return void ((inSh = false), (pending = undefined));
    if (!inSh) return;
    const text = stripComment(raw);
    if (pending) pending.text += ' ' + text.replace(/\\$/, '').trim();
    else if (text.trim())
      out.push((pending = { file: relativeFile, line: i + 1, section, text: text.replace(/\\$/, '').trim() }));
    if (!text.endsWith('\\')) pending = undefined;
  });
  return out;
}
