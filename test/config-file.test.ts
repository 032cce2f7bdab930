import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config';
import { loadConfigFile } from '../src/config-loader';

function write(name: string, text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-config-')), name);
  fs.writeFileSync(file, text);
  return file;
}

const YAML = `
settings:
  PORT: 9000
  BESTOFN_MAX_N: 32
  SCORER: vote
upstreams:
  - name: math
    base_url: http://127.0.0.1:8001/v1/
    api_key_env: MATH_KEY
    models: [qwen-math]
    supports_n: true
  - name: general
    base_url: http://127.0.0.1:8002/v1
    models: ['*']
    concurrency: 4
fallback_upstream: general
keys:
  - key_env: TEAM_A
    rpm: 10
    max_n: 8
`;

describe('CONFIG_FILE', () => {
  it('reads settings, named upstreams with secrets from env, the fallback and per-key limits from YAML', () => {
    const c = parseConfig(
      { CONFIG_FILE: write('bestofn.yaml', YAML), MATH_KEY: 'sk-math', TEAM_A: 'key-a' },
      [],
      loadConfigFile,
    );
    expect(c.PORT).toBe(9000);
    expect(c.upstreams).toEqual([
      {
        name: 'math',
        baseUrl: 'http://127.0.0.1:8001/v1',
        apiKey: 'sk-math',
        models: ['qwen-math'],
        supportsN: true,
        concurrency: undefined,
      },
      {
        name: 'general',
        baseUrl: 'http://127.0.0.1:8002/v1',
        apiKey: undefined,
        models: ['*'],
        supportsN: false,
        concurrency: 4,
      },
    ]);
    expect(c.FALLBACK_UPSTREAM).toBe('general');
    expect(c.keys).toEqual([{ key: 'key-a', rpm: 10, concurrency: undefined, maxN: 8 }]);
  });

  it('lets env and flags win over the file', () => {
    const file = write(
      'bestofn.json',
      JSON.stringify({
        settings: { PORT: 9000, BESTOFN_N: 2 },
        upstreams: [{ name: 'a', base_url: 'http://127.0.0.1:1/v1' }],
      }),
    );
    const c = parseConfig({ CONFIG_FILE: file, PORT: '9001' }, ['--bestofn-n', '3'], loadConfigFile);
    expect([c.PORT, c.BESTOFN_N]).toEqual([9001, 3]);
  });

  it.each([
    [
      'a bad URL',
      'upstreams:\n  - name: a\n    base_url: nope\n',
      /bestofn\.yaml: upstreams\[0\]\.base_url: Invalid URL/,
    ],
    [
      'an unknown key',
      'upstreams:\n  - name: a\n    base_url: http://x/v1\n    modles: [m]\n',
      /upstreams\[0\]\.modles: unknown key/,
    ],
    ['an unknown setting', 'settings:\n  PROT: 1\n', /settings\.PROT: unknown option/],
    [
      'a wrong setting value',
      'settings:\n  PORT: -1\nupstreams: [{ name: a, base_url: "http://x/v1" }]\n',
      /PORT .*got '-1'/,
    ],
    [
      'a missing secret',
      'upstreams: [{ name: a, base_url: "http://x/v1", api_key_env: NOT_SET_ANYWHERE }]\n',
      /upstreams\[0\]\.api_key_env: env variable NOT_SET_ANYWHERE is not set/,
    ],
    [
      'a duplicate name',
      'upstreams: [{ name: a, base_url: "http://x/v1" }, { name: a, base_url: "http://y/v1" }]\n',
      /'a' is used twice/,
    ],
    [
      'an unknown fallback',
      'upstreams: [{ name: a, base_url: "http://x/v1" }]\nfallback_upstream: b\n',
      /FALLBACK_UPSTREAM names no upstream: 'b'/,
    ],
    [
      'a key with both forms',
      'upstreams: [{ name: a, base_url: "http://x/v1" }]\nkeys: [{ key: k, key_env: K }]\n',
      /keys\[0\]: give exactly one of key or key_env/,
    ],
    ['broken YAML', 'upstreams: [\n', /not valid YAML or JSON/],
  ])('points at the offending key for %s', (_name, text, message) => {
    const file = write('bestofn.yaml', text);
    expect(() => parseConfig({ CONFIG_FILE: file }, [], loadConfigFile)).toThrow(ConfigError);
    expect(() => parseConfig({ CONFIG_FILE: file }, [], loadConfigFile)).toThrow(message);
  });

  it('names a file that cannot be read', () => {
    expect(() => parseConfig({ CONFIG_FILE: '/nonexistent/bestofn.yaml' }, [], loadConfigFile)).toThrow(
      /\/nonexistent\/bestofn\.yaml: cannot read the config file \(ENOENT\)/,
    );
  });
});
