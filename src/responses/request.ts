import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { InvalidRequestError } from '../errors';
import { readJsonObject } from '../http/json-body';
import { issueToError } from '../proxy/request-issue';

/**
 * The Responses API request, as far as a stateless Best-of-N gateway can serve it: the input becomes
 * chat messages for the upstream, and what needs server state is refused by name.
 */
const text = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  image_url: z.string().nullish(),
  detail: z.string().optional(),
});
const item = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  content: z.union([z.string(), z.array(text)]).optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.union([z.string(), z.array(text)]).optional(),
});
const functionTool = z.looseObject({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.looseObject({}).nullish(),
  strict: z.boolean().nullish(),
});

export const responsesRequest = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(item)]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  top_logprobs: z.number().int().min(0).max(20).nullish(),
  include: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  text: z
    .looseObject({
      format: z
        .looseObject({
          type: z.string(),
          name: z.string().optional(),
          schema: z.unknown().optional(),
          strict: z.boolean().nullish(),
        })
        .optional(),
    })
    .nullish(),
  tools: z.array(z.looseObject({ type: z.string() })).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({})]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish() }).nullish(),
  seed: z.number().int().nullish(),
  user: z.string().optional(),
  best_of: z.number().int().nullish(),
  bestofn: z.looseObject({}).nullish(),
});

export type ResponsesRequest = z.infer<typeof responsesRequest>;

/** Params that only a server keeping state can honour, with why the gateway cannot. */
const STATEFUL: [keyof ResponsesRequest | string, (v: unknown) => boolean, string][] = [
  [
    'previous_response_id',
    (v) => v !== undefined && v !== null,
    'bestofn keeps no responses: send the whole conversation as input',
  ],
  [
    'conversation',
    (v) => v !== undefined && v !== null,
    'bestofn keeps no conversations: send the whole conversation as input',
  ],
  ['store', (v) => v === true, 'bestofn stores no responses to retrieve later: send store: false or leave it out'],
  [
    'background',
    (v) => v === true,
    'bestofn runs no background responses: leave background out and wait for the answer',
  ],
  ['prompt', (v) => v !== undefined && v !== null, 'bestofn has no stored prompts: send the prompt text as input'],
];

/** A forced function call names its function; without a name it is the client's mistake, not a function called "undefined". */
function functionChoice(choice: Record<string, unknown>) {
  if (typeof choice.name !== 'string' || choice.name === '')
    throw new InvalidRequestError(
      "tool_choice of type 'function' needs the function's name",
      'tool_choice.name',
      'missing_required_parameter',
    );
  return { type: 'function' as const, function: { name: choice.name } };
}

export async function readResponsesBody(request: Request): Promise<ResponsesRequest> {
  // The same reader as chat and rewards: a body nested past the limit is a 400 before any recursive walk.
  const body = await readJsonObject(request);
  for (const [param, used, why] of STATEFUL) {
    if (used(body[param]))
      throw new InvalidRequestError(`'${param}' is not supported: ${why}`, param, 'unsupported_parameter');
  }
  const parsed = responsesRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  throw issueToError(parsed.error);
}

function partsOf(content: string | z.infer<typeof text>[], param: string): string | ChatCompletionContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((p, i): ChatCompletionContentPart => {
    if ((p.type === 'input_text' || p.type === 'output_text' || p.type === 'text') && typeof p.text === 'string')
      return { type: 'text', text: p.text };
    if (p.type === 'input_image' && p.image_url)
      return {
        type: 'image_url',
        image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail as 'auto' } : {}) },
      };
    throw new InvalidRequestError(
      `Input content of type '${p.type}' is not supported by bestofn`,
      `${param}[${i}].type`,
      'unsupported_parameter',
    );
  });
}

const flat = (c: string | ChatCompletionContentPart[]) =>
  typeof c === 'string' ? c : c.map((p) => (p.type === 'text' ? p.text : '')).join('');

