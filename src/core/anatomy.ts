/**
 * Thinking versus response: where a sampled message keeps its reasoning, whichever server produced it.
 */
import { extractAnswer } from './answer';
import { lastNumber } from './answer-fallbacks';
import { splitSteps } from './steps';
import type { StepSplit } from './steps';
import type { CandidateParts } from './types';

/** The fields of an OpenAI-compatible assistant message that may carry text. */
export interface CandidateMessage {
  content?: string | null;
  /** vLLM / SGLang / DeepSeek reasoning parser output. */
  reasoning_content?: string | null;
  /** The same, under the name newer vLLM releases use. */
  reasoning?: string | null;
}

const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Order of trust: a reasoning field the server already split out, else a `<think>` block in the content.
 * Content forms handled:
 *  - `<think>…</think>answer` (leading whitespace allowed);
 *  - `…</think>answer` with no opening tag, as R1-style templates pre-fill `<think>` in the prompt:
 *    everything before the first `</think>` is thinking;
 *  - `<think>…` never closed, a generation cut off while thinking: all thinking, no response.
 */
export function splitCandidate(message: CandidateMessage): { thinking: string; response: string } {
  const content = message.content ?? '';
  const field = message.reasoning_content || message.reasoning;
  if (field) return { thinking: field.trim(), response: content.trim() };

  const body = content.trimStart();
  if (body.startsWith(OPEN)) {
    const close = body.indexOf(CLOSE, OPEN.length);
    if (close === -1) return { thinking: body.slice(OPEN.length).trim(), response: '' };
    return { thinking: body.slice(OPEN.length, close).trim(), response: body.slice(close + CLOSE.length).trim() };
  }
  const close = content.indexOf(CLOSE);
  if (close !== -1)
    return { thinking: content.slice(0, close).trim(), response: content.slice(close + CLOSE.length).trim() };
  return { thinking: '', response: content.trim() };
}

export interface CandidatePartsOptions {
  /** 'reference' (default, text.split("\n\n")) or 'merge'; the thinking trajectory follows the same rule. */
  split?: StepSplit;
  /** merge only: shorter fragments join a neighbour. */
  minStepChars?: number;
  /**
   * The message is finished: with no stated answer, the last number of the response's final line is
   * its answer (a plain final sentence). Never for a partial trajectory, whose last number is a step's.
   */
  complete?: boolean;
}

/**
 * Everything scorers and selectors need from one message. The answer comes from the response; a model
 * that stated it only while thinking (or was cut off before answering) is judged on its thinking's answer.
 */
export function toCandidateParts(message: CandidateMessage, opts: CandidatePartsOptions = {}): CandidateParts {
  const { thinking, response } = splitCandidate(message);
  const stepOpts = {
    split: opts.split ?? 'reference',
    ...(opts.minStepChars === undefined ? {} : { minChars: opts.minStepChars }),
  };
  return {
    thinking,
    response,
    thinkingSteps: splitSteps(thinking, stepOpts),
    responseSteps: splitSteps(response, stepOpts),
    answer: extractAnswer(response) ?? extractAnswer(thinking) ?? (opts.complete ? lastNumber(response) : null),
  };
}
