/**
 * Exact rational arithmetic for answers built from integers, decimals, + − × ÷, `\frac`, powers with a
 * small integer exponent and brackets. Floating point cannot tell `10^{200} − 7·10^{100} + 12` from
 * `… + 6`, and a relative tolerance merges `339024 + \frac{1}{12}` with `339024`; BigInt can do neither.
 * Anything else (a root, π, a variable) is null, and the caller compares by value as before.
 */
import { readArg } from './braces';

export interface Rational {
  num: bigint;
  den: bigint;
}

class Inexact extends Error {}
const inexact = (): never => {
  throw new Inexact();
};

const MAX_EXPONENT = 4096n;
const MAX_DIGITS = 2000;

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

function make(num: bigint, den: bigint): Rational {
  if (den === 0n) inexact();
  if (den < 0n) [num, den] = [-num, -den];
  const g = gcd(num, den) || 1n;
  return { num: num / g, den: den / g };
}

const add = (a: Rational, b: Rational) => make(a.num * b.den + b.num * a.den, a.den * b.den);
const sub = (a: Rational, b: Rational) => make(a.num * b.den - b.num * a.den, a.den * b.den);
const mul = (a: Rational, b: Rational) => make(a.num * b.num, a.den * b.den);
const div = (a: Rational, b: Rational) => make(a.num * b.den, a.den * b.num);

function pow(a: Rational, e: Rational): Rational {
  if (e.den !== 1n || e.num > MAX_EXPONENT || e.num < -MAX_EXPONENT) return inexact();
  const k = e.num < 0n ? -e.num : e.num;
  const bits = (a.num < 0n ? -a.num : a.num).toString(2).length + a.den.toString(2).length;
  if (BigInt(bits) * k > BigInt(MAX_DIGITS * 4)) inexact(); // keeps 10^{10^9} from eating the budget
  const r = make(a.num ** k, a.den ** k);
  return e.num < 0n ? div({ num: 1n, den: 1n }, r) : r;
}

/** A recursive-descent reader: sum → product → unary → power → atom. */
class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  all(): Rational {
    const v = this.sum();
    if (this.i !== this.s.length) inexact();
    return v;
  }

  private sum(): Rational {
    let v = this.product();
    for (;;) {
      const c = this.s[this.i];
      if (c === '+') {
        this.i++;
        v = add(v, this.product());
      } else if (c === '-') {
        this.i++;
        v = sub(v, this.product());
      } else return v;
    }
  }

  private product(): Rational {
    let v = this.unary();
    for (;;) {
      const op = /^(?:\*|\/|\\cdot(?![a-zA-Z])|\\times(?![a-zA-Z])|\\div(?![a-zA-Z]))/.exec(this.s.slice(this.i));
      if (op) {
        this.i += op[0].length;
        const rhs = this.unary();
        v = op[0] === '/' || op[0] === '\\div' ? div(v, rhs) : mul(v, rhs);
      } else if (/^[({\\]/.test(this.s.slice(this.i)) && !this.s.startsWith('\\right', this.i)) {
        v = mul(v, this.unary()); // juxtaposition: 2(3+4), 3\frac{1}{2} is a mixed number below
      } else return v;
    }
  }

  private unary(): Rational {
    if (this.s[this.i] === '-') {
      this.i++;
      const v = this.unary();
      return { num: -v.num, den: v.den };
    }
    if (this.s[this.i] === '+') {
      this.i++;
      return this.unary();
    }
    return this.power();
  }

  private power(): Rational {
    const base = this.atom();
    if (this.s[this.i] !== '^') return base;
    this.i++;
    // Models write 2^10 for 2^{10}: a bare digit run is the whole exponent.
    const digits = /^\d+/.exec(this.s.slice(this.i));
    if (digits) {
      this.i += digits[0].length;
      return pow(base, make(BigInt(digits[0]), 1n));
    }
    if (this.s[this.i] === '-') {
      this.i++;
      const e = this.atom();
      return pow(base, { num: -e.num, den: e.den });
    }
    return pow(base, this.atom());
  }

  private atom(): Rational {
    const { s } = this;
    const rest = s.slice(this.i);
    const num = /^(\d+)(?:\.(\d+))?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      const frac = num[2] ?? '';
      if (num[0].length > MAX_DIGITS) inexact();
      const whole = make(BigInt(num[1]! + frac), 10n ** BigInt(frac.length));
      // 1\frac{1}{4}: a whole number directly before a fraction is a mixed number.
      if (frac === '' && s.startsWith('\\frac', this.i)) {
        const f = this.atom();
        return add(whole, f);
      }
      return whole;
    }
    if (rest.startsWith('\\frac')) {
      const a = readArg(s, this.i + 5);
      const b = a && readArg(s, a.end);
      if (!a || !b) return inexact();
      this.i = b.end;
      return div(exactValue(a.arg) ?? inexact(), exactValue(b.arg) ?? inexact());
    }
    const open = s[this.i];
    if (open === '(' || open === '{') {
      this.i++;
      const v = this.sum();
      if (s[this.i] !== (open === '(' ? ')' : '}')) inexact();
      this.i++;
      return v;
    }
    return inexact();
  }
}

/** The exact value of a normalised answer, or null when it is not plain rational arithmetic. */
export function exactValue(s: string): Rational | null {
  if (s === '' || s.length > MAX_DIGITS) return null;
  try {
    return new Reader(s).all();
  } catch (e) {
    if (e instanceof Inexact || e instanceof RangeError) return null;
    throw e;
  }
}

export const sameRational = (a: Rational, b: Rational) => a.num === b.num && a.den === b.den;
