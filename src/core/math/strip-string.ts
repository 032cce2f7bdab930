/**
 * Answer normalisation in the manner of the MATH harnesses (Hendrycks' `strip_string`, as extended by
 * Qwen2.5-Math's evaluation parser): two answers that differ only in typesetting normalise to one string.
 *
 * Deliberate departures from the Qwen rules, each because the original corrupts real answers:
 * - unit words are removed only at the end, after a number, and never single letters ("4t" keeps its t);
 * - "and" between answers becomes a comma instead of being deleted ("3 and 5" is not "35");
 * - `\sqrt23` reads as TeX does (√2·3), like `\frac12`;
 * - `\frac{a}b` is braced too, and `x^{2}` becomes `x^2`, so more spellings meet on one string.
 */
import { closeBrace, readArg, wrapsWhole } from './braces';

// Unit words (singular; plurals are matched by the pattern). Only multi-letter words: a bare `m` or `s`
// at the end of an answer is as likely a variable as a unit.
const UNITS = [
  'degree',
  'deg',
  'radian',
  'cm',
  'mm',
  'km',
  'meter',
  'metre',
  'centimeter',
  'centimetre',
  'kilometer',
  'millimeter',
  'inch',
  'foot',
  'feet',
  'ft',
  'yard',
  'yd',
  'mile',
  'mph',
  'kmh',
  'kph',
  'second',
  'sec',
  'minute',
  'min',
  'hour',
  'hr',
  'day',
  'week',
  'month',
  'year',
  'yr',
  'dollar',
  'cent',
  'unit',
  'sq',
  'square',
  'cubic',
  'gram',
  'kg',
  'kilogram',
  'pound',
  'lb',
  'ounce',
  'oz',
  'liter',
  'litre',
  'ml',
  'gallon',
  'acre',
  'hectare',
  'percent',
  'point',
  'way',
  'people',
  'student',
];
const TRAILING_UNIT = new RegExp(
  `(?<=[\\d}).\\s])\\s*\\b(?:${UNITS.join('|')})(?:es|s)?\\b(?:\\s*\\^\\s*\\{?[23]\\}?)?\\s*$`,
);
// A trailing `\text{…}` is a unit or a remark ("5.4 \text{ cents}"), unless it is the whole answer.
const TRAILING_TEXT = /\\(?:text|textbf|mbox|mathrm)\s*\{[^{}]*\}(?:\s*\^\s*\{?[23]\}?)?\s*$/;
const TEXT_WRAPPERS = /\\(?:text|textbf|textrm|textit|mbox|mathrm|mathbf|mathit|operatorname)\s*\{([^{}]*)\}/g;

const WORD_NUMBERS: Record<string, string> = {
  zero: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
  ten: '10',
  eleven: '11',
  twelve: '12',
  thirteen: '13',
  fourteen: '14',
  fifteen: '15',
  sixteen: '16',
  seventeen: '17',
  eighteen: '18',
  nineteen: '19',
  twenty: '20',
  thirty: '30',
  forty: '40',
  fifty: '50',
  sixty: '60',
  seventy: '70',
  eighty: '80',
  ninety: '90',
  hundred: '100',
};

/** Replaces every `\boxed{X}` / `\fbox{X}` by X, innermost last, so `x = \boxed{\frac{1}{2}}` keeps its frac. */
function unbox(s: string): string {
  for (;;) {
    const m = /\\(?:boxed|fbox)\s*\{/.exec(s);
    if (!m) return s;
    const open = m.index + m[0].length - 1;
    const close = closeBrace(s, open);
    if (close === -1) return s.slice(0, m.index) + s.slice(open + 1); // truncated box: keep what is there
    s = s.slice(0, m.index) + s.slice(open + 1, close) + s.slice(close + 1);
  }
}

/** Braces both `\frac` arguments (`\frac12`, `\frac1{72}`, `\frac{a}b` → `\frac{1}{2}` …), nested ones too. */
function fixFracs(s: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = s.indexOf('\\frac', i);
    if (at === -1 || /[a-zA-Z]/.test(s[at + 5] ?? '')) {
      if (at === -1) return out + s.slice(i);
      out += s.slice(i, at + 5);
      i = at + 5;
      continue;
    }
    out += s.slice(i, at);
    const num = readArg(s, s[at + 5] === ' ' ? at + 6 : at + 5); // `\frac ab` keeps its space after spacing
    const den = num && readArg(s, num.end);
    if (!num || !den) return out + s.slice(at); // malformed: leave it for a string comparison
    out += `\\frac{${fixFracs(num.arg)}}{${fixFracs(den.arg)}}`;
    i = den.end;
  }
}

