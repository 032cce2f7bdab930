/**
 * The request bodies the remote PRM scorer sends to vLLM's `/pooling` (docs/remote-scorer.md). Pure: the
 * transport (remote-vllm.ts) only POSTs them.
 *
 * Two forms:
 *  - `messages` (default): vLLM's PoolingChatRequest, `{messages, task: "token_classify"}`, one
 *    conversation per request. The server applies the served model's own chat template, so the input is
 *    token for token what `apply_chat_template` builds in the reference code, and a model whose template
 *    inserts a default system message (ReasonFlux-PRM-7B) gets it.
 *  - `text`: PoolingCompletionRequest, `{input: [rendered text…]}`, every sequence in one request, for
 *    servers without chat pooling. The text is rendered here with the chat template the operator gives
 *    (SCORER_CHAT_TEMPLATE), which must be the served model's.
 */
import { ChatTemplate, prmMessages, prmPromptPieces, renderPrmPrompt, STEP_TAG } from '../core/prm-prompt';
import type { ChatMessage } from '../core/prm-prompt';
import type { PrmSequence } from './types';

export type PoolingRequestForm = 'messages' | 'text';

export interface PoolingRequestOptions {
  form: PoolingRequestForm;
  /** Served model name; omitted, vLLM uses its only model. */
  model?: string;
  /** Pooling task; null leaves it to the server's default (vLLM before `token_classify` existed). */
  task: string | null;
  /** null passes no system message, so the template's default applies (ReasonFlux-PRM-7B). */
  systemPrompt: string | null;
  /** Text the server's tokenizer turns into the step-tag token. */
  stepTag?: string;
  /** `text` form only: the served model's chat template. */
  template?: ChatTemplate;
}

export type PoolingBody =
  | {
      model?: string;
      task?: string;
      messages: ChatMessage[];
      add_generation_prompt: false;
      continue_final_message: false;
    }
  | { model?: string; task?: string; input: string[] };

export interface PoolingRequest {
  body: PoolingBody;
  /** Indices into the sequences passed in, in the order the server answers them. */
  sequences: number[];
}

export class PoolingRequestError extends Error {
  override readonly name = 'PoolingRequestError';
}

/** Bodies for sequences that all have at least one step; a sequence without steps has no tag to read. */
export function poolingRequests(sequences: readonly PrmSequence[], opts: PoolingRequestOptions): PoolingRequest[] {
  const head = { ...(opts.model ? { model: opts.model } : {}), ...(opts.task ? { task: opts.task } : {}) };
  const tag = opts.stepTag ?? STEP_TAG;
  if (opts.form === 'messages') {
    // vLLM's chat pooling request holds one conversation; the server batches concurrent requests itself.
    return sequences.map((s, i) => ({
      body: {
        ...head,
        messages: prmMessages(s.problem, s.steps, opts.systemPrompt, tag),
        add_generation_prompt: false,
        continue_final_message: false,
      },
      sequences: [i],
    }));
  }
  const template = opts.template;
  if (!template)
    throw new PoolingRequestError("the text form needs the served model's chat template (SCORER_CHAT_TEMPLATE)");
  if (sequences.length === 0) return [];
  const input = sequences.map((s) =>
    renderPrmPrompt(prmPromptPieces(template, s.problem, s.steps, opts.systemPrompt), tag),
  );
  return [{ body: { ...head, input }, sequences: sequences.map((_, i) => i) }];
}
