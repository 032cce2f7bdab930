/**
 * Python and JSON literals compared by value (issue 25): `'a'` and `"a"` are one string, `[1, 2,]` and
 * `[1,2]` one list, `{'b': 1, 'a': 2}` and `{'a': 2, 'b': 1}` one dict, `True` and `true` one bool, but a
 * tuple is not a list and `'5'` is not `5`. CRUXEval-style answers (the output of a Python call) and JSON
 * answers vote and grade on the canonical form this module writes.
 *
 * A small recursive-descent reader, bounded in length and depth, so a hostile candidate costs nothing.
 */

export type Literal =
  | { t: 'str'; v: string }
  | { t: 'bytes'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'none' }
  | { t: 'list' | 'tuple' | 'set'; items: Literal[] }
  | { t: 'dict'; entries: [Literal, Literal][] };

const MAX_CHARS = 20_000;
const MAX_DEPTH = 64;

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  space(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  eat(c: string): boolean {
    this.space();
    if (this.s[this.i] !== c) return false;
    this.i++;
    return true;
  }

  value(depth: number): Literal | null {
    if (depth > MAX_DEPTH) return null;
    this.space();
    const c = this.s[this.i];
    if (c === undefined) return null;
    if (c === '[') return this.sequence(']', 'list', depth);
    if (c === '(') return this.sequence(')', 'tuple', depth);
    if (c === '{') return this.braces(depth);
    if (c === "'" || c === '"') return this.string('str');
    if ((c === 'b' || c === 'B') && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
      this.i++;
      return this.string('bytes');
    }
    const word = /^(True|False|None|true|false|null|set\(\))/.exec(this.s.slice(this.i, this.i + 5));
    if (word) {
      this.i += word[1]!.length;
      if (word[1] === 'set()') return { t: 'set', items: [] };
      if (word[1] === 'None' || word[1] === 'null') return { t: 'none' };
      return { t: 'bool', v: word[1] === 'True' || word[1] === 'true' };
    }
    const num = /^[+-]?(?:\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|nan)/.exec(
      this.s.slice(this.i, this.i + 400),
    );
    if (num) {
      this.i += num[0].length;
      const text = num[0].replace(/_/g, '');
      const v = /inf$/.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text);
      return Number.isNaN(v) && !text.endsWith('nan') ? null : { t: 'num', v };
    }
    return null;
  }

  string(t: 'str' | 'bytes'): Literal | null {
    const quote = this.s[this.i]!;
    // Triple quotes are a Python spelling of the same string.
    const triple = this.s.startsWith(quote.repeat(3), this.i);
    this.i += triple ? 3 : 1;
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '\\') {
        const e = this.s[this.i + 1];
        if (e === undefined) return null;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
        if (e in simple) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'x' || e === 'u') {
          const len = e === 'x' ? 2 : 4;
          const hex = this.s.slice(this.i + 2, this.i + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return null;
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 2 + len;
        } else {
          out += '\\' + e;
          this.i += 2;
        }
        continue;
      }
      if (triple ? this.s.startsWith(quote.repeat(3), this.i) : c === quote) {
        this.i += triple ? 3 : 1;
        return { t, v: out };
      }
      out += c;
      this.i++;
    }
    return null;
  }

  sequence(close: string, t: 'list' | 'tuple', depth: number): Literal | null {
    this.i++;
    const items: Literal[] = [];
    let commas = 0;
    while (!this.eat(close)) {
      const v = this.value(depth + 1);
      if (!v) return null;
      items.push(v);
      if (this.eat(',')) commas++;
      else if (!this.eat(close)) return null;
      else break;
    }
    // `(1)` is 1 in Python; `(1,)` is a tuple.
    if (t === 'tuple' && items.length === 1 && commas === 0) return items[0]!;
    return { t, items };
  }

  braces(depth: number): Literal | null {
    this.i++;
    const entries: [Literal, Literal][] = [];
    const items: Literal[] = [];
    while (!this.eat('}')) {
      const k = this.value(depth + 1);
      if (!k) return null;
      if (this.eat(':')) {
        if (items.length > 0) return null;
        const v = this.value(depth + 1);
        if (!v) return null;
        entries.push([k, v]);
      } else {
        if (entries.length > 0) return null;
        items.push(k);
      }
      if (!this.eat(',')) {
        if (!this.eat('}')) return null;
        break;
      }
    }
    return items.length > 0 ? { t: 'set', items } : { t: 'dict', entries };
  }
}

/** The literal the whole text spells, or null when it is not one (prose, code, an expression). */
export function parseLiteral(text: string): Literal | null {
  if (text.length > MAX_CHARS) return null;
  const r = new Reader(text);
  const v = r.value(0);
  r.space();
  return v && r.i === text.length ? v : null;
}

/** One string per value: equal values, however spelled, give the same string. */
export function canonicalLiteral(v: Literal): string {
  switch (v.t) {
    case 'str':
      return JSON.stringify(v.v);
    case 'bytes':
      return 'b' + JSON.stringify(v.v);
    case 'num':
      // Python: 1 == 1.0 == True, but a vote keeps a bool apart from a number (an answer `True` is not `1`).
      return Object.is(v.v, -0) ? '0' : String(v.v);
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'list':
      return `[${v.items.map(canonicalLiteral).join(',')}]`;
    case 'tuple':
      return `(${v.items.map(canonicalLiteral).join(',')}${v.items.length === 1 ? ',' : ''})`;
    case 'set':
      return `{${[...new Set(v.items.map(canonicalLiteral))].sort().join(',')}}`;
    case 'dict': {
      // Later keys win, as in Python; order does not matter to equality.
      const map = new Map(v.entries.map(([k, x]) => [canonicalLiteral(k), canonicalLiteral(x)]));
      return `{${[...map]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => `${k}:${x}`)
        .join(',')}}`;
    }
  }
}

/** Numbers, and lists, tuples and sets of nothing but numbers: what a math answer also spells. */
function numeric(v: Literal): boolean {
  if (v.t === 'num') return true;
  if (v.t === 'list' || v.t === 'tuple' || v.t === 'set') return v.items.every(numeric);
  return false;
}

/**
 * The value key of an answer that is a Python or JSON literal holding a string, bool, None, dict or bytes, or
 * null for anything else. Numbers and containers of numbers are left to the math key: it already reads
 * `0.5` = `1/2`, keeps `[1, 2]` (an interval, a list) apart from `(1, 2)`, and merges `(1,2)` with `1,2`.
 */
export function literalKey(answer: string): string | null {
  const v = parseLiteral(answer.trim());
  if (!v || numeric(v)) return null;
  return 'lit:' + canonicalLiteral(v);
}

/**
 * The key of bare text read as the string it would be in quotes (`abc` as `'abc'`, escapes and all), for a vote
 * where other candidates answered with string literals: CRUXEval's own grader strips the quotes the same way.
 */
export function bareStringKey(answer: string): string {
  const text = answer;
  const quoted = parseLiteral(`'''${text}'''`);
  return 'lit:' + JSON.stringify(quoted?.t === 'str' ? quoted.v : text);
}

/** Whether two answers are the same literal value. */
export function literalEqual(a: string, b: string): boolean {
  const x = parseLiteral(a.trim());
  const y = parseLiteral(b.trim());
  return x !== null && y !== null && canonicalLiteral(x) === canonicalLiteral(y);
}
