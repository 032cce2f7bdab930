import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../src/http/loopback';
import { runMain } from '../helpers/cli';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

const ATTACKER = '127.0.0.2';

/** Opens `count` connections from `from` that send half a request and then nothing (slowloris). */
async function slowloris(url: string, from: string, count: number, batch = 1000) {
  const { port } = new URL(url);
  const open = new Set<net.Socket>();
  let refused = 0;
  for (let done = 0; done < count; done += batch) {
    await Promise.all(
      Array.from(
        { length: Math.min(batch, count - done) },
        () =>
          new Promise<void>((resolve) => {
            const s = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: from });
            s.on('connect', () => {
              s.write('POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Slow: ');
              open.add(s);
              resolve();
            });
            // Closed by the gateway (over the cap, or its header timeout): the descriptor is freed at once.
            s.on('close', () => (open.delete(s) && refused++, resolve()));
            s.on('error', () => {});
          }),
      ),
    );
  }
  return { open, refused: () => refused, destroy: () => open.forEach((s) => s.destroy()) };
}

const connections = (t: TestGateway) =>
  new Promise<number>((resolve, reject) =>
    t.gateway.server.getConnections((err, n) => (err ? reject(err) : resolve(n))),
  );

describe('connection limits', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ HEADERS_TIMEOUT_MS: '2000' });
  });
  afterAll(() => t.close());

  // 5,000 here to keep the suite quick on a shared machine; FLOOD=20000 runs the full count.
  const FLOOD = Number(process.env.FLOOD ?? 5_000);
  it(`${FLOOD} idle connections from one address: it keeps its per-address share, a legitimate request succeeds`, async () => {
    const flood = await slowloris(t.gateway.url, ATTACKER, FLOOD);
    try {
      // What the gateway holds is counted on its side: a client may believe in a connection the kernel
      // never handed over (a full accept queue answers with SYN cookies).
      expect(await connections(t)).toBeLessThanOrEqual(256);
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH });
      expect(res.choices[0]!.message.content).toContain('42');
      // And the idle ones do not outlive the header timeout (2 s here, checked each second).
      const deadline = Date.now() + 15_000;
      while ((await connections(t)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await connections(t)).toBe(0);
    } finally {
      flood.destroy();
    }
  }, 90_000);

  it('a total cap holds across addresses', async () => {
    const capped = await startTestGateway({ MAX_CONNECTIONS: '50', MAX_CONNECTIONS_PER_ADDRESS: '40' });
    const floods = [];
    try {
      for (const from of ['127.0.0.3', '127.0.0.4']) {
        const flood = await slowloris(capped.gateway.url, from, 100);
        floods.push(flood);
        const settled = Date.now() + 5_000;
        while (flood.refused() < (from.endsWith('3') ? 60 : 90) && Date.now() < settled)
          await new Promise((r) => setTimeout(r, 50));
      }
      expect(await connections(capped)).toBe(50);
      floods[0]!.destroy();
      await new Promise((r) => setTimeout(r, 100));
      expect(
        (await capped.client.chat.completions.create({ model: 'fake-model', messages: MATH })).choices,
      ).toHaveLength(1);
    } finally {
      floods.forEach((f) => f.destroy());
      await capped.close();
    }
  }, 30_000);
});

describe('shutdown with keep-alive clients', () => {
  it('leaves as soon as in-flight work is done, closing idle sockets at once and answering with connection: close', async () => {
    const t = await startTestGateway({}, { latencyMs: 400 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const post = () =>
      new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = http.request(
          `${t.url}/chat/completions`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ model: 'fake-model', messages: MATH }));
      });
    try {
      // Two kept-alive sockets now idle, then two requests in flight when the drain begins.
      await Promise.all([post(), post()]);
      const inFlight = [post(), post()];
      await new Promise((r) => setTimeout(r, 100));
      const started = Date.now();
      const closed = t.gateway.close(20_000).then(() => Date.now() - started);
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      expect(answers.map((a) => a.connection)).toEqual(['close', 'close']);
      // Gone right after the answers, far inside the 20 s grace, though the client keeps its agent alive.
      expect(await closed).toBeLessThan(2_500);
    } finally {
      agent.destroy();
      await t.upstream.close();
    }
  }, 30_000);
});

