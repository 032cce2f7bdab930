import { describe, expect, it } from 'vitest';
import { compileSchema } from '../../src/core/json-schema-check';

const city = compileSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
if (!city.ok) throw new Error(city.reason);

describe('compileSchema', () => {
  it('validates without code generation and names the innermost failure', () => {
    expect(city.check({ city: 'Paris' })).toBeNull();
    expect(city.check({ city: 7 })).toBe('value type "number" is invalid. Expected "string". at /city');
    expect(city.check({})).toBe('value does not have required property "city".');
  });

  it.each([
    [{ type: 'banana' }, /type must be one of/],
    [{ properties: [] }, /properties must be an object of schemas/],
    [{ properties: { a: { type: 'number', minimum: 0, pattern: '(' } } }, /pattern is not a regular expression/],
    [{ $ref: '#/$defs/none' }, /resolves to nothing/],
    [{ $ref: 'https://example.com/s.json' }, /is not local/],
    [{ required: 'city' }, /required must be an array/],
    [{ anyOf: [] }, /anyOf must be a non-empty array/],
    [5, /must be a schema/],
  ])('refuses a schema that cannot be used: %j', (schema, reason) => {
    const compiled = compileSchema(schema);
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.reason).toMatch(reason);
  });

  it('resolves local refs and anchors', () => {
    const s = compileSchema({ $defs: { n: { type: 'integer' } }, properties: { a: { $ref: '#/$defs/n' } } });
    expect(s.ok && s.check({ a: 'x' })).toMatch(/Expected "integer"/);
    expect(compileSchema({ $defs: { n: { $anchor: 'num', type: 'number' } }, $ref: '#num' }).ok).toBe(true);
  });
});
