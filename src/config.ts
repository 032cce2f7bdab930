import { z } from 'zod';
import { resolveSecrets, validateConfigFile, type KeySpec, type UpstreamSpec } from './config-file';
import { adaptivePolicySchema, rejectPolicySchema, type AdaptivePolicy, type RejectPolicy } from './core/live-policy';
import { COMBINES } from './core/aggregate';
import { SELECT_METHODS } from './core/selection-rules';
import { AGGREGATES, TOOL_MODES } from './core/types';
import { describeIssue, firstIssue } from './core/zod-issue';
import { isIP, isLoopbackAddress } from './http/loopback';
import { bool, headerValue, httpUrl, int, num, originList } from './option-schemas';
import { SCORER_NAMES, scorerEntry } from './scorer/registry';
import { SCORER_SETTINGS, SHARED_UPSTREAM_SETTINGS, type ScorerSettingName } from './scorer/scorer-options';
import { parseJson } from './core/parse-json';
import { redactCredentials } from './util/redact-credentials';

/**
 * Every setting the gateway reads, declared once. Each entry is an env variable, a `--flag` of the same
 * name (UPSTREAM_BASE_URL ⇔ --upstream-base-url) and a line of `bestofn serve --help`.
 * parseConfig is pure: callers pass env and argv in.
 */
/** The most candidates any gateway may ask for (BESTOFN_MAX_N's ceiling), and so the most `n` an upstream it runs on must serve. */
export const MAX_BEST_OF = 4096;

