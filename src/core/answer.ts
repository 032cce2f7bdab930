/**
 * Final-answer extraction and the light normalisation that exact-match voting compares on.
 * Full mathematical equivalence (2/4 = 0.5 = \frac{1}{2}) is a separate concern; selection takes a
 * `groupKey` so it can be swapped in without touching this file.
 */
import { FILLER, hashesAnswer, jsonAnswer } from './answer-fallbacks';

const BOX = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

/**
 * Bounds on what is scanned, so one degenerate candidate (a model looping until max_tokens) costs
 * microseconds, not seconds on the event loop. The final answer is stated at the end: only the last
 * TAIL_CHARS of a text are searched, and an "answer" longer than MAX_ANSWER_CHARS is none.
 */
export const TAIL_CHARS = 16 * 1024;
export const MAX_ANSWER_CHARS = 1000;
/** How far a `$…$` after "the answer is" may run before it is taken for a stray dollar. */
const MAX_MATH_SPAN = 2 * MAX_ANSWER_CHARS;

/** Index just past the brace that closes the one at `open`, or -1 when the text ends first. */
function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++; // an escaped brace (\{ \}) is literal and must not count
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

/**
 * For every `{` of the text, the index just past its closing brace (or -1), in one pass: a box's
 * argument is then found in constant time instead of by a scan to the end for each unclosed box.
 * Escapes read left to right agree with closingBrace's from any unescaped brace.
 */
function braceEnds(text: string): Int32Array {
  const ends = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 123 /* { */) open.push(i);
    else if (c === 125 /* } */ && open.length > 0) ends[open.pop()!] = i + 1;
  }
  return ends;
}

const SPACE = /\s/;
const SHORTHAND = /[^\s$]+/y;

/** The argument of the box whose command ends at `from`, or null when it is malformed (truncated). */
function boxArgument(text: string, from: number, ends: Int32Array): string | null {
  let i = from;
  while (i < text.length && SPACE.test(text[i]!)) i++;
  if (text[i] === '{') {
    const end = ends[i]!;
    return end === -1 ? null : text.slice(i + 1, end - 1);
  }
  // `\boxed 5` shorthand: one whitespace-delimited token, ending at a math delimiter.
  if (i === from) return null;
  SHORTHAND.lastIndex = i;
  const token = SHORTHAND.exec(text);
  return token ? token[0] : null;
}

const tail = (text: string) => (text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text);
const usable = (answer: string) => answer !== '' && answer.length <= MAX_ANSWER_CHARS;

/**
 * Content of the last well-formed `\boxed{…}` / `\fbox{…}` (nested braces balanced) in the text's tail.
 * A box cut off by a truncated generation is skipped in favour of the one before it, which is the
 * model's last complete claim; so is an empty `\boxed{}`, which states nothing.
 */
export function lastBoxed(text: string): string | null {
  const scanned = tail(text);
  const starts = [...scanned.matchAll(BOX)];
  if (starts.length === 0) return null;
  const ends = braceEnds(scanned);
  for (let k = starts.length - 1; k >= 0; k--) {
    const m = starts[k]!;
    const arg = boxArgument(scanned, m.index + m[0].length, ends)?.trim();
    if (arg !== undefined && usable(arg)) return arg;
  }
  return null;
}

// "answer is", "answer:", "**Final Answer:**", "final answer is:"; a bare "answer" is just the word.
// Each optional run of spaces is followed by something required, so a failed match backtracks once,
// not once per way of sharing the spaces between two `\s*` (which made "answer" + 100k spaces take seconds).
const PHRASE = /\banswer\s*(?:\*\*\s*)?(?:is\b|[:：])\s*(?:\*\*\s*)?:?\s*/gi;

/** The answer after the last "answer is …" / "final answer: …" in the text's tail, up to the end of its sentence. */
function phraseAnswer(text: string): string | null {
  const scanned = tail(text);
  const matches = [...scanned.matchAll(PHRASE)];
  for (let k = matches.length - 1; k >= 0; k--) {
    const m = matches[k]!;
    const found = sentenceAnswer(scanned, m.index + m[0].length);
    if (found && usable(found)) return found;
  }
  return null;
}

// A math span first, which may run over lines: "$\frac{1}{2}$. I hope it is correct." → \frac{1}{2}.
const MATH = new RegExp(
  String.raw`(\$\$?)([\s\S]{1,${MAX_MATH_SPAN}}?)\1|\\\(([\s\S]{1,${MAX_MATH_SPAN}}?)\\\)|\\\[([\s\S]{1,${MAX_MATH_SPAN}}?)\\\]`,
  'y',
);

