import { seededRandom } from '../../src/core/random';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRawUpstream } from './raw-upstream';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/**
 * The same SSE stream in the forms real servers and proxies send: LF, CRLF and CR line ends, comments
 * between events, a payload spread over several `data:` lines, and no newline after the last event.
 */
export function sseVariants(lf: string): Record<string, string> {
  // Before "choices" is outside any string, so the joined lines are the same JSON with one more newline.
  const multiline = lf.replace(/,"choices"/g, '\ndata: ,"choices"');
  const commented = lf.replace(/\n\n(?=data: \{)/g, (_m, at: number) =>
    at % 3 === 0 ? '\n\n: keep-alive\n\n' : '\n\n:\n\n',
  );
  return {
    lf,
    crlf: lf.replace(/\n/g, '\r\n'),
    cr: lf.replace(/\n/g, '\r'),
    comments: `: OPENROUTER PROCESSING\n\n${commented}`,
    multiline,
    'crlf+comments+multiline': `: hi\r\n\r\n${multiline.replace(/\n/g, '\r\n')}`,
    'no final newline': lf.replace(/\n+$/, ''),
    'cr, no final newline': lf.replace(/\n/g, '\r').replace(/\r+$/, ''),
  };
}

/** The same seed gives the same cuts on every run and machine (the project's one seeded generator). */
export const seeded = seededRandom;

/** Cut positions in `bytes`: `count` random ones, plus one inside every multi-byte UTF-8 character. */
export function randomCuts(bytes: Uint8Array, seed: number, count: number): number[] {
  const random = seeded(seed);
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * (bytes.length - 1)));
  // A continuation byte (10xxxxxx) starts mid-character: cutting before it splits the character.
  for (let i = 1; i < bytes.length; i++)
    if ((bytes[i]! & 0xc0) === 0x80 && (bytes[i - 1]! & 0xc0) !== 0x80) cuts.add(i);
  return [...cuts].sort((a, b) => a - b);
}

export function piecesAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > from) out.push(bytes.subarray(from, cut));
    from = cut;
  }
  return out;
}

export interface SplitAnswer {
  contentType: string;
  body: string;
  cuts: (bytes: Uint8Array) => number[];
}

/**
 * A loopback upstream that writes each answer in the pieces `cuts` gives, each in its own write after
 * the event loop turned, with Nagle off, so they leave as separate TCP segments as over a real network.
 */
export async function startSplitUpstream(answer: (body: any, call: number) => SplitAnswer) {
  let call = 0;
  const requests: any[] = [];
  const upstream = await startRawUpstream(async (_req, res, text) => {
    const body = JSON.parse(text || '{}');
    requests.push(body);
    const a = answer(body, call++);
    const bytes = Buffer.from(a.body, 'utf8');
    res.socket?.setNoDelay(true);
    res.writeHead(200, { 'content-type': a.contentType });
    for (const piece of piecesAt(bytes, a.cuts(bytes))) {
      if (res.destroyed) return;
      res.write(piece);
      await new Promise((r) => setImmediate(r));
    }
    res.end();
  });
  return Object.assign(upstream, { requests });
}
