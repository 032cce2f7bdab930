import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json';
import { compileSchema } from '../../src/core/json-schema-check';
import { decisionOf, type ToolRules } from '../../src/core/tool-vote';

const city = compileSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] });
if (!city.ok) throw new Error(city.reason);

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [2, { y: 1, x: 0 }], a: 1 })).toBe('{"a":1,"b":[2,{"x":0,"y":1}]}');
  });
});

describe('decisionOf', () => {
  const rules: ToolRules = { tools: new Map([['get_weather', city.check]]), choice: 'auto', parallel: true };
  const c = (args: string, name = 'get_weather') => ({ name, arguments: args });

  it('the same calls in any spelling and order make one decision', () => {
    const a = decisionOf([c('{"city":"Paris"}'), c('{"city":"Lyon"}')], null, rules);
    const b = decisionOf([c('{ "city" : "Lyon" }'), c('{"city":\n"Paris"}')], null, rules);
    expect(a.key).toBe(b.key);
    expect(decisionOf([c('{"city":"Paris"}')], null, rules).key).not.toBe(a.key);
  });

  it('a multiset: calling the same tool twice is not calling it once', () => {
    expect(decisionOf([c('{"city":"Paris"}'), c('{"city":"Paris"}')], null, rules).key).not.toBe(
      decisionOf([c('{"city":"Paris"}')], null, rules).key,
    );
  });

  it.each([
    [[c('{"city":')], 'arguments of get_weather are not JSON'],
    [[c('{}')], 'arguments of get_weather: value does not have required property "city".'],
    [[c('{}', 'rm_rf')], 'called "rm_rf", which is not an offered tool'],
  ])('invalid: %j', (calls, reason) => {
    expect(decisionOf(calls, null, rules)).toEqual({ key: null, invalid: reason });
  });

  it('text answers are decisions too, unless tool_choice asks for a call', () => {
    expect(decisionOf([], 'It is  sunny.', rules).key).toBe('text:It is sunny.');
    expect(decisionOf([], 'x', { ...rules, choice: 'required' }).invalid).toMatch(/tool_choice is required/);
    expect(decisionOf([c('{"city":"P"}')], null, { ...rules, choice: { name: 'other' } }).invalid).toMatch(
      /names other/,
    );
  });
});
