/** The anatomy of one sampled completion, as the scorers and selectors see it. */
export interface CandidateParts {
  /** Thinking trajectory (reasoning_content or a leading <think> block); '' when the model did not think aloud. */
  thinking: string;
  /** Final response shown to the user. */
  response: string;
  thinkingSteps: string[];
  responseSteps: string[];
  /** Extracted final answer (last \boxed{…} or an "answer is …" phrase), or null. */
  answer: string | null;
  /** Each generated token's top-k logprobs, when the upstream returned them (SCORER=confidence asks). */
  topLogprobs?: number[][];
  /** The client gave the steps (POST /v1/rewards): no scorer re-splits them. */
  presplit?: boolean;
}

/** Each enum is one list: the zod schemas, the CLI checks and the help text all read it. */
export const AGGREGATES = ['last', 'min', 'mean', 'prod'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

/** What a request that offers tools gets: a vote over N candidates' calls, or one upstream call passed through. */
export const TOOL_MODES = ['vote', 'bypass'] as const;
export type ToolMode = (typeof TOOL_MODES)[number];
/** Where an in-process PRM runs; 'auto' tries CUDA and falls back to the CPU. */
export const DEVICES = ['auto', 'cuda', 'cpu'] as const;
export type Device = (typeof DEVICES)[number];

/**
 * Rewards for one candidate as a scorer produced them, before aggregation.
 * A part is null when it was not scored (no thinking, or a scorer that ignores it).
 * Scorers that give one scalar per sequence (value head, vote) return a one-element array.
 */
export interface StepRewards {
  thinking: number[] | null;
  response: number[] | null;
  /** True when a part was longer than the model context and was scored in windows of whole steps. */
  windowed?: boolean;
}

/** A candidate ready for selection: its answer and its final scalar reward (null when nothing was scored). */
export interface RankedInput {
  index: number;
  answer: string | null;
  reward: number | null;
}
