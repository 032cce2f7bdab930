import { z } from 'zod';
import { InvalidRequestError } from '../errors';

/**
 * The fields of a chat request the gateway itself reads, checked before anything is sent upstream.
 * Every other field passes through untouched, for the upstream to judge. Nulls are accepted where the
 * OpenAI API accepts them.
 */
const message = z.looseObject({ role: z.string().min(1) });
const fields = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  n: z.number().int().min(1).nullish(),
  best_of: z.number().int().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  tools: z.array(z.looseObject({})).nullish(),
  tool_choice: z.union([z.string(), z.looseObject({})]).nullish(),
  response_format: z.looseObject({ type: z.string() }).nullish(),
  bestofn: z.looseObject({}).nullish(),
});

const MISSING = new Set(['model', 'messages']);

export async function readChatBody(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new InvalidRequestError('Request body is not valid JSON', null, 'invalid_json');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequestError('Request body must be a JSON object', null, 'invalid_json');
  const parsed = fields.safeParse(body);
  if (parsed.success) return body as Record<string, unknown>;
  const issue = parsed.error.issues[0]!;
  const param = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
  const value = (body as Record<string, unknown>)[String(issue.path[0])];
  if (issue.path.length === 1 && MISSING.has(param) && (value === undefined || (Array.isArray(value) && value.length === 0) || value === '')) {
    throw new InvalidRequestError(param === 'messages' ? "'messages' is required and must be a non-empty array" : `'${param}' is required`, param, 'missing_required_parameter');
  }
  throw new InvalidRequestError(`Invalid '${param}': ${issue.message}`, param, 'invalid_type');
}
