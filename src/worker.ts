/**
 * Cloudflare Workers entry. Config comes from the Worker's vars and secrets; the scorer is one of the
 * registry's portable entries (no native code, no local files), so nothing Node-only reaches the bundle.
 */
import type { ExecutionContext } from 'hono';
import { buildAccess } from './access/build-access';
import { createApp } from './app';
import { ConfigError, parseConfig, shortKeysWarning } from './config';
import { GatewayError } from './errors';
import { upstreamsFromConfig } from './proxy/upstream-router';
import { createPortableScorer } from './scorer/create-scorer';
import { coverageWarning } from './scorer/coverage';
import { PORTABLE_SCORER_NAMES, SCORERS } from './scorer/registry';
import { secretScrubber, secretsOf, type Scrub } from './secrets';

/** Vars and secrets are strings; KV, R2 and service bindings are objects and are not config. */
export type WorkerEnv = Record<string, unknown>;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Workers Logs index console output as JSON; every line is scrubbed of the gateway's secrets (an upstream may echo them). */
function consoleLogger(level: string, scrub: Scrub) {
  const min = level === 'silent' ? Infinity : LEVELS.indexOf(level as (typeof LEVELS)[number]);
  const emit = (at: (typeof LEVELS)[number], obj: object, msg?: string) => {
    if (LEVELS.indexOf(at) < min) return;
    const fields = Object.fromEntries(
      Object.entries(obj).map(([k, v]) => [
        k,
        v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v,
      ]),
    );
    const line = scrub(JSON.stringify({ level: at, service: 'bestofn', ...fields, msg }));
    (at === 'error' || at === 'fatal' ? console.error : at === 'warn' ? console.warn : console.log)(line);
  };
  return {
    info: (obj: object, msg?: string) => emit('info', obj, msg),
    warn: (obj: object, msg?: string) => emit('warn', obj, msg),
    error: (obj: object, msg?: string) => emit('error', obj, msg),
  };
}

function stringVars(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

type Built = { app: ReturnType<typeof createApp> } | { error: GatewayError };

const misconfigured = (message: string): Built => ({
  error: new GatewayError(500, message, 'server_error', null, 'invalid_config'),
});

async function build(vars: Record<string, string>): Promise<Built> {
  const scorer = vars.SCORER || 'vote';
  // Checked before parseConfig, whose complaint about SCORER=onnx would be the missing PRM_MODEL_DIR. An
  // unknown name is parseConfig's to report.
  if (Object.hasOwn(SCORERS, scorer) && !PORTABLE_SCORER_NAMES.some((name) => name === scorer)) {
    return misconfigured(
      `SCORER=${scorer} is not available on Cloudflare Workers (no native code or local model files); use one of ${PORTABLE_SCORER_NAMES.map((n) => `SCORER=${n}`).join(', ')} (SCORER=remote with a vLLM PRM server)`,
    );
  }
  // Silently dropping the record would lose data the operator asked for.
  if (vars.RECORD) return misconfigured('RECORD is not available on Cloudflare Workers (no local files); unset it');
  try {
    const config = parseConfig(vars);
    // A Worker is on the public internet from its first deploy: no keys would mean anyone may spend the upstream.
    if (config.keys.length === 0 && !config.ALLOW_UNAUTHENTICATED)
      return misconfigured(
        'GATEWAY_API_KEYS is not set: a Worker is reachable by anyone. Set it with `npx wrangler secret put GATEWAY_API_KEYS` (or ALLOW_UNAUTHENTICATED=true to serve without keys)',
      );
    const log = consoleLogger(config.LOG_LEVEL, secretScrubber(secretsOf(config)));
    const upstreams = upstreamsFromConfig(config);
    const uncovered = coverageWarning(config);
    if (uncovered) log.warn({}, uncovered);
    const shortKeys = shortKeysWarning(config);
    if (shortKeys) log.warn({}, shortKeys);
    const scorer = createPortableScorer(
      config,
      { info: (m) => log.info({}, m), warn: (m) => log.warn({}, m) },
      upstreams.all[0]!,
    );
    return { app: createApp({ config, upstreams, scorer, log, access: await buildAccess(config) }) };
  } catch (err) {
    if (err instanceof ConfigError) return misconfigured(`gateway misconfigured: ${err.message}`);
    throw err;
  }
}

/**
 * One app per isolate, so the upstream concurrency cap and the score cache outlive a request. Keyed by
 * the vars, because `wrangler dev` and tests may hand the same isolate a different env.
 */
let cached: { key: string; built: Promise<Built> } | undefined;

function appFor(env: WorkerEnv): Promise<Built> {
  const vars = stringVars(env);
  const key = JSON.stringify(Object.entries(vars).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (cached?.key !== key) cached = { key, built: build(vars) };
  return cached.built;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const built = await appFor(env);
    if ('error' in built) {
      console.error(JSON.stringify({ level: 'error', service: 'bestofn', msg: built.error.message }));
      return Response.json(built.error.toBody(), { status: built.error.status });
    }
    return built.app.fetch(request, env, ctx);
  },
};
