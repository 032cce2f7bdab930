import { describe, expect, it } from 'vitest';
import { ConfigError, configHelp, OPTIONS, parseConfig, shortKeysWarning } from '../src/config';

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
    [{ ...BASE, REDIS_URL: 'http://127.0.0.1:6379' }, [], /REDIS_URL/],
    [{ ...BASE, SCORER: 'remote', SCORER_URL: 'file:///etc/passwd' }, [], /SCORER_URL/],
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

/** Issue 27, item 16 (rest): settings that configured something other than what they said. */
describe('parseConfig refuses or corrects what it used to take as given', () => {
  it('refuses METRICS_HOST beyond loopback on a gateway without keys, naming the fixes', () => {
    const open = { ...BASE, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' };
    expect(() => parseConfig(open)).toThrow(ConfigError);
    expect(() => parseConfig(open)).toThrow(
      /METRICS_HOST 0\.0\.0\.0 is not loopback.*METRICS_HOST=127\.0\.0\.1.*GATEWAY_API_KEYS/,
    );
    expect(() => parseConfig({ ...open, METRICS_HOST: '::' })).toThrow(/METRICS_HOST/);
    // With keys the gateway is meant to be reached, and its scraper with it; loopback is always fine.
    expect(parseConfig({ ...open, GATEWAY_API_KEYS: 'a-long-enough-gateway-key' }).METRICS_HOST).toBe('0.0.0.0');
    expect(parseConfig({ ...open, ALLOW_UNAUTHENTICATED: 'true' }).METRICS_HOST).toBe('0.0.0.0');
    expect(parseConfig({ ...open, METRICS_HOST: '127.0.0.1' }).METRICS_PORT).toBe(9464);
    // Without a metrics listener, METRICS_HOST binds nothing.
    expect(parseConfig({ ...BASE, METRICS_HOST: '0.0.0.0' }).METRICS_HOST).toBe('0.0.0.0');
  });

  it('reads CORS_ORIGINS as origins: a trailing slash goes, a path, a scheme or credentials are refused', () => {
    expect(
      parseConfig({ ...BASE, CORS_ORIGINS: 'https://app.example/, http://Local.Example:8080/' }).CORS_ORIGINS,
    ).toBe('https://app.example,http://local.example:8080');
    expect(parseConfig({ ...BASE, CORS_ORIGINS: '*' }).CORS_ORIGINS).toBe('*');
    for (const bad of ['https://app.example/app', 'app.example', 'ftp://app.example', 'https://u:p@app.example'])
      expect(() => parseConfig({ ...BASE, CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS .*is not an origin/);
  });

  it.each([
    [{ UPSTREAM_BASE_URL: 'ftp://alice:s3cret-pass@host.example/v1' }, ['s3cret-pass', 'alice']],
    [{ UPSTREAM_BASE_URL: 'javascript://host/?api_key=sk-live-123456&x=1' }, ['sk-live-123456']],
    [{ ...BASE, REDIS_URL: 'redis://:hunter2-password@redis host:6379' }, ['hunter2-password']],
    [{ ...BASE, SCORER: 'remote', SCORER_URL: 'gopher://bob:pw-of-bob@prm/?token=tok-99' }, ['pw-of-bob', 'tok-99']],
  ])('prints no credential held in a URL it refuses: %j', (env, secrets) => {
    let message = '';
    try {
      parseConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).not.toBe('');
    for (const s of secrets) expect(message).not.toContain(s);
    expect(message).toContain('***');
  });

  it('warns about gateway keys shorter than 16 characters, without naming them', () => {
    const config = parseConfig({ ...BASE, GATEWAY_API_KEYS: `k,${'x'.repeat(16)},short-key` });
    const warning = shortKeysWarning(config);
    expect(warning).toMatch(/2 gateway key\(s\) shorter than 16 characters \(key number 1, 3 /);
    expect(warning).not.toContain('short-key');
    expect(shortKeysWarning(parseConfig({ ...BASE, GATEWAY_API_KEYS: 'y'.repeat(16) }))).toBeNull();
  });
});