export const OPTIONS = {
  CONFIG_FILE: {
    schema: z.string().optional(),
    help: 'JSON or YAML file with settings, named upstreams, a fallback upstream and per-key limits (see README)',
  },
  UPSTREAM_BASE_URL: {
    schema: httpUrl().optional(),
    help: 'OpenAI-compatible upstream, e.g. http://127.0.0.1:8000/v1 (required unless CONFIG_FILE names upstreams)',
  },
  UPSTREAM_API_KEY: {
    schema: headerValue().optional(),
    help: 'Bearer key sent to the upstream; never logged or echoed',
  },
  FALLBACK_UPSTREAM: {
    schema: z.string().optional(),
    help: 'Name of a CONFIG_FILE upstream that samples candidates the routed upstream failed to give',
  },
  UPSTREAM_SUPPORTS_N: {
    schema: bool.default(false),
    help: 'Upstream honours `n` (vLLM, SGLang, OpenAI): one request with n instead of N requests',
  },
  UPSTREAM_CONCURRENCY: {
    schema: int(1, 4096).default(32),
    help: 'Max in-flight requests to each upstream; a freed slot goes to the waiting client requests in turn',
  },
  UPSTREAM_TIMEOUT_MS: {
    schema: int(1, 3_600_000).default(600_000),
    help: 'Total time allowed for one upstream request',
  },
  UPSTREAM_CONNECT_TIMEOUT_MS: {
    schema: int(1, 600_000).default(10_000),
    help: 'Time allowed to open a connection to the upstream (Node)',
  },
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: {
    schema: int(1, 3_600_000).default(600_000),
    help: 'Time allowed until the upstream answers with headers (for streams: the first token)',
  },
  UPSTREAM_RETRIES: {
    schema: int(0, 10).default(2),
    help: 'Retries after 408, 429, 5xx or a connection failure (exponential backoff, Retry-After honoured)',
  },
  UPSTREAM_RETRY_BASE_MS: {
    schema: int(0, 60_000).default(250),
    help: 'First retry backoff; doubles per attempt, with jitter',
  },
  UPSTREAM_MAX_ANSWER_MB: {
    schema: int(1, 4096).default(32),
    help: 'Largest upstream answer of one candidate read (MiB, decoded; an answer to n choices may hold n times this); a larger one fails as bad_upstream_response',
  },
  UPSTREAM_MAX_REQUEST_MB: {
    schema: int(1, 65_536).default(128),
    help: 'Most upstream answer bytes one client request reads across its N candidates (MiB, decoded); the candidate that would pass it fails as candidates_too_large and the others are kept',
  },
  GATEWAY_API_KEYS: {
    schema: z.string().optional(),
    help: 'Comma-separated keys clients must send as Bearer tokens (keys under 16 characters are warned about at start); unset means no auth (loopback only)',
  },
  KEY_RPM: { schema: int(1, 1_000_000).default(600), help: 'Requests per minute allowed to each gateway key' },
  KEY_CPM: {
    schema: int(1, 100_000_000).default(6000),
    help: 'Candidates per minute allowed to each gateway key: a best_of 8 request spends 8 (a bypass 1); a request for more than this spends it all',
  },
  KEY_CONCURRENCY: { schema: int(1, 100_000).default(64), help: 'Concurrent requests allowed to each gateway key' },
  KEY_MAX_N: {
    schema: int(1, 4096).optional(),
    help: 'Largest N each gateway key may ask for [default: BESTOFN_MAX_N]',
  },
  ALLOW_UNAUTHENTICATED: {
    schema: bool.default(false),
    help: 'Allow listening beyond loopback without GATEWAY_API_KEYS',
  },
  CORS_ORIGINS: {
    schema: originList().optional(),
    help: 'Browser origins allowed to call the gateway (CORS): a comma list of scheme://host[:port] (a trailing slash is dropped), or * for any; unset means no CORS headers',
  },
  ALLOWED_HOSTS: {
    schema: z.string().optional(),
    help: 'Without GATEWAY_API_KEYS, host names (comma list) the gateway answers under besides HOST and loopback names; * for any',
  },
  HOST: { schema: z.string().min(1).default('127.0.0.1'), help: 'Interface to listen on' },
  PORT: { schema: int(0, 65535).default(8787), help: 'Port to listen on' },
  MAX_CONNECTIONS: {
    schema: int(1, 1_000_000).default(4096),
    help: 'Open client connections in all; more are closed as they arrive',
  },
  MAX_CONNECTIONS_PER_ADDRESS: {
    schema: int(1, 1_000_000).default(256),
    help: 'Open client connections from one address; more from it are closed as they arrive',
  },
  HEADERS_TIMEOUT_MS: {
    schema: int(1000, 300_000).default(10_000),
    help: 'Time a client gets to send its request headers',
  },
  BODY_TIMEOUT_MS: {
    schema: int(1000, 600_000).default(30_000),
    help: 'Time a client gets to send its whole request, body included (at least HEADERS_TIMEOUT_MS); a slower one gets a 408 and is closed',
  },
  IDLE_TIMEOUT_MS: {
    schema: int(100, 600_000).default(5_000),
    help: 'Time an idle keep-alive client connection stays open',
  },
  METRICS_PORT: {
    schema: int(0, 65535).optional(),
    help: 'Serve /metrics on this port (of METRICS_HOST) instead of the main one, where it needs a gateway key',
  },
  METRICS_HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    help: 'Interface of the METRICS_PORT listener (beyond loopback only with GATEWAY_API_KEYS or ALLOW_UNAUTHENTICATED)',
  },
  BESTOFN_N: { schema: int(1, 4096).default(4), help: 'Default number of candidates when the client names none' },
  BESTOFN_MAX_N: { schema: int(1, MAX_BEST_OF).default(64), help: 'Largest N a client may ask for; more is a 400' },
  BESTOFN_TOOLS: {
    schema: z.enum(TOOL_MODES).default('vote'),
    help: 'Requests that offer tools: vote (N candidates, the most agreed calls win) | bypass (one upstream call, passed through)',
  },
  BESTOFN_SELECT: {
    schema: z.enum(SELECT_METHODS).default('argmax'),
    help: `Default selection: ${SELECT_METHODS.join(' | ')}`,
  },
  BESTOFN_AGGREGATE: {
    schema: z.enum(AGGREGATES).default('min'),
    help: `Default step-reward aggregation: ${AGGREGATES.join(' | ')} (a PRM manifest's own aggregate wins; a request's wins over both)`,
  },
  BESTOFN_COMBINE: {
    schema: z.enum(COMBINES).default('weighted'),
    help: "Thinking + response → reward: weighted (w·agg + (1−w)·agg) | reasonflux (mean(thinking) + α·agg(response)); a PRM manifest's own wins",
  },
  BESTOFN_ALPHA: {
    schema: num(0, 10).default(1),
    help: 'α in the reasonflux combination, weight of the final response (the paper studies 0.1–1.5)',
  },
  BESTOFN_TEMPERATURE: {
    schema: num(0, 2).default(0.7),
    help: 'Sampling temperature used when the client sends 0 or none',
  },
  BESTOFN_MIN_CANDIDATES: { schema: int(1, 4096).default(1), help: 'Fewest successful candidates needed to answer' },
  BESTOFN_DEADLINE_MS: {
    schema: int(1, 3_600_000).default(300_000),
    help: 'Per-request deadline; when it passes, rank what has arrived',
  },
  BESTOFN_HEARTBEAT_MS: {
    schema: int(10, 60_000).default(10_000),
    help: 'SSE comment heartbeat interval while candidates are sampled',
  },
  BESTOFN_THINKING_WEIGHT: {
    schema: num(0, 1).default(0.5),
    help: 'w in reward = w·agg(thinking) + (1−w)·agg(response)',
  },
  BESTOFN_REJECT: {
    schema: z.string().optional(),
    help: 'Default early rejection, JSON: {"after_tokens":256,"every_tokens":256,"keep_fraction":0.5,"min_keep":2}',
  },
  BESTOFN_ADAPTIVE: {
    schema: z.string().optional(),
    help: 'Default adaptive N, JSON: {"waves":[4,8,16],"stop_when":{"agreement":0.75}}',
  },
  BESTOFN_MAX_BODY_BYTES: {
    schema: int(1024, 1 << 30).default(1024 * 1024),
    help: 'Largest accepted request body, in bytes (413 beyond)',
  },
  REWARDS_MAX_CANDIDATES: {
    schema: int(1, 65_536).default(64),
    help: 'Most candidates one POST /v1/rewards request may score; more is a 413',
  },
  REWARDS_MAX_CHARS: {
    schema: int(1, 1 << 30).default(2_000_000),
    help: 'Most characters of text (problem and all candidates) in one /v1/rewards request; more is a 413',
  },
  REWARDS_MAX_CANDIDATE_CHARS: {
    schema: int(1, 1 << 30).default(65_536),
    help: 'Most characters of text in one /v1/rewards candidate (all parts); more is a 413',
  },
  REWARDS_MAX_STEPS: {
    schema: int(1, 1 << 20).default(1024),
    help: 'Most steps (thinking and response) of one /v1/rewards candidate; more is a 413',
  },
  SCORER: {
    schema: z.enum(SCORER_NAMES).default('vote'),
    help: `Reward source: ${SCORER_NAMES.join(' | ')}`,
  },
  ...SCORER_SETTINGS,
  VOTE_CLUSTER_BUDGET_MS: {
    schema: int(0, 60_000).default(250),
    help: 'Time to merge equivalent answer keys in a vote; past it the exact-key groups stand',
  },
  REDIS_URL: {
    schema: z.url({ protocol: /^rediss?$/ }).optional(),
    help: 'Redis shared by all replicas (redis://host:6379/0): per-key limits and a second-tier score cache; unset keeps both per replica',
  },
  REDIS_FAILURE: {
    schema: z.enum(['local', 'refuse']).default('local'),
    help: "While Redis is unreachable: apply each replica's own limits (local), or answer 503 (refuse)",
  },
  REDIS_TIMEOUT_MS: {
    schema: int(1, 10_000).default(100),
    help: 'Time allowed for one Redis call; past it the call counts as a Redis failure',
  },
  REDIS_LEASE_MS: {
    schema: int(1000, 3_600_000).default(30_000),
    help: "Expiry of a concurrency slot in Redis, renewed while its request runs: a dead replica's slots return after this",
  },
  REDIS_CACHE_TTL_S: {
    schema: int(0, 31_536_000).default(86_400),
    help: 'Lifetime of a score in the Redis cache tier, in seconds (0 disables the tier)',
  },
  REDIS_CACHE_MAX_BYTES: {
    schema: int(1, 1 << 24).default(65_536),
    help: 'Largest score entry written to Redis, in bytes; larger ones stay in the in-process cache only',
  },
  REDIS_PREFIX: {
    schema: z
      .string()
      .regex(/^[\w.:-]{1,64}$/)
      .default('bestofn'),
    help: 'Prefix of every Redis key, so several gateways can share one Redis',
  },
  RECORD: {
    schema: z.string().optional(),
    help: 'Append every request, with its candidates and rewards, to this JSONL file',
  },
  RECORD_MAX_MB: {
    schema: num(0.01, 1 << 20).default(1024),
    help: 'Rotate the RECORD file when it would grow past this many MiB',
  },
  RECORD_MAX_TEXT_MB: {
    schema: num(0.01, 4096).default(16),
    help: "Candidate text one RECORD line holds (MiB, counted in characters); past it the longest texts are cut to share it, each marked, and the candidate's `cut` gives the full lengths",
  },
  RECORD_KEEP: { schema: int(1, 1000).default(5), help: 'Rotated RECORD files kept (FILE.1 is the newest)' },
  UI: {
    schema: bool.default(true),
    help: 'Serve the inspector at /ui: recent Best-of-N requests, their candidates and step rewards (false turns it off)',
  },
  UI_RING_SIZE: {
    schema: int(1, 100_000).default(200),
    help: 'Recent Best-of-N requests the inspector keeps in memory (oldest dropped first), each with at most 256 Ki characters of candidate text',
  },
  UI_PROMPTS: {
    schema: bool.default(true),
    help: 'Keep prompts and candidate texts in the inspector memory; false keeps only rewards, answers and timings',
  },
  SHUTDOWN_GRACE_MS: {
    schema: int(0, 600_000).default(30_000),
    help: 'On SIGTERM/SIGINT, time in-flight requests get to finish before connections are cut',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    help: 'Log level',
  },
} as const;

