/**
 * The chat-completions request as the gateway accepts it, written by hand from the OpenAI OpenAPI spec
 * (ChatCompletionRequestMessage and its content parts). Narrow where the gateway or the PRM reads a field
 * (roles, content, content parts, the numeric controls); every other field, and vendor fields on messages
 * and parts, pass through to the upstream untouched. The parsed value is the typed request: nothing on the
 * request path casts it again.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { z } from 'zod';

const text = z.looseObject({ type: z.literal('text'), text: z.string() });
const image = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.enum(['auto', 'low', 'high']).optional() }),
});
const audio = z.looseObject({
  type: z.literal('input_audio'),
  input_audio: z.looseObject({ data: z.string(), format: z.enum(['wav', 'mp3']) }),
});
const file = z.looseObject({
  type: z.literal('file'),
  file: z.looseObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});
const refusal = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** Content parts per role, as the spec lists them: only user messages carry images, audio and files. */
const userPart = z.discriminatedUnion('type', [text, image, audio, file]);
const assistantPart = z.discriminatedUnion('type', [text, refusal]);

const textContent = z.union([z.string(), z.array(text)]);
const name = z.string().optional();

const toolCall = z.discriminatedUnion('type', [
  z.looseObject({
    id: z.string(),
    type: z.literal('function'),
    function: z.looseObject({ name: z.string(), arguments: z.string() }),
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string(), input: z.string() }),
  }),
]);

export const chatMessage = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('developer'), content: textContent, name }),
  z.looseObject({ role: z.literal('system'), content: textContent, name }),
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(userPart)]), name }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(assistantPart)]).nullish(),
    refusal: z.string().nullish(),
    name,
    audio: z.looseObject({ id: z.string() }).nullish(),
    tool_calls: z.array(toolCall).optional(),
    function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() }),
  z.looseObject({ role: z.literal('function'), content: z.string().nullable(), name: z.string() }),
]);

const tool = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('function'),
    function: z.looseObject({
      name: z.string().min(1),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
  z.looseObject({
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string().min(1), description: z.string().optional() }),
  }),
]);

/** Legacy function calling (`functions` / `function_call`), which OpenAI still serves. */
const legacyFunction = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
const legacyFunctionCall = z.union([z.enum(['none', 'auto']), z.looseObject({ name: z.string() })]);

const toolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
    z.looseObject({
      type: z.literal('allowed_tools'),
      allowed_tools: z.looseObject({ mode: z.enum(['auto', 'required']), tools: z.array(z.looseObject({})) }),
    }),
  ]),
]);

const responseFormat = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text') }),
  z.looseObject({ type: z.literal('json_object') }),
  z.looseObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** OpenAI's types leave out `null` for some fields clients do send as null; it means the same as absent. */
const nullAsAbsent = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** The fields the gateway reads; nulls are accepted where the OpenAI API accepts them. */
const fields = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessage).min(1),
  n: z.number().int().min(1).nullish(),
  best_of: z.number().int().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: nullAsAbsent(z.array(tool)),
  tool_choice: nullAsAbsent(toolChoice),
  parallel_tool_calls: nullAsAbsent(z.boolean()),
  functions: nullAsAbsent(z.array(legacyFunction)),
  function_call: nullAsAbsent(legacyFunctionCall),
  response_format: nullAsAbsent(responseFormat),
  bestofn: z.looseObject({}).nullish(),
});

export const chatRequest = fields.extend({ stream: z.boolean().nullish() });

type Parsed = z.output<typeof chatRequest>;

/** A validated request: OpenAI's own request type, with the gateway's fields and any vendor field the client sent. */
export type ChatBody = ChatCompletionCreateParams & z.output<typeof fields>;

/**
 * OpenAI types a request as streaming (`stream: true`) or not; the schema's `boolean | null` is narrowed
 * into one of the two. These assignments fail to compile if the schema stops matching OpenAI's type.
 */
export function toChatRequest(value: Parsed): ChatBody {
  const { stream, ...rest } = value;
  if (stream === true) return { ...rest, stream };
  return stream === false || stream === null ? { ...rest, stream } : rest;
}
