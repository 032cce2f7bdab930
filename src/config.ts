import { z } from 'zod';
import { resolveSecrets, validateConfigFile, type KeySpec, type UpstreamSpec } from './config-file';
import { adaptivePolicySchema, rejectPolicySchema, type AdaptivePolicy, type RejectPolicy } from './core/live-policy';
import { COMBINES } from './core/aggregate';
import { JUDGE_MODES } from './core/judge-prompt';
import { AGGREGATES, DEVICES, SELECT_METHODS, TOOL_MODES } from './core/types';
import { describeIssue, firstIssue } from './core/zod-issue';
import { isIP, isLoopbackAddress } from './http/loopback';

/**
 * Every setting the gateway reads, declared once. Each entry is an env variable, a `--flag` of the same
 * name (UPSTREAM_BASE_URL ⇔ --upstream-base-url) and a line of `bestofn serve --help`.
 * parseConfig is pure: callers pass env and argv in.
 */
const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
/**
 * A number written in decimal, as env and flags give it: `Number()` alone reads ' ' as 0 (PORT=' ' was a
 * random port) and '0xAFC8' as hex. Anything else is left for the number schema to refuse.
 */
const decimal = (v: unknown) =>
  typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : v;
const int = (min: number, max: number) => z.preprocess(decimal, z.number().int().min(min).max(max));
const num = (min: number, max: number) => z.preprocess(decimal, z.number().min(min).max(max));
/** An http(s) URL: file:, mailto: or javascript: is no upstream (and would mangle every scrubbed message). */
const httpUrl = () => z.url({ protocol: /^https?$/ });
/** A header value: CR or LF would split the request an upstream receives. */
const headerValue = () => z.string().regex(/^[^\r\n]*$/, 'must not contain CR or LF');

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
    help: 'Max in-flight upstream requests, shared by all client requests',
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
    help: 'Largest upstream answer read (MiB, decoded); a larger one fails that candidate as bad_upstream_response',
  },
  GATEWAY_API_KEYS: {
    schema: z.string().optional(),
    help: 'Comma-separated keys clients must send as Bearer tokens; unset means no auth (loopback only)',
  },
  KEY_RPM: { schema: int(1, 1_000_000).default(600), help: 'Requests per minute allowed to each gateway key' },
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
    schema: z.string().optional(),
    help: 'Browser origins allowed to call the gateway (CORS): a comma list, or * for any; unset means no CORS headers',
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
  METRICS_HOST: { schema: z.string().min(1).default('127.0.0.1'), help: 'Interface of the METRICS_PORT listener' },
  BESTOFN_N: { schema: int(1, 4096).default(4), help: 'Default number of candidates when the client names none' },
  BESTOFN_MAX_N: { schema: int(1, 4096).default(64), help: 'Largest N a client may ask for; more is a 400' },
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
    schema: z.enum(['vote', 'onnx', 'remote', 'verifier', 'confidence', 'judge']).default('vote'),
    help: 'Reward source: vote | onnx | remote | verifier | confidence | judge',
  },
  SCORER_FALLBACK: {
    schema: z.enum(['vote', 'error']).default('vote'),
    help: 'When the scorer fails: rank by vote, or answer 503',
  },
  PRM_MODEL_DIR: {
    schema: z.string().optional(),
    help: 'Model directory for SCORER=onnx (model.onnx, tokenizer.json, bestofn-prm.json)',
  },
  SCORER_DEVICE: {
    schema: z.enum(DEVICES).default('auto'),
    help: `Execution provider for SCORER=onnx: ${DEVICES.join(' | ')}`,
  },
  SCORER_BATCH_TOKENS: {
    schema: int(1, 1 << 24).default(16_384),
    help: 'Token budget of one scorer batch (padded length × rows)',
  },
  SCORER_QUEUE_LIMIT: {
    schema: int(1, 1 << 20).default(4096),
    help: 'Sequences waiting for the scorer before new work is refused (503)',
  },
  SCORER_CACHE_ENTRIES: { schema: int(0, 1 << 24).default(10_000), help: 'Score cache entries (0 disables)' },
  SCORER_CACHE_MB: { schema: int(0, 1 << 16).default(64), help: 'Score cache size bound in MiB' },
  SCORER_URL: {
    schema: z.url().optional(),
    help: 'Remote PRM server (vLLM --runner pooling) base URL for SCORER=remote',
  },
  SCORER_MODEL: { schema: z.string().optional(), help: 'Model name sent to the remote PRM server' },
  SCORER_API_KEY: { schema: z.string().optional(), help: 'Bearer key for the remote PRM server' },
  SCORER_SYSTEM_PROMPT: {
    schema: z.string().optional(),
    help: "System message passed to a step-classifier PRM (remote, and ONNX over its manifest); unset: the manifest's, for remote none (the template's default applies)",
  },
  SCORER_REQUEST_FORM: {
    schema: z.enum(['messages', 'text']).default('messages'),
    help: 'Remote PRM request: messages (vLLM chat pooling; the served template applies) | text (rendered here with SCORER_CHAT_TEMPLATE)',
  },
  SCORER_CHAT_TEMPLATE: {
    schema: z.string().optional(),
    help: "The served PRM's chat template (chat_template.jinja or tokenizer_config.json), for SCORER_REQUEST_FORM=text (Node)",
  },
  SCORER_TIMEOUT_MS: { schema: int(1, 3_600_000).default(30_000), help: 'Timeout of one remote scoring call' },
  SCORER_CONCURRENCY: {
    schema: int(1, 4096).default(8),
    help: 'Max in-flight calls to the remote PRM server (SCORER=remote)',
  },
  VERIFIER_BASE_URL: {
    schema: z.url().optional(),
    help: 'OpenAI-compatible endpoint serving a generative verifier (ThinkPRM) for SCORER=verifier',
  },
  VERIFIER_MODEL: { schema: z.string().optional(), help: 'Verifier model name, e.g. launch/ThinkPRM-14B' },
  VERIFIER_API_KEY: { schema: z.string().optional(), help: 'Bearer key for the verifier endpoint' },
  VERIFIER_CHAINS: { schema: int(1, 64).default(1), help: 'Verification chains per candidate, averaged' },
  VERIFIER_THINKING: {
    schema: bool.default(false),
    help: 'Also verify the thinking trajectory, not only the response',
  },
  VERIFIER_CONCURRENCY: {
    schema: int(1, 4096).default(16),
    help: 'Max in-flight calls to the verifier, apart from the upstream cap so scoring does not compete with sampling',
  },
  VERIFIER_TEMPERATURE: {
    schema: num(0, 2).default(0.4),
    help: "Sampling temperature of parallel verification chains (ThinkPRM's recipes use 0.4); one chain is greedy",
  },
  VERIFIER_MAX_TOKENS: { schema: int(16, 131_072).default(8192), help: 'Token budget of one verification chain' },
  JUDGE_MODEL: {
    schema: z.string().optional(),
    help: 'Model that judges the candidates (SCORER=judge, or per request with bestofn.judge); required for either',
  },
  JUDGE_BASE_URL: {
    schema: z.url().optional(),
    help: 'OpenAI-compatible endpoint of the judge; default: UPSTREAM_BASE_URL (and then UPSTREAM_API_KEY)',
  },
  JUDGE_API_KEY: { schema: z.string().optional(), help: 'Bearer key for the judge endpoint' },
  JUDGE_MODE: {
    schema: z.enum(JUDGE_MODES).default('select'),
    help: `How the judge compares: ${JUDGE_MODES.join(' | ')} (one call naming the best | pairwise knockout, both orders | a 1-10 rating each)`,
  },
  JUDGE_MAX_CHARS: {
    schema: int(200, 1_000_000).default(8000),
    help: 'Characters of each candidate the judge reads; longer ones keep their head and tail',
  },
  JUDGE_MAX_TOKENS: { schema: int(16, 131_072).default(2048), help: 'Token budget of one judge answer' },
  JUDGE_CONCURRENCY: { schema: int(1, 4096).default(16), help: 'Max in-flight calls to the judge' },
  CONFIDENCE_TOP_LOGPROBS: {
    schema: int(1, 20).default(20),
    help: 'SCORER=confidence: top_logprobs asked of the upstream per token (DeepConf k)',
  },
  CONFIDENCE_WINDOW: {
    schema: int(1, 1_000_000).default(2048),
    help: 'SCORER=confidence: tokens per sliding group window, and the tail length',
  },
  CONFIDENCE_MEASURE: {
    schema: z.enum(['mean', 'lowest_group', 'bottom_10', 'tail']).default('bottom_10'),
    help: 'SCORER=confidence: trace confidence used as the reward: mean | lowest_group | bottom_10 | tail',
  },
  CONFIDENCE_ETA: {
    schema: int(1, 100).default(100),
    help: 'SCORER=confidence: keep the top η% most confident traces (10 or 90 in the paper; 100 keeps all)',
  },
  VOTE_CLUSTER_BUDGET_MS: {
    schema: int(0, 60_000).default(250),
    help: 'Time to merge equivalent answer keys in a vote; past it the exact-key groups stand',
  },
  REDIS_URL: {
    schema: z.url().optional(),
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
  RECORD_KEEP: { schema: int(1, 1000).default(5), help: 'Rotated RECORD files kept (FILE.1 is the newest)' },
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
    if (c.SCORER === 'onnx' && !c.PRM_MODEL_DIR)
      ctx.addIssue({ code: 'custom', path: ['PRM_MODEL_DIR'], message: 'is required when SCORER=onnx' });
    if (c.SCORER === 'verifier' && !c.VERIFIER_BASE_URL)
      ctx.addIssue({ code: 'custom', path: ['VERIFIER_BASE_URL'], message: 'is required when SCORER=verifier' });
    if (c.SCORER === 'verifier' && !c.VERIFIER_MODEL)
      ctx.addIssue({ code: 'custom', path: ['VERIFIER_MODEL'], message: 'is required when SCORER=verifier' });
    if (c.SCORER === 'judge' && !c.JUDGE_MODEL)
      ctx.addIssue({ code: 'custom', path: ['JUDGE_MODEL'], message: 'is required when SCORER=judge' });
    if (c.JUDGE_MODEL && !c.JUDGE_BASE_URL && !c.UPSTREAM_BASE_URL)
      ctx.addIssue({
        code: 'custom',
        path: ['JUDGE_BASE_URL'],
        message: 'is required with JUDGE_MODEL when UPSTREAM_BASE_URL is not set',
      });
    if (c.SCORER === 'remote' && !c.SCORER_URL)
      ctx.addIssue({ code: 'custom', path: ['SCORER_URL'], message: 'is required when SCORER=remote' });
    if (c.SCORER === 'remote' && c.SCORER_REQUEST_FORM === 'text' && !c.SCORER_CHAT_TEMPLATE)
      ctx.addIssue({
        code: 'custom',
        path: ['SCORER_CHAT_TEMPLATE'],
        message: 'is required when SCORER_REQUEST_FORM=text',
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
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError(`${key} is not JSON (got '${text}')`);
  }
  const checked = policy.safeParse(value);
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
  return { ...c, ...policies, upstreams, keys, demo };
}

export const notLoopback = (host: string, bound?: string) =>
  new ConfigError(
    `HOST ${host}${bound ? ` (bound to ${bound})` : ''} is not loopback: set GATEWAY_API_KEYS, or ALLOW_UNAUTHENTICATED=true to serve without keys`,
  );

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

/** What the scorer factories read (scorer/create-scorer.ts, create-node-scorer.ts): the verifier shares the upstream's timeouts and retries. */
export const SCORER_OPTIONS = [
  'SCORER',
  'SCORER_FALLBACK',
  'PRM_MODEL_DIR',
  'SCORER_DEVICE',
  'SCORER_BATCH_TOKENS',
  'SCORER_QUEUE_LIMIT',
  'SCORER_CACHE_ENTRIES',
  'SCORER_CACHE_MB',
  'SCORER_URL',
  'SCORER_MODEL',
  'SCORER_API_KEY',
  'SCORER_SYSTEM_PROMPT',
  'SCORER_REQUEST_FORM',
  'SCORER_CHAT_TEMPLATE',
  'SCORER_TIMEOUT_MS',
  'SCORER_CONCURRENCY',
  'VERIFIER_BASE_URL',
  'VERIFIER_MODEL',
  'VERIFIER_API_KEY',
  'VERIFIER_CHAINS',
  'VERIFIER_THINKING',
  'VERIFIER_CONCURRENCY',
  'VERIFIER_TEMPERATURE',
  'VERIFIER_MAX_TOKENS',
  'JUDGE_MODEL',
  'JUDGE_BASE_URL',
  'JUDGE_API_KEY',
  'JUDGE_MODE',
  'JUDGE_MAX_CHARS',
  'JUDGE_MAX_TOKENS',
  'JUDGE_CONCURRENCY',
  'UPSTREAM_BASE_URL',
  'UPSTREAM_API_KEY',
  'CONFIDENCE_MEASURE',
  'CONFIDENCE_WINDOW',
  'CONFIDENCE_ETA',
  'UPSTREAM_TIMEOUT_MS',
  'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
  'UPSTREAM_RETRIES',
  'UPSTREAM_RETRY_BASE_MS',
  'UPSTREAM_MAX_ANSWER_MB',
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
