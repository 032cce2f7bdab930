/**
 * The judge's answers by content: the same prompt to the same model gets the same verdict without a call.
 * Keyed by a SHA-256 of (model, messages) through Web Crypto, so it runs on Workers as on Node; bounded in
 * entries, least recently used first out.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export interface JudgeAnswer {
  text: string;
}

export interface JudgeCache {
  key(model: string, messages: readonly ChatCompletionMessageParam[]): Promise<string>;
  get(key: string): JudgeAnswer | undefined;
  set(key: string, answer: JudgeAnswer): void;
  stats(): { entries: number; hits: number; misses: number };
}

export function createJudgeCache(maxEntries: number): JudgeCache {
  const lru = new Map<string, JudgeAnswer>();
  let hits = 0;
  let misses = 0;
  return {
    async key(model, messages) {
      const bytes = new TextEncoder().encode(JSON.stringify([model, messages]));
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
      return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    },
    get(key) {
      const hit = lru.get(key);
      if (hit === undefined) {
        misses++;
        return undefined;
      }
      hits++;
      lru.delete(key);
      lru.set(key, hit);
      return hit;
    },
    set(key, answer) {
      if (maxEntries <= 0) return;
      lru.delete(key);
      lru.set(key, answer);
      while (lru.size > maxEntries) lru.delete(lru.keys().next().value!);
    },
    stats: () => ({ entries: lru.size, hits, misses }),
  };
}
