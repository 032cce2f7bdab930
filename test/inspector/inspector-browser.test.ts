/**
 * The inspector in a real browser (the system's Chromium through playwright-core): open /ui, make a
 * Best-of-N request, click into it, check that the candidates, the heat map and the timeline render, that
 * the keyboard reaches and moves through the heat map, and that the console stays clean (a CSP violation
 * is a console error). Screenshots go to test-output/inspector/.
 */
import fs from 'node:fs';
import OpenAI from 'openai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildReport } from '../../src/eval/report';
import { writeReportPage } from '../../src/eval/report-page';
import type { ProblemResult } from '../../src/eval/results';
import { systemChromium } from '../helpers/browser';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { stepScorer } from '../helpers/step-scorer';

const executable = systemChromium();
const OUT = 'test-output/inspector';
const MATH = [{ role: 'user' as const, content: 'What is 40 + 2? Think step by step.' }];

/** Candidates that differ: some reason their way to 42, some wander off to 41 or 7. */
const respond = (_body: unknown, _index: number, call: number) => {
  const answer = ['42', '41', '42', '7', '42', '41'][call % 6]!;
  const wander = call % 2 === 1 ? 'Maybe I should subtract instead, which changes things.\n\n' : '';
  return {
    reasoning_content:
      `${'Hmm'.repeat(1 + call)} let me read the problem again carefully.\n\nForty plus two: add the tens, then the units.\n\n` +
      `${wander}I check the carry: there is none.\n\nSo the result should be ${answer}.`,
    content: `Adding 40 and 2 gives the sum.\n\nThe final answer is $\\boxed{${answer}}$.`,
  };
};

