import { afterEach, describe, expect, it } from 'vitest';
import { createRemoteVllmSequenceScorer, type RemoteVllmOptions } from '../../src/scorer/remote-vllm';
import { ScorerError } from '../../src/errors';
import { QWEN_PRM_SYSTEM_PROMPT } from '../../src/core/prm-prompt';
import { createPrmScorer } from '../../src/scorer/prm-scorer';
import { countTags, servedTemplate, startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';
import { rejection } from '../helpers/rejection';

// vLLM's own output for Qwen2.5-Math-PRM-7B on the model card's 4-step flamingo solution (second step wrong).
// The problem and steps below are shortened from that example; only the rows are vLLM's.
const GOLDEN_ROWS = [
  [0.0006, 0.9995],
  [0.8188, 0.1813],
  [0.0255, 0.9746],
  [0.0004, 0.9995],
];
const PROBLEM =
  'Sue lives in a fun neighborhood. How many more pink plastic flamingos were out than white plastic flamingos at noon on Sunday?';
const STEPS = [
  'To find out how many more pink plastic flamingos were out than white plastic flamingos at noon on Sunday, we can break down the problem into steps.',
  'On Saturday, they take back one third of the flamingos. Since there were 18 flamingos, (1/3)*18 = 6 flamingos are taken back.',
  "On Sunday, the neighbors add another 18 pink plastic flamingos to Sue's front yard.",
  'At noon on Sunday, there are 30 pink flamingos and 6 white flamingos. The difference is 30 - 6 = 24.\n\nThe answer is (\\boxed{24}).',
];

let fake: FakeVllm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const remote = (url: string, extra: Partial<RemoteVllmOptions> = {}) =>
  createRemoteVllmSequenceScorer({ baseUrl: url, model: 'Qwen/Qwen2.5-Math-PRM-7B', timeoutMs: 2000, ...extra });

describe('remote vLLM sequence scorer', () => {
  it('reads p_pos at each step tag from vLLM golden output and sends the conversation as chat messages', async () => {
    fake = await startFakeVllm({ respond: () => GOLDEN_ROWS });
    const scorer = remote(fake.url, { apiKey: 'sk-prm-secret', systemPrompt: QWEN_PRM_SYSTEM_PROMPT });
    const [score] = await scorer.scoreSequences([{ problem: PROBLEM, steps: STEPS }]);
    expect(score!.stepRewards).toEqual([0.9995, 0.1813, 0.9746, 0.9995]);
    expect(score!.windowed).toBe(false);

    const body = fake.requests[0];
    expect(body).toEqual({
      model: 'Qwen/Qwen2.5-Math-PRM-7B',
      task: 'token_classify',
      messages: [
        { role: 'system', content: QWEN_PRM_SYSTEM_PROMPT },
        { role: 'user', content: PROBLEM },
        { role: 'assistant', content: STEPS.join('<extra_0>') + '<extra_0>' },
      ],
      add_generation_prompt: false,
      continue_final_message: false,
    });
    const prompt = fake.rendered[0]![0]!;
    expect(countTags(prompt)).toBe(4);
    expect(prompt.endsWith('<extra_0><|im_end|>\n')).toBe(true);
    expect(fake.headers[0]!.authorization).toBe('Bearer sk-prm-secret');
    expect(score!.tokens).toBe(Math.ceil(prompt.length / 4));
  });

  it('passes no system message by default, so the served template inserts its own (ReasonFlux-PRM-7B)', async () => {
    fake = await startFakeVllm();
    await remote(fake.url).scoreSequences([{ problem: PROBLEM, steps: STEPS }]);
    expect(fake.requests[0].messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant']);
    expect(fake.rendered[0]![0]).toMatch(/^<\|im_start\|>system\nYou are Qwen, created by Alibaba Cloud/);
  });

  it('sends one chat request per sequence and maps each answer back to its sequence', async () => {
    fake = await startFakeVllm({
      respond: (input) =>
        Array.from({ length: countTags(input) }, (_, i) => [0, input.includes('second') ? 0.2 + i / 10 : 0.7]),
    });
    const scores = await remote(fake.url).scoreSequences([
      { problem: 'first problem', steps: ['a', 'b'] },
      { problem: 'empty', steps: [] },
      { problem: 'second problem', steps: ['c', 'd', 'e'] },
    ]);
    expect(fake.requests).toHaveLength(2);
    expect(scores.map((s) => s.stepRewards)).toEqual([[0.7, 0.7], [], [0.2, 0.30000000000000004, 0.4]]);
    expect(scores[1]!.tokens).toBe(0);
  });

  it('text form: sends all sequences in one request, rendered with the given template, and maps results back by index', async () => {
    fake = await startFakeVllm({
      respond: (input) =>
        Array.from({ length: countTags(input) }, (_, i) => [0, input.includes('second') ? 0.2 + i / 10 : 0.7]),
    });
    const scorer = remote(fake.url, { systemPrompt: 'Judge each step.', form: 'text', template: servedTemplate() });
    const scores = await scorer.scoreSequences([
      { problem: 'first problem', steps: ['a', 'b'] },
      { problem: 'empty', steps: [] },
      { problem: 'second problem', steps: ['c', 'd', 'e'] },
    ]);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].input).toHaveLength(2);
    expect(fake.requests[0].input[0]).toBe(
      '<|im_start|>system\nJudge each step.<|im_end|>\n<|im_start|>user\nfirst problem<|im_end|>\n<|im_start|>assistant\na<extra_0>b<extra_0><|im_end|>\n',
    );
    expect(scores.map((s) => s.stepRewards)).toEqual([[0.7, 0.7], [], [0.2, 0.30000000000000004, 0.4]]);
    const total = fake.requests[0].input.reduce((s: number, x: string) => s + Math.ceil(x.length / 4), 0);
    expect(scores[0]!.tokens + scores[2]!.tokens).toBe(total);
  });

  it('refuses the text form without a template', () => {
    expect(() => remote('http://127.0.0.1:1', { form: 'text' })).toThrow(/SCORER_CHAT_TEMPLATE/);
  });

  it('accepts a bare float, a flat list and one-value rows', async () => {
    fake = await startFakeVllm({
      respond: (input) => (input.includes('scalar') ? 0.42 : input.includes('flat') ? [0.1, 0.8] : [[0.3], [0.6]]),
    });
    const scores = await remote(fake.url).scoreSequences([
      { problem: 'scalar', steps: ['x', 'y', 'z'] },
      { problem: 'flat', steps: ['x', 'y'] },
      { problem: 'single', steps: ['x', 'y'] },
    ]);
    expect(scores.map((s) => s.stepRewards)).toEqual([[0.42], [0.1, 0.8], [0.3, 0.6]]);
  });

  it('refuses to align rewards when rows and steps differ', async () => {
    // What a server that pooled every token (no step-tag filtering) would answer.
    fake = await startFakeVllm({ respond: () => Array.from({ length: 57 }, () => [0.5, 0.5]) });
    const err = await rejection(remote(fake.url).scoreSequences([{ problem: PROBLEM, steps: STEPS }]));
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).message).toMatch(/57 rows for 4 steps/);
    expect((err as ScorerError).status).toBe(503);

    fake.set({ respond: () => [0.1, 0.2, 0.3] });
    await expect(remote(fake.url).scoreSequences([{ problem: PROBLEM, steps: STEPS }])).rejects.toThrow(
      /3 rewards for 4 steps/,
    );
    fake.set({ respond: () => [[0.1, 0.2, 0.7]] });
    await expect(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['one'] }])).rejects.toThrow(
      /rows of 3 values/,
    );
  });

  it('turns a body of the wrong shape into a ScorerError', async () => {
    fake = await startFakeVllm({ respond: () => 'AAAA' as unknown as number });
    const err = await rejection(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['s'] }]));
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).code).toBe('scorer_bad_response');
  });

  it('gives up with a ScorerError after the timeout', async () => {
    fake = await startFakeVllm({ latencyMs: 5000 });
    const started = Date.now();
    const err = await rejection(remote(fake.url, { timeoutMs: 150 }).scoreSequences([{ problem: 'p', steps: ['s'] }]));
    const elapsed = Date.now() - started;
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).code).toBe('scorer_timeout');
    expect((err as ScorerError).message).toMatch(/150 ms/);
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1500);
  });

  it('reports an HTTP error with its status and the server message, never the key', async () => {
    fake = await startFakeVllm({
      errorStatus: 500,
      errorMessage: 'CUDA out of memory while serving key sk-prm-secret',
    });
    const err = await rejection(
      remote(fake.url, { apiKey: 'sk-prm-secret' }).scoreSequences([{ problem: 'p', steps: ['s'] }]),
    );
    expect(err).toBeInstanceOf(ScorerError);
    const message = (err as ScorerError).message;
    expect(message).toMatch(/answered 500: CUDA out of memory/);
    expect(message).not.toContain('sk-prm-secret');
  });

  it.each([
    [400, 'malformed input', 'scorer_bad_response'],
    [413, 'too large', 'scorer_bad_response'],
    [422, 'invalid', 'scorer_bad_response'],
    [400, "This model's maximum context length is 4096 tokens.", 'prompt_too_long'],
    [401, 'bad key', 'scorer_unavailable'],
    [403, 'forbidden', 'scorer_unavailable'],
    [429, 'slow down', 'scorer_unavailable'],
    [503, 'overloaded', 'scorer_unavailable'],
  ])(
    'codes an answer %i (%s) as %s: a refused request fails its row, a refusing server the scorer',
    async (status, message, code) => {
      fake = await startFakeVllm({ errorStatus: status, errorMessage: message });
      const err = await rejection(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['s'] }]));
      expect(err).toBeInstanceOf(ScorerError);
      expect((err as ScorerError).code).toBe(code);
    },
  );

  it('reports vLLM rejecting the task (a server older than token_classify)', async () => {
    fake = await startFakeVllm({ tasks: ['encode'] });
    await expect(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['s'] }])).rejects.toThrow(
      /answered 400: Unsupported task: 'token_classify'/,
    );
    const scores = await remote(fake.url, { task: null }).scoreSequences([{ problem: 'p', steps: ['s'] }]);
    expect(fake.requests.at(-1)).not.toHaveProperty('task');
    expect(scores[0]!.stepRewards).toEqual([0.9]);
  });

  it('reports a refused connection as a ScorerError', async () => {
    fake = await startFakeVllm();
    await fake.down();
    const err = await rejection(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['s'] }]));
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).message).toMatch(/unreachable: .*ECONNREFUSED/);
  });

  it('propagates a caller abort as an abort, not as a scorer failure', async () => {
    fake = await startFakeVllm({ latencyMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(remote(fake.url).scoreSequences([{ problem: 'p', steps: ['s'] }], controller.signal));
    expect(err).not.toBeInstanceOf(ScorerError);
    expect((err as Error).name).toBe('AbortError');
    await new Promise((r) => setTimeout(r, 20));
    expect(fake.aborted).toBe(1);
  });

  it('drops a trailing /v1 from the base URL and reports health', async () => {
    fake = await startFakeVllm();
    const scorer = remote(`${fake.url}/v1/`);
    expect(scorer.name).toBe('remote');
    expect(scorer.modelId).toBe('Qwen/Qwen2.5-Math-PRM-7B');
    expect(createRemoteVllmSequenceScorer({ baseUrl: fake.url, timeoutMs: 10 }).modelId).toBe(fake.url);
    await scorer.scoreSequences([{ problem: 'p', steps: ['s'] }]);
    expect(fake.requests).toHaveLength(1);
    expect(await scorer.health!()).toMatchObject({
      scorer: 'remote',
      model: 'Qwen/Qwen2.5-Math-PRM-7B',
      reachable: true,
    });
    await fake.down();
    expect(await scorer.health!()).toMatchObject({ reachable: false });
  });
});

