/**
 * Where a final answer hides when there is no `\boxed{…}` to read (issue 17): a structured-output JSON
 * `"answer"` field, GSM8K's `#### 18` line, and last of all the last number of the final line, as the
 * Qwen2.5-Math evaluator falls back to. Also the filler words a phrase answer must lose ("the answer is
 * therefore 42"). Kept apart from answer.ts so the box and phrase scanners stay one concern each.
 */

// A JSON answer is read wherever it sits: the whole text, a fenced block, or an object after prose (issue 25).
const MAX_JSON_CHARS = 100_000;
/** How much of a text's end is searched for a fenced or inline JSON answer. */
const MAX_SCAN_CHARS = 32 * 1024;

/** The bodies of ``` fenced blocks, found by pairing fence lines in one pass (a regex retried per opener is quadratic). */
function fencedBlocks(text: string): string[] {
  const fences = [...text.matchAll(/^[ \t]*```([a-z]*)[ \t]*$/gm)];
  const blocks: string[] = [];
  for (let k = 0; k + 1 < fences.length; k += 2) {
    const open = fences[k]!;
    const close = fences[k + 1]!;
    if (open[1] !== '' && open[1] !== 'json') continue;
    blocks.push(text.slice(open.index + open[0].length, close.index));
  }
  return blocks;
}
const ANSWER_KEYS = ['answer', 'final_answer', 'finalAnswer'] as const;
/** Objects tried after prose, at most: a text of a thousand objects must not parse a thousand times. */
const MAX_OBJECTS = 16;

/** The answer field of a parsed object, as text: a string trimmed, any other value as its JSON. */
function answerField(parsed: unknown): string | null {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  for (const key of ANSWER_KEYS) {
    if (!Object.hasOwn(parsed, key)) continue;
    const v: unknown = (parsed as Record<string, unknown>)[key];
    if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
    // Kept as written: spaces at either end are part of a string answer (`'  a  '`).
    if (typeof v === 'string') return v.trim() === '' ? null : v;
    if (v !== undefined) return JSON.stringify(v);
  }
  return null;
}

function parsedAnswer(body: string): string | null {
  if (!body.startsWith('{') || body.length > MAX_JSON_CHARS) return null;
  try {
    return answerField(JSON.parse(body));
  } catch {
    return null;
  }
}

/**
 * Each balanced `{…}` that mentions an answer key, in order, found in one pass that pairs braces outside
 * JSON strings (a scan from every opener would be quadratic in a looping candidate).
 */
function objectsAfterProse(text: string): string[] {
  const found: string[] = [];
  const stack: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length && found.length < MAX_OBJECTS; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = stack.length > 0;
    else if (c === 123 /* { */) stack.push(i);
    else if (c === 125 /* } */ && stack.length > 0) {
      const open = stack.pop()!;
      // Only a brace that opens a JSON object (`{` then a quoted key) counts: LaTeX's `\frac{1}{2}` does not.
      if (stack.length === 0 && /^\{\s*"/.test(text.slice(open, open + 64))) {
        const body = text.slice(open, i + 1);
        if (/"(?:final_?answer|finalAnswer|answer)"\s*:/.test(body)) found.push(body);
      }
    }
  }
  return found;
}

// Broken JSON (an unescaped quote in the reasoning) still states its answer as `"answer": "…"` near the end.
const LOOSE =
  /"(?:final_?answer|finalAnswer|answer)"\s*:\s*("(?:[^"\\\n]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,}\n]/g;

/** The `answer` (or `final_answer`) field of a JSON object answer, as text; null when the text has none. */
export function jsonAnswer(text: string): string | null {
  const t = text.trim();
  if (!t.includes('answer') && !t.includes('Answer')) return null;
  const whole = parsedAnswer(t);
  if (whole !== null) return whole;
  // Elsewhere only the tail is searched, where a final answer is: a looping candidate of many fences or
  // braces must cost a bounded scan, not one per opener.
  const tail = t.length > MAX_SCAN_CHARS ? t.slice(-MAX_SCAN_CHARS) : t;
  for (const m of fencedBlocks(tail)) {
    const fenced = parsedAnswer(m.trim());
    if (fenced !== null) return fenced;
  }
  for (const body of objectsAfterProse(tail)) {
    const inline = parsedAnswer(body);
    if (inline !== null) return inline;
  }
  if (!/^\s*(?:```(?:json)?\s*)?\{/.test(t)) return null;
  const loose = [...tail.matchAll(LOOSE)].at(-1)?.[1];
  if (loose === undefined) return null;
  try {
    return answerField({ answer: JSON.parse(loose) as unknown });
  } catch {
    return null;
  }
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
