import { sseItems } from '../../src/http/sse';

/** An SSE body read through the gateway's one codec: its comments and data payloads, in order. */
export async function readSse(body: Response | string): Promise<{ comments: string[]; data: string[] }> {
  const stream = typeof body === 'string' ? new Response(body).body! : body.body!;
  const comments: string[] = [];
  const data: string[] = [];
  for await (const item of sseItems(stream)) item.kind === 'comment' ? comments.push(item.text) : data.push(item.data);
  return { comments, data };
}

/** The JSON chunks of an SSE body ([DONE] left out). */
export async function sseJson(body: Response | string): Promise<any[]> {
  return (await readSse(body)).data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
}

/** The last JSON event of an SSE body: on a failed stream, the OpenAI error the clients raise. */
export async function lastSseJson(body: Response | string): Promise<any> {
  return (await sseJson(body)).at(-1);
}
