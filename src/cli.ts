import { ConfigError, configHelp, parseConfig } from './config';
import { loadConfigFile } from './config-loader';
import { SELECT_USAGE, selectCommand } from './cli/select';
import { createLogger } from './log';
import { secretsOf } from './secrets';
import { startGateway } from './node';
import { DEMO_SET_FILE } from './record/demo-upstream';
import { watchParent } from './util/parent-watch';
import { probeUpstreams } from './proxy/startup-probe';
import { upstreamsFromConfig } from './proxy/upstream-router';
import { nodeHttpClient } from './http/node-http-client';

const USAGE = `bestofn — OpenAI-compatible Best-of-N gateway

Usage:
  bestofn serve [options]     run the gateway (every option is also an env variable)
  bestofn select [options]    score a JSONL file of reasoning traces and keep the best (select --help)
  bestofn eval [options]      accuracy on math500 / aime24 / FILE.jsonl, or of recorded candidates (--replay); see bestofn eval --help
  bestofn replay-upstream --data FILE [--port P] [--host H]
                              serve recorded candidates (or the shared bon-pool) as an OpenAI-compatible upstream
  bestofn inspect FILE [--port P]
                              the inspector's pages over a RECORD file or an eval run, on 127.0.0.1
  bestofn --help

Options for serve (flag, env variable, meaning):
`;

/** Exit codes: 0 ok, 1 runtime failure, 2 bad usage or config. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'select') {
    if (rest.includes('--help') || rest.includes('-h')) return (process.stdout.write(SELECT_USAGE), 0);
    return selectCommand(rest, env);
  }
  if (command === 'eval') return (await import('./cli/eval')).runEvalCommand(rest, env);
  if (command === 'replay-upstream') return (await import('./cli/replay-upstream')).runReplayUpstream(rest);
  if (command === 'inspect') return (await import('./cli/inspect')).runInspectCommand(rest);
  if (
    command === undefined ||
    command === '--help' ||
    command === '-h' ||
    command === 'help' ||
    rest.includes('--help') ||
    rest.includes('-h')
  ) {
    process.stdout.write(USAGE + configHelp() + '\n');
    return command === undefined ? 2 : 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`bestofn: unknown command '${command}' (try --help)\n`);
    return 2;
  }
  let config;
  try {
    config = parseConfig(env, rest, loadConfigFile, { allowDemo: true });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`bestofn: ${err.message}\n`);
    return 2;
  }
  const log = createLogger(config.LOG_LEVEL, secretsOf(config));
  let gateway;
  try {
    gateway = await startGateway(config, log);
  } catch (err) {
    // Start-up failures (model directory, port in use) get one clear line, not a stack.
    process.stderr.write(`bestofn: ${(err as Error).message}\n`);
    return 2;
  }
  if (config.demo) {
    log.warn(
      { demo: DEMO_SET_FILE },
      `No upstream is configured: serving the recorded demo set (${DEMO_SET_FILE}), real Qwen2.5-Math candidates for 30 MATH problems, not a live model. ` +
        'Point the gateway at a model server with UPSTREAM_BASE_URL=http://127.0.0.1:8000/v1 (see README).',
    );
  }
  log.info(
    {
      url: gateway.url,
      upstreams: config.demo ? ['demo=in-process recorded set'] : config.upstreams.map((u) => `${u.name}=${u.baseUrl}`),
      scorer: gateway.scorer.name,
    },
    'bestofn listening',
  );
  // Not awaited: a model server that starts later is normal; a wrong base URL should be said at once.
  const probing = new AbortController();
  if (!config.demo)
    void probeUpstreams(upstreamsFromConfig(config, nodeHttpClient(config.UPSTREAM_CONNECT_TIMEOUT_MS)), probing.signal)
      .then((warnings) => {
        for (const w of warnings) log.warn(w);
      })
      .catch(() => {});
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      unwatch();
      probing.abort();
      log.info({ signal }, 'shutting down');
      void gateway.close(config.SHUTDOWN_GRACE_MS).then(resolve);
    };
    // A wrapper that got the SIGTERM and died without passing it on (npx's shell) counts as one.
    const unwatch = watchParent(() => stop('parent exited'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
