/**
 * /ui: the inspector's pages, server-rendered. Runtime-agnostic (Node and Workers); where requests come
 * from is the caller's (`InspectionSource`). Without gateway keys (loopback only) everyone who can reach
 * the gateway may read them; with keys, a page holds data only for a request that carries one.
 */
import { Hono } from 'hono';
import { hasValidKey, type AccessOptions } from '../access/access-control';
import { INSPECTOR_CSS, INSPECTOR_ICON, INSPECTOR_JS } from './assets';
import type { InspectionSource } from './ring';
import { Layout } from './layout';
import { ListView } from './list-view';
import { RequestView } from './request-view';

/** No inline script or style, nothing from elsewhere, no framing, forms only back to the gateway. */
export const INSPECTOR_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export interface InspectorOptions {
  source: InspectionSource;
  access?: AccessOptions | undefined;
  /** A line under the list's heading (where the requests come from). */
  note?: string;
}

export function inspectorRoutes(o: InspectorOptions) {
  const app = new Hono();
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', INSPECTOR_CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('cache-control', 'no-store');
    c.header('vary', 'authorization');
  });
  const trusted = async (headers: Headers) => !o.access || (await hasValidKey(o.access, headers));

  app.get('/assets/app.css', (c) => c.body(INSPECTOR_CSS, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/assets/icon.svg', (c) => c.body(INSPECTOR_ICON, 200, { 'content-type': 'image/svg+xml' }));
  app.get('/assets/app.js', (c) => c.body(INSPECTOR_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  app.get('/', async (c) => {
    if (!(await trusted(c.req.raw.headers))) return c.html(<Layout title="bestofn inspector" locked />);
    return c.html(
      <Layout title="bestofn inspector">
        <ListView items={o.source.list()} {...(o.note ? { note: o.note } : {})} />
      </Layout>,
    );
  });

  // The key form posts here only when its script did not run: the key is not read, and the page says why.
  app.post('/', (c) =>
    c.html(
      <Layout title="bestofn inspector">
        <main>
          <h1>The inspector needs JavaScript to send a key</h1>
          <p>It sends the key in an Authorization header, which a plain form cannot; nothing was read.</p>
        </main>
      </Layout>,
      400,
    ),
  );

  app.get('/r/:id', async (c) => {
    if (!(await trusted(c.req.raw.headers))) return c.html(<Layout title="bestofn inspector" locked />);
    const id = c.req.param('id');
    const item = o.source.get(id);
    if (!item)
      return c.html(
        <Layout title="Not found · bestofn inspector">
          <main>
            <h1>No such request</h1>
            <p>
              <code>{id}</code> is not in the inspector's memory (it keeps the most recent requests only).{' '}
              <a href="/ui">Recent requests</a>
            </p>
          </main>
        </Layout>,
        404,
      );
    return c.html(
      <Layout title={`${item.id} · bestofn inspector`}>
        <RequestView i={item} />
      </Layout>,
    );
  });
  return app;
}
