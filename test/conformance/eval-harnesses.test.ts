import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { validateAgainst } from '../helpers/openapi';
import { startRawUpstream } from '../helpers/raw-upstream';

/**
 * The requests eval harnesses send (test/fixtures/eval-harness-requests.json, docs/eval-harnesses.md),
 * replayed against the gateway: each gets a spec-valid answer, and Best-of-N runs only where asked.
 */
const recorded = JSON.parse(fs.readFileSync('test/fixtures/eval-harness-requests.json', 'utf8')) as Record<
  string,
  { path: string; body: Record<string, unknown> }
>;
const cases = Object.entries(recorded).filter(([name]) => !name.startsWith('_'));

describe('eval harnesses: their recorded requests', () => {
  let chat: FakeUpstream;
  let completions: Awaited<ReturnType<typeof startRawUpstream>>;
  const completionBodies: any[] = [];
  let chatGateway: RunningGateway;
  let textGateway: RunningGateway;
  beforeAll(async () => {
    chat = await startFakeUpstream();
    completions = await startRawUpstream((_req, res, raw) => {
      const body = JSON.parse(raw);
      completionBodies.push(body);
      const text = body.echo ? `${body.prompt} x` : ' 42';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'cmpl-1',
          object: 'text_completion',
          created: 1,
          model: body.model,
          choices: [{ text, index: 0, logprobs: null, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        }),
      );
    });
    const start = (url: string) =>
      startGateway(
        parseConfig(
          { UPSTREAM_BASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', SCORER: 'vote', BESTOFN_N: '1' },
          [],
          loadConfigFile,
        ),
        createLogger('silent'),
      );
    chatGateway = await start(chat.url);
    textGateway = await start(completions.url);
  });
  afterAll(async () => {
    await chatGateway.close();
    await textGateway.close();
    await chat.close();
    await completions.close();
  });

  it.each(cases)('%s', async (_name, { path, body }) => {
    const isChat = path === '/chat/completions';
    const base = (isChat ? chatGateway : textGateway).url;
    const before = isChat ? chat.requests.length : completionBodies.length;
    const res = await fetch(`${base}/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer EMPTY' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    const answer = await res.json();
    const { bestofn: _meta, ...plain } = answer;
    expect(validateAgainst(isChat ? 'CreateChatCompletionResponse' : 'CreateCompletionResponse', plain)).toEqual([]);
    const sent = (isChat ? chat.requests : completionBodies).slice(before);
    const bestOf = typeof body.best_of === 'number' ? body.best_of : 1;
    // Best-of-N where the harness asked for it (and never on a loglikelihood call); one faithful call otherwise.
    expect(sent).toHaveLength(bestOf);
    if (bestOf === 1) {
      const { best_of: _b, ...forwarded } = body;
      expect(sent[0]).toEqual(forwarded);
    } else expect(answer.bestofn).toMatchObject({ n_requested: bestOf, temperature_source: 'bestofn' });
  });
});
