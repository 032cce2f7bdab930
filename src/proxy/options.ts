import type { Config } from '../config';
import type { SelectMethod } from '../core/selection-rules';
import type { Aggregate, ToolMode } from '../core/types';
import { firstIssue } from '../core/zod-issue';
import { InvalidRequestError } from '../errors';
import { issueToError } from './request-issue';
import type { ChatBody } from './chat-request';
import type { JudgeMode } from '../core/judge-prompt';
import type { AdaptivePolicy, RejectPolicy } from '../core/live-policy';
import {
  controlOfHeader,
  controlParam,
  controlsFromHeaders,
  controlsSchema,
  headerValue,
  type AnswerForm,
  type RequestControls,
} from './controls';

/** What one request asks of Best-of-N, after body, headers and server defaults are merged. */
export interface BestOfNOptions {
  /** Candidates to sample. */
  n: number;
  /** Choices to return (the client's own `n`), best first. */
  k: number;
  select: SelectMethod;
  aggregate: Aggregate;
  /** Undefined when one candidate is drawn and the client set none: the upstream's own default applies. */
  temperature: number | undefined;
  /**
   * Whose temperature was used: the client's, or the Best-of-N default because the client sent 0 or none
   * (N greedy samples would be identical). With one candidate the client's setting always stands.
   */
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
  /** The request itself named a live policy (`reject`, `adaptive`): even at one candidate it runs the live path. */
  liveAsked?: boolean;
}

const NONE: RequestControls = Object.freeze({});

function parseControls(value: unknown, where: 'body' | 'header'): RequestControls {
  // Most requests set no control at all: nothing to check, and the schema's walk costs every request.
  if (
    value === undefined ||
    value === null ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)
  )
    return NONE;
  const parsed = controlsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  if (where === 'body') throw issueToError(parsed.error, ['bestofn']);
  const { issue, path } = firstIssue(parsed.error);
  const control = controlOfHeader(path[0] ?? '');
  const header = control ? controlParam(control, 'header') : 'headers';
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
  const fromBody = parseControls(body.bestofn, 'body');
  const fromHead = parseControls(controlsFromHeaders(headers), 'header');
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
  const fromWaves = c.adaptive ? `${controlParam('adaptive', 'body')}.waves` : adaptive ? null : 'n';
  const param =
    fromBody.n !== undefined
      ? controlParam('n', 'body')
      : bestOf !== undefined
        ? 'best_of'
        : fromHead.n !== undefined
          ? controlParam('n', 'header')
          : fromWaves;
  if (n > maxN)
    throw new InvalidRequestError(
      `Best-of-N is limited to ${maxN} candidates; ${n} were asked for${param ? ` by '${param}'` : ''}`,
      param,
    );
  if (k > n) throw new InvalidRequestError(`n (${k}) must not exceed the number of candidates (${n})`, 'n');

  const minCandidates = c.min_candidates ?? Math.min(config.BESTOFN_MIN_CANDIDATES, n);
  if (minCandidates > n) {
    const where = fromBody.min_candidates !== undefined ? 'body' : 'header';
    throw new InvalidRequestError(
      `${controlParam('min_candidates', where)} (${minCandidates}) must not exceed the number of candidates (${n})`,
      controlParam('min_candidates', where),
    );
  }

  // Commitment is decided at rejection checkpoints, where the partial scores are.
  if (c.commit && !reject)
    throw new InvalidRequestError(
      'bestofn.commit needs bestofn.reject (or BESTOFN_REJECT): it is decided at rejection checkpoints',
      controlParam('commit', 'body'),
    );
  if (c.judge && !config.JUDGE_MODEL)
    throw new InvalidRequestError(
      'bestofn.judge needs a judge model on the server (JUDGE_MODEL); this gateway has none',
      controlParam('judge', fromBody.judge ? 'body' : 'header'),
    );
  const clientTemperature = typeof body.temperature === 'number' ? body.temperature : undefined;
  // One greedy sample is no worse than one hot sample: the reason to raise temperature 0 holds only for N > 1.
  const useClient =
    c.temperature === undefined && (n === 1 || (clientTemperature !== undefined && clientTemperature > 0));
  return {
    n,
    k,
    select: c.select ?? config.BESTOFN_SELECT,
    aggregate: c.aggregate ?? config.BESTOFN_AGGREGATE,
    temperature: c.temperature ?? (useClient ? clientTemperature : config.BESTOFN_TEMPERATURE),
    temperatureSource: c.temperature === undefined && useClient ? 'client' : 'bestofn',
    minCandidates,
    deadlineMs: Math.min(c.deadline_ms ?? config.BESTOFN_DEADLINE_MS, config.BESTOFN_DEADLINE_MS),
    metadata: headerValue(headers, 'metadata')?.toLowerCase() !== 'off',
    json: c.json ?? 'strict',
    answer: c.answer ?? 'auto',
    ...(c.judge ? { judge: c.judge } : {}),
    tools: c.tools ?? config.BESTOFN_TOOLS,
    ...(c.reject !== undefined || c.adaptive !== undefined ? { liveAsked: true } : {}),
    ...(reject ? { reject } : {}),
    ...(c.commit ? { commit: c.commit } : {}),
    ...(adaptive ? { adaptive: { ...adaptive, waves: adaptive.waves.filter((w) => w < n).concat(n) } } : {}),
  };
}
