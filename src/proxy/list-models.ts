import { z } from 'zod';
import { GatewayError } from '../errors';
import { badUpstream, upstreamJson } from '../http/openai-schemas';
import { getUpstream, type Upstream } from '../http/upstream-client';
import type { UpstreamRouter } from './upstream-router';

const ModelList = z.object({ data: z.array(z.unknown()) });
const ModelEntry = z.looseObject({ id: z.string() });
type Model = z.output<typeof ModelEntry>;

/** An upstream's models; an entry without a string id is left out, a list that is not one is empty. */
async function modelsOf(upstream: Upstream, signal: AbortSignal): Promise<Model[]> {
  const list = ModelList.safeParse(
    upstreamJson((await getUpstream(upstream, '/models', signal)).text, 'returned a model list'),
  );
  if (!list.success) return [];
  return list.data.data.flatMap((m) => {
    const entry = ModelEntry.safeParse(m);
    return entry.success ? [entry.data] : [];
  });
}

/** Every upstream's models, one merged list (first wins a duplicate id); an upstream that is down is left out. */
async function mergedModels(upstreams: UpstreamRouter, signal: AbortSignal): Promise<Model[]> {
  const lists = await Promise.allSettled(upstreams.all.map((u) => modelsOf(u, signal)));
  const ok = lists.filter((l): l is PromiseFulfilledResult<Model[]> => l.status === 'fulfilled');
  const failed = lists.find((l): l is PromiseRejectedResult => l.status === 'rejected');
  if (ok.length === 0 && failed) throw failed.reason;
  const seen = new Set<string>();
  return ok.flatMap((l) => l.value).filter((m) => !seen.has(m.id) && seen.add(m.id));
}

/** GET /v1/models: the upstream's list as it sent it, or with several upstreams one merged list. */
export async function listModels(upstreams: UpstreamRouter, signal: AbortSignal): Promise<Response> {
  if (upstreams.all.length === 1) {
    const { status, contentType, text } = await getUpstream(upstreams.all[0]!, '/models', signal);
    // Relayed as it came only when it is JSON: an HTML page (a proxy's, with a script, an echoed header) is not relayed.
    if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType.trim()))
      throw badUpstream(`returned a model list as ${contentType.split(';')[0] || 'no content type'}, not JSON`);
    upstreamJson(text, 'returned a model list');
    return new Response(text, { status, headers: { 'content-type': 'application/json' } });
  }
  return Response.json({ object: 'list', data: await mergedModels(upstreams, signal) });
}

/** GET /v1/models/{id}: the model as the upstreams list it (`client.models.retrieve`), or OpenAI's 404. */
export async function retrieveModel(upstreams: UpstreamRouter, id: string, signal: AbortSignal): Promise<Response> {
  const model = (await mergedModels(upstreams, signal)).find((m) => m.id === id);
  if (!model)
    throw new GatewayError(
      404,
      `The model '${id}' does not exist`,
      'invalid_request_error',
      'model',
      'model_not_found',
    );
  return Response.json({ object: 'model', created: 0, owned_by: 'bestofn', ...model });
}