/** instructions and input as chat messages: a system message first, then each item in order. */
export function toMessages(req: ResponsesRequest): ChatCompletionMessageParam[] {
  // Many open models' chat templates know no `developer` role: it goes upstream as `system`.
  const messages: ChatCompletionMessageParam[] = req.instructions
    ? [{ role: 'system', content: req.instructions }]
    : [];
  if (typeof req.input === 'string') return [...messages, { role: 'user', content: req.input }];
  req.input.forEach((it, i) => {
    const param = `input[${i}]`;
    const type = it.type ?? 'message';
    if (type === 'message') {
      const content = partsOf(it.content ?? '', `${param}.content`);
      if (it.role === 'assistant') messages.push({ role: 'assistant', content: flat(content) });
      else if (it.role === 'system' || it.role === 'developer')
        messages.push({ role: 'system', content: flat(content) });
      else if (it.role === 'user') messages.push({ role: 'user', content });
      else throw new InvalidRequestError(`Unknown role '${it.role}'`, `${param}.role`, 'invalid_value');
    } else if (type === 'function_call') {
      const call = {
        id: it.call_id ?? `call_${i}`,
        type: 'function' as const,
        function: { name: it.name ?? '', arguments: it.arguments ?? '{}' },
      };
      const last = messages.at(-1);
      // Parallel calls arrive as consecutive items; chat wants them on one assistant message.
      if (last?.role === 'assistant' && last.tool_calls && !last.content) last.tool_calls.push(call);
      else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    } else if (type === 'function_call_output') {
      messages.push({
        role: 'tool',
        tool_call_id: it.call_id ?? '',
        content: typeof it.output === 'string' ? it.output : flat(partsOf(it.output ?? '', `${param}.output`)),
      });
    } else if (type === 'reasoning') {
      // A previous turn's reasoning is not sent back: chat templates drop past thinking.
    } else
      throw new InvalidRequestError(
        `Input items of type '${type}' are not supported by bestofn`,
        `${param}.type`,
        'unsupported_parameter',
      );
  });
  if (messages.length === 0)
    throw new InvalidRequestError("'input' must hold at least one message", 'input', 'missing_required_parameter');
  return messages;
}

/** The chat request the upstream gets; the Best-of-N controls (best_of, bestofn) stay on it for resolveOptions. */
export function toChatBody(req: ResponsesRequest): ChatCompletionCreateParams & Record<string, unknown> {
  const format = req.text?.format;
  const tools = (req.tools ?? []).map((t, i) => {
    const f = functionTool.safeParse(t);
    if (!f.success)
      throw new InvalidRequestError(
        `Tools of type '${t.type}' are not supported by bestofn (function tools are)`,
        `tools[${i}].type`,
        'unsupported_parameter',
      );
    return {
      type: 'function' as const,
      function: {
        name: f.data.name,
        ...(f.data.description ? { description: f.data.description } : {}),
        ...(f.data.parameters ? { parameters: f.data.parameters } : {}),
        ...(f.data.strict != null ? { strict: f.data.strict } : {}),
      },
    };
  });
  const choice = req.tool_choice;
  const toolChoice = typeof choice === 'object' && choice?.type === 'function' ? functionChoice(choice) : choice;
  return {
    model: req.model,
    messages: toMessages(req),
    ...(req.stream ? { stream: true } : {}),
    ...(req.temperature != null ? { temperature: req.temperature } : {}),
    ...(req.top_p != null ? { top_p: req.top_p } : {}),
    ...(req.max_output_tokens != null ? { max_completion_tokens: req.max_output_tokens } : {}),
    ...(req.top_logprobs || req.include?.includes('message.output_text.logprobs')
      ? { logprobs: true, ...(req.top_logprobs ? { top_logprobs: req.top_logprobs } : {}) }
      : {}),
    ...(req.seed != null ? { seed: req.seed } : {}),
    ...(req.reasoning?.effort ? { reasoning_effort: req.reasoning.effort as 'low' } : {}),
    ...(format?.type === 'json_object' ? { response_format: { type: 'json_object' as const } } : {}),
    ...(format?.type === 'json_schema'
      ? {
          response_format: {
            type: 'json_schema' as const,
            json_schema: {
              name: format.name ?? 'response',
              schema: format.schema as Record<string, unknown>,
              strict: format.strict ?? null,
            },
          },
        }
      : {}),
    ...(tools.length ? { tools } : {}),
    ...(toolChoice != null ? { tool_choice: toolChoice as ChatCompletionCreateParams['tool_choice'] } : {}),
    ...(req.parallel_tool_calls != null ? { parallel_tool_calls: req.parallel_tool_calls } : {}),
    ...(req.best_of != null ? { best_of: req.best_of } : {}),
    ...(req.bestofn ? { bestofn: req.bestofn } : {}),
  };
}
