import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/** Issue 27, item 6: a body trickled a byte at a time cannot hold a connection past BODY_TIMEOUT_MS. */
describe('slow request bodies', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ HEADERS_TIMEOUT_MS: '1000', BODY_TIMEOUT_MS: '2000' });
  });
  afterAll(() => t.close());

  it('headers in time, then one byte at a time: a 408 and the connection closed', async () => {
    const { port } = new URL(t.gateway.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (d: string) => (received += d));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n{',
    );
    // One byte each 200 ms, far slower than the body's deadline; stops when the gateway closes the socket.
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    clearInterval(drip);
    // Without a body clock Node waits 300 s, and this test times out.
    expect(received).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});