/** `\sqrt3` → `\sqrt{3}`, `\sqrt\pi` → `\sqrt{\pi}`: one TeX token, as `\frac` takes its arguments. */
function fixSqrt(s: string): string {
  return s.replace(/\\sqrt(?: (?=[a-zA-Z])|(?![a-zA-Z{[]))(\\[a-zA-Z]+|[^\\{[ ])/g, '\\sqrt{$1}');
}

/** `7/2` → `\frac{7}{2}`, also `\sqrt{3}/2`; only when the whole answer is one such quotient. */
function fixSlash(s: string): string {
  const m = /^(-?)(\d+|\d*\\sqrt\{\d+\})\/(\d+|\d*\\sqrt\{\d+\})$/.exec(s);
  return m ? `${m[1]}\\frac{${m[2]}}{${m[3]}}` : s;
}

function stripOuterBraces(s: string): string {
  while (s.startsWith('{') && s.endsWith('}') && wrapsWhole(s) && !s.slice(1, -1).includes(',')) {
    s = s.slice(1, -1);
  }
  return s;
}

/**
 * Longer "answers" are not answers but runaway text, and some of the patterns below are quadratic in
 * the length of a run of spaces or dots: such input is returned trimmed, unnormalised, in linear time.
 */
export const MAX_ANSWER_CHARS = 1000;

/** Normalises one extracted answer string. Idempotent: normalising the result again changes nothing. */
export function stripString(input: string): string {
  if (input.length > MAX_ANSWER_CHARS) return String(input).trim();
  // One space for any run of blanks first, so no later pattern backtracks across a long run.
  let s = unbox(
    String(input)
      .trim()
      .replace(/\r?\n/g, '')
      .replace(/[ \t]{2,}/g, ' '),
  );
  s = s.replace(/\.+$/, '').trim();

  // Explicit TeX thousands separators are unambiguous wherever they stand.
  s = s.replace(/(\d)(?:,\\!\s*|\{,\}\s*|\\,)(?=\d{3}(?!\d))/g, '$1');
  s = s.replace(/\\!/g, '').replace(/\{,\}/g, ',');
  s = s.replace(/(?<!\\)\\[,;: ]|\\q?quad\b|~/g, ' '); // not the `\ ` inside a `\\ ` row break

  s = s.replace(/\\begin\{array\}\{[^}]*\}/g, '\\begin{pmatrix}').replace(/\\end\{array\}/g, '\\end{pmatrix}');
  s = s.replace(/\{[bB]?matrix\}/g, '{pmatrix}');
  s = s.replace(/\\[dt]frac/g, '\\frac').replace(/\\[dt]binom/g, '\\binom');
  s = s.replace(/\\(?:display|text|script|scriptscript)style(?![a-zA-Z])/g, '');
  // Base subscripts, however written, become `_{b}`: 2516₈, (2516)_8, 2516_{(8)}, 2516 base 8, 2516_\text{eight}.
  s = s.replace(/[₀-₉]+/g, (d) => `_{${[...d].map((c) => c.charCodeAt(0) - 0x2080).join('')}}`);
  s = s.replace(/^\((\w+)\)_/, '$1_').replace(/_\{\((\d+)\)\}/g, '_{$1}');
  s = s.replace(/^(\w+)\s+(?:in\s+)?base\s+(\d+)$/, '$1_{$2}');
  s = s.replace(
    /_\s*\{?\s*\\(?:text|mathrm)\s*\{\s*([a-zA-Z0-9]+)\s*\}\s*\}?/g,
    (_m, b: string) => `_{${WORD_NUMBERS[b.toLowerCase()] ?? b}}`,
  );
  s = s
    .replace(/\\neq\b/g, '\\ne')
    .replace(/\\leq\b/g, '\\le')
    .replace(/\\geq\b/g, '\\ge');
  s = s.replace(/\\(?:left|right)\./g, '').replace(/\\(?:left|right|[bB]igg?[lr]?)(?![a-zA-Z])/g, '');
  s = s.replace(/\\\{/g, '{').replace(/\\\}/g, '}');

  // Not a unit: the last item of a list (`\text{A}, \text{C}`) or a bare choice letter.
  const noText = s.replace(TRAILING_TEXT, '').trim();
  if (noText !== '' && !/[,;]$/.test(noText) && !/\{\(?[A-E]\)?\}\s*$/.test(s)) s = noText;
  for (let k = 0; k < 2; k++) {
    const noUnit = s.replace(TRAILING_UNIT, '').trim();
    if (noUnit !== '') s = noUnit;
  }
  // Any one word after a plain number is its unit (`1152 cups`), whatever the word.
  s = s.replace(/^([-+]?\d[\d,]*(?:\.\d+)?)\s+(?!and\b|or\b)[a-zA-Z]{3,}$/, '$1');

  // A degree sign before a comma ends a list item: `45^\circ,135^\circ` is two angles, not 45135.
  s = s.replace(/(?:\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°)\s*,\s*/g, ', ');
  s = s.replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|°/g, '');
  s = s.replace(/\\\$|\$/g, '').replace(/\\\(|\\\)/g, '');
  s = s.replace(TEXT_WRAPPERS, '$1').replace(TEXT_WRAPPERS, '$1');
  s = WORD_NUMBERS[s.trim().toLowerCase()] ?? s;
  s = s.replace(/\\%|%/g, '');
  // Thousands separators, while spaces still show intent: `1,000` is a number, `100, 200` two of them.
  s = s.replace(/^\s*-?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$/, (n) => n.replace(/,/g, ''));

  // Several answers joined by words become a list.
  s = s.replace(/\s*,?\s+(?:and|or)\s+/g, ',');
  s = s.replace(/\binfinity\b/g, '\\infty').replace(/(^|[^\\])\binf\b/g, '$1\\infty');

  s = s.replace(/(\d)\.0*(?!\d)/g, '$1'); // 2.0 → 2, 2. → 2
  s = s.replace(/(^|[^\d.])\.(\d)/g, '$10.$2'); // .5 → 0.5
  // Spaces go, except the one that ends a control word before a letter: `\cot x` is not `\cotx`.
  s = s
    .replace(/(\\[a-zA-Z]+)\s+(?=[a-zA-Z])/g, '$1\u0000')
    .replace(/\s+/g, '')
    .replace(/\u0000/g, ' ');
  s = s.replace(/^[xyz](?:\\in|\\to)/, '');

  // Variable prefixes: `x=5`, `\theta=30`, `x=1,y=2` → `1,2`, `(x,y)=(1,2)` → `(1,2)`.
  s = s.replace(/^\([a-zA-Z](?:,[a-zA-Z])+\)=(?=\()/, '');
  const eqs = s.split('=').length - 1;
  // The prefix goes only before a value: `y=2x+3` stays an equation (a line), to be compared as one.
  const prefix = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)=/.exec(s);
  if (eqs === 1 && prefix && !/[a-zA-Z]/.test(s.slice(prefix[0].length).replace(/\\[a-zA-Z]+/g, ''))) {
    s = s.slice(prefix[0].length);
  } else if (eqs > 1 && /^[a-zA-Z]=[^=]*(?:,[a-zA-Z]=[^=,]*)+$/.test(s)) s = s.replace(/(^|,)[a-zA-Z]=/g, '$1');

  s = s.replace(/^\+/, '');
  s = fixSlash(fixFracs(fixSqrt(s)));
  s = s.replace(/([\^_])\{([\w.])\}/g, '$1$2');

  s = stripOuterBraces(s);
  if (s === '{}' || s === '\\varnothing') s = '\\emptyset';
  if (s === '(-\\infty,\\infty)' || s === '(-\\infty,+\\infty)') s = '\\mathbb{R}';
  return s.replace(/\.+$/, '');
}
