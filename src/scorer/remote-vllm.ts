/**
 * A step-classifier PRM served by vLLM in pooling mode (`vllm serve Qwen/Qwen2.5-Math-PRM-7B --runner pooling`).
 * It talks through the gateway's one OpenAI-compatible client (fetch on Workers, undici on Node).
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { z } from 'zod';
import type { ChatTemplate } from '../core/prm-prompt';
import { describeIssue } from '../core/zod-issue';
import { ScorerError, UpstreamError } from '../errors';
import { platformHttp, type HttpClient } from '../http/http-client';
import { postUpstream, type Upstream } from '../http/upstream-client';
import { AbortScope } from '../util/abort-scope';
import { poolingRequests, type PoolingBody, type PoolingRequestForm } from './remote-request';
import type { PrmSequence, SequenceScore, SequenceScorer } from './types';
import { parseJson } from '../core/parse-json';

export interface RemoteVllmOptions {
  /** Server root, e.g. http://prm:8000. A trailing /v1 is dropped: vLLM serves /pooling at the root. */
  baseUrl: string;
  /** Served model name; vLLM uses its only model when it is omitted. */
  model?: string;
  apiKey?: string;
  timeoutMs: number;
  /** The HTTP client (default: the platform's fetch); the Node entry passes undici's. */
  http?: HttpClient;
  /** Caps concurrent scoring calls (default 8), apart from the upstream's cap. */
  limit?: LimitFunction;
  /** Retries after 408, 429, 5xx or a connection failure (default 0), and the first backoff. */
  retries?: number;
  retryBaseMs?: number;
  /** Largest answer read, in bytes. */
  maxAnswerBytes?: number;
  /** null (default) passes no system message: the served model's template inserts its default. */
  systemPrompt?: string | null;
  /** 'messages' (default, vLLM chat pooling) or 'text' (rendered here with `template`). */
  form?: PoolingRequestForm;
  /** The served model's chat template, for the text form. */
  template?: ChatTemplate;
  /** Text the server's tokenizer turns into the step-tag id (151651). */
  stepTag?: string;
  /** Pooling task; null leaves it to the server's default (vLLM before `token_classify` existed). */
  task?: string | null;
  /** Timeout of the GET /health probe behind health(). */
  healthTimeoutMs?: number;
}

// vLLM's PoolingResponse, narrowed to what is read. A row is [p_neg, p_pos] at one step tag.
const PoolingData = z.union([z.number(), z.array(z.number()), z.array(z.array(z.number()))]);
const PoolingResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative().optional(), data: PoolingData })),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative().optional() }).optional(),
});
type PoolingData = z.infer<typeof PoolingData>;

const SNIPPET_CHARS = 200;
const PER_REQUEST_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);
// vLLM's words when an input is over the served model's context (max_model_len).
const CONTEXT_LENGTH = /maximum context length|max_model_len|context length|too long|longer than/i;

/** The URL without credentials or query, safe to put in an error message. */
function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

/** One reward per step from one sequence's pooled output; throws rather than misalign steps and rewards. */
export function stepRewardsFrom(data: PoolingData, steps: number): number[] {
  if (typeof data === 'number') return [data];
  if (data.every((v): v is number => typeof v === 'number')) {
    if (data.length !== steps)
      throw new ScorerError(`remote scorer returned ${data.length} rewards for ${steps} steps`, 'scorer_bad_response');
    return data;
  }
  const rows = data as number[][];
  if (rows.length !== steps) {
    // Far more rows than steps means the server pooled every token: its tokenizer did not map the tag to the step id.
    throw new ScorerError(
      `remote scorer returned ${rows.length} rows for ${steps} steps (is the step tag a single token for the served tokenizer, and the pooling type STEP?)`,
      'scorer_bad_response',
    );
  }
  return rows.map((row) => {
    if (row.length === 2) return row[1]!;
    if (row.length === 1) return row[0]!;
    throw new ScorerError(
      `remote scorer returned rows of ${row.length} values; expected [p_neg, p_pos] or one reward`,
      'scorer_bad_response',
    );
  });
}

/** The server's own words for an error, on one line and shortened; the key is masked in case a proxy echoes headers. */
function snippet(message: string, apiKey: string | undefined): string {
  let text =
    message
      .replace(/^upstream:? ?/, '')
      .replace(/\s+/g, ' ')
      .trim() || 'no body';
  if (apiKey) text = text.split(apiKey).join('***');
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

const causeOf = (err: unknown): string => {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown } | null)?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
};

