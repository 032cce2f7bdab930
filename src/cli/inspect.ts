/**
 * `bestofn inspect FILE [--port P]`: the inspector over a RECORD file or an eval run, on 127.0.0.1, until
 * SIGINT / SIGTERM. Exit codes: 0 stopped, 2 bad usage, file or port.
 */
import { parseArgs } from 'node:util';
import { loadInspections, serveInspections } from './inspect-server';
import { intFlag, UsageError } from './usage';
import { closeOnSignal } from './until-signal';

export const INSPECT_USAGE = `Usage:
  bestofn inspect FILE [--port P]

Serves the inspector's pages (the /ui of a gateway) over FILE on 127.0.0.1 and prints the URL: FILE is a
RECORD file (every request with its candidates and step rewards) or an eval run (its --out directory or
its results.jsonl). Read once at start; nothing leaves the machine.
  --port P   [default 8790; 0 picks a free port]
`;

export async function runInspectCommand(
  argv: string[],
  out: { write(s: string): unknown } = process.stdout,
  err: { write(s: string): unknown } = process.stderr,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) return (out.write(INSPECT_USAGE), 0);
  let running;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: { port: { type: 'string' } },
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError('give one FILE: a RECORD file or an eval run');
    const port = intFlag('port', values.port, 8790, 0, 65535);
    const items = loadInspections(file, (m) => err.write(`bestofn inspect: ${m}\n`));
    running = await serveInspections(items, { port, note: `${items.length} requests from ${file}.` });
    out.write(`bestofn inspect: ${items.length} requests from ${file} at ${running.url}\n`);
  } catch (e) {
    err.write(`bestofn inspect: ${(e as Error).message}\n`);
    return 2;
  }
  const server = running;
  await closeOnSignal(() => server.close());
  return 0;
}
