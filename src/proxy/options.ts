import { z } from 'zod';
import type { Config } from '../config';
import {
  AGGREGATES,
  SELECT_METHODS,
  TOOL_MODES,
  type Aggregate,
  type SelectMethod,
  type ToolMode,
} from '../core/types';
import { firstIssue } from '../core/zod-issue';
import { InvalidRequestError } from '../errors';
import { issueToError } from './request-issue';
import type { ChatBody } from './chat-request';
import { adaptivePolicySchema, rejectPolicySchema, type AdaptivePolicy, type RejectPolicy } from '../core/live-policy';
import { JUDGE_MODES, type JudgeMode } from '../core/judge-prompt';

/** How candidates' answers are read: `auto` detects lettered options in the prompt; `choice` always reads a letter. */
export const ANSWER_FORMS = ['auto', 'choice'] as const;
export type AnswerForm = (typeof ANSWER_FORMS)[number];

/** What one request asks of Best-of-N, after body, headers and server defaults are merged. */
export interface BestOfNOptions {
  /** Candidates to sample. */
  n: number;
  /** Choices to return (the client's own `n`), best first. */
  k: number;
  select: SelectMethod;
  aggregate: Aggregate;
  temperature: number;
  /** Whose temperature was used: the client's, or the Best-of-N default because the client sent 0 or none. */
  temperatureSource: 'client' | 'bestofn';
  minCandidates: number;
  deadlineMs: number;
  metadata: boolean;
  /** Cancel low-scoring candidates mid-generation (live path). */
  reject?: RejectPolicy;
  /** Draw candidates in waves and stop once the rule holds (live path). */
  adaptive?: AdaptivePolicy;
  /** JSON mode when no candidate is valid JSON: 'strict' answers 502 no_valid_candidate, 'best_effort' the best one anyway. */
  json: 'strict' | 'best_effort';
  /** A request that offers tools: vote over N candidates' calls, or pass it to the upstream once. */
  tools: ToolMode;
  /** Stream the leader to a streaming client before it finishes, once it is alone or leads by `margin`. */
  commit?: { margin?: number };
  /** The request's judge mode (`bestofn.judge`): the judge ranks, in this mode, whatever SCORER is. */
  judge?: JudgeMode;
  /** How answers are read for the vote: `choice` reads option letters even without detected options. */
  answer: AnswerForm;
}

const controls = z.strictObject({
  n: z.number().int().min(1).optional(),
  select: z.enum(SELECT_METHODS).optional(),
  aggregate: z.enum(AGGREGATES).optional(),
  temperature: z.number().min(0).max(2).optional(),
  min_candidates: z.number().int().min(1).optional(),
  deadline_ms: z.number().int().min(1).optional(),
  reject: rejectPolicySchema.optional(),
  adaptive: adaptivePolicySchema.optional(),
  commit: z.strictObject({ margin: z.number().min(0).optional() }).optional(),
  json: z.enum(['strict', 'best_effort']).optional(),
  judge: z.enum(JUDGE_MODES).optional(),
  answer: z.enum(ANSWER_FORMS).optional(),
  tools: z.enum(TOOL_MODES).optional(),
});

const HEADERS: Record<string, keyof z.infer<typeof controls>> = {
  'x-bestofn-n': 'n',
  'x-bestofn-select': 'select',
  'x-bestofn-aggregate': 'aggregate',
  'x-bestofn-temperature': 'temperature',
  'x-bestofn-min-candidates': 'min_candidates',
  'x-bestofn-deadline-ms': 'deadline_ms',
  'x-bestofn-judge': 'judge',
  'x-bestofn-answer': 'answer',
  'x-bestofn-tools': 'tools',
};
/** Header numbers are plain decimals: `1e1`, `0x10`, ` 8 ` or `+8` are refused, not read as 10, 16 or 8. */
const NUMERIC: Record<string, RegExp> = {
  n: /^[0-9]{1,9}$/,
  min_candidates: /^[0-9]{1,9}$/,
  deadline_ms: /^[0-9]{1,9}$/,
  temperature: /^[0-9]{1,3}(\.[0-9]{1,9})?$/,
};

function fromHeaders(headers: Headers): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [header, key] of Object.entries(HEADERS)) {
    const value = headers.get(header);
    if (value === null) continue;
    out[key] = NUMERIC[key]?.test(value) ? Number(value) : value;
  }
  return out;
}

