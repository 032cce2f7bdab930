import { describe, expect, it } from 'vitest';
import { parseCompletion } from '../../src/http/openai-schemas';

describe('parseCompletion', () => {
  // Issue 27, item 9: 100,000 extra choices to an n=1 request took 7 s to check one by one.
  it('checks and keeps only the choices asked for, however many the upstream sent', () => {
    const choice = (index: number) => ({
      index,
      message: { role: 'assistant', content: `c${index}` },
      finish_reason: 'stop',
    });
    const json = {
      id: 'x',
      object: 'chat.completion',
      created: 1,
      model: 'm',
      choices: Array.from({ length: 100_000 }, (_, i) => choice(i)),
    };
    const one = parseCompletion(json, 1);
    expect(one.choices).toHaveLength(1);
    expect(one.choices[0]).toMatchObject({ ok: true, choice: { message: { content: 'c0' } } });
    expect(parseCompletion(json, 3).choices).toHaveLength(3);
  });
});
