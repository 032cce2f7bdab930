/**
 * A zod issue as the OpenAI error a client can act on: the real `param` (`messages[0].content[1].type`)
 * and a message saying what was expected. Unions are unwrapped to the branch that got furthest, so
 * `content: [null]` names `messages[0].content[0]`, not just `messages[0].content`.
 */
import type { z } from 'zod';
import { InvalidRequestError } from '../errors';

/** zod's path as the OpenAI `param`: ['candidates', 2, 'content'] → 'candidates[2].content'. */
export function paramOf(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || null;
}

type Issue = z.core.$ZodIssue;

/** The issue to report and its full path: inside a union, the first issue of the branch that matched deepest. */
function innermost(issue: Issue, prefix: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { issue, path };
  let best: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0 && (!best || first.path.length > best.path.length)) best = first;
  }
  return best ? innermost(best, path) : { issue, path };
}

const received = (message: string) => /received (\w+)/.exec(message)?.[1];

function describe(issue: Issue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue) return issue.message.replace(/^Invalid discriminator value\. Expected/, 'must be one of');
  if (issue.code === 'invalid_union') {
    const expected = issue.errors.flatMap((b) => (b[0]?.code === 'invalid_type' ? [b[0].expected] : []));
    const got = received(issue.errors[0]?.[0]?.message ?? '');
    if (expected.length === issue.errors.length && expected.length > 0) return `expected ${expected.join(' or ')}${got ? `, got ${got}` : ''}`;
  }
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/** The first issue of a failed parse as a 400; `root` names where the value came from (e.g. 'bestofn'). */
export function issueToError(error: z.ZodError, root: readonly PropertyKey[] = []): InvalidRequestError {
  const { issue, path } = innermost(error.issues[0]!, root);
  const param = paramOf(path);
  const missing = issue.code === 'invalid_type' && received(issue.message) === 'undefined';
  if (missing) return new InvalidRequestError(`'${param}' is required`, param, 'missing_required_parameter');
  const where = param ?? 'body';
  return new InvalidRequestError(`Invalid '${where}': ${describe(issue)}`, param, issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value');
}
