import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { startFakeUpstream, type FakeChoice, type FakeUpstream } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

/**
 * SCORER=judge end to end: a real gateway, a fake upstream writing free text, and a fake judge (another
 * loopback OpenAI-compatible server) answering in each reference format, or in broken ones.
 */
const QUESTION = [{ role: 'user' as const, content: 'Describe the capital of France.' }];
// Four paragraphs, one per upstream call; the judge can tell the best one by the word it carries.
const PARAGRAPHS = [
  'Paris is a city in France.',
  'Paris, the capital of France, sits on the Seine; it is the BEST description here.',
  'France has a capital.',
  'The capital is Lyon.',
];
const freeText = (_body: unknown, _index: number, call: number): FakeChoice => ({
  content: PARAGRAPHS[call % PARAGRAPHS.length]!,
});

/** The texts shown to the judge as A and B (MT-Bench pairwise layout). */
function pair(user: string): [string, string] {
  const a = /\[The Start of Assistant A's Answer\]\n([\s\S]*?)\n\[The End of Assistant A's Answer\]/.exec(user)![1]!;
  const b = /\[The Start of Assistant B's Answer\]\n([\s\S]*?)\n\[The End of Assistant B's Answer\]/.exec(user)![1]!;
  return [a, b];
}
const userOf = (body: any): string => body.messages.at(-1).content;

/** A judge that knows the best paragraph, answering in the reference format of each mode. */
function fairJudge(body: any): FakeChoice {
  const user = userOf(body);
  if (user.includes("[The Start of Assistant A's Answer]")) {
    const [a, b] = pair(user);
    const verdict = a.includes('BEST') ? '[[A]]' : b.includes('BEST') ? '[[B]]' : '[[C]]';
    return { content: `Comparing the two, one is more complete.\n\nFinal verdict: ${verdict}` };
  }
  if (user.includes("[The Start of Assistant's Answer]"))
    return { content: `Explanation: fine.\n\nRating: [[${user.includes('BEST') ? 9 : 4}]]` };
  const label = [...user.matchAll(/Response (\d+):\n([^\n]*)/g)].find((m) => m[2]!.includes('BEST'))![1];
  return { content: `Response ${label} names the river and the role.\n\nThe best response is Response ${label}` };
}

let open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.map((o) => o.close()));
  open = [];
});

async function setup(
  judge: Parameters<typeof startFakeUpstream>[0],
  env: Record<string, string> = {},
): Promise<{ t: TestGateway; judge: FakeUpstream }> {
  const fake = await startFakeUpstream(judge);
  const t = await startTestGateway(
    { SCORER: 'judge', JUDGE_MODEL: 'judge-model', JUDGE_BASE_URL: fake.url, UPSTREAM_RETRIES: '0', ...env },
    { respond: freeText },
  );
  open.push(t, fake);
  return { t, judge: fake };
}

const ask = (t: TestGateway, extra: Record<string, unknown> = {}) =>
  t.client.chat.completions.create({ model: 'fake-model', messages: QUESTION, best_of: 4, ...extra } as never);

describe('SCORER=judge chooses free text', () => {
  it.each(['select', 'tournament', 'rate'])('JUDGE_MODE=%s picks the paragraph the judge prefers', async (mode) => {
    const { t, judge } = await setup({ respond: fairJudge }, { JUDGE_MODE: mode });
    const res = await ask(t);
    const meta = metadataOf(res);
    expect(res.choices[0]!.message.content).toContain('BEST');
    expect(meta.scorer).toBe('judge');
    expect(meta.decided_by).toBe('judge');
    expect(meta.fallback).toBeUndefined();
    const info = meta.scorer_info!.judge as { mode: string; calls: number; prompt_tokens: number };
    expect(info.mode).toBe(mode);
    // select: one call; tournament: 3 matches of 4, each in both orders; rate: one per distinct candidate.
    expect(info.calls).toBe({ select: 1, tournament: 6, rate: 4 }[mode]);
    expect(judge.requests).toHaveLength(info.calls);
    // The judge's tokens are part of what the client is billed.
    const sampled = t.upstream.requests.length;
    expect(sampled).toBe(4);
    expect(res.usage!.prompt_tokens).toBeGreaterThan(info.prompt_tokens);
    expect(info.prompt_tokens).toBeGreaterThan(0);
  });

  it('judges each pair in both orders, and a judge that always says [[A]] decides nothing', async () => {
    const { t, judge } = await setup(
      { respond: () => ({ content: 'Both are fine. [[A]]' }) },
      { JUDGE_MODE: 'tournament' },
    );
    const meta = metadataOf(await ask(t));
    const info = meta.scorer_info!.judge as { matches: { candidates: number[]; verdicts: string[]; tie?: boolean }[] };
    expect(info.matches).toHaveLength(3);
    for (const m of info.matches) {
      expect(m.verdicts).toEqual(['A', 'A']);
      expect(m.tie).toBe(true);
    }
    // Each pair was shown in both orders: A/B swapped between the two calls.
    const shown = judge.requests.map((b) => pair(userOf(b)));
    for (const [a, b] of shown) expect(shown.some(([x, y]) => x === b && y === a)).toBe(true);
  });

  it('keeps candidates within the budget, head and tail', async () => {
    const long = 'START ' + 'filler words '.repeat(2000) + ' END BEST';
    const fake = await startFakeUpstream({ respond: () => ({ content: 'The best response is Response 1' }) });
    const t = await startTestGateway(
      { SCORER: 'judge', JUDGE_MODEL: 'j', JUDGE_BASE_URL: fake.url, JUDGE_MAX_CHARS: '1000' },
      { respond: (_b, _i, call) => ({ content: call === 0 ? long : PARAGRAPHS[2]! }) },
    );
    open.push(t, fake);
    await ask(t, { best_of: 2 });
    const user = userOf(fake.requests[0]);
    expect(user).toContain('START');
    expect(user).toContain('END BEST');
    expect(user).toMatch(/characters omitted/);
    expect(user.length).toBeLessThan(4000);
  });

  it('caches verdicts by content: the same request twice calls the judge once', async () => {
    const { t, judge } = await setup({ respond: fairJudge });
    await ask(t, { seed: 1 });
    const second = metadataOf(await ask(t, { seed: 1 }));
    expect(judge.requests).toHaveLength(1);
    expect(second.scorer_info!.judge).toMatchObject({ calls: 0, cache_hits: 1 });
  });
});

