import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeSseEvent, encodeSseJson, SSE_DONE } from '../../src/http/sse';

/**
 * A loopback OpenAI-compatible chat server for tests and benchmarks. Deterministic for a given
 * request: the text of choice i depends only on the request's seed (or a counter) and i.
 * Supports `n`, `stream`, `reasoning_content`, injected latency and injected errors, and records what it
 * saw, including requests the client aborted.
 */
export interface FakeToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface FakeChoice {
  /** null for a message that only calls tools or refuses. */
  content: string | null;
  reasoning_content?: string;
  finish_reason?: 'stop' | 'length' | 'tool_calls' | 'function_call';
  refusal?: string;
  /** Streamed as OpenAI streams them: id and name first, then the arguments split across chunks. */
  tool_calls?: FakeToolCall[];
  function_call?: { name: string; arguments: string };
  /** Any other message field (annotations, audio), sent as is and in one delta when streamed. */
  extra?: Record<string, unknown>;
}

export interface FakeFailure {
  status: number;
  body?: unknown;
  /** Sent as is instead of a JSON body, e.g. a proxy's HTML page. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface FakeUpstreamOptions {
  /** Text of choice `index` for a request; `call` counts requests from 0. */
  respond?: (body: any, index: number, call: number) => FakeChoice;
  /** Return a failure to answer this request with an error instead. */
  fail?: (body: any, call: number) => FakeFailure | null;
  /** Delay before answering (ms), or a function of the request. */
  latencyMs?: number | ((body: any, call: number) => number);
  /** Time per token (ms): between stream chunks, and before a plain answer (its length × this). */
  chunkDelayMs?: number;
  /**
   * Pace stream tokens by the clock (token t is due t × chunkDelayMs after the first) instead of sleeping
   * after each, so a stream takes as long as a plain answer of the same length even when timers run late
   * under load; late tokens go out together.
   */
  steadyRate?: boolean;
  model?: string;
  /**
   * Answer with everything a full server sends: logprobs when asked (one per word, top_logprobs
   * alternatives), usage details (cached and reasoning tokens), system_fingerprint and service_tier.
   */
  rich?: boolean;
  /** The name of the thinking field: vLLM says `reasoning`, DeepSeek and SGLang `reasoning_content`. */
  reasoningField?: 'reasoning' | 'reasoning_content';
  /** Answer one choice whatever `n` asks, as some servers do. */
  ignoreN?: boolean;
  /**
   * A stream stops after `afterTokens` tokens of a request and writes the rest once `until` settles, so
   * a test can see what a client got while the upstream was still writing, without a wall clock.
   */
  hold?: { afterTokens: number; until: Promise<unknown> };
}

export interface FakeUpstream {
  url: string;
  /** Bodies of every chat request received. */
  requests: any[];
  headers: http.IncomingHttpHeaders[];
  /** Requests whose client went away before the answer was complete. */
  aborted: number;
  /** Completion tokens (words) the fake has sent, across all requests. */
  tokensSent: number;
  /** Completion tokens sent per request, by call number (the order requests arrived). */
  tokensByRequest: number[];
  close(): Promise<void>;
}

const ANSWERS = ['42', '42', '41', '42', '7', '42', '41', '42'];

export function defaultRespond(body: any, index: number, call: number): FakeChoice {
  const seed = typeof body.seed === 'number' ? body.seed : call;
  const answer = ANSWERS[(seed * 7 + index * 3) % ANSWERS.length]!;
  return {
    reasoning_content: `Let me think about candidate ${index}.\n\nFirst I add the numbers carefully and check the carry.\n\nSo the result should be ${answer}.`,
    content: `We compute the sum step by step.\n\nThe final answer is $\\boxed{${answer}}$.`,
    finish_reason: 'stop',
  };
}

