/** `bestofn serve` probes each upstream's GET /models at start and warns, naming the fix, when it fails. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { nodeHttpClient } from '../../src/http/node-http-client';
import { probeUpstreams } from '../../src/proxy/startup-probe';
import { upstreamsFromConfig } from '../../src/proxy/upstream-router';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';

const probe = (baseUrl: string) =>
  probeUpstreams(
    upstreamsFromConfig(parseConfig({ UPSTREAM_BASE_URL: baseUrl, UPSTREAM_RETRIES: '0' }), nodeHttpClient(2_000)),
  );

describe('start-up upstream probe', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => void (upstream = await startFakeUpstream()));
  afterAll(() => upstream.close());

  it('is quiet when the model list answers', async () => {
    expect(await probe(upstream.url)).toEqual([]);
  });

  it('says to add /v1 when the base URL lacks it and /v1/models answers', async () => {
    const bare = upstream.url.replace(/\/v1$/, '');
    const [warning, ...rest] = await probe(bare);
    expect(rest).toEqual([]);
    expect(warning).toContain(`(${bare})`);
    expect(warning).toContain(`set its base URL to ${bare}/v1`);
  });

  it('warns about an upstream that does not answer, without /v1 advice when the URL has it', async () => {
    const [warning] = await probe('http://127.0.0.1:9/v1');
    expect(warning).toMatch(/GET \/models failed \(upstream unreachable/);
    expect(warning).toContain('check the base URL');
  });

  it('names the /v1 convention when neither form answers', async () => {
    const [warning] = await probe('http://127.0.0.1:9');
    expect(warning).toContain('the base URL has no /v1');
    expect(warning).toContain('e.g. http://127.0.0.1:9/v1');
  });
});
