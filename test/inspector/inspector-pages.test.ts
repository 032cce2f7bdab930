import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { stepScorer } from '../helpers/step-scorer';
import { INSPECTOR_CSP } from '../../src/inspector/routes';
import { INSPECT_TEXT_CHARS } from '../../src/inspector/from-outcome';

const MATH = [{ role: 'user' as const, content: 'What is 40 + 2?' }];
const HOSTILE = '<script>alert(1)</script></textarea><img src=x onerror=alert(2)>';

let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

const origin = (g: TestGateway) => g.url.replace(/\/v1$/, '');
const page = async (g: TestGateway, p: string, headers: Record<string, string> = {}) => {
  const res = await fetch(origin(g) + p, { headers });
  return { res, html: await res.text() };
};
const firstRequestLink = (html: string) => /href="(\/ui\/r\/[^"]+)"/.exec(html)?.[1];

describe('/ui, the inspector', () => {
  it('lists a Best-of-N request and shows its candidates, step rewards and votes', async () => {
    gw = await startTestGateway({}, {}, stepScorer());
    await gw.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      bestofn: { n: 4, select: 'weighted_vote' },
    } as never);
    const list = await page(gw, '/ui');
    expect(list.res.status).toBe(200);
    expect(list.res.headers.get('content-security-policy')).toBe(INSPECTOR_CSP);
    expect(list.html).toContain('<table id="requests">');
    expect(list.html).toContain('test-steps');
    const href = firstRequestLink(list.html);
    expect(href).toBeDefined();

    const one = await page(gw, href!);
    expect(one.res.status).toBe(200);
    // Four candidates, one chosen, each with thinking and answer steps in the heat map.
    expect(one.html.match(/<article class="cand/g)).toHaveLength(4);
    expect(one.html.match(/class="cand win"/g)).toHaveLength(1);
    expect(one.html).toContain('id="heatmap"');
    expect(one.html).toMatch(/aria-label="thinking step 1: reward 0\.\d{3}"/);
    expect(one.html).toMatch(/aria-label="answer step 2: reward 0\.920"/);
    // The step text is in the cell's tooltip.
    expect(one.html).toContain('The final answer is $\\boxed{');
    expect(one.html).toContain('id="clusters"');
    expect(one.html).toContain('What is 40 + 2?');
  });

  it('shows model text as text: a candidate holding <script> or </textarea> is inert', async () => {
    gw = await startTestGateway({}, { respond: () => ({ content: `${HOSTILE}\n\nThe answer is 42.` }) }, stepScorer());
    await gw.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: HOSTILE }],
      bestofn: { n: 2 },
    } as never);
    const list = await page(gw, '/ui');
    const one = await page(gw, firstRequestLink(list.html)!);
    expect(one.html).not.toContain('<script>alert');
    expect(one.html).not.toContain('<img src=x');
    expect(one.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;');
    // Only the page's own script, from the gateway itself.
    expect(one.html.match(/<script/g)).toHaveLength(1);
    expect(one.html).toMatch(/<script src="\/ui\/assets\/app\.js" defer(="")?><\/script>/);
  });

  it('draws the live path as a timeline of every candidate', async () => {
    // Each stream starts with a word of its own length, so the partial traces score apart at the checkpoint.
    const respond = (_body: unknown, _index: number, call: number) => ({
      reasoning_content: `${'w'.repeat(3 + call * 9)} thinking about it\n\nSo the result is 42.`,
      content: 'The final answer is $\\boxed{42}$.',
    });
    gw = await startTestGateway({}, { chunkDelayMs: 1, respond }, stepScorer());
    await gw.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      bestofn: { n: 4, reject: { after_tokens: 4, every_tokens: 1000, keep_fraction: 0.5, min_keep: 1 } },
    } as never);
    const one = await page(gw, firstRequestLink((await page(gw, '/ui')).html)!);
    expect(one.html).toContain('id="timeline"');
    expect(one.html.match(/class="lane"/g)).toHaveLength(4);
    expect(one.html).toMatch(/rejected@\d+/);
    expect(one.html).toContain('Live timeline');
  });

  it('with gateway keys: the page holds no data without a key, names the key by number, never shows it', async () => {
    gw = await startTestGateway({ GATEWAY_API_KEYS: 'sk-first-key,sk-second-key' }, {}, stepScorer());
    const client = new (await import('openai')).default({ baseURL: gw.url, apiKey: 'sk-second-key', maxRetries: 0 });
    await client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 2 } } as never);
    const locked = await page(gw, '/ui');
    expect(locked.res.status).toBe(200);
    expect(locked.html).toContain('data-locked="1"');
    expect(locked.html).toContain('form class="key"');
    expect(locked.html).not.toContain('fake-model');
    const wrong = await page(gw, '/ui', { authorization: 'Bearer sk-nope' });
    expect(wrong.html).toContain('data-locked="1"');
    const open = await page(gw, '/ui', { authorization: 'Bearer sk-first-key' });
    expect(open.html).toContain('data-locked="0"');
    expect(open.html).toContain('<td>key 2</td>');
    expect(open.html).not.toContain('sk-second-key');
    expect(open.res.headers.get('vary')).toContain('authorization');
    const href = firstRequestLink(open.html)!;
    expect((await page(gw, href)).html).not.toContain('fake-model');
    expect((await page(gw, href, { authorization: 'Bearer sk-first-key' })).html).toContain('id="heatmap"');
  });

  it('UI_PROMPTS=false keeps rewards and answers but no prompt or candidate text', async () => {
    gw = await startTestGateway({ UI_PROMPTS: 'false' }, {}, stepScorer());
    await gw.client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 2 } } as never);
    const one = await page(gw, firstRequestLink((await page(gw, '/ui')).html)!);
    expect(one.html).toContain('id="heatmap"');
    expect(one.html).toMatch(/reward 0\.920/);
    expect(one.html).not.toContain('What is 40 + 2?');
    expect(one.html).not.toContain('First I add the numbers');
  });

  it('keeps at most INSPECT_TEXT_CHARS of candidate text per request, cut texts marked', async () => {
    // Four answers of 200,000 characters: 800,000 in all, more than three times what the ring keeps.
    const long = 'x'.repeat(200_000);
    gw = await startTestGateway({}, { respond: () => ({ content: `${long}\n\nThe answer is 42.` }) }, stepScorer());
    await gw.client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 4 } } as never);
    const one = await page(gw, firstRequestLink((await page(gw, '/ui')).html)!);
    const kept = (one.html.match(/x+/g) ?? []).filter((run) => run.length > 1000);
    expect(kept).toHaveLength(4);
    expect(kept.reduce((sum, run) => sum + run.length, 0)).toBeLessThanOrEqual(INSPECT_TEXT_CHARS);
    expect(one.html).toMatch(/\[bestofn: cut, 2000\d\d characters in all\]/);
  });

  it('UI=false turns /ui off; the ring keeps UI_RING_SIZE requests', async () => {
    gw = await startTestGateway({ UI: 'false' }, {}, stepScorer());
    expect((await page(gw, '/ui')).res.status).toBe(404);
    await gw.close();
    gw = await startTestGateway({ UI_RING_SIZE: '2' }, {}, stepScorer());
    for (let i = 0; i < 3; i++)
      await gw.client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 2 } } as never);
    expect((await page(gw, '/ui')).html.match(/class="row-link"/g)).toHaveLength(2);
  });

  it('reads requests from the RECORD file too, after a restart', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-ui-')), 'record.jsonl');
    gw = await startTestGateway({ RECORD: file }, {}, stepScorer());
    await gw.client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 3 } } as never);
    await gw.close();
    gw = await startTestGateway({ RECORD: file }, {}, stepScorer());
    const list = await page(gw, '/ui');
    expect(list.html.match(/class="row-link"/g)).toHaveLength(1);
    const one = await page(gw, firstRequestLink(list.html)!);
    expect(one.html).toContain('RECORD file');
    expect(one.html.match(/<article class="cand/g)).toHaveLength(3);
    expect(one.html).toMatch(/aria-label="answer step 2: reward 0\.920"/);
  });

  it('an unknown request is a 404 page, not an error', async () => {
    gw = await startTestGateway({}, {}, stepScorer());
    const { res, html } = await page(gw, '/ui/r/nope%3Cb%3E');
    expect(res.status).toBe(404);
    expect(html).toContain('nope&lt;b&gt;');
  });
});
