import { describe, expect, it } from 'vitest';
import { jsonOrUndefined, parseJson } from '../../src/core/parse-json';

describe('parseJson', () => {
  it('gives the value of JSON text, null and false included', () => {
    expect(parseJson('{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJson('null')).toEqual({ ok: true, value: null });
    expect(parseJson('false')).toEqual({ ok: true, value: false });
  });

  it("says what is wrong with text that is not JSON, with the parser's message", () => {
    const parsed = parseJson('{"a":');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(/JSON|Unexpected|end/i);
    expect(parseJson('').ok).toBe(false);
  });
});

describe('jsonOrUndefined', () => {
  it('is the value, or undefined for text that is not JSON', () => {
    expect(jsonOrUndefined('[1]')).toEqual([1]);
    expect(jsonOrUndefined('null')).toBeNull();
    expect(jsonOrUndefined('<html>')).toBeUndefined();
  });
});
