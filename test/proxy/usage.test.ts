import { describe, expect, it } from 'vitest';
import { sumUsage } from '../../src/proxy/usage';

describe('sumUsage', () => {
  it('sums every numeric field, nested details and vendor fields included, and leaves the rest out', () => {
    const total = sumUsage([
      {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 3 },
        queue_time: 0.25,
        id: 'x',
      },
      {
        prompt_tokens: 10,
        completion_tokens: 7,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 6, audio_tokens: 1 },
        completion_tokens_details: null,
        queue_time: 0.5,
      },
      undefined,
      { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, prompt_tokens_details: { note: 'text' } },
    ]);
    expect(total).toEqual({
      prompt_tokens: 21,
      completion_tokens: 13,
      total_tokens: 34,
      prompt_tokens_details: { cached_tokens: 10, audio_tokens: 1 },
      completion_tokens_details: { reasoning_tokens: 3 },
      queue_time: 0.75,
    });
  });

  it('is zeros for no usage at all', () => {
    expect(sumUsage([])).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});
