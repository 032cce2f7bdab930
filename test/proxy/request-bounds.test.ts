import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { MATH } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { startRawUpstream } from '../helpers/raw-upstream';

/** Issue 27, items 7 and 12: what one request may read across its N candidates, and the per-choice cap. */
const MIB = 1024 * 1024;

const completion = (choices: unknown[]) => ({
  id: 'cmpl-up',
  object: 'chat.completion',
  created: 7,
  model: 'up-model',
  choices,
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
/** A choice of about `bytes` bytes of text that still answers 42. */
const bigChoice = (index: number, bytes: number) => ({
  index,
  finish_reason: 'stop',
  message: { role: 'assistant', content: `${'x'.repeat(bytes)} So \\boxed{42}` },
});

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

async function withGateway(handle: Handler, env: Record<string, string>, run: (base: string) => Promise<void>) {
  const upstream = await startRawUpstream(handle);
  const gw = await startGateway(
    parseConfig({ UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRIES: '0', ...env }),
    createLogger('silent'),
  );
  try {
    await run(gw.url);
  } finally {
    await gw.close();
    await upstream.close();
  }
}

const post = (base: string, body: object) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: MATH, ...body }),
  });

/** Writes the answer whole with its length, or in pieces without one (chunked), as servers do. */
function send(res: http.ServerResponse, value: unknown, chunked: boolean) {
  const text = JSON.stringify(value);
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(chunked ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
  });
  if (!chunked) return res.end(text);
  for (let i = 0; i < text.length; i += 64 * 1024) res.write(text.slice(i, i + 64 * 1024));
  res.end();
}

describe('the answer cap is per choice (item 12)', () => {
  it.each([false, true])(
    'one n-choice answer larger than UPSTREAM_MAX_ANSWER_MB, each choice under it, is read (chunked: %s)',
    async (chunked) => {
      const asked: number[] = [];
      await withGateway(
        (_q, res, body) => {
          const n = (JSON.parse(body) as { n: number }).n;
          asked.push(n);
          // 4 × 0.4 MiB = 1.6 MiB in one body, over the 1 MiB cap of one answer.
          send(res, completion(Array.from({ length: n }, (_, i) => bigChoice(i, 0.4 * MIB))), chunked);
        },
        { UPSTREAM_SUPPORTS_N: 'true', UPSTREAM_MAX_ANSWER_MB: '1' },
        async (base) => {
          const res = await post(base, { best_of: 4 });
          const body = await res.json();
          expect(res.status).toBe(200);
          expect(asked).toEqual([4]);
          expect(metadataOf(body).candidates.filter((c) => c.error)).toEqual([]);
          expect(body.choices[0].message.content).toMatch(/\\boxed\{42\}$/);
        },
      );
    },
  );

  it('SCORER=confidence with UPSTREAM_SUPPORTS_N: n choices of 20 top logprobs a token, over the cap together, are scored', async () => {
    // The case scaled down: best_of 8, 20 top logprobs a token, each choice ~0.8 MiB against a 1 MiB cap.
    const tokens = 640;
    const entry = (t: number) => ({
      token: ` t${t}`,
      logprob: -0.25,
      bytes: [32, 116],
      top_logprobs: Array.from({ length: 20 }, (_, k) => ({ token: ` t${k}`, logprob: -0.25 - k, bytes: [32, 116] })),
    });
    const logprobs = { content: Array.from({ length: tokens }, (_, t) => entry(t)), refusal: null };
    const asked: { n: number; top_logprobs: number }[] = [];
    await withGateway(
      (_q, res, body) => {
        const req = JSON.parse(body) as { n: number; top_logprobs: number };
        asked.push({ n: req.n, top_logprobs: req.top_logprobs });
        const choices = Array.from({ length: req.n }, (_, i) => ({ ...bigChoice(i, 1000), logprobs }));
        send(res, completion(choices), false);
      },
      { UPSTREAM_SUPPORTS_N: 'true', UPSTREAM_MAX_ANSWER_MB: '1', SCORER: 'confidence', CONFIDENCE_TOP_LOGPROBS: '20' },
      async (base) => {
        const res = await post(base, { best_of: 8 });
        const body = await res.json();
        expect(res.status).toBe(200);
        expect(asked).toEqual([{ n: 8, top_logprobs: 20 }]);
        const meta = metadataOf(body);
        expect(meta.scorer).toBe('confidence');
        expect(meta.candidates.filter((c) => c.error)).toEqual([]);
        expect(meta.candidates.every((c) => typeof c.reward === 'number')).toBe(true);
      },
    );
  });

  it('an n-choice answer past n × the cap still fails as too large', async () => {
    await withGateway(
      (_q, res) => send(res, completion([0, 1].map((i) => bigChoice(i, 1.2 * MIB))), false),
      { UPSTREAM_SUPPORTS_N: 'true', UPSTREAM_MAX_ANSWER_MB: '1' },
      async (base) => {
        const res = await post(base, { best_of: 2 });
        expect(res.status).toBe(502);
        expect((await res.json()).error).toMatchObject({
          code: 'bad_upstream_response',
          message: expect.stringMatching(/larger than 2097152 bytes/),
        });
      },
    );
  });
});

