import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/**
 * One line of a `--record` JSONL file: a client request and every candidate the gateway sampled for it,
 * with the rewards it gave. Enough to replay the candidates as an upstream and to re-rank them offline.
 */
export interface RecordEntry {
  /** The request's x-request-id, so the inspector joins a record to the request it showed live. */
  id?: string;
  /** ISO time the answer was sent. */
  time: string;
  /** The client request as received (Best-of-N controls included). */
  request: ChatCompletionCreateParams & Record<string, unknown>;
  problem: string;
  options: { n: number; k: number; select: string; aggregate: string; temperature: number | null };
  scorer: string;
  fallback?: { from: string; reason: string };
  selected: number[];
  candidates: {
    index: number;
    /** The upstream message as returned (content, reasoning_content, tool_calls…); absent when it failed. */
    message?: Record<string, unknown>;
    finish_reason?: string;
    answer?: string | null;
    reward?: number | null;
    step_rewards?: { thinking: number[] | null; response: number[] | null };
    error?: { status: number; message: string; code: string | null };
    /** Texts cut to keep the line within RECORD_MAX_TEXT_MB: each field's full length, in characters. */
    cut?: Record<string, number>;
  }[];
  usage: CompletionUsage;
}

/** Where the gateway sends records; the Node entry appends them to a file, tests collect them. */
export type Recorder = (entry: RecordEntry) => void;
