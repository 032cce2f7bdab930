/**
 * `bestofn replay-upstream --data FILE [--port P] [--host H]`: recorded candidates (a gateway --record
 * file or a Best-of-N pool) served as an OpenAI-compatible upstream until SIGINT / SIGTERM.
 * Exit codes: 0 stopped, 2 bad usage, data or port.
 */
import { parseArgs } from 'node:util';
import { loadReplaySource } from '../record/replay-source';
import { startReplayUpstream } from '../record/replay-upstream';
import { intFlag, UsageError } from './usage';
import { closeOnSignal } from './until-signal';

export const REPLAY_USAGE = `Usage:
  bestofn replay-upstream --data FILE [--port P] [--host H]

Serves the candidates recorded in FILE (bestofn --record JSONL, or a pool with question + response[])
as POST /v1/chat/completions and GET /v1/models, keyed by the last user message (whitespace-normalised).
A request with n gets the first n recorded candidates (cycling when n exceeds them). Point a gateway at it
with UPSTREAM_BASE_URL=http://HOST:PORT/v1 UPSTREAM_SUPPORTS_N=true.
  --port P   [default 8000]
  --host H   [default 127.0.0.1]
`;

export async function runReplayUpstream(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(REPLAY_USAGE);
    return 0;
  }
  let running;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: { data: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } },
    });
    if (!values.data) throw new UsageError('--data FILE is required');
    const port = intFlag('port', values.port, 8000, 0, 65535);
    const source = loadReplaySource(values.data, (m) => process.stderr.write(`bestofn replay-upstream: ${m}\n`));
    running = await startReplayUpstream(source, { port, host: values.host ?? '127.0.0.1' });
    const candidates = [...source.items.values()].reduce((s, it) => s + it.candidates.length, 0);
    process.stderr.write(
      `bestofn replay-upstream: ${source.items.size} prompts, ${candidates} candidates from ${values.data} on ${running.url}\n`,
    );
  } catch (err) {
    process.stderr.write(`bestofn replay-upstream: ${(err as Error).message}\n`);
    return 2;
  }
  const server = running;
  await closeOnSignal(() => server.close());
  return 0;
}