function parseControls(value: unknown, where: string): z.infer<typeof controls> {
  const parsed = controls.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  if (where !== 'headers') throw issueToError(parsed.error, [where]);
  const { issue, path } = firstIssue(parsed.error);
  const header = Object.keys(HEADERS).find((h) => HEADERS[h] === path[0]) ?? 'headers';
  throw new InvalidRequestError(`Invalid ${header}: ${issue.message}`, header);
}

/** Best-of-N controls: body `bestofn` > body `best_of` > `x-bestofn-*` headers > server config. */
export function resolveOptions(
  body: Pick<ChatBody, 'best_of' | 'n' | 'temperature' | 'bestofn'>,
  headers: Headers,
  config: Config,
  keyMaxN = config.BESTOFN_MAX_N,
): BestOfNOptions {
  const maxN = Math.min(keyMaxN, config.BESTOFN_MAX_N);
  const fromBody = parseControls(body.bestofn, 'bestofn');
  const fromHead = parseControls(fromHeaders(headers), 'headers');
  const c = { ...fromHead, ...fromBody };

  // Types and signs are the request schema's; the ranges depend on this key and server.
  const bestOf = body.best_of ?? undefined;
  if (bestOf !== undefined && (bestOf < 1 || bestOf > maxN))
    throw new InvalidRequestError(`best_of must be an integer from 1 to ${maxN}`, 'best_of');
  const k = body.n ?? 1;

  const reject = c.reject ?? config.BESTOFN_REJECT;
  const adaptive = c.adaptive ?? config.BESTOFN_ADAPTIVE;
  const explicit = fromBody.n ?? bestOf ?? fromHead.n ?? adaptive?.waves.at(-1);
  const n = explicit ?? Math.max(Math.min(config.BESTOFN_N, maxN), k);
  const fromWaves = c.adaptive ? 'bestofn.adaptive.waves' : adaptive ? null : 'n';
  const param =
    fromBody.n !== undefined
      ? 'bestofn.n'
      : bestOf !== undefined
        ? 'best_of'
        : fromHead.n !== undefined
          ? 'x-bestofn-n'
          : fromWaves;
  if (n > maxN)
    throw new InvalidRequestError(
      `Best-of-N is limited to ${maxN} candidates; ${n} were asked for${param ? ` by '${param}'` : ''}`,
      param,
    );
  if (k > n) throw new InvalidRequestError(`n (${k}) must not exceed the number of candidates (${n})`, 'n');

  const minCandidates = c.min_candidates ?? Math.min(config.BESTOFN_MIN_CANDIDATES, n);
  if (minCandidates > n)
    throw new InvalidRequestError(
      `min_candidates (${minCandidates}) must not exceed the number of candidates (${n})`,
      'bestofn.min_candidates',
    );

  // Commitment is decided at rejection checkpoints, where the partial scores are.
  if (c.commit && !reject)
    throw new InvalidRequestError(
      'bestofn.commit needs bestofn.reject (or BESTOFN_REJECT): it is decided at rejection checkpoints',
      'bestofn.commit',
    );
  if (c.judge && !config.JUDGE_MODEL)
    throw new InvalidRequestError(
      'bestofn.judge needs a judge model on the server (JUDGE_MODEL); this gateway has none',
      fromBody.judge ? 'bestofn.judge' : 'x-bestofn-judge',
    );
  const clientTemperature = typeof body.temperature === 'number' ? body.temperature : undefined;
  const useClient = c.temperature === undefined && clientTemperature !== undefined && clientTemperature > 0;
  return {
    n,
    k,
    select: c.select ?? config.BESTOFN_SELECT,
    aggregate: c.aggregate ?? config.BESTOFN_AGGREGATE,
    temperature: c.temperature ?? (useClient ? clientTemperature! : config.BESTOFN_TEMPERATURE),
    temperatureSource: c.temperature === undefined && useClient ? 'client' : 'bestofn',
    minCandidates,
    deadlineMs: Math.min(c.deadline_ms ?? config.BESTOFN_DEADLINE_MS, config.BESTOFN_DEADLINE_MS),
    metadata: headers.get('x-bestofn-metadata')?.toLowerCase() !== 'off',
    json: c.json ?? 'strict',
    answer: c.answer ?? 'auto',
    ...(c.judge ? { judge: c.judge } : {}),
    tools: c.tools ?? config.BESTOFN_TOOLS,
    ...(reject ? { reject } : {}),
    ...(c.commit ? { commit: c.commit } : {}),
    ...(adaptive ? { adaptive: { ...adaptive, waves: adaptive.waves.filter((w) => w < n).concat(n) } } : {}),
  };
}
