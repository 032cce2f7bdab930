import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';

describe('GET /v1/models/{id}', () => {
  it('retrieves a model from the upstream’s list with the official client, and 404s an unknown one', async () => {
    const t = await startTestGateway({}, { model: 'Qwen/Qwen3-8B' });
    try {
      const model = await t.client.models.retrieve('Qwen/Qwen3-8B');
      expect(model).toMatchObject({ id: 'Qwen/Qwen3-8B', object: 'model', owned_by: 'fake' });
      // Unencoded, as curl users write it.
      expect((await (await fetch(`${t.url}/models/Qwen/Qwen3-8B`)).json()).id).toBe('Qwen/Qwen3-8B');
      const err = await t.client.models.retrieve('gpt-unknown').then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as APIError).code).toBe('model_not_found');
    } finally {
      await t.close();
    }
  });
});

// Issue 27, item 19: a proxy's HTML page (a script, an echoed key) was relayed verbatim as the model list.
describe('GET /v1/models from an upstream that answers HTML', () => {
  it('is a 502 bad_upstream_response that carries none of the page', async () => {
    const upstream = await startRawUpstream((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><script>alert(1)</script>${req.headers.authorization}</html>`);
    });
    const t = await startTestGateway({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_API_KEY: 'sk-echoed-key-1234' });
    try {
      const res = await fetch(`${t.url}/models`);
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const text = await res.text();
      expect(JSON.parse(text).error.code).toBe('bad_upstream_response');
      expect(text).not.toContain('<script>');
      expect(text).not.toContain('sk-echoed');
    } finally {
      await t.close();
      await upstream.close();
    }
  });
});