type Options = typeof OPTIONS;

const schema = z
  .object(
    Object.fromEntries(Object.entries(OPTIONS).map(([k, o]) => [k, o.schema])) as {
      [K in keyof Options]: Options[K]['schema'];
    },
  )
  .superRefine((c, ctx) => {
    if (c.BESTOFN_N > c.BESTOFN_MAX_N)
      ctx.addIssue({ code: 'custom', path: ['BESTOFN_N'], message: `must be ≤ BESTOFN_MAX_N (${c.BESTOFN_MAX_N})` });
    // Each scorer's own rules (SCORER=remote needs SCORER_URL…) are its registry entry's.
    for (const { option, message } of scorerEntry(c.SCORER).check?.(c) ?? [])
      ctx.addIssue({ code: 'custom', path: [option], message });
    // The judge may be asked for per request under any SCORER, so its endpoint is checked whenever it is named.
    if (c.JUDGE_MODEL && !c.JUDGE_BASE_URL && !c.UPSTREAM_BASE_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['JUDGE_BASE_URL'],
        message: 'is required with JUDGE_MODEL when UPSTREAM_BASE_URL is not set',
      });
  });

export type Config = Omit<z.output<typeof schema>, 'BESTOFN_REJECT' | 'BESTOFN_ADAPTIVE'> & {
  /** BESTOFN_REJECT, parsed and validated once at start-up. */
  BESTOFN_REJECT?: RejectPolicy;
  /** BESTOFN_ADAPTIVE, parsed and validated once at start-up. */
  BESTOFN_ADAPTIVE?: AdaptivePolicy;
  /** Upstreams in routing order: the file's, then UPSTREAM_BASE_URL as 'default' for any model. */
  upstreams: UpstreamSpec[];
  /** Keys from GATEWAY_API_KEYS and the file, with their own limits where the file gives them. */
  keys: KeySpec[];
  /** No upstream was configured and the caller allowed it: the one upstream is the recorded demo set. */
  demo: boolean;
};

