/**
 * One candidate held to the request's answer rules: the key it votes with (its tool calls, its
 * canonical JSON, or its stated answer), or why it is invalid. Invalid candidates rank below every
 * valid one; a refusal is invalid too where an answer was required, but it is still what OpenAI would
 * return when nothing valid came, so it is marked as such.
 */
import { canonicalJson } from '../core/canonical-json';
import { parseJson } from '../core/parse-json';
import { decisionOf, type Decision, type ToolCallLike } from '../core/tool-vote';
import type { AnswerRules } from './answer-rules';
import type { SampledMessage } from './fan-out';

export interface CandidateCheck {
  /** What the candidate votes with; undefined keeps the answer the text gave. */
  key?: string;
  invalid?: string;
  /** It refused (`refusal` set, no content, no call). */
  refused?: true;
}

export function callsOf(message: SampledMessage): ToolCallLike[] {
  const calls: ToolCallLike[] = [];
  for (const t of message.tool_calls ?? [])
    if (t.type === 'function') calls.push({ name: t.function.name, arguments: t.function.arguments });
    else calls.push({ name: t.custom.name, arguments: JSON.stringify(t.custom.input) });
  if (message.function_call) calls.push(message.function_call);
  return calls;
}

function jsonKey(rules: NonNullable<AnswerRules['json']>, content: string): CandidateCheck {
  const parsed = parseJson(content);
  if (!parsed.ok) return { invalid: 'content is not valid JSON' };
  const value = parsed.value;
  if (rules.type === 'json_object' && (typeof value !== 'object' || value === null || Array.isArray(value)))
    return { invalid: 'content is not a JSON object' };
  const problem = rules.check?.(value) ?? null;
  if (problem) return { invalid: `content does not match the schema: ${problem}` };
  return { key: canonicalJson(value) };
}

const fromDecision = (d: Decision): CandidateCheck => (d.key === null ? { invalid: d.invalid } : { key: d.key });

export function checkCandidate(
  rules: AnswerRules,
  message: SampledMessage,
  answer: string | null,
  response: string,
): CandidateCheck {
  const calls = callsOf(message);
  const refused = !!message.refusal && !message.content && calls.length === 0;
  if (!rules.tools && !rules.json) return {};
  if (refused) return { invalid: `refused: ${message.refusal!.slice(0, 200)}`, refused: true };
  // A JSON answer is checked as JSON; a call, or a text answer with no format asked, as a tool decision.
  if (rules.json && calls.length === 0) {
    const json = jsonKey(rules.json, response);
    if (!rules.tools || json.invalid) return json;
    const decided = decisionOf([], json.key!, rules.tools);
    return fromDecision(decided);
  }
  if (!rules.tools) return { invalid: 'called a tool, but none was offered' };
  return fromDecision(decisionOf(calls, answer ?? response, rules.tools));
}
