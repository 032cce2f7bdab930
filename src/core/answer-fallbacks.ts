/**
 * Where a final answer hides when there is no `\boxed{…}` to read (issue 17): a structured-output JSON
 * `"answer"` field, GSM8K's `#### 18` line, and last of all the last number of the final line, as the
 * Qwen2.5-Math evaluator falls back to. Also the filler words a phrase answer must lose ("the answer is
 * therefore 42"). Kept apart from answer.ts so the box and phrase scanners stay one concern each.
 */

// Whole-text JSON only, or a fenced ```json block: a brace inside prose is not structured output.
const FENCED = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/;
const MAX_JSON_CHARS = 100_000;

/** The `answer` (or `final_answer`) field of a JSON object answer, as a string; null otherwise. */
export function jsonAnswer(text: string): string | null {
  const t = text.trim();
  const body = t.startsWith('{') ? t : FENCED.exec(t)?.[1]?.trim();
  if (!body || !body.startsWith('{') || body.length > MAX_JSON_CHARS) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  for (const key of ['answer', 'final_answer', 'finalAnswer']) {
    const v = (parsed as Record<string, unknown>)[key];
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return null;
}

/** GSM8K's final `#### 18` line. */
export function hashesAnswer(text: string): string | null {
  const all = [...text.matchAll(/^[ \t]*####[ \t]*([^\n]*?)[ \t]*$/gm)];
  const last = all
    .at(-1)?.[1]
    ?.replace(/^\$+|\$+$/g, '')
    .trim();
  return last ? last : null;
}

/** The last number of the last non-empty line: the answer of a plain final sentence. */
export function lastNumber(text: string): string | null {
  const lines = text.trimEnd().split('\n');
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k]!.trim();
    if (line === '') continue;
    const nums = line.match(/-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?/g);
    return nums ? nums[nums.length - 1]! : null;
  }
  return null;
}

/** Connective words a phrase answer opens with ("is therefore 42", "is simply $7$"), to drop. */
export const FILLER = /^(?:(?:therefore|thus|hence|so|then|simply|just|indeed|clearly|now|also)\b[\s,:]*)+/i;