/** The demo upstream's name; its base URL is never dialled (the Node entry answers it in-process). */
export const DEMO_UPSTREAM = {
  name: 'demo',
  baseUrl: 'http://demo.invalid/v1',
  models: ['*'],
  supportsN: true,
} as const;

export const flagFor = (name: string) => `--${name.toLowerCase().replaceAll('_', '-')}`;
const nameFor = (flag: string) => flag.replace(/^--/, '').toUpperCase().replaceAll('-', '_');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** Every config error quotes what it refuses; the credentials inside a quoted URL are masked. */
  constructor(message: string) {
    super(redactCredentials(message));
  }
}

/** Turns `--flag value` / `--flag=value` pairs into option names; unknown flags are an error. */
export function parseFlags(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf('=');
    const name = nameFor(eq === -1 ? arg : arg.slice(0, eq));
    if (!(name in OPTIONS))
      throw new ConfigError(`unknown option '${eq === -1 ? arg : arg.slice(0, eq)}' (see --help)`);
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new ConfigError(`option '${arg}' needs a value`);
    out[name] = value;
  }
  return out;
}

/** A policy option is JSON text in env, flags and the file; the gateway only ever sees the parsed object. */
function policyOption<T>(
  key: 'BESTOFN_REJECT' | 'BESTOFN_ADAPTIVE',
  text: string | undefined,
  policy: z.ZodType<T>,
): T | undefined {
  if (text === undefined) return undefined;
  const value = parseJson(text);
  if (!value.ok) throw new ConfigError(`${key} is not JSON (got '${text}')`);
  const checked = policy.safeParse(value.value);
  if (!checked.success) throw new ConfigError(`${key}: ${describeIssue(checked.error)}`);
  return checked.data;
}

