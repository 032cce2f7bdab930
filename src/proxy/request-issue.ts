/**
 * A zod issue as the OpenAI error a client can act on: the real `param` (`messages[0].content[1].type`)
 * and a message saying what was expected. Unions are unwrapped to the branch that got furthest, so
 * `content: [null]` names `messages[0].content[0]`, not just `messages[0].content`.
 */
import type { z } from 'zod';
import { firstIssue, paramOf, type Issue } from '../core/zod-issue';
import { InvalidRequestError } from '../errors';

const received = (message: string) => /received (\w+)/.exec(message)?.[1];

function describe(issue: Issue): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue)
    return issue.message.replace(/^Invalid discriminator value\. Expected/, 'must be one of');
  if (issue.code === 'invalid_union') {
    const expected = issue.errors.flatMap((b) => (b[0]?.code === 'invalid_type' ? [b[0].expected] : []));
    const got = received(issue.errors[0]?.[0]?.message ?? '');
    if (expected.length === issue.errors.length && expected.length > 0)
      return `expected ${expected.join(' or ')}${got ? `, got ${got}` : ''}`;
  }
  return issue.message.replace(/^Invalid (input|option): /, '');
}

/** The first issue of a failed parse as a 400; `root` names where the value came from (e.g. 'bestofn'). */
export function issueToError(error: z.ZodError, root: readonly PropertyKey[] = []): InvalidRequestError {
  const { issue, path } = firstIssue(error, root);
  const param = paramOf(path);
  const missing = issue.code === 'invalid_type' && received(issue.message) === 'undefined';
  if (missing) return new InvalidRequestError(`'${param}' is required`, param, 'missing_required_parameter');
  const where = param ?? 'body';
  return new InvalidRequestError(
    `Invalid '${where}': ${describe(issue)}`,
    param,
    issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value',
  );
}
