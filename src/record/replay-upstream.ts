/**
 * Recorded candidates served as an OpenAI-compatible upstream: POST /v1/chat/completions answers a prompt
 * it has recorded with those candidates, in recorded order; GET /v1/models lists the recorded models.
 *
 * `n` choices are the first n recorded candidates. When n exceeds what was recorded, choice j is
 * candidate j mod count (deterministic, and the `x-replay-recorded` header says how many are real), so
 * an evaluation should not ask for more than were recorded. A gateway needs UPSTREAM_SUPPORTS_N=true to
 * get the n recorded candidates from one request; without it, each of its N one-choice requests gets
 * candidate 0.
 */
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { MAX_BEST_OF } from '../config';
import { problemOf } from '../core/problem';
import { firstIssue, paramOf } from '../core/zod-issue';
import { GatewayError, type ErrorCode } from '../errors';
import { readJsonObject } from '../http/json-body';
import { promptKey, ReplayTurn, type ReplayCandidate, type ReplaySource } from './replay-source';
import { encodeSseEvent, encodeSseJson, SSE_DONE } from '../http/sse';

const MODEL = 'replay';

/** The same OpenAI error body the gateway answers with, so a client sees one shape from either. */
function openaiError(c: Context, status: 400 | 404, message: string, param: string | null, code: ErrorCode) {
  return c.json(new GatewayError(status, message, 'invalid_request_error', param, code).toBody(), status);
}

/** Whitespace-separated words: a stand-in for tokens, enough for usage figures to add up. */
const words = (s: string) => (s.match(/\S+/g) ?? []).length;

/** What the replay reads of a chat request, checked at the edge; every other field is accepted and ignored. */
const ReplayRequest = z.looseObject({
  messages: z.array(ReplayTurn),
  // Bounded as a gateway bounds best_of: an n of a billion would build a billion choices.
  n: z.number().int().min(1).max(MAX_BEST_OF).nullish(),
  model: z.string().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
});
type ReplayRequest = z.output<typeof ReplayRequest>;

/** The first issue as OpenAI's 400: the field that is wrong as `param`, what was expected as the message. */
function requestIssue(error: z.ZodError): GatewayError {
  const { issue, path } = firstIssue(error);
  const param = paramOf(path);
  const missing = issue.code === 'invalid_type' && path.length > 0 && /received undefined/.test(issue.message);
  if (missing) return new GatewayError(400, `'${param}' is required`, undefined, param, 'missing_required_parameter');
  const code = issue.code === 'invalid_type' ? 'invalid_type' : 'invalid_value';
  return new GatewayError(400, `Invalid '${param ?? 'body'}': ${issue.message}`, undefined, param, code);
}

function messageText(messages: ReplayRequest['messages']): string {
  return messages
    .map((m) =>
      typeof m.content === 'string'
        ? m.content
        : Array.isArray(m.content)
          ? m.content.map((p) => p.text ?? '').join(' ')
          : '',
    )
    .join(' ');
}

/** A stream splits content at line ends, so clients see several deltas per choice, as from a real server. */
const lineChunks = (s: string) => s.match(/[^\n]*\n|[^\n]+/g) ?? [];

function sse(
  id: string,
  created: number,
  model: string,
  choices: ReplayCandidate[],
  usage: object | undefined,
): string {
  const chunk = (payload: object) => encodeSseJson({ id, object: 'chat.completion.chunk', created, model, ...payload });
  const delta = (index: number, d: object, finish: string | null = null) =>
    chunk({ choices: [{ index, delta: d, logprobs: null, finish_reason: finish }] });
  let out = '';
  choices.forEach((c, index) => {
    out += delta(index, { role: 'assistant', content: '' });
    for (const p of lineChunks(c.reasoning_content ?? '')) out += delta(index, { reasoning_content: p });
    for (const p of lineChunks(c.content)) out += delta(index, { content: p });
    out += delta(index, {}, c.finish_reason);
  });
  if (usage) out += chunk({ choices: [], usage });
  return out + encodeSseEvent(SSE_DONE);
}

export interface ReplayOptions {
  /** The model id GET /v1/models lists and answers carry when the request names none. */
  model?: string;
  /**
   * The demo's rules: an unknown prompt is a 400 that suggests recorded prompts (instead of a 404), and n
   * beyond the recorded candidates is a 400 (instead of cycling), so nothing is ever made up or repeated.
   */
  strict?: boolean;
}

