/**
 * The start-up proof that a step-classifier model directory builds the reference input: its chat template,
 * its tokenizer and the manifest's step tag must agree. One fixed example is rendered whole and encoded
 * whole, as the reference code does, and compared id for id with what the scorer assembles from pieces.
 * Any disagreement is a clear error now rather than silently wrong rewards later.
 */
import { ChatTemplate, ChatTemplateError, checkPieces, prmPromptPieces } from '../../core/prm-prompt';
import { assemble, encodeStepClassifier } from './prm-input';
import type { Encode } from './prm-input';

export interface TemplateCheckInput {
  template: ChatTemplate;
  encode: Encode;
  /** Id of the step tag in the tokenizer's vocabulary, or undefined when it has none. */
  tokenId: (token: string) => number | undefined;
  stepTag: string;
  /** The manifest's optional cross-check. */
  expectedTagId?: number;
  systemPrompt: string | null;
}

/** Its first step starts with a newline and its second is empty, the two joints where ids could drift. */
export const CHECK_EXAMPLE = { problem: 'What is 2+3?', steps: ['\nAdd 2 and 3.', '', 'The answer is \\boxed{5}.'] };

export interface TemplateCheck {
  tagId: number;
  ids: number[];
  text: string;
}

/** Throws ChatTemplateError naming what disagrees; returns the tag id and the example's ids for the start-up log. */
export function checkTemplate(input: TemplateCheckInput): TemplateCheck {
  const { template, encode, stepTag } = input;
  const tagId = input.tokenId(stepTag);
  if (tagId === undefined)
    throw new ChatTemplateError(
      `step tag ${JSON.stringify(stepTag)} is not a token of tokenizer.json; the tag must be one token (PRM checkpoints name id 151651 "<extra_0>")`,
    );
  const alone = encode(stepTag);
  if (alone.length !== 1 || alone[0] !== tagId) {
    throw new ChatTemplateError(
      `step tag ${JSON.stringify(stepTag)} encodes to ${alone.length} tokens [${alone.join(', ')}], not the single token ${tagId}: add it to tokenizer.json as a special token`,
    );
  }
  if (input.expectedTagId !== undefined && input.expectedTagId !== tagId) {
    throw new ChatTemplateError(
      `step tag ${JSON.stringify(stepTag)} is id ${tagId} in tokenizer.json but the manifest's step_tag_id is ${input.expectedTagId}`,
    );
  }
  const { problem, steps } = CHECK_EXAMPLE;
  const text = checkPieces(template, problem, steps, input.systemPrompt, stepTag);
  const whole = encode(text);
  const row = assemble(
    encodeStepClassifier(encode, prmPromptPieces(template, problem, steps, input.systemPrompt), tagId),
  );
  const tags = whole.flatMap((id, i) => (id === tagId ? [i] : []));
  const at = firstDifference(whole, row.ids);
  if (at !== -1)
    throw new ChatTemplateError(
      `ids built step by step differ from the whole rendered text's at position ${at} (${row.ids[at]} vs ${whole[at]}): the template and tokenizer disagree`,
    );
  if (tags.join() !== row.tagPositions.join())
    throw new ChatTemplateError(
      `step tags land at [${tags.join(', ')}] in the rendered text but the scorer reads [${row.tagPositions.join(', ')}]`,
    );
  return { tagId, ids: whole, text };
}

function firstDifference(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
