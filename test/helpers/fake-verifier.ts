import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for `vllm serve launch/ThinkPRM-14B`: POST /v1/chat/completions answering in
 * ThinkPRM's format. A chain request (the assistant turn continued from "Let's verify step by step:")
 * gets a verification that critiques each `Step i:` of the user prompt and closes it with
 * `\boxed{correct}` / `\boxed{incorrect}`, then "</think>" and "Is the solution correct? Yes/No", cut at
 * the request's `stop` strings and `max_tokens` (words) as vLLM would. A decision request (`max_tokens: 1`,
 * `logprobs: true`) gets one token with `top_logprobs`, or none when logprobs are switched off.
 */
export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface FakeVerifierOptions {
  /** Verdict on step `index` (0-based) in chain `chain` (the request's seed, or the choice index with `n`). Default: correct. */
  judge?: (step: string, index: number, chain: number) => boolean;
  /** Top logprobs of the decision token given the chain so far; null answers without logprobs. */
  decision?: ((chain: string) => TopLogprob[]) | null;
  /** Put the chain in `reasoning_content`, as vLLM does with `--reasoning-parser deepseek_r1`. */
  reasoningParser?: boolean;
  latencyMs?: number;
  /** Answer every request with this status and a vLLM error body. */
  errorStatus?: number;
  /** Answer only decision requests with this status (e.g. 400 for a prompt over the context length). */
  decisionErrorStatus?: number;
}

export interface FakeVerifier {
  /** Base URL including /v1. */
  url: string;
  requests: any[];
  aborted: number;
  set(options: Partial<FakeVerifierOptions>): void;
  down(): Promise<void>;
  close(): Promise<void>;
}

/** A confident answer: `yes` decides which of " Yes" / " No" leads. */
export const confident = (yes: boolean): TopLogprob[] => [
  { token: yes ? ' Yes' : ' No', logprob: -0.05 },
  { token: yes ? ' No' : ' Yes', logprob: -3.1 },
  { token: ' The', logprob: -6.2 },
];

const defaultDecision = (chain: string) => confident(!chain.includes('\\boxed{incorrect}'));

/** The lines of the solution in a ThinkPRM Best-of-N user prompt (steps one a line, unlabelled). */
export function solutionSteps(prompt: string): string[] {
  const solution = prompt.split('[Solution]\n\n')[1]?.split('\n\nReview and critique')[0] ?? '';
  return solution.split('\n').map((s) => s.trim());
}

function verification(steps: string[], verdict: (step: string, i: number) => boolean): string {
  const blocks = steps.map((step, i) => {
    const ok = verdict(step, i);
    const back = i > 0 ? ` It builds on what Step ${i} established.` : '';
    const quote = step.length > 60 ? `${step.slice(0, 60)}…` : step;
    return `Step ${i + 1}: The solution says "${quote}".${back} ${ok ? 'Checking this, it holds.' : 'Wait, this does not follow; the computation is off.'}\n\n**This step is \\boxed{${ok ? 'correct' : 'incorrect'}}**`;
  });
  const all = steps.every((s, i) => verdict(s, i));
  return `\nAlright, I will go through the solution one step at a time.\n\n${blocks.join('\n\n')}\n</think>\n\nIs the solution correct? ${all ? 'Yes' : 'No'}`;
}

/** Cut at the earliest stop string (excluded, as vLLM does) and at max_tokens words. */
function generate(text: string, stop: string[], maxTokens: number): { text: string; finish: 'stop' | 'length' } {
  let end = text.length;
  for (const s of stop) {
    const at = text.indexOf(s);
    if (at !== -1 && at < end) end = at;
  }
  const words = text.slice(0, end).match(/\S+\s*|\s+/g) ?? [];
  if (words.length > maxTokens) return { text: words.slice(0, maxTokens).join(''), finish: 'length' };
  return { text: text.slice(0, end), finish: 'stop' };
}

export async function startFakeVerifier(initial: FakeVerifierOptions = {}): Promise<FakeVerifier> {
  let options: FakeVerifierOptions = { ...initial };
  const state = { requests: [] as any[], aborted: 0 };

  const error = (res: http.ServerResponse, status: number) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: { message: `fake verifier error ${status}`, type: 'BadRequestError', param: null, code: status },
      }),
    );
  };

  const server = http.createServer(async (req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) state.aborted++;
    });
    let raw = '';
    for await (const chunk of req) raw += chunk;
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return error(res, 404);
    const body = JSON.parse(raw);
    state.requests.push(body);
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    if (res.destroyed) return;
    if (options.errorStatus) return error(res, options.errorStatus);

    const user: string = body.messages[0].content;
    const prefix: string = body.messages[1].content;
    const isDecision = body.max_tokens === 1 && body.logprobs === true;
    let choices: unknown[];
    if (isDecision) {
      if (options.decisionErrorStatus) return error(res, options.decisionErrorStatus);
      const decision = options.decision === undefined ? defaultDecision : options.decision;
      const top = decision ? decision(prefix) : null;
      const first = top?.[0];
      choices = [
        {
          index: 0,
          message: { role: 'assistant', content: first?.token ?? ' Yes' },
          logprobs: top
            ? {
                content: [
                  {
                    token: first!.token,
                    logprob: first!.logprob,
                    bytes: null,
                    top_logprobs: top.slice(0, body.top_logprobs ?? 0),
                  },
                ],
              }
            : null,
          finish_reason: 'length',
        },
      ];
    } else {
      const steps = solutionSteps(user);
      const judge = options.judge ?? (() => true);
      choices = Array.from({ length: body.n ?? 1 }, (_, index) => {
        const chain = typeof body.seed === 'number' ? body.seed : index;
        const out = generate(
          verification(steps, (s, i) => judge(s, i, chain)),
          body.stop ?? [],
          body.max_tokens ?? Infinity,
        );
        const message = options.reasoningParser
          ? { role: 'assistant', content: '', reasoning_content: out.text }
          : { role: 'assistant', content: out.text };
        return { index, message, logprobs: null, finish_reason: out.finish };
      });
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${state.requests.length}`,
        object: 'chat.completion',
        created: 0,
        model: body.model,
        choices,
        usage: null,
      }),
    );
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  let closed = false;
  const close = () =>
    new Promise<void>((resolve) => {
      if (closed) return resolve();
      closed = true;
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return state.requests;
    },
    get aborted() {
      return state.aborted;
    },
    set: (next) => {
      options = { ...options, ...next };
    },
    down: close,
    close,
  };
}
