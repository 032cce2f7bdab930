/**
 * The conversation a step-classifier PRM (Qwen2.5-Math-PRM-7B, ReasonFlux-PRM-7B) reads, built as the
 * reference code builds it: messages `[system?, user: problem, assistant: steps each followed by the tag]`
 * rendered by the model directory's own chat template (`apply_chat_template(..., tokenize=False,
 * add_generation_prompt=False)`), with @huggingface/jinja, the renderer transformers.js uses. No text is
 * hand-built: with no system message the template inserts its own default, exactly as the reference does.
 *
 * The rendered text is handed back in pieces (before the steps, the steps, after them) because the ONNX
 * scorer encodes steps apart to score long trajectories in windows, and must know where each tag lands.
 */
import { Template } from '@huggingface/jinja';

export const STEP_TAG = '<extra_0>';
/** What the Qwen2.5-Math-PRM-7B model card passes as its system message. ReasonFlux-PRM-7B passes none. */
export const QWEN_PRM_SYSTEM_PROMPT = 'Please reason step by step, and put your final answer within \\boxed{}.';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export class ChatTemplateError extends Error {
  override readonly name = 'ChatTemplateError';
}

/** Special-token names transformers passes to every template (Qwen's use none, others use bos_token). */
export interface TemplateSpecials {
  bos_token?: string;
  eos_token?: string;
  pad_token?: string;
  unk_token?: string;
}

/** A parsed chat template; parse once at start-up, render per sequence. */
export class ChatTemplate {
  private readonly template: Template;

  constructor(
    readonly source: string,
    private readonly specials: TemplateSpecials = {},
  ) {
    try {
      this.template = new Template(source);
    } catch (err) {
      throw new ChatTemplateError(`the chat template does not parse: ${(err as Error).message}`);
    }
  }

  render(messages: readonly ChatMessage[]): string {
    return this.template.render({ ...this.specials, messages, add_generation_prompt: false });
  }
}

/** The assistant turn the reference builds: `tag.join(steps) + tag`. */
export const assistantContent = (steps: readonly string[], tag = STEP_TAG): string =>
  steps.map((s) => s + tag).join('');

/** `system: null` passes no system message, so the template's default applies. */
export function prmMessages(
  problem: string,
  steps: readonly string[],
  systemPrompt: string | null,
  tag = STEP_TAG,
): ChatMessage[] {
  return [
    ...(systemPrompt === null ? [] : [{ role: 'system' as const, content: systemPrompt }]),
    { role: 'user', content: problem },
    { role: 'assistant', content: assistantContent(steps, tag) },
  ];
}

export interface PrmPromptPieces {
  /** Everything before the first step: system, user and the assistant header, as the template wrote them. */
  prefix: string;
  steps: readonly string[];
  /** What closes the assistant turn after the last tag. */
  suffix: string;
}

// A private-use marker no tokenizer merges with its neighbours and no problem plausibly holds; found with
// lastIndexOf, so a problem that does hold it still lands in the prefix.
const SENTINEL = '\u{F8FF}bestofn-steps\u{F8FF}';

/**
 * The rendered conversation split around the assistant content. Rendering the real content gives
 * `prefix + assistantContent(steps) + suffix` for every template that copies the message verbatim (all
 * PRM templates do); `checkPieces` proves it for a template at start-up.
 */
export function prmPromptPieces(
  template: ChatTemplate,
  problem: string,
  steps: readonly string[],
  systemPrompt: string | null,
): PrmPromptPieces {
  const messages: ChatMessage[] = [
    ...prmMessages(problem, [], systemPrompt).slice(0, -1),
    { role: 'assistant', content: SENTINEL },
  ];
  const text = template.render(messages);
  const at = text.lastIndexOf(SENTINEL);
  if (at === -1) throw new ChatTemplateError('the chat template does not copy the assistant message into the prompt');
  return { prefix: text.slice(0, at), steps, suffix: text.slice(at + SENTINEL.length) };
}

/** The same conversation as one string, for servers given rendered text. */
export function renderPrmPrompt(pieces: PrmPromptPieces, tag = STEP_TAG): string {
  return pieces.prefix + assistantContent(pieces.steps, tag) + pieces.suffix;
}

/** Throws unless the pieces reassemble into exactly what the template renders for the whole conversation. */
export function checkPieces(
  template: ChatTemplate,
  problem: string,
  steps: readonly string[],
  systemPrompt: string | null,
  tag = STEP_TAG,
): string {
  const whole = template.render(prmMessages(problem, steps, systemPrompt, tag));
  const joined = renderPrmPrompt(prmPromptPieces(template, problem, steps, systemPrompt), tag);
  if (whole !== joined) {
    let i = 0;
    while (i < whole.length && whole[i] === joined[i]) i++;
    throw new ChatTemplateError(
      `the chat template changes the assistant message (rendered text differs at character ${i}: ${JSON.stringify(whole.slice(i, i + 40))})`,
    );
  }
  return whole;
}
