/** Text a client reads names each server by its role, matched by host and port (the PRM often shares a host). */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { clientScrubber } from '../../src/secrets';

const scrubFor = (env: Record<string, string>) => clientScrubber(parseConfig(env));

describe('clientScrubber', () => {
  const scrub = scrubFor({
    UPSTREAM_BASE_URL: 'http://10.0.0.5:8000/v1',
    SCORER: 'remote',
    SCORER_URL: 'http://10.0.0.5:8001',
    SCORER_MODEL: 'prm',
  });

  it('names the PRM server, not the policy upstream on the same host, in a fallback reason', () => {
    expect(scrub('remote scorer http://10.0.0.5:8001/pooling answered 500: boom')).toBe(
      'remote scorer http://[SCORER_URL]/pooling answered 500: boom',
    );
  });

  it('still names the upstream by its port, and hides other addresses', () => {
    expect(scrub('connect ECONNREFUSED 10.0.0.5:8000')).toBe("connect ECONNREFUSED upstream 'default'");
    expect(scrub('connect ECONNREFUSED 10.0.0.5:9999')).toBe('connect ECONNREFUSED [address]');
  });

  it('names an upstream by its bare host name (a DNS error) and keeps longer names apart', () => {
    const s = scrubFor({ UPSTREAM_BASE_URL: 'http://policy.internal:8000/v1' });
    expect(s('getaddrinfo ENOTFOUND policy.internal')).toBe("getaddrinfo ENOTFOUND upstream 'default'");
    expect(s('getaddrinfo ENOTFOUND policy.internal.example')).toBe('getaddrinfo ENOTFOUND policy.internal.example');
  });

  it('names an upstream on a default port with or without the port written', () => {
    const s = scrubFor({ UPSTREAM_BASE_URL: 'https://llm.example.com/v1' });
    expect(s('POST https://llm.example.com/v1/chat/completions')).toBe(
      "POST https://upstream 'default'/v1/chat/completions",
    );
    expect(s('llm.example.com:443 reset')).toBe("upstream 'default' reset");
  });
});
