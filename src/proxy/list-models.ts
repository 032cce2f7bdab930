import { getUpstream } from '../http/upstream-client';
import type { UpstreamRouter } from './upstream-router';

/** GET /v1/models: the upstream's list, or with several upstreams one merged list (first wins a duplicate id). */
export async function listModels(upstreams: UpstreamRouter, signal: AbortSignal): Promise<Response> {
  if (upstreams.all.length === 1) {
    const { status, contentType, text } = await getUpstream(upstreams.all[0]!, '/models', signal);
    return new Response(text, { status, headers: { 'content-type': contentType } });
  }
  // An upstream that is down is left out; only when all are down is it an error.
  const lists = await Promise.allSettled(upstreams.all.map(async (u) => (JSON.parse((await getUpstream(u, '/models', signal)).text) as { data?: { id: string }[] }).data ?? []));
  const ok = lists.filter((l): l is PromiseFulfilledResult<{ id: string }[]> => l.status === 'fulfilled');
  if (ok.length === 0) throw (lists[0] as PromiseRejectedResult).reason;
  const seen = new Set<string>();
  const data = ok.flatMap((l) => l.value).filter((m) => !seen.has(m.id) && seen.add(m.id));
  return Response.json({ object: 'list', data });
}