/** Reads and parses a config file (Node: fs + YAML); injected so this module stays free of I/O. */
export type LoadFile = (path: string) => unknown;

/**
 * Flags win over env, env over the config file. Empty env strings count as unset, as shells and compose
 * files often leave them.
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
  loadFile?: LoadFile,
  opts: { allowDemo?: boolean } = {},
): Config {
  const flags = parseFlags(argv);
  const pick = (key: string) => {
    const value = flags[key] ?? env[key];
    return value === undefined || value === '' ? undefined : value;
  };
  const fileName = pick('CONFIG_FILE');
  let file = validateConfigFile({}, '');
  if (fileName) {
    if (!loadFile) throw new ConfigError('CONFIG_FILE is not supported in this runtime');
    try {
      file = validateConfigFile(loadFile(fileName), fileName);
    } catch (err) {
      throw new ConfigError(
        (err as Error).message.startsWith(fileName) ? (err as Error).message : `${fileName}: ${(err as Error).message}`,
      );
    }
  }
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(file.settings ?? {})) {
    if (!(key in OPTIONS)) throw new ConfigError(`${fileName}: settings.${key}: unknown option`);
    input[key] = String(value);
  }
  if (file.fallback_upstream) input.FALLBACK_UPSTREAM = file.fallback_upstream;
  for (const key of Object.keys(OPTIONS)) {
    const value = pick(key);
    if (value !== undefined) input[key] = value;
  }
  const c = parseOptions(input);
  const policies = {
    BESTOFN_REJECT: policyOption('BESTOFN_REJECT', c.BESTOFN_REJECT, rejectPolicySchema),
    BESTOFN_ADAPTIVE: policyOption('BESTOFN_ADAPTIVE', c.BESTOFN_ADAPTIVE, adaptivePolicySchema),
  };
  let resolved;
  try {
    resolved = resolveSecrets(file, env, fileName ?? 'config');
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const upstreams = [...resolved.upstreams];
  if (c.UPSTREAM_BASE_URL) {
    upstreams.push({
      name: 'default',
      baseUrl: c.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
      apiKey: c.UPSTREAM_API_KEY,
      models: ['*'],
      supportsN: c.UPSTREAM_SUPPORTS_N,
    });
  }
  // A first run with nothing configured serves the recorded demo set, but only where the caller allows it
  // (`bestofn serve`), never in production, and never when any upstream setting was given: a half-made
  // upstream config is a mistake to report, not a reason to answer from recordings.
  const upstreamSettingGiven = Object.keys(OPTIONS).some(
    (k) => (k.startsWith('UPSTREAM_') || k === 'FALLBACK_UPSTREAM') && input[k] !== undefined,
  );
  const demo =
    upstreams.length === 0 && opts.allowDemo === true && env.NODE_ENV !== 'production' && !upstreamSettingGiven;
  if (demo) upstreams.push({ ...DEMO_UPSTREAM, models: [...DEMO_UPSTREAM.models] });
  if (upstreams.length === 0) throw new ConfigError('UPSTREAM_BASE_URL is required');
  const names = new Set<string>();
  for (const u of upstreams) {
    if (names.has(u.name)) throw new ConfigError(`${fileName}: upstreams: the name '${u.name}' is used twice`);
    names.add(u.name);
  }
  if (c.FALLBACK_UPSTREAM && !names.has(c.FALLBACK_UPSTREAM))
    throw new ConfigError(`FALLBACK_UPSTREAM names no upstream: '${c.FALLBACK_UPSTREAM}'`);
  const envKeys = (c.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((key) => ({ key }));
  // GATEWAY_API_KEYS=',' meant keys, and would have served without any and without a word.
  if (c.GATEWAY_API_KEYS !== undefined && envKeys.length === 0)
    throw new ConfigError('GATEWAY_API_KEYS holds no key: give comma-separated keys, or leave it unset');
  const keys = [...resolved.keys, ...envKeys];
  // An address is judged here; a name (localhost, or 127.evil.example) by what it resolves to, once bound (node.ts).
  if (isIP(c.HOST) && !isLoopbackAddress(c.HOST) && keys.length === 0 && !c.ALLOW_UNAUTHENTICATED)
    throw notLoopback(c.HOST);
  // A keyless gateway is a loopback one: its unauthenticated /metrics listener must not be the exception.
  const metricsOpen = c.METRICS_PORT !== undefined && keys.length === 0 && !c.ALLOW_UNAUTHENTICATED;
  if (metricsOpen && isIP(c.METRICS_HOST) && !isLoopbackAddress(c.METRICS_HOST))
    throw metricsNotLoopback(c.METRICS_HOST);
  return { ...c, ...policies, upstreams, keys, demo };
}

export const notLoopback = (host: string, bound?: string) =>
  new ConfigError(
    `HOST ${host}${bound ? ` (bound to ${bound})` : ''} is not loopback: set GATEWAY_API_KEYS, or ALLOW_UNAUTHENTICATED=true to serve without keys`,
  );

export const metricsNotLoopback = (host: string, bound?: string) =>
  new ConfigError(
    `METRICS_HOST ${host}${bound ? ` (bound to ${bound})` : ''} is not loopback, and a gateway without keys must not serve /metrics beyond this machine: set METRICS_HOST=127.0.0.1, or GATEWAY_API_KEYS, or ALLOW_UNAUTHENTICATED=true`,
  );

/** Gateway keys shorter than this are warned about at start: a short key can be guessed. */
export const MIN_GATEWAY_KEY_LENGTH = 16;

