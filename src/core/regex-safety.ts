/**
 * Why a client's regular expression could stall the event loop, or null. A JSON schema's `pattern` runs on
 * every candidate string with JavaScript's backtracking engine, so a pattern such as `^(a+)+$` takes time
 * exponential in the length of "aaaa…ab". Three shapes are refused: a repeated group that itself repeats
 * (star height above 1, the classic catastrophic case), backreferences (matching them is NP-hard), and a
 * repeated group of alternatives unless they are plain literals that begin with different characters:
 * `(a|a)*` and `(\w|\d)+` can match one text in exponentially many ways, and telling overlapping classes
 * apart is more than a scan can do, so `(\d|[a-f])+` is refused too (write `[\da-f]+`). The length bound
 * on the text a pattern runs on (`MAX_PATTERN_INPUT`) keeps polynomial cases short.
 * The scan reads the pattern as `new RegExp(pattern, 'u')` does and expects it to compile.
 */

/** Longest string a schema pattern is run on; a longer candidate string fails the schema instead. */
export const MAX_PATTERN_INPUT = 4096;

interface Group {
  /** Something inside repeats (a quantifier whose upper bound is above its lower bound and above 1). */
  repeats: boolean;
  /** It holds a `|` of its own. */
  alternatives: boolean;
  /** Every alternative so far is a run of literal characters (no class, group, quantifier or anchor). */
  literal: boolean;
  /** The first character of each alternative so far. */
  firsts: string[];
  /** The next atom begins an alternative. */
  atStart: boolean;
}

const newGroup = (): Group => ({ repeats: false, alternatives: false, literal: true, firsts: [], atStart: true });

/** Records an atom read at the group's own level: `char` when it is one literal character, else null. */
function atom(group: Group, char: string | null): void {
  if (char === null) group.literal = false;
  if (group.atStart) {
    group.firsts.push(char ?? '');
    group.atStart = false;
  }
}

/** Why repeating this group could match one text in exponentially many ways through its alternatives. */
function ambiguousAlternatives(group: Group): boolean {
  if (!group.alternatives) return false;
  if (group.atStart || !group.literal) return true;
  return new Set(group.firsts).size < group.firsts.length;
}

/** Index just past a `{min,max}` quantifier starting at `i`, and whether it repeats; null when `{` is literal. */
function braces(pattern: string, i: number): { end: number; repeats: boolean } | null {
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
  if (!m) return null;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { end: i + m[0].length, repeats: max > min && max > 1 };
}

export function unsafePatternReason(pattern: string): string | null {
  const stack: Group[] = [newGroup()];
  // The last thing a quantifier would apply to: an atom, or a group that closed with what it held.
  let last: { group: Group | null } | null = null;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    const top = stack.at(-1)!;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<'))
        return 'it uses a backreference, whose matching time can grow exponentially';
      // \p{…}, \P{…} and \u{…} carry a braced argument that is no quantifier.
      if (/[pPu]/.test(next) && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        i = close < 0 ? pattern.length : close + 1;
      } else i += 2;
      // \. or \- is the character itself; \d, \w, \p{…} and the like are classes.
      atom(top, /[A-Za-z0-9]/.test(next) ? null : next);
      last = { group: null };
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
      atom(top, null);
      last = { group: null };
      continue;
    }
    if (c === '(') {
      atom(top, null);
      stack.push(newGroup());
      i += 1;
      // Group prefixes: (?:, (?=, (?!, (?<=, (?<!, (?<name>.
      if (pattern[i] === '?') {
        if (pattern[i + 1] === '<' && pattern[i + 2] !== '=' && pattern[i + 2] !== '!') {
          const close = pattern.indexOf('>', i);
          i = close < 0 ? pattern.length : close + 1;
        } else i += pattern[i + 1] === '<' ? 3 : 2;
      }
      last = null;
      continue;
    }
    if (c === ')') {
      const group = stack.length > 1 ? stack.pop()! : newGroup();
      const parent = stack.at(-1)!;
      parent.repeats ||= group.repeats;
      last = { group };
      i += 1;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || c === '{') {
      const quantifier = c === '{' ? braces(pattern, i) : { end: i + 1, repeats: c !== '?' };
      if (!quantifier) {
        atom(top, '{');
        last = { group: null };
        i += 1;
        continue;
      }
      if (quantifier.repeats && last?.group?.repeats)
        return 'a repeated group repeats inside (nested quantifiers), whose matching time can grow exponentially';
      if (quantifier.repeats && last?.group && ambiguousAlternatives(last.group))
        return 'a repeated group holds alternatives that are not plain literals with different first characters, whose matching time can grow exponentially (use a character class: [\\da-f]+, not (\\d|[a-f])+)';
      if (quantifier.repeats) top.repeats = true;
      top.literal = false;
      i = quantifier.end + (pattern[quantifier.end] === '?' ? 1 : 0);
      last = null;
      continue;
    }
    if (c === '|') {
      if (top.atStart) top.literal = false;
      top.alternatives = true;
      top.atStart = true;
      last = null;
    } else {
      // `.`, `^` and `$` are no literal character.
      atom(top, c === '.' || c === '^' || c === '$' ? null : c);
      last = { group: null };
    }
    i += 1;
  }
  return null;
}
