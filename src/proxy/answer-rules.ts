/**
 * What makes a candidate a valid answer to this request, read once from its body: the tools it offers
 * (with each one's `parameters` schema compiled), tool_choice / parallel_tool_calls or the legacy
 * function_call, and the response_format. A schema that cannot be used is the client's mistake, a 400
 * before any upstream call; the route calls `answerRulesOf` for that, and ranking reads the same rules.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { compileSchema, type JsonCheck } from '../core/json-schema-check';
import type { ToolRules } from '../core/tool-vote';
import { InvalidRequestError } from '../errors';

export interface AnswerRules {
  /** response_format json_object or json_schema; `check` validates a json_schema answer. */
  json?: { type: 'json_object' | 'json_schema'; check: JsonCheck | null };
  /** The request offers tools (or legacy functions) that a candidate may call. */
  tools?: ToolRules;
}

type Body = ChatCompletionCreateParams;

function compiled(schema: unknown, param: string): JsonCheck | null {
  if (schema === undefined || schema === null) return null;
  const result = compileSchema(schema, param);
  if (!result.ok)
    throw new InvalidRequestError(
      `Invalid '${param}': ${result.reason}`,
      result.at ?? param,
      result.code ?? 'invalid_value',
    );
  return result.check;
}

function toolRules(body: Body): ToolRules | undefined {
  const tools = new Map<string, JsonCheck | null>();
  for (const [i, t] of (body.tools ?? []).entries()) {
    if (t.type === 'function')
      tools.set(t.function.name, compiled(t.function.parameters, `tools[${i}].function.parameters`));
    else tools.set(t.custom.name, null);
  }
  const legacy = body.functions ?? [];
  for (const [i, f] of legacy.entries()) tools.set(f.name, compiled(f.parameters, `functions[${i}].parameters`));
  if (tools.size === 0) return undefined;

  if (legacy.length > 0 && !body.tools?.length) {
    const fc = body.function_call;
    // Legacy function calling returns one call per answer.
    const choice = fc === undefined || fc === 'auto' ? 'auto' : fc === 'none' ? 'none' : { name: fc.name };
    return choice === 'none' ? undefined : { tools, choice, parallel: false };
  }
  const tc = body.tool_choice ?? 'auto';
  let choice: ToolRules['choice'];
  let offered = tools;
  if (typeof tc === 'string') choice = tc;
  else if (tc.type === 'function') choice = { name: tc.function.name };
  else if (tc.type === 'custom') choice = { name: tc.custom.name };
  else {
    choice = tc.allowed_tools.mode;
    const allowed = new Set(
      tc.allowed_tools.tools.map((t) => {
        const f =
          (t as { function?: { name?: unknown }; name?: unknown }).function?.name ?? (t as { name?: unknown }).name;
        return typeof f === 'string' ? f : '';
      }),
    );
    offered = new Map([...tools].filter(([name]) => allowed.has(name)));
  }
  // tool_choice none: the candidates answer in text, and votes run on their answers as without tools.
  if (choice === 'none') return undefined;
  return { tools: offered, choice, parallel: body.parallel_tool_calls !== false };
}

const cache = new WeakMap<object, AnswerRules>();

/** The request's answer rules; throws the 400 for a tool or response_format schema that cannot be used. */
export function answerRulesOf(body: Body): AnswerRules {
  const cached = cache.get(body);
  if (cached) return cached;
  const format = body.response_format;
  const json =
    format?.type === 'json_schema'
      ? {
          type: 'json_schema' as const,
          check: compiled(format.json_schema.schema, 'response_format.json_schema.schema'),
        }
      : format?.type === 'json_object'
        ? { type: 'json_object' as const, check: null }
        : undefined;
  const tools = toolRules(body);
  const rules: AnswerRules = { ...(json ? { json } : {}), ...(tools ? { tools } : {}) };
  cache.set(body, rules);
  return rules;
}
