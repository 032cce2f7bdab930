/**
 * A deliberately small LaTeX → mathjs translator for the answers the MATH-style benchmarks ask for:
 * fractions, roots, powers, π, trig and logs, implicit multiplication, mixed numbers. Anything it does not
 * understand (relations, sets, `\infty`, base-n subscripts, text) yields null, and the caller falls back to
 * comparing strings; guessing a meaning would let two different answers compare equal.
 *
 * Variables become `v_<name>` so that no answer letter can collide with a mathjs constant or unit;
 * `e` and `i` stay Euler's number and the imaginary unit, as in the benchmarks' answers.
 */
import { closeBrace, readArg } from './braces';

const FUNCTIONS: Record<string, string> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  cot: 'cot',
  sec: 'sec',
  csc: 'csc',
  arcsin: 'asin',
  arccos: 'acos',
  arctan: 'atan',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  ln: 'log',
  log: 'log10',
  exp: 'exp',
};
const INVERSE: Record<string, string> = { sin: 'asin', cos: 'acos', tan: 'atan' };
const GREEK = new Set(
  (
    'alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi rho sigma ' +
    'tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega'
  ).split(' '),
);

class Unsupported extends Error {}

function fail(): never {
  throw new Unsupported();
}

/** Index of the `)` matching the `(` at `open`. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) return i;
  }
  return fail();
}

class Translator {
  private out: string[] = [];
  private prevValue = false;
  private openAbs = 0;
  private i = 0;

  constructor(private readonly s: string) {}

  run(): string {
    while (this.i < this.s.length) this.step();
    if (this.openAbs !== 0) fail();
    return this.out.join(' ');
  }

  /** Appends one piece, inserting the `*` that juxtaposition means (`2x`, `3\sqrt{2}`, `(a+1)(b+2)`). */
  private push(text: string, endsValue: boolean, startsValue: boolean): void {
    if (startsValue && this.prevValue) this.out.push('*');
    this.out.push(text);
    this.prevValue = endsValue;
  }

  private step(): void {
    const { s } = this;
    const c = s[this.i]!;
    const rest = s.slice(this.i);
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)/.exec(rest);
    if (num) return this.number(num[0]);
    if (/[a-zA-Z]/.test(c)) return this.letters(/^[a-zA-Z]+/.exec(rest)![0]);
    if (c === '\\') return this.command();
    this.i++;
    if (c === ' ') return;
    if (c === '{') {
      const close = closeBrace(s, this.i - 1);
      if (close === -1) fail();
      this.push(`(${translate(s.slice(this.i, close))})`, true, true);
      this.i = close + 1;
    } else if (c === '(') this.push('(', false, true);
    else if (c === ')') this.push(')', true, false);
    else if ('+-*/'.includes(c)) this.push(c, false, false);
    else if (c === '!') this.push('!', true, false);
    else if (c === '^') this.exponent();
    else if (c === '|') {
      // A bar after a value closes |…|, otherwise it opens one; nested bars are ambiguous and rare.
      if (this.prevValue && this.openAbs > 0) {
        this.openAbs--;
        this.push(')', true, false);
      } else {
        this.openAbs++;
        this.push('abs(', false, true);
      }
    } else fail();
  }

  private number(text: string): void {
    const after = this.i + text.length;
    if (this.s[after] === '_') fail(); // 52_8: a base-8 numeral, not arithmetic
    const last = this.out[this.out.length - 1];
    // A whole number directly before an integer fraction is a mixed number: 1\frac{1}{4} = 5/4.
    if (/^\d+$/.test(text) && (last === undefined || '+-('.includes(last)) && this.s.startsWith('\\frac', after)) {
      const n = readArg(this.s, after + 5);
      const d = n && readArg(this.s, n.end);
      if (n && d && /^\d+$/.test(n.arg) && /^\d+$/.test(d.arg) && !/^[\d.\\{(a-zA-Z^]/.test(this.s[d.end] ?? '')) {
        this.push(`(${text} + ${n.arg} / ${d.arg})`, true, true);
        this.i = d.end;
        return;
      }
    }
    this.push(text, true, true);
    this.i = after;
  }

  private letters(word: string): void {
    if (word === 'pi') {
      this.i += 2;
      return this.push('pi', true, true);
    }
    if (word === 'sqrt') {
      this.i += 4;
      return this.push(`sqrt(${this.argument()})`, true, true);
    }
    if (word in FUNCTIONS) {
      this.i += word.length;
      return this.func(word);
    }
    // Otherwise every letter is its own variable, as in `xy` or `4ab`; a longer run is a word ("greater
    // than 0"), and reading it as a product would make it equal 0 or any other multiple of itself.
    if (word.length > 3) fail();
    this.i++;
    this.variable(word[0]!);
  }

  private variable(name: string): void {
    let id = name === 'e' || name === 'i' ? name : `v_${name}`;
    if (this.s[this.i] === '_') {
      const sub = readArg(this.s, this.i + 1);
      if (!sub || !/^\w+$/.test(sub.arg)) fail();
      id = `v_${name}_${sub.arg}`;
      this.i = sub.end;
    }
    this.push(id, true, true);
  }

  private command(): void {
    const m = /^\\([a-zA-Z]+)/.exec(this.s.slice(this.i));
    if (!m) fail();
    const name = m[1]!;
    this.i += m[0].length;
    if (name === 'frac' || name === 'binom') {
      const a = readArg(this.s, this.i);
      const b = a && readArg(this.s, a.end);
      if (!a || !b) fail();
      this.i = b.end;
      const [x, y] = [translate(a.arg), translate(b.arg)];
      this.push(name === 'frac' ? `((${x}) / (${y}))` : `binom(${x}, ${y})`, true, true);
    } else if (name === 'sqrt') {
      let index: string | null = null;
      if (this.s[this.i] === '[') {
        const close = this.s.indexOf(']', this.i);
        if (close === -1) fail();
        index = translate(this.s.slice(this.i + 1, close));
        this.i = close + 1;
      }
      const arg = this.argument();
      this.push(index === null ? `sqrt(${arg})` : `nthRoot(${arg}, ${index})`, true, true);
    } else if (name === 'pi') this.push('pi', true, true);
    else if (name === 'cdot' || name === 'times' || name === 'ast') this.push('*', false, false);
    else if (name === 'div') this.push('/', false, false);
    else if (name in FUNCTIONS) this.func(name);
    else if (GREEK.has(name)) this.variable(name);
    else fail();
  }

  /** A braced group or a single token, translated. */
  private argument(): string {
    const a = readArg(this.s, this.i);
    if (!a) fail();
    this.i = a.end;
    return translate(a.arg);
  }

  private exponent(): void {
    if (!this.prevValue) fail();
    const { s } = this;
    if (s[this.i] === '(') return this.push('^', false, false);
    const sign = s[this.i] === '-' ? '-' : '';
    // Models write 2^10 meaning 2^{10}; TeX would read 2^1·0, which makes 3^10 equal 0.
    const digits = /^\d+/.exec(s.slice(this.i + sign.length));
    if (digits) {
      this.i += sign.length + digits[0].length;
      this.out.push('^', `(${sign}${digits[0]})`);
      this.prevValue = true;
      return;
    }
    const a = readArg(s, this.i + sign.length);
    if (!a) fail();
    this.i = a.end;
    this.out.push('^', `(${sign}${translate(a.arg)})`);
    this.prevValue = true;
  }

  /** `\sin x`, `\sin(2x)`, `\sin^2 x`, `\sin^{-1} x`, `\log_2 8`. */
  private func(name: string): void {
    const { s } = this;
    if (s[this.i] === ' ') this.i++;
    let fn = FUNCTIONS[name]!;
    let power: string | null = null;
    let base: string | null = null;
    if (s[this.i] === '^') {
      const p = readArg(s, this.i + 1);
      if (!p) fail();
      this.i = p.end;
      if (p.arg === '-1' && INVERSE[name]) fn = INVERSE[name];
      else power = translate(p.arg);
    }
    if (s[this.i] === '_' && name === 'log') {
      const b = readArg(s, this.i + 1);
      if (!b) fail();
      this.i = b.end;
      base = translate(b.arg);
      fn = 'log';
    }
    if (s[this.i] === ' ') this.i++;
    let arg: string;
    if (s[this.i] === '(') {
      const close = closeParen(s, this.i);
      arg = translate(s.slice(this.i + 1, close));
      this.i = close + 1;
    } else if (s[this.i] === '{') {
      arg = this.argument();
    } else if (/^\\(?:frac|sqrt)(?![a-zA-Z])/.test(s.slice(this.i))) {
      // \cos\frac{\pi}{3}: the argument is the whole fraction or root.
      const start = this.i;
      const isFrac = s.startsWith('\\frac', start);
      let end = start + 5;
      if (!isFrac && s[end] === '[') end = s.indexOf(']', end) + 1 || fail();
      const a = readArg(s, end);
      const b = a && (isFrac ? readArg(s, a.end) : a);
      if (!b) fail();
      this.i = b.end;
      arg = translate(s.slice(start, this.i));
    } else {
      // An unbracketed argument runs over a coefficient and letters: \sin 2x, \cos\theta.
      const run = /^[0-9.]*(?:\\[a-zA-Z]+|[a-zA-Z]*)/.exec(s.slice(this.i))![0];
      if (run === '') fail();
      this.i += run.length;
      arg = translate(run);
    }
    const call = base === null ? `${fn}(${arg})` : `log(${arg}, ${base})`;
    this.push(power === null ? call : `(${call}) ^ (${power})`, true, true);
  }
}

function translate(s: string): string {
  if (s.trim() === '') fail();
  return new Translator(s).run();
}

/** The mathjs source for a normalised LaTeX expression, or null when it is outside the supported subset. */
export function latexToMathjs(latex: string): string | null {
  try {
    return translate(latex);
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}
