/**
 * The one way a failed zod parse is put into words: OpenAI's `param` spelling (`messages[0].content`) for
 * where, and zod's own message for what. Request errors, config and files, manifests and upstream answers
 * all read their first issue through here, so a path is written the same way in every message.
 */
import type { z } from 'zod';

export type Issue = z.core.$ZodIssue;

/** zod's path as the OpenAI `param`: ['candidates', 2, 'content'] → 'candidates[2].content'; null for the whole value. */
export function paramOf(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || null;
}

/**
 * The issue to report and its full path. An unknown key names the key itself, not the object that holds it;
 * inside a union, the first issue of the branch that got furthest, so `content: [null]` names
 * `content[0]` rather than `content`. `prefix` is where the parsed value sat (e.g. ['bestofn']).
 */
export function firstIssue(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): { issue: Issue; path: PropertyKey[] } {
  return innermost(error.issues[0]!, prefix);
}

function innermost(issue: Issue, prefix: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path =
    issue.code === 'unrecognized_keys' ? [...prefix, ...issue.path, issue.keys[0]!] : [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0 && (!best || first.path.length > best.path.length)) best = first;
  }
  return best ? innermost(best, path) : { issue, path };
}

/** The first issue as one line, `where: what`, for start-up, file and upstream-answer errors. */
export function describeIssue(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const { issue, path } = firstIssue(error, prefix);
  return `${paramOf(path) ?? '(top level)'}: ${issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message}`;
}
