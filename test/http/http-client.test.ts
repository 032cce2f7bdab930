import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchClient, type HttpClient } from '../../src/http/http-client';
import { nodeHttpClient } from '../../src/http/node-http-client';

// One contract, two clients: the Worker's (fetch) and Node's (undici request) must be interchangeable.
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/echo') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(201, { 'content-type': 'application/json', 'x-method': req.method! });
      res.end(JSON.stringify({ body, auth: req.headers.authorization ?? null }));
    } else if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      setTimeout(() => res.end('data: 2\n\n'), 20);
    } else if (req.url?.startsWith('/encoded/')) {
      const encoding = req.url.slice('/encoded/'.length);
      const raw = Buffer.from('{"text":"héllo 🙂"}');
      const coded =
        encoding === 'gzip'
          ? zlib.gzipSync(raw)
          : encoding === 'br'
            ? zlib.brotliCompressSync(raw)
            : encoding === 'deflate'
              ? zlib.deflateSync(raw)
              : raw;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': encoding,
        'content-length': String(coded.length),
      });
      res.end(coded);
    } else if (req.url === '/hang') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const clients: [string, () => HttpClient][] = [
  ['fetch', () => fetchClient(globalThis.fetch)],
  ['node (undici)', () => nodeHttpClient(1000)],
];

describe.each(clients)('%s client', (_name, make) => {
  const client = make();
  const signal = () => new AbortController().signal;

  it('sends method, headers and body, and reads status, headers and text', async () => {
    const reply = await client({
      method: 'POST',
      url: `${base}/echo`,
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: '{"x":1}',
      signal: signal(),
    });
    expect(reply.status).toBe(201);
    expect(reply.header('content-type')).toBe('application/json');
    expect(reply.header('x-method')).toBe('POST');
    expect(reply.header('x-missing')).toBeNull();
    expect(reply.header('set-cookie')).toBe('a=1, b=2');
    expect(JSON.parse(await reply.text())).toEqual({ body: '{"x":1}', auth: 'Bearer k' });
  });

  it.each(['gzip', 'br', 'deflate'])(
    'decodes a %s body, and no longer reports its encoding or length',
    async (encoding) => {
      for (const read of [
        (r: Awaited<ReturnType<HttpClient>>) => r.text(),
        (r: Awaited<ReturnType<HttpClient>>) => new Response(r.stream()).text(),
      ]) {
        const reply = await client({
          method: 'GET',
          url: `${base}/encoded/${encoding}`,
          headers: {},
          signal: signal(),
        });
        expect(reply.header('content-encoding')).toBeNull();
        expect(reply.header('content-length')).toBeNull();
        expect(JSON.parse(await read(reply))).toEqual({ text: 'héllo 🙂' });
      }
    },
  );

  it('reports an encoding it cannot decode, with the bytes as sent', async () => {
    const reply = await client({ method: 'GET', url: `${base}/encoded/zstd`, headers: {}, signal: signal() });
    expect(reply.header('content-encoding')).toBe('zstd');
    await reply.discard();
  });

  it('streams a body as it arrives', async () => {
    const reply = await client({ method: 'GET', url: `${base}/stream`, headers: {}, signal: signal() });
    const decoder = new TextDecoder();
    let text = '';
    for await (const chunk of reply.stream() as unknown as AsyncIterable<Uint8Array>)
      text += decoder.decode(chunk, { stream: true });
    expect(text).toBe('data: 1\n\ndata: 2\n\n');
  });

  it('rejects with the abort reason when aborted while the body is being read', async () => {
    const controller = new AbortController();
    const reply = await client({ method: 'GET', url: `${base}/hang`, headers: {}, signal: controller.signal });
    const reading = reply.text();
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(reading).rejects.toBe(reason);
  });

  it('fails to connect to a closed port', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      client({ method: 'GET', url: `http://127.0.0.1:${port}/`, headers: {}, signal: signal() }),
    ).rejects.toThrow();
  });
});