export function createRemoteVllmSequenceScorer(opts: RemoteVllmOptions): SequenceScorer {
  const http = opts.http ?? platformHttp;
  const root = opts.baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
  const poolingUrl = `${root}/pooling`;
  const shownUrl = displayUrl(poolingUrl);
  if (opts.form === 'text' && !opts.template)
    throw new RangeError("remote scorer: the text form needs the served model's chat template (SCORER_CHAT_TEMPLATE)");
  const requestOptions = {
    form: opts.form ?? 'messages',
    model: opts.model,
    systemPrompt: opts.systemPrompt ?? null,
    stepTag: opts.stepTag,
    template: opts.template,
  } as const;
  const task = opts.task === undefined ? 'token_classify' : opts.task;
  const server: Upstream = {
    baseUrl: root,
    apiKey: opts.apiKey,
    supportsN: false,
    timeoutMs: opts.timeoutMs,
    firstByteTimeoutMs: opts.timeoutMs,
    retries: opts.retries ?? 0,
    retryBaseMs: opts.retryBaseMs ?? 250,
    limit: opts.limit ?? pLimit(8),
    http,
    maxAnswerBytes: opts.maxAnswerBytes,
  };
  const headers: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};

  /** The shared client's error as the scorer's: the caller decides on a fallback from its code. */
  const scorerError = (err: UpstreamError): ScorerError => {
    if (err.code === 'upstream_timeout')
      return new ScorerError(`remote scorer ${shownUrl} gave no answer within ${opts.timeoutMs} ms`, 'scorer_timeout');
    if (err.code === 'upstream_unreachable')
      return new ScorerError(`remote scorer ${shownUrl} ${err.message.replace(/^upstream /, '')}`);
    if (err.code === 'bad_upstream_response')
      return new ScorerError(`remote scorer ${shownUrl} ${snippet(err.message, opts.apiKey)}`, 'scorer_bad_response');
    const said = `remote scorer ${shownUrl} answered ${err.status}: ${snippet(err.message, opts.apiKey)}`;
    // A definite refusal of this one request (its input too long or malformed) fails the row, not the scorer:
    // `bestofn select` skips such a row and goes on. 401/403/404/429/5xx say the server itself is not usable.
    if (PER_REQUEST_STATUSES.has(err.status))
      return new ScorerError(said, CONTEXT_LENGTH.test(err.message) ? 'prompt_too_long' : 'scorer_bad_response');
    return new ScorerError(said);
  };

  /** POSTs one body and returns the parsed answer; every failure but the caller's abort becomes a ScorerError. */
  async function pool(request: PoolingBody, signal: AbortSignal | undefined): Promise<z.infer<typeof PoolingResponse>> {
    let text: string;
    try {
      text = await server.limit(async () =>
        (await postUpstream(server, '/pooling', request, signal ?? new AbortController().signal)).text(),
      );
    } catch (err) {
      // A client that went away is not a scorer failure: it must not turn into a fallback answer.
      if (signal?.aborted) throw signal.reason ?? err;
      if (err instanceof UpstreamError) throw scorerError(err);
      throw err;
    }
    const json = parseJson(text);
    if (!json.ok)
      throw new ScorerError(
        `remote scorer ${shownUrl} answered with a body that is not JSON: ${text.slice(0, 80)}`,
        'scorer_bad_response',
      );
    const parsed = PoolingResponse.safeParse(json.value);
    if (!parsed.success) {
      throw new ScorerError(
        `remote scorer ${shownUrl} answered with an unexpected body: ${describeIssue(parsed.error)}`,
        'scorer_bad_response',
      );
    }
    return parsed.data;
  }

  return {
    name: 'remote',
    modelId: opts.model ?? root,

    async scoreSequences(sequences: readonly PrmSequence[], signal?: AbortSignal): Promise<SequenceScore[]> {
      signal?.throwIfAborted();
      // A sequence without steps has no tag to read a reward at; it is answered here, not sent.
      const sent = sequences.flatMap((s, i) => (s.steps.length > 0 ? [i] : []));
      const out: SequenceScore[] = sequences.map(() => ({ stepRewards: [], windowed: false, tokens: 0 }));
      if (sent.length === 0) return out;

      const requests = poolingRequests(
        sent.map((i) => sequences[i]!),
        { ...requestOptions, task },
      );
      const answers = await Promise.all(requests.map((r) => pool(r.body, signal)));
      requests.forEach((request, r) => {
        const body = answers[r]!;
        const count = request.sequences.length;
        if (body.data.length !== count)
          throw new ScorerError(
            `remote scorer returned ${body.data.length} results for ${count} inputs`,
            'scorer_bad_response',
          );
        const byIndex: (PoolingData | undefined)[] = new Array(count);
        body.data.forEach((item, pos) => {
          const index = item.index ?? pos;
          if (index >= count || byIndex[index] !== undefined)
            throw new ScorerError(`remote scorer returned a bad or repeated index ${index}`, 'scorer_bad_response');
          byIndex[index] = item.data;
        });
        // vLLM reports only a total per request; an even split is the honest per-sequence figure it allows.
        const total = body.usage?.prompt_tokens ?? 0;
        const share = Math.floor(total / count);
        const extra = total - share * count;
        request.sequences.forEach((k, pos) => {
          const seqIndex = sent[k]!;
          out[seqIndex] = {
            stepRewards: stepRewardsFrom(byIndex[pos]!, sequences[seqIndex]!.steps.length),
            windowed: false,
            tokens: share + (pos < extra ? 1 : 0),
          };
        });
      });
      return out;
    },

    async health() {
      const facts: Record<string, unknown> = { scorer: 'remote', url: displayUrl(root), model: opts.model ?? null };
      try {
        const scope = new AbortScope();
        scope.timeout(opts.healthTimeoutMs ?? 2000, () => new Error('timeout'));
        const reply = await http({ method: 'GET', url: `${root}/health`, headers, signal: scope.signal }).finally(() =>
          scope.dispose(),
        );
        await reply.discard();
        const ok = reply.status >= 200 && reply.status < 300;
        return { ...facts, reachable: ok, ...(ok ? {} : { status: reply.status }) };
      } catch (err) {
        return { ...facts, reachable: false, error: causeOf(err) };
      }
    },
  };
}
