import type { Child } from 'hono/jsx';

/**
 * The page around every view. `locked`: the caller sent no valid key, so the page holds no data, only the
 * key form; the script fetches the same URL again with the key in Authorization and swaps in its <main>.
 */
export function Layout(props: { title: string; locked?: boolean; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{props.title}</title>
        <link rel="icon" href="/ui/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/ui/assets/app.css" />
        <script src="/ui/assets/app.js" defer></script>
      </head>
      <body data-locked={props.locked ? '1' : '0'}>
        <header class="top">
          <strong>bestofn inspector</strong>
          <a href="/ui">Recent requests</a>
        </header>
        {props.locked ? (
          <main>
            <h1>Gateway key needed</h1>
            <form class="key" method="post" action="/ui">
              <label>
                A gateway key (kept in this tab only, sent as <code>Authorization: Bearer</code>)
                <input type="password" name="key" autocomplete="off" required />
              </label>
              <button type="submit">Open</button>
              <p id="key-error" class="error" role="alert"></p>
            </form>
          </main>
        ) : (
          props.children
        )}
      </body>
    </html>
  );
}
