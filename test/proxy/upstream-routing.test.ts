import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { startFakeUpstream, type FakeUpstreamOptions } from '../helpers/fake-upstream';
import { MATH } from '../helpers/gateway';
import type { Scorer } from '../../src/scorer/types';
import { metadataOf } from '../helpers/metadata';
import { startRawUpstream } from '../helpers/raw-upstream';

async function setup(math: FakeUpstreamOptions, general: FakeUpstreamOptions, extra = '') {
  const a = await startFakeUpstream({ ...math, model: 'qwen-math' });
  const b = await startFakeUpstream({ ...general, model: 'general' });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-routing-')), 'bestofn.yaml');
  fs.writeFileSync(
    file,
    `upstreams:\n  - { name: math, base_url: "${a.url}", models: [qwen-math] }\n  - { name: general, base_url: "${b.url}", models: ["*"] }\n${extra}`,
  );
  const config = parseConfig(
    { CONFIG_FILE: file, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRIES: '0' },
    [],
    loadConfigFile,
  );
  const gateway = await startGateway(config, createLogger('silent'));
  const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
  return { a, b, client, close: async () => (await gateway.close(), await a.close(), await b.close()) };
}

describe('several upstreams', () => {
  it('routes by model name, with a catch-all', async () => {
    const t = await setup({}, {});
    try {
      await t.client.chat.completions.create({ model: 'qwen-math', messages: MATH, best_of: 2 } as never);
      await t.client.chat.completions.create({ model: 'anything-else', messages: MATH, best_of: 3 } as never);
      expect(t.a.requests.map((r) => r.model)).toEqual(['qwen-math', 'qwen-math']);
      expect(t.b.requests.map((r) => r.model)).toEqual(['anything-else', 'anything-else', 'anything-else']);
      const models = await t.client.models.list();
      expect(models.data.map((m) => m.id).sort()).toEqual(['general', 'qwen-math']);
    } finally {
      await t.close();
    }
  });

  it('relays a one-candidate request from the fallback upstream when the routed one fails, plain and streamed', async () => {
    const t = await setup({ fail: () => ({ status: 503 }) }, {}, 'fallback_upstream: general\n');
    try {
      const res = await t.client.chat.completions.create({ model: 'qwen-math', messages: MATH, best_of: 1 } as never);
      expect(res.choices[0]!.message.content).toBeTruthy();
      expect(metadataOf(res)).toMatchObject({ bypass: 'single', candidates: [{ upstream: 'general' }] });
      const stream = await t.client.chat.completions.create({
        model: 'qwen-math',
        messages: MATH,
        stream: true,
        ...{ best_of: 1 },
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      expect(text).toBeTruthy();
      expect(t.b.requests).toHaveLength(2);
    } finally {
      await t.close();
    }
  });

  it('samples the candidates a failing upstream could not give from the fallback upstream, and says so', async () => {
    const t = await setup(
      { fail: (_b, call) => (call % 2 === 0 ? { status: 503 } : null) },
      {},
      'fallback_upstream: general\n',
    );
    try {
      const res = await t.client.chat.completions.create({ model: 'qwen-math', messages: MATH, best_of: 4 } as never);
      const meta = metadataOf(res);
      expect(meta.n_received).toBe(4);
      expect(meta.candidates.filter((c) => c.upstream === 'general')).toHaveLength(2);
      expect(t.b.requests).toHaveLength(2);
    } finally {
      await t.close();
    }
  });

  it('on the live path too: a streamed candidate the routed upstream fails is sampled from the fallback', async () => {
    const t = await setup(
      { fail: (_b, call) => (call % 2 === 0 ? { status: 503 } : null) },
      {},
      'fallback_upstream: general\n',
    );
    try {
      const res = await t.client.chat.completions.create({
        model: 'qwen-math',
        messages: MATH,
        best_of: 4,
        bestofn: { adaptive: { waves: [4], stop_when: { agreement: 1 } } },
      } as never);
      const meta = metadataOf(res);
      expect(meta.live).toBeDefined();
      expect(meta.n_received).toBe(4);
      // Which two fail depends on arrival order at the fake; that two do, and are sampled again, does not.
      expect(meta.candidates.filter((c) => c.upstream === 'general')).toHaveLength(2);
      expect(t.b.requests).toHaveLength(2);
      expect(t.b.requests.every((r) => r.stream === true)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('on the live path, what a stream generated before it broke still counts once the fallback replaced it', async () => {
    // The routed upstream streams three tokens, then its connection drops; the fallback answers in full.
    const broken = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const word of ['We', ' add', ' them']) {
        res.write(
          `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'qwen-math', choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`,
        );
      }
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const general = await startFakeUpstream({ model: 'general' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-routing-')), 'bestofn.yaml');
    fs.writeFileSync(
      file,
      `upstreams:\n  - { name: math, base_url: "${broken.url}", models: [qwen-math] }\n  - { name: general, base_url: "${general.url}", models: ["*"] }\nfallback_upstream: general\n`,
    );
    const gateway = await startGateway(
      parseConfig({ CONFIG_FILE: file, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRIES: '0' }, [], loadConfigFile),
      createLogger('silent'),
    );
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const res = await client.chat.completions.create({
        model: 'qwen-math',
        messages: MATH,
        best_of: 2,
        bestofn: { adaptive: { waves: [2], stop_when: { agreement: 1 } } },
      } as never);
      const meta = metadataOf(res);
      expect(meta.candidates.map((c) => c.upstream)).toEqual(['general', 'general']);
      const fallbackTokens = meta.candidates.reduce((sum, c) => sum + (c.tokens ?? 0), 0);
      // Each broken stream's three tokens, on top of what the fallback's streams generated.
      expect(meta.live?.upstream_tokens).toBe(fallbackTokens + 2 * 3);
      expect(res.usage?.completion_tokens).toBe(fallbackTokens + 2 * 3);
    } finally {
      await gateway.close();
      await general.close();
      await broken.close();
    }
  });

  it('on the live path, starts no fallback stream once the race is committed', async () => {
    // Candidate k writes "cand-k" and a scorer prefers higher k. The routed upstream's second request fails
    // after 1 s (margin for a loaded machine), by when the others are far past the first checkpoint
    // (20 tokens, 40 ms) and far from done (1,200 tokens, 2.4 s): its failure lets that
    // checkpoint run, and the race commits to candidate 3 before the failed one could be started again.
    const byIndex: Scorer = {
      name: 'by-index',
      async score({ candidates }) {
        return {
          scorer: 'by-index',
          rewards: candidates.map((c) => ({
            thinking: null,
            response: [Number(/cand-(\d+)/.exec(c.response)?.[1] ?? -1) / 10],
          })),
        };
      },
    };
    const words = (k: number, count: number) =>
      `cand-${k} ${Array.from({ length: count }, (_, i) => `w${i}`).join(' ')} \\boxed{${k}}`;
    const math = await startFakeUpstream({
      model: 'qwen-math',
      respond: (_b, _i, call) => ({ content: words(call, 1200) }),
      chunkDelayMs: 2,
      latencyMs: (_b, call) => (call === 1 ? 1000 : 0),
      fail: (_b, call) => (call === 1 ? { status: 503 } : null),
    });
    const general = await startFakeUpstream({ model: 'general' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-routing-')), 'bestofn.yaml');
    fs.writeFileSync(
      file,
      `upstreams:\n  - { name: math, base_url: "${math.url}", models: [qwen-math] }\n  - { name: general, base_url: "${general.url}", models: ["*"] }\nfallback_upstream: general\n`,
    );
    const gateway = await startGateway(
      parseConfig({ CONFIG_FILE: file, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRIES: '0' }, [], loadConfigFile),
      createLogger('silent'),
      byIndex,
    );
    try {
      const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
      const res = await client.chat.completions.create({
        model: 'qwen-math',
        messages: MATH,
        best_of: 4,
        bestofn: { reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 0.25 }, commit: {} },
      } as never);
      expect(metadataOf(res).live?.committed).toMatchObject({ index: 3 });
      expect(general.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      await general.close();
      await math.close();
    }
  });

  it('answers 404 for a model no upstream serves', async () => {
    const a = await startFakeUpstream();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-routing-')), 'b.json');
    fs.writeFileSync(file, JSON.stringify({ upstreams: [{ name: 'only', base_url: a.url, models: ['m1'] }] }));
    const gateway = await startGateway(
      parseConfig({ CONFIG_FILE: file, PORT: '0', LOG_LEVEL: 'silent' }, [], loadConfigFile),
      createLogger('silent'),
    );
    try {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm2', messages: MATH }),
      });
      expect(res.status).toBe(404);
      expect((await res.json()).error).toMatchObject({ code: 'model_not_found', param: 'model' });
      expect(a.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      await a.close();
    }
  });
});