/** A few recorded prompts, shortest first, for an error that tells the client what it can ask. */
function suggestions(source: ReplaySource, count: number): string {
  const prompts = [...source.items.values()].map((it) => it.prompt).sort((a, b) => a.length - b.length);
  return prompts
    .slice(0, count)
    .map((p) => `  - ${JSON.stringify(p)}`)
    .join('\n');
}

export function createReplayApp(source: ReplaySource, opts: ReplayOptions = {}): Hono {
  const app = new Hono();
  const defaultModel = opts.model ?? MODEL;
  let calls = 0;

  app.post('/v1/chat/completions', async (c) => {
    let body: ReplayRequest;
    try {
      const parsed = ReplayRequest.safeParse(await readJsonObject(c.req.raw));
      if (!parsed.success) throw requestIssue(parsed.error);
      body = parsed.data;
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      return c.json(err.toBody(), 400);
    }
    const n = body.n ?? 1;
    const messages = body.messages;
    const prompt = problemOf(messages);
    const item = source.items.get(promptKey(prompt));
    if ((!item || item.candidates.length === 0) && opts.strict) {
      const message = `This gateway has no upstream model configured and serves only the ${source.items.size} recorded demo problems. Ask one of them as the last user message, for example:\n${suggestions(source, 3)}\nor set UPSTREAM_BASE_URL to use a real model.`;
      return openaiError(c, 400, message, 'messages', 'prompt_not_recorded');
    }
    if (!item || item.candidates.length === 0) {
      return openaiError(
        c,
        404,
        `No recorded candidates for this prompt (${JSON.stringify(promptKey(prompt).slice(0, 80))})`,
        'messages',
        'prompt_not_recorded',
      );
    }
    const recorded = item.candidates;
    if (opts.strict && n > recorded.length) {
      return openaiError(
        c,
        400,
        `${recorded.length} candidates are recorded for this problem; ask for best_of ≤ ${recorded.length}`,
        'best_of',
        'too_many_candidates',
      );
    }
    const choices = Array.from({ length: n }, (_, j) => recorded[j % recorded.length]!);
    const model = typeof body.model === 'string' && body.model !== '' ? body.model : defaultModel;
    const id = `chatcmpl-replay-${calls++}`;
    const created = Math.floor(Date.now() / 1000);
    const completionTokens = choices.reduce((s, ch) => s + words(ch.content) + words(ch.reasoning_content ?? ''), 0);
    const promptTokens = words(messageText(messages));
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    c.header('x-replay-recorded', String(recorded.length));

    if (body.stream === true) {
      const includeUsage = body.stream_options?.include_usage === true;
      c.header('content-type', 'text/event-stream');
      c.header('cache-control', 'no-cache');
      return c.body(sse(id, created, model, choices, includeUsage ? usage : undefined));
    }
    return c.json({
      id,
      object: 'chat.completion',
      created,
      model,
      choices: choices.map((ch, index) => ({
        index,
        message: {
          role: 'assistant',
          content: ch.content,
          refusal: null,
          ...(ch.reasoning_content ? { reasoning_content: ch.reasoning_content } : {}),
        },
        logprobs: null,
        finish_reason: ch.finish_reason,
      })),
      usage,
    });
  });

  app.get('/v1/models', (c) =>
    c.json({
      object: 'list',
      data: [...new Set([defaultModel, ...source.models])].map((id) => ({
        id,
        object: 'model',
        created: 0,
        owned_by: 'bestofn-replay',
      })),
    }),
  );

  app.notFound((c) => openaiError(c, 404, `No route for ${c.req.method} ${c.req.path}`, null, 'not_found'));
  // A bug here still answers in OpenAI's shape, never hono's plain-text 500 nor a stack.
  app.onError((_err, c) => c.json(new GatewayError(500, 'The replay upstream failed on this request').toBody(), 500));
  return app;
}

export interface RunningReplay {
  /** Base URL including /v1, ready for UPSTREAM_BASE_URL or an OpenAI client. */
  url: string;
  server: ServerType;
  close(): Promise<void>;
}

export async function startReplayUpstream(
  source: ReplaySource,
  opts: { port?: number; host?: string } = {},
): Promise<RunningReplay> {
  const hostname = opts.host ?? '127.0.0.1';
  const app = createReplayApp(source);
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname, port: opts.port ?? 0 }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${port}/v1`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