describe('the real CLI on SIGTERM', () => {
  it('exits as soon as its in-flight answer is sent, though a keep-alive client holds a socket', async () => {
    const { startFakeUpstream } = await import('../helpers/fake-upstream');
    const upstream = await startFakeUpstream({ latencyMs: 500 });
    const child = spawn(process.execPath, ['tools/dev.mjs', 'serve', '--port', '0'], {
      env: { PATH: process.env.PATH!, UPSTREAM_BASE_URL: upstream.url, SHUTDOWN_GRACE_MS: '20000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new http.Agent({ keepAlive: true });
    try {
      let out = '';
      const url = await new Promise<string>((resolve) =>
        child.stdout!.on(
          'data',
          (d) => ((out += d), /"url":"([^"]+)"/.test(out) && resolve(/"url":"([^"]+)"/.exec(out)![1]!)),
        ),
      );
      const post = () =>
        new Promise<string | undefined>((resolve, reject) => {
          const req = http.request(
            `${url}/v1/chat/completions`,
            { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.headers.connection));
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ model: 'fake-model', messages: MATH }));
        });
      expect(await post()).toBe('keep-alive'); // leaves an idle kept-alive socket behind
      const inFlight = post();
      await new Promise((r) => setTimeout(r, 150));
      const started = Date.now();
      const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now() - started)));
      child.kill('SIGTERM');
      expect(await inFlight).toBe('close');
      expect(await exited).toBeLessThan(3_000);
    } finally {
      agent.destroy();
      child.kill('SIGKILL');
      await upstream.close();
    }
  }, 30_000);
});

describe('loopback is decided by the address, not its spelling', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['::', false],
    ['127.evil.example', false],
  ])('%s → %s', (address, loopback) => expect(isLoopbackAddress(address)).toBe(loopback));

  // `bestofn serve` in this process: a refusal returns before it would wait for signals.
  const serve = (host: string) =>
    runMain(['serve', '--port', '0', '--host', host], { UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1' });

  it('HOST=0 (a spelling of 0.0.0.0) without keys is refused once it binds beyond loopback', async () => {
    const r = await serve('0');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/HOST 0 \(bound to 0\.0\.0\.0\) is not loopback/);
  });

  it('HOST=127.evil.example is a name: it must resolve to loopback, and here it does not resolve at all', async () => {
    const r = await serve('127.evil.example');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/ENOTFOUND|EAI_AGAIN|not loopback/);
  });
});

describe('/metrics and /healthz with gateway keys', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ GATEWAY_API_KEYS: 'k1' });
  });
  afterAll(() => t.close());
  const get = (p: string, key?: string) =>
    fetch(`${t.gateway.url}${p}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('/metrics needs a key', async () => {
    expect((await get('/metrics')).status).toBe(401);
    expect((await get('/metrics', 'wrong')).status).toBe(401);
    const ok = await get('/metrics', 'k1');
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# HELP');
  });

  it('/healthz says only ok without a key, and the details with one', async () => {
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await get('/healthz', 'k1')).json()).toMatchObject({ status: 'ok', scorer: { name: 'vote' } });
  });

  it('METRICS_PORT serves /metrics on its own loopback listener, and not on the main port', async () => {
    const m = await startTestGateway({ GATEWAY_API_KEYS: 'k1', METRICS_PORT: '0' });
    try {
      expect(m.gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${m.gateway.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# HELP');
      expect((await fetch(`${m.gateway.url}/metrics`, { headers: { authorization: 'Bearer k1' } })).status).toBe(404);
    } finally {
      await m.close();
    }
  });
});
