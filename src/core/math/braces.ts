/** Bracket bookkeeping shared by the normaliser, the structure splitter and the LaTeX converter. */

const OPEN = '{([';
const CLOSE = '})]';

/**
 * Index of the `}` closing the `{` at `open`, or -1. Escaped braces (`\{`) are literal and do not count;
 * only curly braces are balanced, so a half-open interval `[0,1)` inside a group is harmless.
 */
export function closeBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/**
 * One TeX argument starting at `i`: a braced group (content without the braces), a control word
 * (`\pi`), or a single character, as TeX reads `\frac12` or `\sqrt3`. Null at the end or on an unclosed group.
 */
export function readArg(s: string, i: number): { arg: string; end: number } | null {
  if (i >= s.length) return null;
  if (s[i] === '{') {
    const close = closeBrace(s, i);
    return close === -1 ? null : { arg: s.slice(i + 1, close), end: close + 1 };
  }
  if (s[i] === '\\') {
    const word = /^\\(?:[a-zA-Z]+|.)/.exec(s.slice(i));
    return word ? { arg: word[0], end: i + word[0].length } : null;
  }
  return { arg: s[i]!, end: i + 1 };
}

/**
 * Splits `s` on `sep` where it is not nested in any bracket pair. Interval notation is unbalanced by
 * design (`[0,1)`), so any opener matches any closer; a stray closer never drives the depth negative.
 */
export function splitTopLevel(s: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && s.startsWith(sep, i) === false) {
      // Skip the escaped character so `\{` or `\\` never changes depth; a command that *is* the separator
      // (`\cup`) falls through to the match below.
      i++;
      continue;
    }
    if (depth === 0 && s.startsWith(sep, i)) {
      parts.push(s.slice(start, i));
      i += sep.length - 1;
      start = i + 1;
      continue;
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && depth > 0) depth--;
  }
  parts.push(s.slice(start));
  return parts;
}

/** True when the bracket opened at index 0 closes at the last index (so `(1)+(2)` is not one group). */
export function wrapsWhole(s: string): boolean {
  if (s.length < 2 || !OPEN.includes(s[0]!) || !CLOSE.includes(s[s.length - 1]!)) return false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (OPEN.includes(c)) depth++;
    else if (CLOSE.includes(c) && --depth === 0 && i < s.length - 1) return false;
  }
  return depth === 0;
}
