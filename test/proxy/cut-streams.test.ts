import { readSse } from '../helpers/sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { chatChunkEvent, startRawUpstream } from '../helpers/raw-upstream';

/** Issue 27, item 11: an upstream stream cut before its end (no finish_reason, no [DONE]) is not an answer. */
describe('a cut upstream stream', () => {
  let t: TestGateway;
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  beforeAll(async () => {
    upstream = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(chatChunkEvent('The answer is \\boxed{4'));
    });
    t = await startTestGateway({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_RETRIES: '0' });
    await t.upstream.close();
  });
  afterAll(async () => {
    await t.gateway.close();
    await upstream.close();
  });
  const post = (body: object) =>
    fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'What is 2+2?' }], ...body }),
    });

  it('on the live path fails its candidates: a 502, not a 200 with finish_reason "stop"', async () => {
    const res = await post({
      best_of: 2,
      bestofn: { reject: { after_tokens: 1, every_tokens: 1, keep_fraction: 0.5 } },
    });
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('bad_upstream_response');
  });

  it('in the passthrough ends the client stream with an error event', async () => {
    const res = await post({
      stream: true,
      tools: [{ type: 'function', function: { name: 'f' } }],
      bestofn: { tools: 'bypass' },
    });
    expect(res.status).toBe(200);
    const { data } = await readSse(res);
    expect(data[0]).toContain('boxed{4');
    expect(JSON.parse(data.at(-1)!).error.code).toBe('bad_upstream_response');
  });
});
