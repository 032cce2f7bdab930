import { describe, expect, it } from 'vitest';
import { SseDecoderStream, type SseItem } from '../../src/http/sse';
import { upstreamChunks } from '../../src/proxy/live/upstream-chunks';
import { guardSse } from '../../src/proxy/sse-guard';
import { fixture, piecesAt, randomCuts, sseVariants } from '../helpers/split-stream';

const streamOf = (pieces: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of pieces) c.enqueue(p);
      c.close();
    },
  });

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  for (const reader = stream.getReader(); ;) {
    const next = await reader.read();
    if (next.done) return out;
    out.push(next.value);
  }
}

const events = async (pieces: Uint8Array[]) =>
  (await collect(streamOf(pieces).pipeThrough(new SseDecoderStream())))
    .filter((i): i is Extract<SseItem, { kind: 'event' }> => i.kind === 'event')
    .map((i) => i.data);

const FIXTURES = ['vllm-reasoning.sse', 'openai-tool-call.sse'];

describe.each(FIXTURES)('the SSE codec on %s', (name) => {
  const lf = fixture(name);
  // The oracle is read apart from the codec under test: the LF fixtures hold one `data:` line per event.
  const expected = lf
    .split('\n\n')
    .filter(Boolean)
    .map((e) => e.slice('data: '.length));

  it.each(Object.entries(sseVariants(lf)))(
    '%s: the same events when split in two at every byte boundary',
    async (form, text) => {
      const bytes = new TextEncoder().encode(text);
      // Several data: lines join with a newline, which JSON reads as whitespace.
      const reference = expected.map((d) =>
        form.includes('multiline') ? d.replace(/,"choices"/g, '\n,"choices"') : d,
      );
      expect(await events([bytes])).toEqual(reference);
      for (let cut = 1; cut < bytes.length; cut++) {
        const got = await events(piecesAt(bytes, [cut]));
        if (JSON.stringify(got) !== JSON.stringify(reference))
          throw new Error(`split at byte ${cut} of ${bytes.length} changed the events`);
      }
    },
  );

  it.each(Object.entries(sseVariants(lf)))(
    '%s: the same events split byte by byte, and at 20 seeds of random cuts',
    async (_form, text) => {
      const bytes = new TextEncoder().encode(text);
      const whole = (await events([bytes])).map((d) => d.replace(/\n/g, ''));
      expect(whole).toEqual(expected);
      const everyByte = piecesAt(
        bytes,
        Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
      );
      expect((await events(everyByte)).map((d) => d.replace(/\n/g, ''))).toEqual(expected);
      for (let seed = 1; seed <= 20; seed++) {
        expect((await events(piecesAt(bytes, randomCuts(bytes, seed, 10)))).map((d) => d.replace(/\n/g, ''))).toEqual(
          expected,
        );
      }
    },
  );

  it.each(Object.entries(sseVariants(lf)))(
    '%s: the passthrough guard writes the same bytes however the upstream was split',
    async (form, text) => {
      const bytes = new TextEncoder().encode(text);
      const decoder = new TextDecoder();
      const relay = async (pieces: Uint8Array[]) =>
        (await collect(guardSse(streamOf(pieces)))).map((b) => decoder.decode(b)).join('');
      const whole = await relay([bytes]);
      // Re-encoded in one form: LF, a final blank line; comments kept, several data: lines kept apart.
      if (!form.includes('comments') && !form.includes('multiline')) expect(whole).toBe(lf);
      for (let seed = 1; seed <= 30; seed++)
        expect(await relay(piecesAt(bytes, randomCuts(bytes, seed, 25)))).toBe(whole);
    },
  );
});

describe('upstream chunks of the live path', () => {
  const lf = fixture('vllm-reasoning.sse');
  it.each(Object.entries(sseVariants(lf)))(
    '%s: the same checked chunks at 40 seeds of random cuts',
    async (_form, text) => {
      const bytes = new TextEncoder().encode(text);
      const read = async (pieces: Uint8Array[]) => {
        const out: unknown[] = [];
        for await (const chunk of upstreamChunks(streamOf(pieces))) out.push(chunk);
        return JSON.stringify(out);
      };
      const reference = await read([bytes]);
      expect(JSON.parse(reference)).toHaveLength(lf.split('\n\n').filter(Boolean).length - 1);
      for (let seed = 1; seed <= 40; seed++)
        expect(await read(piecesAt(bytes, randomCuts(bytes, seed, 12)))).toBe(reference);
    },
  );
});
