/**
 * The settings the scorers read, declared here beside them rather than in config.ts, so that src/scorer/
 * never imports config.ts (config.ts reads the scorer registry for the SCORER names and checks). config.ts
 * spreads them into OPTIONS in this order, right after SCORER. Which scorer reads which is in registry.ts.
 */
import { z } from 'zod';
import { JUDGE_MODES } from '../core/judge-prompt';
import { DEVICES } from '../core/types';
import { bool, httpUrl, int, num } from '../option-schemas';
import type { UpstreamSettings } from '../http/create-upstream';

export const SCORER_SETTINGS = {
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
    schema: httpUrl().optional(),
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
    schema: httpUrl().optional(),
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
    schema: httpUrl().optional(),
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
} as const;

type Settings = typeof SCORER_SETTINGS;
export type ScorerSettingName = keyof Settings;

/** Upstream settings the generative scorers share with sampling (declared in config.ts's OPTIONS). */
export interface SharedUpstreamSettings extends UpstreamSettings {
  /** The judge's endpoint and key when JUDGE_BASE_URL is unset. */
  UPSTREAM_BASE_URL?: string | undefined;
  UPSTREAM_API_KEY?: string | undefined;
}
export const SHARED_UPSTREAM_SETTINGS = [
  'UPSTREAM_TIMEOUT_MS',
  'UPSTREAM_FIRST_BYTE_TIMEOUT_MS',
  'UPSTREAM_RETRIES',
  'UPSTREAM_RETRY_BASE_MS',
  'UPSTREAM_MAX_ANSWER_MB',
  'UPSTREAM_BASE_URL',
  'UPSTREAM_API_KEY',
] as const satisfies readonly (keyof SharedUpstreamSettings)[];

/** Every value a scorer's `create` may read, parsed. */
export type ScorerSettings = z.output<z.ZodObject<{ -readonly [K in ScorerSettingName]: Settings[K]['schema'] }>> &
  SharedUpstreamSettings;
