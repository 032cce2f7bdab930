/**
 * The upstream of a first run with nothing configured: recorded real candidates (data/demo-set.jsonl, 30
 * MATH problems × 8 Qwen2.5-Math answers from the shared Best-of-8 pool; tools/make-demo-set.ts) served
 * by the replay app in-process, with no port of its own. Node only: it reads the file.
 */
import { packageFile } from '../files/package-file';
import { fetchClient, type HttpClient } from '../http/http-client';
import { loadReplaySource, type ReplaySource } from './replay-source';
import { createReplayApp } from './replay-upstream';

export const DEMO_MODEL = 'bestofn-demo';
export const DEMO_SET_FILE = packageFile('data/demo-set.jsonl');

export function loadDemoSet(): ReplaySource {
  return loadReplaySource(DEMO_SET_FILE);
}

/** An HttpClient whose every request is answered by the replay app over the demo set, in this process. */
export function demoHttpClient(source: ReplaySource): HttpClient {
  const app = createReplayApp(source, { model: DEMO_MODEL, strict: true });
  return fetchClient(async (input, init) => app.fetch(new Request(input, init)));
}
