import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

describe('compressed request bodies', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ BESTOFN_MAX_BODY_BYTES: '65536' });
  });
  afterAll(() => t.close());

  const body = Buffer.from(JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }));
  const post = (payload: Uint8Array, encoding: string, chunked = false) =>
    fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      body: chunked
        ? new ReadableStream({
            start(c) {
              c.enqueue(payload);
              c.close();
            },
          })
        : payload,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit);

  it.each([
    ['gzip', zlib.gzipSync(body)],
    ['deflate', zlib.deflateSync(body)],
    ['br', zlib.brotliCompressSync(body)],
    ['gzip, br', zlib.brotliCompressSync(zlib.gzipSync(body))],
  ])('%s is decoded, with a length or chunked', async (encoding, payload) => {
    for (const chunked of [false, true]) {
      const res = await post(payload, encoding, chunked);
      expect(res.status).toBe(200);
      expect((await res.json()).choices[0].message.content).toMatch(/\\boxed/);
    }
    expect(t.upstream.requests.at(-1).messages).toEqual(MATH);
  });

  it.each([
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ])('a %s bomb (a few KB that inflate to 5 MB) is a 413 on the decoded size', async (encoding, compress) => {
    const padded = JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: ' '.repeat(5e6) }] });
    const bomb = compress(Buffer.from(padded));
    expect(bomb.byteLength).toBeLessThan(65536);
    const res = await post(bomb, encoding);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('request_too_large');
  });

  it('an unknown coding is a 415; bytes that are not gzip are a 400', async () => {
    const zstd = await post(body, 'zstd');
    expect(zstd.status).toBe(415);
    expect((await zstd.json()).error).toMatchObject({ code: 'unsupported_content_encoding' });
    const broken = await post(body, 'gzip');
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.message).toMatch(/not valid gzip/);
  });
});
