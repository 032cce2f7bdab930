import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config';
import { loadConfigFile } from '../../../src/config-loader';
import { createLogger } from '../../../src/log';
import { startGateway } from '../../../src/node';
import { metadataOf } from '../../helpers/metadata';
import { startRawUpstream } from '../../helpers/raw-upstream';

/**
 * A streaming upstream that sends OpenAI-format chunks with `logprobs.content[].top_logprobs`, one token
 * per chunk, as vLLM does. The trace depends on the request's seed (candidate i gets seed + i).
 * Token confidences (top-3): SURE = 13.01/3 = 4.33667; DIP = 9/3 = 3; UNSURE = 3.3/3 = 1.1.
 */
const SURE = [-0.01, -6, -7];
const DIP = [-0.5, -4, -4.5];
const UNSURE = [-1.0, -1.1, -1.2];
const words = (answer: string) => [
  'We',
  ' add',
  ' the',
  ' two',
  ' numbers',
  ' and',
  ' get',
  ' the',
  ' sum',
  ' \\boxed{',
  answer,
  '}',
];
const TRACES: Record<number, { tokens: string[]; tops: number[][] }> = {
  // Warm-up: one dip each, so their lowest group (window 4) is (3·4.33667 + 3) / 4 = 4.0025.
  0: { tokens: words('42'), tops: words('42').map((_, t) => (t === 5 ? DIP : SURE)) },
  1: { tokens: words('42'), tops: words('42').map((_, t) => (t === 6 ? DIP : SURE)) },
  // Second wave: one sure all along (never below 4.0025), one that turns unsure at token 5.
  2: { tokens: words('42'), tops: words('42').map(() => SURE) },
  3: { tokens: words('41'), tops: words('41').map((_, t) => (t >= 4 ? UNSURE : SURE)) },
};

async function streamingUpstream(traces = TRACES, delayMs = 2) {
  const bodies: any[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = JSON.parse(raw);
      bodies.push(body);
      const trace = traces[body.seed - 100]!;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (o: object) =>
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-live', object: 'chat.completion.chunk', created: 1764547200, model: 'qwen', ...o })}\n\n`,
        );
      send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] });
      for (let t = 0; t < trace.tokens.length; t++) {
        if (res.destroyed) return;
        const token = trace.tokens[t]!;
        const tops = trace.tops[t]!.map((logprob, j) => ({ token: j === 0 ? token : `alt${j}`, logprob, bytes: null }));
        send({
          choices: [
            {
              index: 0,
              delta: { content: token },
              logprobs: { content: [{ token, logprob: tops[0]!.logprob, bytes: null, top_logprobs: tops }] },
              finish_reason: null,
            },
          ],
        });
        await new Promise((r) => setTimeout(r, delayMs));
      }
      send({ choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] });
      send({
        choices: [],
        usage: { prompt_tokens: 10, completion_tokens: trace.tokens.length, total_tokens: 10 + trace.tokens.length },
      });
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('SCORER=confidence on the live path (DeepConf online)', () => {
  it('sets the stop threshold from the warm-up wave and cancels a trace whose group confidence falls below it', async () => {
    const upstream = await streamingUpstream();
    const config = parseConfig(
      { UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', SCORER: 'confidence', CONFIDENCE_WINDOW: '4' },
      [],
      loadConfigFile,
    );
    const gateway = await startGateway(config, createLogger(config.LOG_LEVEL));
    cleanup.push(
      () => upstream.close(),
      () => gateway.close(),
    );
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'test', maxRetries: 0 });

    const res: any = await client.chat.completions.create({
      model: 'qwen',
      seed: 100,
      messages: [{ role: 'user', content: 'What is 40 + 2?' }],
      bestofn: { select: 'weighted_vote', adaptive: { waves: [2, 4], stop_when: { top_reward: 1e9 } } },
    } as any);

    const meta = metadataOf(res);
    expect(upstream.bodies.every((b) => b.logprobs === true && b.top_logprobs === 20 && b.stream === true)).toBe(true);
    expect(meta.live?.confidence_stop).toEqual({
      threshold: expect.closeTo((3 * 13.01) / 3 / 4 + 3 / 4, 5),
      warmup: 2,
      stopped: 1,
    });
    const byIndex = Object.fromEntries(meta.candidates.map((c: any) => [c.index, c]));
    expect(byIndex[3].stopped).toBe('low-confidence@5'); // (3·4.33667 + 1.1) / 4 = 3.5275 < 4.0025 at the fifth token
    expect(byIndex[2].stopped).toBe('finished');
    expect(byIndex[0].stopped).toBe('finished');
    // The finished traces are scored on their streamed logprobs, not by the vote fallback.
    expect(meta.scorer).toBe('confidence');
    expect(byIndex[2].reward).toBeCloseTo(13.01 / 3, 5);
    expect(res.choices[0].message.content).toContain('\\boxed{42}');
  });
});