/** The start-up warning for gateway keys too short to resist guessing (the keys themselves are never named), or null. */
export function shortKeysWarning(config: Pick<Config, 'keys'>): string | null {
  const short = config.keys.flatMap((k, i) => (k.key.length < MIN_GATEWAY_KEY_LENGTH ? [i + 1] : []));
  if (short.length === 0) return null;
  return `${short.length} gateway key(s) shorter than ${MIN_GATEWAY_KEY_LENGTH} characters (key number ${short.join(', ')} of GATEWAY_API_KEYS and the config file's keys): a short key can be guessed; use long random keys, e.g. \`openssl rand -hex 24\``;
}

/** The options, validated; the first problem becomes a ConfigError that names the option and the value (never a key's). */
function parseOptions(input: Record<string, string>): z.output<typeof schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  // Options are flat: the issue's first path key is the env name, which is how the user wrote it.
  const { issue, path } = firstIssue(parsed.error);
  const key = String(path[0] ?? '');
  const got = input[key];
  const shown = got === undefined || /KEY/.test(key) ? '' : ` (got '${got}')`;
  throw new ConfigError(
    got === undefined && issue.code === 'invalid_type' ? `${key} is required` : `${key} ${issue.message}${shown}`,
  );
}

/** What the scorer factories read (scorer/registry.ts): the scorers' own settings and the upstream's timeouts and retries. */
export const SCORER_OPTIONS = [
  'SCORER',
  ...(Object.keys(SCORER_SETTINGS) as ScorerSettingName[]),
  ...SHARED_UPSTREAM_SETTINGS,
] as const satisfies readonly (keyof Options)[];

export type ScorerOptions = Pick<z.output<typeof schema>, (typeof SCORER_OPTIONS)[number]>;

/**
 * The scorer's options (and `also`, other options a command reads) for a command that scores without
 * serving (`bestofn select`): the same schemas, defaults, bounds and rules (SCORER=onnx needs PRM_MODEL_DIR…)
 * as parseConfig, without the server's own requirements (an upstream). Every other key in `input` is
 * ignored, so an unrelated variable in the environment cannot fail the command. Empty strings count as unset.
 */
export function parseScorerOptions<K extends keyof Options = never>(
  input: Record<string, string | undefined>,
  also: readonly K[] = [],
): ScorerOptions & Pick<z.output<typeof schema>, K> {
  const picked: Record<string, string> = {};
  for (const key of [...SCORER_OPTIONS, ...also]) {
    const value = input[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  return parseOptions(picked);
}

export function configHelp(): string {
  const width = Math.max(...Object.keys(OPTIONS).map((k) => flagFor(k).length));
  return Object.entries(OPTIONS)
    .map(([k, o]) => {
      const def = (o.schema as z.ZodType).safeParse(undefined);
      const shown = def.success && def.data !== undefined ? ` [default: ${String(def.data)}]` : '';
      return `  ${flagFor(k).padEnd(width)}  ${k}\n  ${''.padEnd(width)}  ${o.help}${shown}`;
    })
    .join('\n');
}