/** Tool-call arguments in pieces of 5 characters, as servers stream them (never whole). */
const splitArgs = (s: string) => s.match(/[\s\S]{1,5}/g) ?? [];
const words = (s: string) => s.match(/\S+\s*|\s+/g) ?? [];
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const stop = () => (clearTimeout(t), resolve());
    const t = setTimeout(() => (signal.removeEventListener('abort', stop), resolve()), ms);
    signal.addEventListener('abort', stop, { once: true });
  });

/** A word's logprob as a server reports it; the numbers depend only on the word and its place. */
function tokenLogprob(word: string, i: number, top: number) {
  const logprob = -((word.length * 7 + i * 3) % 23) / 10;
  const bytes = [...Buffer.from(word)];
  return {
    token: word,
    logprob,
    bytes,
    top_logprobs: Array.from({ length: top }, (_, k) =>
      k === 0
        ? { token: word, logprob, bytes }
        : { token: `alt${k}`, logprob: logprob - k, bytes: [...Buffer.from(`alt${k}`)] },
    ),
  };
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const respond = options.respond ?? defaultRespond;
  const thinking = options.reasoningField ?? 'reasoning_content';
  const rich = options.rich === true;
  const model = options.model ?? 'fake-model';
  const state = {
    requests: [] as any[],
    headers: [] as http.IncomingHttpHeaders[],
    aborted: 0,
    tokensSent: 0,
    tokensByRequest: [] as number[],
  };
  let calls = 0;

  const server = http.createServer(async (req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        state.aborted++;
        gone.abort();
      }
    });
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', created: 0, owned_by: 'fake' }] }));
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { message: 'not found', type: 'invalid_request_error', param: null, code: null } }),
      );
      return;
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    const call = calls++;
    state.tokensByRequest[call] = 0;
    state.requests.push(body);
    state.headers.push(req.headers);

    const latency = typeof options.latencyMs === 'function' ? options.latencyMs(body, call) : (options.latencyMs ?? 0);
    await sleep(latency, gone.signal);
    if (gone.signal.aborted) return;

    const failure = options.fail?.(body, call);
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(
        failure.raw ??
          JSON.stringify(
            failure.body ?? {
              error: { message: `fake failure ${failure.status}`, type: 'server_error', param: null, code: null },
            },
          ),
      );
      return;
    }

    const n = options.ignoreN ? 1 : (body.n ?? 1);
    const choices = Array.from({ length: n }, (_, i) => respond(body, i, call));
    const completionTokens = choices.reduce(
      (s, c) => s + words(c.content ?? '').length + words(c.reasoning_content ?? '').length,
      0,
    );
    const reasoningTokens = choices.reduce((s, c) => s + words(c.reasoning_content ?? '').length, 0);
    const usage = {
      prompt_tokens: 10,
      completion_tokens: completionTokens,
      total_tokens: 10 + completionTokens,
      ...(rich
        ? {
            prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
            completion_tokens_details: { reasoning_tokens: reasoningTokens, accepted_prediction_tokens: 0 },
          }
        : {}),
    };
    const id = `chatcmpl-fake-${call}`;
    const created = 1_700_000_000 + call;
    const top = typeof body.top_logprobs === 'number' ? body.top_logprobs : 0;
    const withLogprobs = rich && body.logprobs === true;
    const fingerprint = rich ? { system_fingerprint: 'fp_fake_7', service_tier: 'default' } : {};

    if (!body.stream) {
      // With a token rate, a plain answer takes as long as its longest choice would take to stream.
      if (options.chunkDelayMs) {
        const longest = Math.max(
          ...choices.map((c) => words(c.content ?? '').length + words(c.reasoning_content ?? '').length),
        );
        await sleep(longest * options.chunkDelayMs, gone.signal);
        if (gone.signal.aborted) return;
      }
      state.tokensSent += completionTokens;
      state.tokensByRequest[call] = completionTokens;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          usage,
          ...fingerprint,
          choices: choices.map((c, index) => ({
            index,
            finish_reason: c.finish_reason ?? 'stop',
            logprobs: withLogprobs
              ? { content: words(c.content ?? '').map((w, i) => tokenLogprob(w, i + index, top)), refusal: null }
              : null,
            message: {
              role: 'assistant',
              content: c.content,
              refusal: c.refusal ?? null,
              ...(c.reasoning_content ? { [thinking]: c.reasoning_content } : {}),
              ...(c.tool_calls ? { tool_calls: c.tool_calls } : {}),
              ...(c.function_call ? { function_call: c.function_call } : {}),
              ...c.extra,
            },
          })),
        }),
      );
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const event = (delta: object, index: number, finish: string | null = null, logprobs: object | null = null) =>
      encodeSseJson({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        ...fingerprint,
        choices: [{ index, delta, logprobs, finish_reason: finish }],
      });
    const send = (delta: object, index: number, finish: string | null = null) => res.write(event(delta, index, finish));
    for (const index of choices.keys()) send({ role: 'assistant', content: '' }, index);
    // Interleave choices word by word, as a real server interleaves its n sequences.
    const streams = choices.map((c, index) => [
      ...words(c.reasoning_content ?? '').map((w) => ({ delta: { [thinking]: w }, logprobs: null })),
      ...words(c.content ?? '').map((w, i) => ({
        delta: { content: w },
        logprobs: withLogprobs ? { content: [tokenLogprob(w, i + index, top)], refusal: null } : null,
      })),
      ...(c.refusal ? [{ delta: { refusal: c.refusal }, logprobs: null }] : []),
      ...(c.tool_calls ?? []).flatMap((t, k) => [
        { delta: { tool_calls: [{ index: k, ...t, function: { ...t.function, arguments: '' } }] }, logprobs: null },
        ...splitArgs(t.function.arguments).map((a) => ({
          delta: { tool_calls: [{ index: k, function: { arguments: a } }] },
          logprobs: null,
        })),
      ]),
      ...(c.function_call
        ? [
            { delta: { function_call: { name: c.function_call.name, arguments: '' } }, logprobs: null },
            ...splitArgs(c.function_call.arguments).map((a) => ({
              delta: { function_call: { arguments: a } },
              logprobs: null,
            })),
          ]
        : []),
      ...(c.extra ? [{ delta: c.extra, logprobs: null }] : []),
    ]);
    const longest = Math.max(...streams.map((s) => s.length));
    const started = performance.now();
    let held = false;
    for (let t = 0; t < longest && !gone.signal.aborted;) {
      // Without steadyRate one step goes out per sleep; with it, every step that is due by now.
      const due =
        options.steadyRate && options.chunkDelayMs
          ? Math.min(longest, Math.floor((performance.now() - started) / options.chunkDelayMs) + 1)
          : t + 1;
      const until = Math.max(due, t + 1);
      let batch = '';
      for (; t < until; t++) {
        for (const [index, s] of streams.entries()) {
          const d = s[t];
          if (d)
            ((batch += event(d.delta, index, null, d.logprobs)), state.tokensSent++, state.tokensByRequest[call]!++);
        }
      }
      res.write(batch);
      if (options.hold && !held && state.tokensByRequest[call]! >= options.hold.afterTokens) {
        held = true;
        await options.hold.until;
      }
      // A steady stream still yields to the event loop between writes, so an abort is seen promptly.
      if (options.chunkDelayMs)
        await sleep(
          options.steadyRate
            ? Math.max(1, started + t * options.chunkDelayMs - performance.now())
            : options.chunkDelayMs,
          gone.signal,
        );
    }
    if (gone.signal.aborted) return;
    for (const [index, c] of choices.entries()) send({}, index, c.finish_reason ?? 'stop');
    if (body.stream_options?.include_usage)
      res.write(encodeSseJson({ id, object: 'chat.completion.chunk', created, model, choices: [], usage }));
    res.end(encodeSseEvent(SSE_DONE));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
