/**
 * The client side the gateway benches share: one keep-alive undici pool, a POST that reads the whole answer
 * and fails on anything but a 200, a wait for a contender to answer after its start, and closed-loop load
 * (each client sends its next request when its last answer is in).
 */
import { Agent, request } from 'undici';

export interface Endpoint {
  name: string;
  url: string;
  headers: Record<string, string>;
}

export interface LoadClient {
  /** The pool every request goes through; close it at the end of the run. */
  agent: Agent;
  /** POSTs a JSON body and reads the whole answer; throws on a status other than 200. */
  post(to: Endpoint, body: string): Promise<void>;
  /** Retries `send` every 100 ms until it succeeds, `tries` times at most (starting through tsx takes seconds). */
  waitFor(to: Endpoint, send: () => Promise<void>, tries: number): Promise<void>;
}

export function createLoadClient(connections: number): LoadClient {
  const agent = new Agent({ connections, keepAliveTimeout: 60_000 });
  return {
    agent,
    async post(to, body) {
      const res = await request(to.url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', ...to.headers },
        body,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`${to.name}: ${res.statusCode} ${text.slice(0, 300)}`);
    },
    async waitFor(to, send, tries) {
      for (let i = 0; i < tries; i++) {
        try {
          return await send();
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      throw new Error(`nothing answers on ${to.url}`);
    },
  };
}

/** `concurrency` closed loops sending until `ms` have passed: how many requests completed, over how many seconds. */
export async function closedLoop(
  concurrency: number,
  ms: number,
  send: () => Promise<void>,
): Promise<{ done: number; seconds: number }> {
  const t0 = performance.now();
  const until = t0 + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await send();
        done++;
      }
    }),
  );
  return { done, seconds: (performance.now() - t0) / 1000 };
}
