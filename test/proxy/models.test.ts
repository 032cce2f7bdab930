import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway';

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
