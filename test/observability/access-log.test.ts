import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { startGateway, type RunningGateway } from '../../src/node';
import { MATH } from '../helpers/gateway';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';

let upstream: FakeUpstream | undefined;
let gateway: RunningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  await upstream?.close();
  gateway = upstream = undefined;
});

/** A real gateway whose log lines are kept, to read the access log as an operator would. */
async function start(upstreamOptions: Parameters<typeof startFakeUpstream>[0]) {
  upstream = await startFakeUpstream(upstreamOptions);
  const lines: any[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const config = parseConfig(
    { UPSTREAM_BASE_URL: upstream.url, PORT: '0', BESTOFN_HEARTBEAT_MS: '20' },
    [],
    loadConfigFile,
  );
  gateway = await startGateway(config, log);
  const accessLines = () => lines.filter((l) => l.msg === 'request' && l.route === '/v1/chat/completions');
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  return {
    url: `${gateway.url}/v1`,
    accessLines,
    until,
    metrics: async () => (await fetch(`${gateway!.url}/metrics`)).text(),
  };
}

const post = (url: string, body: object, signal?: AbortSignal) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });

describe('the access log and metrics tell what the client got', () => {
  it('logs a stream when it ends, with the time it took, not when its headers went out', async () => {
    const g = await start({ chunkDelayMs: 0, latencyMs: 150 });
    const res = await post(g.url, { model: 'fake-model', messages: MATH, best_of: 2, stream: true });
    expect(res.status).toBe(200); // headers out at the first heartbeat, well before the candidates
    await res.text();
    await g.until(() => g.accessLines().length > 0);
    const [line] = g.accessLines();
    expect(line).toMatchObject({ status: 200 });
    expect(line.ms).toBeGreaterThanOrEqual(140);
  });

  it('logs and counts a client that left mid-stream as 499, with its duration', async () => {
    const g = await start({ latencyMs: 2_000 });
    const ac = new AbortController();
    const res = await post(g.url, { model: 'fake-model', messages: MATH, best_of: 2, stream: true }, ac.signal);
    expect(res.status).toBe(200);
    setTimeout(() => ac.abort(), 100);
    await res.text().catch(() => {});
    await g.until(() => g.accessLines().length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(g.accessLines()).toHaveLength(1);
    const [line] = g.accessLines();
    expect(line).toMatchObject({ status: 499 });
    expect(line.ms).toBeGreaterThanOrEqual(90);
    expect(await g.metrics()).toMatch(/bestofn_requests_total\{route="\/v1\/chat\/completions",status="499"\} 1/);
  });

  it('logs and counts a client that left a plain request as 499', async () => {
    const g = await start({ latencyMs: 2_000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await post(g.url, { model: 'fake-model', messages: MATH, best_of: 2 }, ac.signal).catch(() => {});
    await g.until(() => g.accessLines().length > 0);
    expect(g.accessLines()[0]).toMatchObject({ status: 499 });
    expect(await g.metrics()).toMatch(/bestofn_requests_total\{route="\/v1\/chat\/completions",status="499"\} 1/);
  });

  it('logs requests the shutdown cut as 503 with reason shutdown, not as 499 (client closed)', async () => {
    const g = await start({ latencyMs: 5_000 });
    const body = { model: 'fake-model', messages: MATH, best_of: 2 };
    const plain = post(g.url, body).catch(() => null);
    const streamed = post(g.url, { ...body, stream: true }).then(
      (res) => res.text().catch(() => ''),
      () => null,
    );
    await g.until(() => (upstream?.requests.length ?? 0) >= 4);
    const closing = gateway!;
    gateway = undefined;
    await closing.close(0);
    await Promise.all([plain, streamed]);
    await g.until(() => g.accessLines().length >= 2);
    expect(g.accessLines()).toHaveLength(2);
    for (const line of g.accessLines()) expect(line).toMatchObject({ status: 503, reason: 'shutdown' });
  });
});
