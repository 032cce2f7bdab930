import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { fanOut } from '../../src/proxy/fan-out';
import { upstreamsFromConfig } from '../../src/proxy/upstream-router';
import { MATH } from '../helpers/gateway';
import { startFakeUpstream } from '../helpers/fake-upstream';

async function withUpstream(
  options: Parameters<typeof startFakeUpstream>[0],
  run: (ctx: {
    upstream: ReturnType<typeof upstreamsFromConfig>['all'][number];
    requests: any[];
    warnings: string[];
  }) => Promise<void>,
) {
  const fake = await startFakeUpstream(options);
  const warnings: string[] = [];
  try {
    const config = parseConfig(
      { UPSTREAM_BASE_URL: fake.url, UPSTREAM_SUPPORTS_N: 'true', LOG_LEVEL: 'silent' },
      [],
      loadConfigFile,
    );
    const router = upstreamsFromConfig(config, undefined, undefined, (_obj, msg) => warnings.push(msg));
    await run({ upstream: router.all[0]!, requests: fake.requests, warnings });
  } finally {
    await fake.close();
  }
}

const body = { model: 'fake-model', messages: MATH, temperature: 0.7 };
const signal = new AbortController().signal;

describe('an upstream that ignores n', () => {
  it('is found out on its first answer: the missing candidates are asked for one by one, with one warning', async () => {
    await withUpstream({ ignoreN: true }, async ({ upstream, requests, warnings }) => {
      const first = await fanOut(upstream, body, 4, 10_000, signal);
      expect(first.samples.filter((s) => s.message)).toHaveLength(4);
      expect(requests.map((r) => r.n)).toEqual([4, 1, 1, 1]);
      // Later requests go one by one from the start, and nothing more is said.
      const second = await fanOut(upstream, body, 3, 10_000, signal);
      expect(second.samples.filter((s) => s.message)).toHaveLength(3);
      expect(requests.slice(4).map((r) => r.n)).toEqual([1, 1, 1]);
      expect(warnings.filter((w) => w.startsWith('upstream ignores n'))).toHaveLength(1);
    });
  });

  it('one that honours n is asked once per request, and no warning is given', async () => {
    await withUpstream({}, async ({ upstream, requests, warnings }) => {
      await fanOut(upstream, body, 4, 10_000, signal);
      expect(requests.map((r) => r.n)).toEqual([4]);
      expect(warnings).toEqual([]);
    });
  });

  it('identical candidates at temperature > 0 (a replay or caching upstream) are warned about once', async () => {
    const same = { content: 'The same long answer, every time: \\boxed{42}.' };
    await withUpstream({ respond: () => same }, async ({ upstream, warnings }) => {
      await fanOut(upstream, body, 3, 10_000, signal);
      await fanOut(upstream, body, 3, 10_000, signal);
      expect(warnings.filter((w) => w.includes('identical candidates'))).toHaveLength(1);
    });
  });
});
