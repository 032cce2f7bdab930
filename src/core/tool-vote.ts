/**
 * What a candidate decided when the request offered tools: the calls it made (function name and
 * arguments), or its text when it called nothing. Candidates vote on that decision, so the key is the
 * same for the same meaning: arguments compare as canonical JSON (key order and whitespace do not
 * matter) and parallel calls as a multiset (their order does not matter). A call whose arguments do not
 * parse or do not validate against the tool's `parameters` makes the candidate invalid: it never wins
 * over a valid one.
 */
import { canonicalJson } from './canonical-json';
import { parseJson } from './parse-json';
import type { JsonCheck } from './json-schema-check';

export interface ToolCallLike {
  name: string;
  arguments: string;
}

/** How the request constrains calls: tool_choice / function_call and parallel_tool_calls, read once. */
export interface ToolRules {
  /** Offered tools by name, each with its `parameters` check (null when it declares none). */
  tools: ReadonlyMap<string, JsonCheck | null>;
  /** 'none': no call allowed; 'required': at least one; a name: only that function; 'auto': either. */
  choice: 'auto' | 'none' | 'required' | { name: string };
  /** false: at most one call per answer. */
  parallel: boolean;
}

export type Decision = { key: string; invalid?: undefined } | { key: null; invalid: string };

const MAX_REASON = 300;

function callKey(call: ToolCallLike, rules: ToolRules): { key: string } | { invalid: string } {
  if (!rules.tools.has(call.name))
    return { invalid: `called ${JSON.stringify(call.name)}, which is not an offered tool` };
  // An empty argument string is how some servers write a call without arguments.
  const parsed = parseJson(call.arguments.trim() === '' ? '{}' : call.arguments);
  if (!parsed.ok) return { invalid: `arguments of ${call.name} are not JSON` };
  const problem = rules.tools.get(call.name)?.(parsed.value) ?? null;
  if (problem) return { invalid: `arguments of ${call.name}: ${problem}`.slice(0, MAX_REASON) };
  return { key: `${call.name}(${canonicalJson(parsed.value)})` };
}

/**
 * The candidate's decision: `calls:` and its sorted call keys, or `text:` and its answer. `answer` is the
 * text's stated answer (or its whole response) as the rest of the gateway votes on it.
 */
export function decisionOf(calls: readonly ToolCallLike[], answer: string | null, rules: ToolRules): Decision {
  const { choice } = rules;
  if (calls.length === 0) {
    if (choice === 'required') return { key: null, invalid: 'called no tool, but tool_choice is required' };
    if (typeof choice === 'object')
      return { key: null, invalid: `did not call ${choice.name}, which tool_choice names` };
    const text = answer?.trim().replace(/\s+/g, ' ');
    return text ? { key: `text:${text}` } : { key: null, invalid: 'neither called a tool nor answered' };
  }
  if (choice === 'none') return { key: null, invalid: 'called a tool, but tool_choice is none' };
  if (!rules.parallel && calls.length > 1)
    return { key: null, invalid: `made ${calls.length} calls, but parallel_tool_calls is false` };
  const keys: string[] = [];
  for (const call of calls) {
    if (typeof choice === 'object' && call.name !== choice.name)
      return { key: null, invalid: `called ${call.name}, but tool_choice names ${choice.name}` };
    const k = callKey(call, rules);
    if ('invalid' in k) return { key: null, invalid: k.invalid };
    keys.push(k.key);
  }
  return { key: `calls:${keys.sort().join('\n')}` };
}
