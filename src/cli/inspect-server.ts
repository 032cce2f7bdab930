/**
 * `bestofn inspect FILE`: the inspector's pages over a RECORD file or an eval run (its directory or its
 * results.jsonl), read once, served on loopback only (Node). Nothing is sent anywhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { fromEvalResult } from '../eval/inspection';
import { readResults, resultsFile } from '../eval/results';
import type { Inspection } from '../inspector/inspection';
import { readRecordFile } from '../inspector/record-file';
import { inspectorRoutes } from '../inspector/routes';

/** An eval run's directory or results.jsonl, else a RECORD file. */
export function loadInspections(file: string, onSkip?: (message: string) => void): Inspection[] {
  const stat = fs.statSync(file);
  const dir = stat.isDirectory() ? file : path.basename(file) === 'results.jsonl' ? path.dirname(file) : null;
  if (dir !== null) {
    if (!fs.existsSync(resultsFile(dir))) throw new Error(`${dir} holds no results.jsonl (not an eval run)`);
    return [...readResults(dir, onSkip).values()].map(fromEvalResult);
  }
  return readRecordFile(file, onSkip);
}

export async function serveInspections(
  items: Inspection[],
  opts: { port: number; note: string },
): Promise<{ url: string; close(): Promise<void> }> {
  const byId = new Map(items.map((i) => [i.id, i]));
  const app = new Hono();
  app.route('/ui', inspectorRoutes({ source: { list: () => items, get: (id) => byId.get(id) }, note: opts.note }));
  app.get('/', (c) => c.redirect('/ui'));
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: opts.port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/ui`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
