/**
 * Final-answer extraction and the light normalisation that exact-match voting compares on.
 * Full mathematical equivalence (2/4 = 0.5 = \frac{1}{2}) is a separate concern; selection takes a
 * `groupKey` so it can be swapped in without touching this file.
 */
import { FILLER, hashesAnswer, jsonAnswer } from './answer-fallbacks';

const BOX = /\\(?:boxed|fbox)(?![a-zA-Z])/g;

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

/** The argument of the box whose command ends at `from`, or null when it is malformed (truncated). */
function boxArgument(text: string, from: number): string | null {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  if (text[i] === '{') {
    const end = closingBrace(text, i);
    return end === -1 ? null : text.slice(i + 1, end - 1);
  }
  // `\boxed 5` shorthand: one whitespace-delimited token, ending at a math delimiter.
  if (i === from) return null;
  const token = /^[^\s$]+/.exec(text.slice(i));
  return token ? token[0] : null;
}

/**
 * Content of the last well-formed `\boxed{…}` / `\fbox{…}` (nested braces balanced). A box cut off by a
 * truncated generation is skipped in favour of the one before it, which is the model's last complete claim.
 */
export function lastBoxed(text: string): string | null {
  const starts = [...text.matchAll(BOX)];
  for (let k = starts.length - 1; k >= 0; k--) {
    const m = starts[k]!;
    const arg = boxArgument(text, m.index + m[0].length);
    // An empty box states nothing: the prompt's own "within \boxed{}." echoed back, or a model giving up.
    if (arg !== null && arg.trim() !== '') return arg.trim();
  }
  return null;
}

// "answer is", "answer:", "**Final Answer:**", "final answer is:"; a bare "answer" is just the word.
const PHRASE = /\banswer\s*(?:\*\*)?\s*(?:is\b|[:：])\s*(?:\*\*)?\s*:?\s*/gi;

/** The answer after the last "answer is …" / "final answer: …", up to the end of its sentence. */
function phraseAnswer(text: string): string | null {
  const matches = [...text.matchAll(PHRASE)];
  for (let k = matches.length - 1; k >= 0; k--) {
    const m = matches[k]!;
    const found = sentenceAnswer(text.slice(m.index + m[0].length).trimStart().replace(FILLER, ''));
    if (found) return found;
  }
  return null;
}

function sentenceAnswer(rest: string): string | null {
  const text = rest.trimStart();
  // A math span first, which may run over lines: "$\frac{1}{2}$. I hope it is correct." → \frac{1}{2}.
  const math = /^(\$\$?)([\s\S]+?)\1|^\\\(([\s\S]+?)\\\)|^\\\[([\s\S]+?)\\\]/.exec(text);
  if (math) return (math[2] ?? math[3] ?? math[4] ?? '').trim() || null;
  // Otherwise up to the end of the sentence; a period followed by a digit is a decimal point, not an end.
  const line = text.split('\n', 1)[0]!.trim();
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