describe('PRM scorer over the remote vLLM scorer', () => {
  it('returns thinking and response step rewards for a candidate with both', async () => {
    // Thinking is told apart from the response by its first word, so each part gets its own rewards.
    fake = await startFakeVllm({
      respond: (input) =>
        Array.from({ length: countTags(input) }, (_, i) => [
          0,
          input.includes('<|im_start|>assistant\nHmm') ? 0.5 + i / 100 : 0.9 - i / 10,
        ]),
    });
    const scorer = createPrmScorer(remote(fake.url));
    const result = await scorer.score({
      problem: 'What is 40 + 2?',
      candidates: [
        {
          thinking: 'Hmm, 40 plus 2.\n\nThat is 42.\n\nDone.',
          thinkingSteps: ['Hmm, 40 plus 2.', 'That is 42.', 'Done.'],
          response: 'Adding gives 42.\n\nThe answer is $\\boxed{42}$.',
          responseSteps: ['Adding gives 42.', 'The answer is $\\boxed{42}$.'],
          answer: '42',
        },
      ],
    });
    expect(result.scorer).toBe('remote');
    expect(result.rewards[0]!.thinking).toEqual([0.5, 0.51, 0.52]);
    expect(result.rewards[0]!.response).toEqual([0.9, 0.8]);
    expect(fake.requests).toHaveLength(2);
  });
});
