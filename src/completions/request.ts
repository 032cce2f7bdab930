/**
 * The legacy text-completions request (`POST /v1/completions`), checked against OpenAI's
 * CreateCompletionRequest where the gateway reads a field; every other field goes to the upstream as sent.
 */
import { z } from 'zod';
import { readJsonObject } from '../http/json-body';
import { issueToError } from '../proxy/request-issue';

const tokens = z.array(z.number().int());
const prompt = z.union([z.string(), z.array(z.string()), tokens, z.array(tokens)]);

export const completionRequest = z.looseObject({
  model: z.string().min(1),
  prompt,
  best_of: z.number().int().min(0).max(20).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  echo: z.boolean().nullish(),
  logprobs: z.number().int().min(0).max(5).nullish(),
  max_tokens: z.number().int().min(0).nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  suffix: z.string().nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  seed: z.number().int().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  bestofn: z.looseObject({}).nullish(),
});

export type CompletionBody = z.output<typeof completionRequest>;

export async function readCompletionBody(request: Request): Promise<CompletionBody> {
  const parsed = completionRequest.safeParse(await readJsonObject(request));
  if (!parsed.success) throw issueToError(parsed.error);
  return parsed.data;
}

/** The one prompt of a request, as text: a Best-of-N candidate is judged against it. */
export function singlePrompt(body: CompletionBody): string | null {
  if (typeof body.prompt === 'string') return body.prompt;
  if (body.prompt.length === 1 && typeof body.prompt[0] === 'string') return body.prompt[0];
  return null;
}