describe('early rejection with SCORER=confidence', () => {
  it('ranks partial traces at a checkpoint by their confidence so far', async () => {
    const long = (answer: string) => [
      ...words(answer).slice(0, 9),
      ...Array.from({ length: 40 }, (_, k) => ` step${k}`),
      ...words(answer).slice(9),
    ];
    const trace = (answer: string, tops: (t: number) => number[]) => ({
      tokens: long(answer),
      tops: long(answer).map((_, t) => tops(t)),
    });
    const traces = {
      0: trace('42', (t) => (t === 2 ? DIP : SURE)), // one dip inside the first 6 tokens
      1: trace('42', () => SURE),
      2: trace('42', () => SURE),
      3: trace('41', (t) => (t >= 1 ? UNSURE : SURE)),
    };
    const upstream = await streamingUpstream(traces, 4);
    const config = parseConfig(
      { UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', SCORER: 'confidence', CONFIDENCE_WINDOW: '4' },
      [],
      loadConfigFile,
    );
    const gateway = await startGateway(config, createLogger(config.LOG_LEVEL));
    cleanup.push(
      () => upstream.close(),
      () => gateway.close(),
    );
    const res = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'qwen',
        seed: 100,
        best_of: 4,
        messages: [{ role: 'user', content: 'What is 40 + 2?' }],
        bestofn: { reject: { after_tokens: 6, every_tokens: 1000, keep_fraction: 0.5, min_keep: 1 } },
      }),
    });
    const meta = metadataOf(await res.json());
    const stops = Object.fromEntries(meta.candidates.map((c: any) => [c.index, c.stopped]));
    expect(meta.live).toMatchObject({ checkpoints: 1, rejected: 2 });
    expect(stops[0]).toMatch(/^rejected@\d+$/);
    expect(stops[3]).toMatch(/^rejected@\d+$/);
    expect([stops[1], stops[2]]).toEqual(['finished', 'finished']);
  });
});

describe('adaptive N counts agreement over clusters of equivalent answers', () => {
  it('stops after the first wave when its answers are one answer written two ways', async () => {
    const { startTestGateway, MATH } = await import('../../helpers/gateway');
    // Different answer keys ("(70)" and "70"), one cluster: full agreement.
    const t = await startTestGateway(
      {},
      {
        respond: (_b, _i, call) => ({ content: call % 2 === 0 ? 'So \\boxed{\\left( 70 \\right)}' : 'So \\boxed{70}' }),
      },
    );
    cleanup.push(() => t.close());
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'fake-model',
        messages: MATH,
        bestofn: { adaptive: { waves: [2, 6], stop_when: { agreement: 1 } } },
      }),
    });
    const meta = metadataOf(await res.json());
    expect(meta.live).toMatchObject({ drawn: 2, stopped_because: expect.stringMatching(/agreement 1\.00/) });
  });
});

describe('a candidate started again on the fallback upstream', () => {
  it("is scored on the fallback stream's logprobs alone, end to end", async () => {
    // The routed upstream streams three unsure tokens, then its connection drops; the fallback streams a sure trace.
    const broken = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const token of ['We', ' add', ' the']) {
        const tops = UNSURE.map((logprob, j) => ({ token: j === 0 ? token : `alt${j}`, logprob, bytes: null }));
        res.write(
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'qwen', choices: [{ index: 0, delta: { content: token }, logprobs: { content: [{ token, logprob: tops[0]!.logprob, bytes: null, top_logprobs: tops }] }, finish_reason: null }] })}\n\n`,
        );
      }
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const fallback = await streamingUpstream({ 0: { tokens: words('42'), tops: words('42').map(() => SURE) } });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-conf-fallback-')), 'bestofn.yaml');
    fs.writeFileSync(
      file,
      `upstreams:\n  - { name: math, base_url: "${broken.url}", models: [qwen] }\n  - { name: general, base_url: "${fallback.url}", models: ["*"] }\nfallback_upstream: general\n`,
    );
    const config = parseConfig(
      {
        CONFIG_FILE: file,
        PORT: '0',
        LOG_LEVEL: 'silent',
        SCORER: 'confidence',
        CONFIDENCE_WINDOW: '4',
        UPSTREAM_RETRIES: '0',
      },
      [],
      loadConfigFile,
    );
    const gateway = await startGateway(config, createLogger(config.LOG_LEVEL));
    cleanup.push(
      () => broken.close(),
      () => fallback.close(),
      () => gateway.close(),
    );
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'test', maxRetries: 0 });
    const res = await client.chat.completions.create({
      model: 'qwen',
      seed: 100,
      messages: [{ role: 'user', content: 'What is 40 + 2?' }],
      bestofn: { adaptive: { waves: [1], stop_when: { top_reward: 1e9 } } },
    } as never);
    const [only] = metadataOf(res).candidates;
    expect(only).toMatchObject({ upstream: 'general', stopped: 'finished' });
    // All sure: 13.01 / 3 per token. The broken stream's unsure tokens (1.1 each) would pull it down.
    expect(only!.reward).toBeCloseTo(13.01 / 3, 5);
  });
});
