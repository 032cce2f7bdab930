/**
 * Multiple-choice answers (GPQA, MMLU): a prompt that lists lettered options (`A.`, `A)`, `(A)`, up to J) is
 * answered by a letter, and the letter is what votes and grades compare. Models state it in many forms:
 * `(B)`, `Answer: C`, `\boxed{C}`, a bare `B`, `**B**`, `Option B is correct.`, `the correct option is B) 12.`;
 * the last one stated wins, as with boxed answers.
 */
import { extractAnswer, TAIL_CHARS } from './answer';

export const CHOICE_LETTERS = 'ABCDEFGHIJ';

export interface Choices {
  /** The option letters, in order: A, B, … */
  letters: string[];
  /** Option text by letter, to read an answer that restates the option instead of naming its letter. */
  text: Map<string, string>;
}

// `A. text`, `A) text`, `(A) text` at the start of a line, or `(A) text` inline after the question.
const OPTION_LINE = /^[ \t]*(?:\*\*)?(?:\(([A-J])\)|([A-J])[.):])(?:\*\*)?[ \t]+(\S[^\n]*)$/gm;
const OPTION_INLINE = /(?:^|\s)\(([A-J])\)[ \t]+([^()\n]+?)(?=\s+\([A-J]\)|\s*$|\n)/g;

function sequence(found: [string, string][]): Choices | null {
  // Options run A, B, C… in order; two at least, else `A. ` is just a sentence that starts with a letter.
  const letters: string[] = [];
  const text = new Map<string, string>();
  for (const [letter, body] of found) {
    if (letter === 'A' && letters.length > 0 && letters.length < 2) {
      letters.length = 0;
      text.clear();
    }
    if (letter !== CHOICE_LETTERS[letters.length]) continue;
    letters.push(letter);
    text.set(letter, body.trim());
  }
  return letters.length >= 2 ? { letters, text } : null;
}

/** The lettered options a prompt lists, or null when it lists none. Options close a question: its tail is read. */
export function detectChoices(text: string): Choices | null {
  const prompt = text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
  const lines = [...prompt.matchAll(OPTION_LINE)].map((m): [string, string] => [m[1] ?? m[2]!, m[3]!]);
  const found = sequence(lines);
  if (found) return found;
  return sequence([...prompt.matchAll(OPTION_INLINE)].map((m): [string, string] => [m[1]!, m[2]!]));
}

/** Choices for a request that says it is multiple choice but lists no options the detector reads: A to J. */
export const ALL_CHOICES: Choices = { letters: [...CHOICE_LETTERS], text: new Map() };

const L = '([A-J])';
// Each form names the letter in group 1; the last match in the text is the model's final word.
const FORMS: RegExp[] = [
  // "answer is (B)", "Answer: C", "final answer: **B**", "correct option is B) 12", "choice B"
  new RegExp(
    String.raw`\b(?:answer|option|choice)(?:\s+(?:is|would be|should be))?\s*[:：]?\s*(?:\*\*)?\s*(?:option\s+|choice\s+)?\(?${L}\)?(?![A-Za-z0-9])`,
    'gi',
  ),
  // "Option B is correct", "(B) is the correct answer", "B is correct"
  new RegExp(String.raw`(?:\b(?:option|choice)\s+)?\(?\b${L}\)?\s+is\s+(?:the\s+)?(?:correct|right|best)\b`, 'g'),
  // "**B**", "**(B)**", "**B.**", "**B) 12**"
  new RegExp(String.raw`\*\*\s*\(?${L}(?:\)|\.|\*\*|\)\s[^*\n]{0,80}\*\*)`, 'g'),
  // \boxed{C}, \boxed{\text{C}}, \boxed{(C)}
  new RegExp(String.raw`\\boxed\{\s*(?:\\text(?:bf)?\{)?\s*\(?${L}\)?\s*\}?\s*\}`, 'g'),
];

/** A letter stated alone, possibly dressed: `B`, `(B)`, `B.`, `B) 12`, `**B**`, `\text{B}`. */
function bareLetter(answer: string, choices: Choices): string | null {
  const s = answer
    .replace(/\*\*/g, '')
    .replace(/\\text(?:bf)?\{([^{}]*)\}/g, '$1')
    .replace(/^\$+|\$+$/g, '')
    .trim();
  const m = /^(?:option\s+|choice\s+)?\(?([A-J])\)?(?:[.:)]|\s*[-–)]\s+\S.*)?$/is.exec(s);
  if (m && choices.letters.includes(m[1]!.toUpperCase()) && (m[1] === m[1]!.toUpperCase() || s.length === 1))
    return m[1]!.toUpperCase();
  // An answer that restates an option's text names that option.
  const norm = (x: string) => x.replace(/[\s$*.]/g, '').toLowerCase();
  for (const [letter, text] of choices.text) if (norm(text) !== '' && norm(text) === norm(s)) return letter;
  return null;
}

/** The option a response chose, or null when it names none of the listed letters. */
export function extractChoice(text: string, choices: Choices): string | null {
  const scanned = text.length > TAIL_CHARS ? text.slice(-TAIL_CHARS) : text;
  const whole = bareLetter(scanned, choices);
  if (whole) return whole;
  let best: { at: number; letter: string } | null = null;
  for (const form of FORMS) {
    for (const m of scanned.matchAll(form)) {
      const letter = m[1]!.toUpperCase();
      if (!choices.letters.includes(letter)) continue;
      // A lower-case "a" after "answer is" is an article ("the answer is a bit…"), not option A.
      if (m[1] !== letter && !/\(\s*$/.test(scanned.slice(0, m.index + m[0].indexOf(m[1]!)))) continue;
      const at = m.index + m[0].length;
      if (!best || at >= best.at) best = { at, letter };
    }
  }
  if (best) return best.letter;
  // Last: the usual extraction (a phrase, a box) read as a letter or as an option's text; or a last line `B) 12`.
  const stated = extractAnswer(scanned);
  if (stated) {
    const letter = bareLetter(stated, choices);
    if (letter) return letter;
  }
  const lastLine = scanned.trimEnd().split('\n').at(-1) ?? '';
  return bareLetter(lastLine, choices);
}

/** The options a request's answers are read against: detected in the problem, or all letters when the request says so. */
export function choicesFor(problem: string, form: 'auto' | 'choice'): Choices | null {
  const detected = detectChoices(problem);
  return detected ?? (form === 'choice' ? ALL_CHOICES : null);
}
