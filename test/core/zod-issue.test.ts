import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssue, firstIssue, paramOf } from '../../src/core/zod-issue';

const schema = z.strictObject({
  messages: z.array(
    z.object({
      role: z.string(),
      content: z.union([z.string(), z.array(z.strictObject({ type: z.literal('text'), text: z.string() }))]).optional(),
    }),
  ),
  bestofn: z.strictObject({ n: z.number().optional() }).optional(),
});
const failure = (value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected a failed parse');
  return parsed.error;
};
const param = (value: unknown, prefix: PropertyKey[] = []) => paramOf(firstIssue(failure(value), prefix).path);

describe('firstIssue and paramOf', () => {
  it.each([
    [{ messages: [{ role: 'user' }, {}] }, [], 'messages[1].role'],
    [{ messages: [], bestofn: { n: 'four' } }, [], 'bestofn.n'],
    [{ messages: [], bestofn: { nn: 2 } }, [], 'bestofn.nn'],
    [{ messages: [], extra: 1 }, [], 'extra'],
    [{ messages: [{}] }, ['body'], 'body.messages[0].role'],
    // Inside a union, the branch that got furthest names the place.
    [{ messages: [{ role: 'user', content: [{ type: 'text', text: 7 }] }] }, [], 'messages[0].content[0].text'],
  ])('%j (prefix %j) → %s', (value, prefix, expected) => {
    expect(param(value, prefix)).toBe(expected);
  });

  it('is null for an issue about the whole value, and describeIssue says so', () => {
    expect(param('not an object')).toBeNull();
    expect(describeIssue(failure('not an object'))).toMatch(/^\(top level\): /);
    expect(describeIssue(failure({ messages: [], extra: 1 }))).toBe('extra: unknown key');
    expect(describeIssue(failure({ messages: [{}] }), ['choices', 0])).toMatch(/^choices\[0\]\.messages\[0\]\.role: /);
  });
});