describe('a broken judge leaves the request to the vote, and says why', () => {
  it.each<[string, string, (body: any) => FakeChoice, RegExp]>([
    ['no verdict', 'select', () => ({ content: 'They are all quite good answers.' }), /no verdict/],
    ['a label out of range', 'select', () => ({ content: 'The best response is Response 9' }), /only 4 candidates/],
    ['a refusal', 'select', () => ({ content: "I'm sorry, but I can't help with that." }), /no verdict/],
    ['a pair verdict that is no option', 'tournament', () => ({ content: 'Verdict: [[D]]' }), /\[\[D\]\]/],
    ['a pair answer without a verdict', 'tournament', () => ({ content: 'A is better.' }), /no \[\[A\]\]/],
    ['a rating off the scale', 'rate', () => ({ content: 'Rating: [[11]]' }), /outside the scale/],
    ['no rating', 'rate', () => ({ content: 'A fine answer.' }), /no \[\[rating\]\]/],
  ])('%s (%s)', async (_name, mode, respond, reason) => {
    const { t } = await setup({ respond }, { JUDGE_MODE: mode });
    const res = await ask(t);
    const meta = metadataOf(res);
    expect(meta.scorer).toBe('vote');
    expect(meta.fallback).toMatchObject({ from: 'judge', reason: expect.stringMatching(reason) });
    // What the failed judge cost is still reported.
    expect(meta.scorer_info!.judge).toMatchObject({ calls: expect.any(Number) });
  });

  it('a judge that answers 500 or 404 never fails the client', async () => {
    for (const status of [500, 404]) {
      const { t } = await setup({ fail: () => ({ status }) });
      const res = await ask(t);
      expect(metadataOf(res).fallback).toMatchObject({ from: 'judge', reason: expect.stringContaining(`${status}`) });
    }
  });

  it('a judge that times out', async () => {
    const { t } = await setup(
      { respond: fairJudge, latencyMs: (body) => (body.model === 'judge-model' ? 5000 : 0) },
      {
        UPSTREAM_TIMEOUT_MS: '300',
      },
    );
    const meta = metadataOf(await ask(t));
    expect(meta.fallback).toMatchObject({ from: 'judge', reason: expect.stringMatching(/within|timed? ?out/i) });
  });

  it('with SCORER_FALLBACK=error the client gets a clear 503 instead', async () => {
    const { t } = await setup({ respond: () => ({ content: 'no idea' }) }, { SCORER_FALLBACK: 'error' });
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: QUESTION, best_of: 2 }),
    });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('scorer_bad_response');
  });
});

describe('choosing the judge per request', () => {
  it('bestofn.judge sends one request to the judge while SCORER=vote serves the others', async () => {
    const fake = await startFakeUpstream({ respond: fairJudge });
    const t = await startTestGateway(
      { SCORER: 'vote', JUDGE_MODEL: 'judge-model', JUDGE_BASE_URL: fake.url },
      { respond: freeText },
    );
    open.push(t, fake);
    const plain = metadataOf(await ask(t));
    expect(plain.scorer).toBe('vote');
    // Free text under the vote: nothing compared the candidates, and the metadata says so plainly.
    expect(plain.decided_by).toBe('tie');
    expect(plain.decided_note).toMatch(/nothing could compare/);
    const judged = await ask(t, { bestofn: { judge: 'rate' } });
    expect(judged.choices[0]!.message.content).toContain('BEST');
    expect(metadataOf(judged)).toMatchObject({ scorer: 'judge', decided_by: 'judge' });
    const header = await t.client.chat.completions.create(
      { model: 'fake-model', messages: QUESTION, best_of: 4 } as never,
      { headers: { 'x-bestofn-judge': 'tournament' } },
    );
    expect((metadataOf(header).scorer_info!.judge as { mode: string }).mode).toBe('tournament');
  });

  it('is a 400 naming the param when the server has no judge, or the mode is not one', async () => {
    const t = await startTestGateway({}, { respond: freeText });
    open.push(t);
    const post = (bestofn: unknown) =>
      fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: QUESTION, best_of: 2, bestofn }),
      });
    const none = await post({ judge: 'select' });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({
      error: { param: 'bestofn.judge', message: expect.stringMatching(/JUDGE_MODEL/) },
    });
    const bad = await post({ judge: 'best' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { param: 'bestofn.judge' } });
    expect(t.upstream.requests).toHaveLength(0);
  });

  it('JUDGE_MODE outside its list, or SCORER=judge without a model, is a start-up error', () => {
    const parse = (env: Record<string, string>) =>
      parseConfig({ UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1', ...env }, [], loadConfigFile);
    expect(() => parse({ SCORER: 'judge', JUDGE_MODEL: 'm', JUDGE_MODE: 'vote' })).toThrow(/JUDGE_MODE/);
    expect(() => parse({ SCORER: 'judge' })).toThrow(/JUDGE_MODEL/);
    expect(parse({ SCORER: 'judge', JUDGE_MODEL: 'm' }).JUDGE_MODE).toBe('select');
  });
});
