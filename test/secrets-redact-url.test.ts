import { describe, expect, it } from 'vitest';
import { redactUrl, secretScrubber, urlSecrets } from '../src/secrets';

describe('redactUrl: a URL an operator typed, as it may be written to a report', () => {
  it('replaces user:pass@ and the values of credential query parameters, keeping the rest', () => {
    expect(redactUrl('http://alice:hunter2secret@prm.internal:8000/v1?key=sk-abcdef123&dataset=math')).toBe(
      'http://[redacted]@prm.internal:8000/v1?key=[redacted]&dataset=math',
    );
    expect(redactUrl('https://h.example/v1?api_key=AAA&apiKey=BBB&access_token=CCC&x=1#token=DDD')).toBe(
      'https://h.example/v1?api_key=[redacted]&apiKey=[redacted]&access_token=[redacted]&x=1',
    );
    expect(redactUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
    expect(redactUrl('not a url, user:pw@ nothing')).toBe('not a url, user:pw@ nothing');
  });

  it('urlSecrets gives the scrubber what to look for in free text', () => {
    const url = 'http://alice:hunter2secret@prm:8000/v1?api_key=sk-abcdef123';
    const scrub = secretScrubber(urlSecrets(url));
    expect(scrub('failed: hunter2secret and sk-abcdef123 at prm')).toBe('failed: [redacted] and [redacted] at prm');
  });
});