// A browser start and a dozen page loads: generous per-test time on a loaded 2-core machine (not a budget).
describe.skipIf(executable === null)('the inspector in a browser', { timeout: 180_000 }, () => {
  let gw: TestGateway;
  let browser: Browser;
  const errors: string[] = [];

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    gw = await startTestGateway({}, { chunkDelayMs: 2, respond }, stepScorer());
    browser = await chromium.launch({ executablePath: executable!, args: ['--no-sandbox'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  const open = async (width = 1400): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.setDefaultTimeout(120_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };
  const origin = () => gw.url.replace(/\/v1$/, '');

  it('shows the request just made, its candidates, heat map and timeline, by mouse and keyboard', async () => {
    const page = await open();
    await page.goto(`${origin()}/ui`);
    await expect.poll(() => page.locator('#empty').count()).toBe(1);

    await gw.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      bestofn: {
        n: 6,
        select: 'argmax',
        reject: { after_tokens: 6, every_tokens: 1000, keep_fraction: 0.67, min_keep: 2 },
      },
    } as never);
    await page.reload();
    await page.screenshot({ path: `${OUT}/list.png`, fullPage: true });
    const rows = page.locator('#requests tbody tr');
    expect(await rows.count()).toBe(1);

    await page.locator('a.row-link').first().click();
    await page.waitForURL(/\/ui\/r\//);
    expect(await page.locator('article.cand').count()).toBe(6);
    expect(await page.locator('article.cand.win').count()).toBe(1);
    const cells = page.locator('#heatmap .cell');
    expect(await cells.count()).toBeGreaterThan(12);
    expect(await page.locator('#timeline .lane').count()).toBe(6);
    expect(await page.locator('#timeline .rejected').count()).toBeGreaterThan(0);
    const box = await page.locator('#timeline').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    await page.screenshot({ path: `${OUT}/request.png`, fullPage: true });

    // Keyboard: Tab reaches the first heat-map cell, its step shows; the arrow keys move along and down.
    await page.locator('#heatmap .cell').first().focus();
    const tip = page.locator('#heatmap .cell:focus .tip');
    expect(await tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain('thinking step 1');
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-step'))).toMatch(/-thinking-2$/);
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-step'))).toMatch(/-answer-2$/);
    await page.screenshot({ path: `${OUT}/heatmap-focus.png`, clip: (await page.locator('#heatmap').boundingBox())! });

    // Page weight: every request a fresh load of each page makes, and its bytes (written for the README).
    const weight: Record<string, { requests: number; bytes: number }> = {};
    for (const [name, url] of [
      ['list', `${origin()}/ui`],
      ['request', page.url()],
    ] as const) {
      const fresh = await open();
      const sizes: Promise<number>[] = [];
      fresh.on('response', (r) => sizes.push(r.body().then((b) => b.length)));
      await fresh.goto(url, { waitUntil: 'networkidle' });
      const bytes = await Promise.all(sizes);
      weight[name] = { requests: bytes.length, bytes: bytes.reduce((a, b) => a + b, 0) };
      await fresh.close();
    }
    fs.writeFileSync(`${OUT}/page-weight.json`, JSON.stringify(weight, null, 2) + '\n');
    expect(weight.request!.requests).toBeLessThanOrEqual(4); // the page, its style sheet, its script, its icon

    // Back to the list and into the request again by keyboard alone.
    await page.goto(`${origin()}/ui`);
    // Tab past the header's link to the first request, ArrowDown/ArrowUp move between requests.
    for (let i = 0; i < 2; i++) await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('row-link');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/ui\/r\//);
    expect(await page.locator('#heatmap').count()).toBe(1);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('with gateway keys, asks for a key once and then navigates with it', async () => {
    const keyed = await startTestGateway({ GATEWAY_API_KEYS: 'sk-ui-test' }, { respond }, stepScorer());
    try {
      const client = new OpenAI({ baseURL: keyed.url, apiKey: 'sk-ui-test', maxRetries: 0 });
      await client.chat.completions.create({ model: 'fake-model', messages: MATH, bestofn: { n: 3 } } as never);
      const page = await open(1100);
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(`${keyed.url.replace(/\/v1$/, '')}/ui`);
      expect(await page.locator('form.key').isVisible()).toBe(true);
      await page.fill('form.key input', 'sk-wrong');
      await page.press('form.key input', 'Enter');
      await expect.poll(() => page.locator('#key-error').textContent()).toContain('refused');
      await page.fill('form.key input', 'sk-ui-test');
      await page.press('form.key input', 'Enter');
      await page.locator('#requests').waitFor();
      await page.locator('a.row-link').first().click();
      await page.locator('#heatmap').waitFor();
      expect(await page.locator('article.cand').count()).toBe(3);
      // The key travels in a header, never in an address.
      expect(requests.some((u) => u.includes('sk-ui-test'))).toBe(false);
      await page.screenshot({ path: `${OUT}/keyed.png` });
      await page.close();
      expect(errors).toEqual([]);
    } finally {
      await keyed.close();
    }
  });
  it('opens report.html from disk with the network cut off, and it renders', async () => {
    const result = (id: string, answers: string[], rewards: number[], selected: number): ProblemResult => ({
      id,
      gt: '5',
      status: 'ok',
      answer: answers[selected]!,
      correct: answers[selected] === '5',
      bestofn: {
        scorer: 'prm',
        select: 'argmax',
        n_requested: answers.length,
        selected: [selected],
        candidates: answers.map((a, i) => ({
          index: i,
          answer: a,
          key: a,
          correct: a === '5',
          reward: rewards[i]!,
          step_rewards: { thinking: [0.9, 0.7, rewards[i]!], response: [rewards[i]!, rewards[i]!] },
        })),
      },
      latency_ms: 900,
      usage: { prompt_tokens: 40, completion_tokens: 800 },
      time: '2026-12-07T12:00:00.000Z',
    });
    const results = [
      result('p1', ['4', '4', '5', '4'], [0.2, 0.3, 0.9, 0.25], 2),
      result('p2', ['5', '5', '5', '3'], [0.8, 0.7, 0.9, 0.1], 2),
      result('p3', ['5', '2', '2', '5'], [0.4, 0.6, 0.3, 0.2], 1),
    ];
    const config = {
      dataset: 'tiny',
      endpoint: 'http://gw/v1',
      model: 'm',
      ns: [1, 2, 4],
      draws: 8,
      seed: 1,
      prompt: 'p',
    };
    writeReportPage(OUT, buildReport(results, ['p1', 'p2', 'p3'], config), results);
    const page = await open(1100);
    const fetched: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    await page.goto(`file://${path.resolve(OUT, 'report.html')}`);
    expect(await page.locator('#by-n .series').count()).toBeGreaterThan(3);
    expect(await page.locator('#problems tbody tr').count()).toBe(3);
    await page.locator('details.problem summary').first().click();
    expect(await page.locator('details.problem .cell').first().isVisible()).toBe(true);
    await page.screenshot({ path: `${OUT}/report.png`, fullPage: true });
    expect(fetched).toEqual([]);
    await page.close();
    expect(errors).toEqual([]);
  });
});
