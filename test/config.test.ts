import { describe, expect, it } from 'vitest';
import { ConfigError, configHelp, OPTIONS, parseConfig } from '../src/config';

const BASE = { UPSTREAM_BASE_URL: 'http://127.0.0.1:8000/v1' };

describe('parseConfig', () => {
  it('applies the documented defaults', () => {
    expect(parseConfig(BASE)).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 8787,
      BESTOFN_MAX_N: 64,
      BESTOFN_TEMPERATURE: 0.7,
      SCORER: 'vote',
      UPSTREAM_SUPPORTS_N: false,
    });
  });

  it('lets flags win over env, in both --flag value and --flag=value forms', () => {
    const c = parseConfig({ ...BASE, PORT: '1' }, ['--port', '2', '--upstream-supports-n=true']);
    expect(c.PORT).toBe(2);
    expect(c.UPSTREAM_SUPPORTS_N).toBe(true);
  });

  it('parses the live policies once, into objects with their defaults filled in', () => {
    const c = parseConfig({ ...BASE, BESTOFN_REJECT: '{"after_tokens":64,"every_tokens":32,"keep_fraction":0.5}' }, [
      '--bestofn-adaptive',
      '{"waves":[2,4],"stop_when":{"margin":0.1}}',
    ]);
    expect(c.BESTOFN_REJECT).toEqual({ after_tokens: 64, every_tokens: 32, keep_fraction: 0.5, min_keep: 1 });
    expect(c.BESTOFN_ADAPTIVE).toEqual({ waves: [2, 4], stop_when: { margin: 0.1 } });
    expect(parseConfig(BASE).BESTOFN_REJECT).toBeUndefined();
  });

  it.each([
    [{}, [], 'UPSTREAM_BASE_URL is required'],
    [{ UPSTREAM_BASE_URL: 'not a url' }, [], /UPSTREAM_BASE_URL.*not a url/],
    [BASE, ['--port', 'eighty'], /PORT/],
    // Issue 27, item 16: what Number() or z.url() let through.
    [{ ...BASE, PORT: ' ' }, [], /PORT/],
    [{ ...BASE, PORT: '0xAFC8' }, [], /PORT/],
    [{ UPSTREAM_BASE_URL: 'file:///etc/passwd' }, [], /UPSTREAM_BASE_URL/],
    [{ UPSTREAM_BASE_URL: 'mailto:a@b.c' }, [], /UPSTREAM_BASE_URL/],
    [{ UPSTREAM_BASE_URL: 'javascript:alert(1)' }, [], /UPSTREAM_BASE_URL/],
    [{ ...BASE, UPSTREAM_API_KEY: 'sk-abc\r\nX-Injected: 1' }, [], /UPSTREAM_API_KEY/],
    [{ ...BASE, GATEWAY_API_KEYS: ',' }, [], /GATEWAY_API_KEYS holds no key/],
    [BASE, ['--bogus', '1'], "unknown option '--bogus' (see --help)"],
    [BASE, ['--port'], /needs a value/],
    [{ ...BASE, SCORER: 'onnx' }, [], 'PRM_MODEL_DIR is required when SCORER=onnx'],
    [{ ...BASE, BESTOFN_N: '100' }, [], /BESTOFN_N must be ≤ BESTOFN_MAX_N/],
    [{ ...BASE, BESTOFN_REJECT: 'half' }, [], "BESTOFN_REJECT is not JSON (got 'half')"],
    [
      { ...BASE, BESTOFN_ADAPTIVE: '{"waves":[8,4],"stop_when":{"agreement":1}}' },
      [],
      /BESTOFN_ADAPTIVE: waves: waves must increase/,
    ],
  ])('rejects %j %j with one clear line', (env, argv, message) => {
    expect(() => parseConfig(env, argv as string[])).toThrow(ConfigError);
    expect(() => parseConfig(env, argv as string[])).toThrow(message);
  });

  it('documents every option in --help', () => {
    const help = configHelp();
    for (const key of Object.keys(OPTIONS)) expect(help).toContain(key);
  });
});
