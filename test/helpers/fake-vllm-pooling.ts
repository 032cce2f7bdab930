import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChatTemplate, type ChatMessage } from '../../src/core/prm-prompt';
import { fixturePath } from './fixture-path';

/**
 * A loopback stand-in for `vllm serve <PRM> --runner pooling`: POST /pooling and GET /health, answering
 * with vLLM's PoolingResponse shape ({id, object:'list', created, model, data:[{index, object:'pooling', data}],
 * usage}) and its error shape ({error:{message, type, param, code}}). Records what it received.
 * Both request forms vLLM's /pooling takes: `input` (text, batched) and `messages` (one conversation,
 * rendered as vLLM does with the served model's chat template, here the shared Qwen2.5 PRM one).
 */
export type PoolingData = number | number[] | number[][];

export interface FakeVllmOptions {
  /** Pooled output for one input string; by default one [p_neg, p_pos] row per step tag, p_pos = 0.9. */
  respond?: (input: string, index: number) => PoolingData;
  /** Delay before answering (ms). */
  latencyMs?: number;
  /** Answer every POST /pooling with this status and a vLLM error body. */
  errorStatus?: number;
  errorMessage?: string;
  model?: string;
  stepTag?: string;
  /** An error for one request, chosen from its inputs (e.g. a 400 for a prompt over the context). */
  reject?: (inputs: string[]) => { status: number; message: string } | undefined;
  /** Tasks the served model supports; other values of `task` get vLLM's 400. */
  tasks?: string[];
}

export interface FakeVllm {
  url: string;
  /** Bodies of every POST /pooling received. */
  requests: any[];
  /** The text each request's inputs became on the server (messages rendered by the template). */
  rendered: string[][];
  headers: http.IncomingHttpHeaders[];
  /** Requests whose client went away before the answer. */
  aborted: number;
  /** Changes behaviour for the requests that follow. */
  set(options: Partial<FakeVllmOptions>): void;
  /** Stops listening: later requests to `url` are refused. */
  down(): Promise<void>;
  close(): Promise<void>;
}

let template: ChatTemplate | undefined;
/** The served model's template: what vLLM applies to a `messages` request. */
export function servedTemplate(): ChatTemplate {
  return (template ??= new ChatTemplate(
    fs.readFileSync(fixturePath('tokenizers/qwen2.5-prm-tag/chat_template.jinja'), 'utf8'),
  ));
}

export const countTags = (input: string, tag = '<extra_0>') => input.split(tag).length - 1;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

const errorBody = (status: number, message: string, type = 'BadRequestError') =>
  JSON.stringify({ error: { message, type, param: null, code: status } });

export async function startFakeVllm(initial: FakeVllmOptions = {}): Promise<FakeVllm> {
  const options: FakeVllmOptions = { ...initial };
  const state = {
    requests: [] as any[],
    rendered: [] as string[][],
    headers: [] as http.IncomingHttpHeaders[],
    aborted: 0,
  };
  let calls = 0;

  const server = http.createServer(async (req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) (state.aborted++, gone.abort());
    });
    if (req.method === 'GET' && req.url === '/health') return void res.writeHead(200).end();
    if (req.method !== 'POST' || req.url !== '/pooling') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ detail: 'Not Found' }));
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw);
    const call = calls++;
    state.requests.push(body);
    state.headers.push(req.headers);

    await sleep(options.latencyMs ?? 0, gone.signal);
    if (gone.signal.aborted) return;

    const send = (status: number, text: string) => (
      res.writeHead(status, { 'content-type': 'application/json' }),
      res.end(text)
    );
    if (options.errorStatus)
      return void send(
        options.errorStatus,
        errorBody(options.errorStatus, options.errorMessage ?? 'fake failure', 'InternalServerError'),
      );
    const tasks = options.tasks ?? ['token_classify'];
    if (body.task !== undefined && !tasks.includes(body.task)) {
      return void send(
        400,
        errorBody(400, `Unsupported task: '${body.task}' Supported tasks: (${tasks.map((t) => `'${t}'`).join(', ')})`),
      );
    }
    const model = options.model ?? 'Qwen/Qwen2.5-Math-PRM-7B';
    if (body.model !== undefined && body.model !== model)
      return void send(404, errorBody(404, `The model \`${body.model}\` does not exist.`, 'NotFoundError'));

    const inputs: string[] = Array.isArray(body.messages)
      ? [servedTemplate().render(body.messages as ChatMessage[])]
      : typeof body.input === 'string'
        ? [body.input]
        : body.input;
    state.rendered.push(inputs);
    const refusal = options.reject?.(inputs);
    if (refusal) return void send(refusal.status, errorBody(refusal.status, refusal.message));
    const respond =
      options.respond ??
      ((input: string) => Array.from({ length: countTags(input, options.stepTag) }, () => [0.1, 0.9]));
    // Four characters a token is close enough for usage figures; only their sum is checked.
    const promptTokens = inputs.reduce((s, x) => s + Math.ceil(x.length / 4), 0);
    send(
      200,
      JSON.stringify({
        id: `pool-fake-${call}`,
        object: 'list',
        created: 1_700_000_000 + call,
        model,
        data: inputs.map((input, index) => ({ index, object: 'pooling', data: respond(input, index) })),
        usage: {
          prompt_tokens: promptTokens,
          total_tokens: promptTokens,
          completion_tokens: 0,
          prompt_tokens_details: null,
        },
      }),
    );
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    set: (next: Partial<FakeVllmOptions>) => void Object.assign(options, next),
    down: close,
    close,
  });
}