function sentenceAnswer(text: string, from: number): string | null {
  let at = from;
  while (at < text.length && SPACE.test(text[at]!)) at++;
  // "the answer is therefore 42": filler words before the value are not part of it.
  const filler = FILLER.exec(text.slice(at, at + 200));
  if (filler) at += filler[0].length;
  MATH.lastIndex = at;
  const math = MATH.exec(text);
  if (math) return (math[2] ?? math[3] ?? math[4] ?? '').trim() || null;
  // Otherwise up to the end of the sentence; a period followed by a digit is a decimal point, not an end.
  const newline = text.indexOf('\n', at);
  const line = text.slice(at, newline === -1 ? text.length : newline).trim();
  const end = /\.(?=\s|$)/.exec(line);
  const value = (end ? line.slice(0, end.index) : line).replace(/\*\*/g, '').trim();
  return value.replace(/^\$+|\$+$/g, '').trim() || null;
}

/**
 * A structured-output JSON `answer`, else the last non-empty boxed answer, else the last "answer is …"
 * phrase, else GSM8K's `#### …`; null when the text states none.
 */
export function extractAnswer(text: string): string | null {
  return jsonAnswer(text) ?? lastBoxed(text) ?? phraseAnswer(text) ?? hashesAnswer(text);
}

/** Replaces every `\cmd{…}` with its balanced inner text. */
function unwrapCommand(s: string, cmd: RegExp): string {
  for (let m = cmd.exec(s); m; m = cmd.exec(s)) {
    const open = m.index + m[0].length - 1;
    const end = closingBrace(s, open);
    if (end === -1) break;
    s = s.slice(0, m.index) + s.slice(open + 1, end - 1) + s.slice(end);
    cmd.lastIndex = 0;
  }
  return s;
}

/**
 * Light normalisation for exact-match voting: presentation only (delimiters, spacing, \dfrac, thousands
 * separators, trailing decimal zeros, degree and percent signs, a trailing unit, a restated "x ="). It does
 * not decide 0.5 = 1/2; that is math equivalence, passed to selection as a groupKey.
 */
export function normalizeAnswer(answer: string): string {
  let s = answer.trim();
  s = s.replace(/^\\\[([\s\S]*)\\\]$/, '$1').replace(/^\\\(([\s\S]*)\\\)$/, '$1');
  s = s.replace(/^\$+|\$+$/g, '');
  // A trailing \text{…} after a value is a unit ("5\text{ cm}", "4:30\text{ p.m.}"), as the Qwen2.5-Math
  // grader treats it; anywhere else \text{…} is just markup around the answer itself.
  const unit = /^(.*\S)\s*\\(?:text|mbox)\s*\{[^{}]*[a-zA-Z][^{}]*\}$/.exec(s);
  if (unit) s = unit[1]!;
  s = unwrapCommand(s, /\\(?:text|textbf|textrm|mathrm|mbox)\s*\{/g);
  s = s
    .replace(/\\(?:left|right)(?![a-zA-Z])/g, '')
    .replace(/\\displaystyle/g, '')
    .replace(/\\[!,;: ]/g, '')
    .replace(/\\[dt]frac/g, '\\frac')
    .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ/g, '')
    .replace(/\\?%/g, '')
    .replace(/\{,\}/g, ',')
    .replace(/\s+/g, '')
    .replace(/\.+$/, '')
    // One-token arguments written without braces: \frac12 is \frac{1}{2}, \sqrt2 is \sqrt{2}.
    .replace(/\\frac(\d)/g, '\\frac{$1}')
    .replace(/\\frac(\{[^{}]*\})(\d)/g, '\\frac$1{$2}')
    .replace(/\\sqrt(\d)/g, '\\sqrt{$1}');
  // "x=5" → "5", but only for one variable: "x=1,y=2" and "a=b=c" carry more than a value.
  const assigned = /^(?:[a-zA-Z]|\\[a-zA-Z]+)(?:_\{?\w+\}?)?=(?!=)(.+)$/.exec(s);
  if (assigned && !assigned[1]!.includes('=')) s = assigned[1]!;
  if (/^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  if (/^-?\d+\.\d+$/.test(s)) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (/^-?\d+(?:\.\d+)?$/.test(s)) s = s.replace(/^(-?)0+(?=\d)/, '$1');
  if (s === '-0') s = '0';
  return s;
}