describe('one request reads at most UPSTREAM_MAX_REQUEST_MB across its candidates (item 7)', () => {
  it.each([false, true])(
    'candidates past the budget fail as candidates_too_large and the rest answer (chunked: %s)',
    async (chunked) => {
      await withGateway(
        // Each answer (0.4 MiB) is under the 1 MiB cap of one answer; four of them are not under the 1 MiB budget.
        (_q, res) => send(res, completion([bigChoice(0, 0.4 * MIB)]), chunked),
        { UPSTREAM_MAX_ANSWER_MB: '1', UPSTREAM_MAX_REQUEST_MB: '1' },
        async (base) => {
          const res = await post(base, { best_of: 4 });
          const body = await res.json();
          expect(res.status).toBe(200);
          const candidates = metadataOf(body).candidates;
          const kept = candidates.filter((c) => !c.error);
          const dropped = candidates.filter((c) => c.error);
          // Two answers fit in 1 MiB, a third does not; reads that race may drop one more, never all.
          expect(kept.length).toBeGreaterThanOrEqual(1);
          expect(kept.length).toBeLessThanOrEqual(2);
          if (!chunked) expect(kept).toHaveLength(2);
          for (const c of dropped)
            expect(c.error).toMatchObject({
              status: 502,
              code: 'candidates_too_large',
              message: expect.stringMatching(/UPSTREAM_MAX_REQUEST_MB \(1048576 bytes in all\)/),
            });
          expect(body.choices[0].message.content).toMatch(/\\boxed\{42\}$/);
        },
      );
    },
  );

  it('the budget is per request: the next request reads its own', async () => {
    await withGateway(
      (_q, res) => send(res, completion([bigChoice(0, 0.4 * MIB)]), false),
      { UPSTREAM_MAX_ANSWER_MB: '1', UPSTREAM_MAX_REQUEST_MB: '1' },
      async (base) => {
        for (let i = 0; i < 2; i++) {
          const res = await post(base, { best_of: 2 });
          expect(metadataOf(await res.json()).candidates.filter((c) => c.error)).toEqual([]);
        }
      },
    );
  });

  it('the live path counts its streams against the same budget', async () => {
    const piece = 'y'.repeat(16 * 1024);
    await withGateway(
      (_q, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null = null) =>
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        let out = chunk({ role: 'assistant', content: '' });
        for (let i = 0; i < 25; i++) out += chunk({ content: piece });
        out += chunk({ content: ' So \\boxed{42}' }) + chunk({}, 'stop') + 'data: [DONE]\n\n';
        res.end(out);
      },
      { UPSTREAM_MAX_ANSWER_MB: '1', UPSTREAM_MAX_REQUEST_MB: '1' },
      async (base) => {
        const res = await post(base, {
          best_of: 4,
          bestofn: { reject: { after_tokens: 1000, every_tokens: 1000, keep_fraction: 1, min_keep: 1 } },
        });
        const body = await res.json();
        expect(res.status).toBe(200);
        const candidates = metadataOf(body).candidates;
        expect(candidates.filter((c) => !c.error).length).toBeGreaterThanOrEqual(1);
        expect(candidates.filter((c) => c.error?.code === 'candidates_too_large').length).toBeGreaterThanOrEqual(2);
      },
    );
  });
});
