/**
 * Outward-rounded interval arithmetic on float64 (the arithmetic of certificates).
 *
 * An Interval [lo, hi] encloses a real number. Every operation returns an interval that contains
 * the exact result for every choice of arguments in the argument intervals:
 * - + − ×: the float result is rounded to nearest; the exact rounding error is recovered with
 *   TwoSum / Dekker's TwoProduct and the bound is moved one ulp outward only on the side the error
 *   lies (so exact operations stay exact: 2·λ0 − 2·λ0 is [0, 0] for a point λ0);
 * - ÷ and √ are correctly rounded (IEEE 754): one ulp outward on both sides;
 * - exp, log, sin, cos, atan (not correctly rounded in V8, error < 1 ulp): two ulps outward on both sides.
 * Decimal literals are enclosed exactly: "0.1" becomes [pred(0.1), succ(0.1)] unless the float is the
 * decimal itself (0.5, 3, 2.25).
 *
 * evalInterval evaluates a mathjs expression tree (parse only, never evaluate) with interval values
 * for its symbols; it throws IntervalDomainError when an argument leaves a function's domain
 * (log of an interval reaching 0, division by an interval containing 0).
 */
import { parse, type MathNode } from 'mathjs';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export class IntervalDomainError extends Error {
  override name = 'IntervalDomainError';
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next float above x (x itself for +∞). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  i64[0] += x > 0 ? 1n : -1n;
  return f64[0];
}

/** The next float below x (x itself for −∞). */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

export function iv(lo: number, hi: number = lo): Interval {
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new IntervalDomainError('NaN in an interval');
  if (lo > hi) throw new Error(`interval: lo ${lo} > hi ${hi}`);
  return { lo, hi };
}

export const ZERO = iv(0);
export const ONE = iv(1);

export function isPoint(a: Interval): boolean {
  return a.lo === a.hi;
}

export function mid(a: Interval): number {
  if (a.lo === -Infinity || a.hi === Infinity)
    return a.lo === -Infinity ? (a.hi === Infinity ? 0 : a.hi) : a.lo;
  return a.lo + (a.hi - a.lo) / 2;
}

/** a + b rounded down and up (TwoSum error term decides the side). */
function addDown(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s))
    return Number.isNaN(s)
      ? -Infinity
      : s === Infinity && Number.isFinite(a) && Number.isFinite(b)
        ? Number.MAX_VALUE
        : s;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  return err < 0 ? nextDown(s) : s;
}
function addUp(a: number, b: number): number {
  const s = a + b;
  if (!Number.isFinite(s))
    return Number.isNaN(s)
      ? Infinity
      : s === -Infinity && Number.isFinite(a) && Number.isFinite(b)
        ? -Number.MAX_VALUE
        : s;
  const bb = s - a;
  const err = a - (s - bb) + (b - bb);
  return err > 0 ? nextUp(s) : s;
}

const SPLIT = 134217729; // 2^27 + 1
/** Exact error of fl(a·b) (Dekker), or NaN when it cannot be trusted (overflow / underflow range). */
function mulError(a: number, b: number, p: number): number {
  if (!Number.isFinite(p) || Math.abs(a) > 1e150 || Math.abs(b) > 1e150) return Number.NaN;
  if (p !== 0 && Math.abs(p) < 1e-280) return Number.NaN;
  if (p === 0) return a === 0 || b === 0 ? 0 : Number.NaN;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return al * bl - (p - ah * bh - al * bh - ah * bl);
}
function mulDown(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const p = a * b;
  const e = mulError(a, b, p);
  if (Number.isNaN(e)) return Number.isFinite(p) ? nextDown(p) : p === Infinity ? Number.MAX_VALUE : p;
  return e < 0 ? nextDown(p) : p;
}
function mulUp(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  const p = a * b;
  const e = mulError(a, b, p);
  if (Number.isNaN(e)) return Number.isFinite(p) ? nextUp(p) : p === -Infinity ? -Number.MAX_VALUE : p;
  return e > 0 ? nextUp(p) : p;
}

export function add(a: Interval, b: Interval): Interval {
  return iv(addDown(a.lo, b.lo), addUp(a.hi, b.hi));
}

export function neg(a: Interval): Interval {
  return { lo: -a.hi, hi: -a.lo };
}

export function sub(a: Interval, b: Interval): Interval {
  return add(a, neg(b));
}

export function mul(a: Interval, b: Interval): Interval {
  if ((a.lo === 0 && a.hi === 0) || (b.lo === 0 && b.hi === 0)) return ZERO;
  const lo = Math.min(mulDown(a.lo, b.lo), mulDown(a.lo, b.hi), mulDown(a.hi, b.lo), mulDown(a.hi, b.hi));
  const hi = Math.max(mulUp(a.lo, b.lo), mulUp(a.lo, b.hi), mulUp(a.hi, b.lo), mulUp(a.hi, b.hi));
  return iv(Number.isNaN(lo) ? -Infinity : lo, Number.isNaN(hi) ? Infinity : hi);
}

function outward(lo: number, hi: number, ulps: number): Interval {
  for (let i = 0; i < ulps; i++) {
    lo = nextDown(lo);
    hi = nextUp(hi);
  }
  return iv(lo, hi);
}

export function div(a: Interval, b: Interval): Interval {
  if (b.lo <= 0 && b.hi >= 0) throw new IntervalDomainError('division by an interval that contains 0');
  if (a.lo === 0 && a.hi === 0) return ZERO;
  const q = [a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi].filter((x) => !Number.isNaN(x));
  return outward(Math.min(...q), Math.max(...q), 1);
}

export function sqr(a: Interval): Interval {
  if (a.lo >= 0) return iv(mulDown(a.lo, a.lo), mulUp(a.hi, a.hi));
  if (a.hi <= 0) return iv(mulDown(a.hi, a.hi), mulUp(a.lo, a.lo));
  return iv(0, Math.max(mulUp(a.lo, a.lo), mulUp(a.hi, a.hi)));
}

/** a^n for an integer n ≥ 0 (repeated multiplication; even powers through sqr). */
export function powInt(a: Interval, n: number): Interval {
  if (n === 0) return ONE;
  if (n === 1) return a;
  if (n % 2 === 0) return sqr(powInt(a, n / 2));
  return mul(a, powInt(a, n - 1));
}

export function sqrt(a: Interval): Interval {
  if (a.hi < 0) throw new IntervalDomainError(`sqrt of a negative interval [${a.lo}, ${a.hi}]`);
  const lo = a.lo <= 0 ? 0 : Math.sqrt(a.lo);
  const hi = Math.sqrt(a.hi);
  const r = outward(lo, hi, 1);
  return iv(Math.max(0, r.lo), r.hi);
}

export function exp(a: Interval): Interval {
  const r = outward(Math.exp(a.lo), Math.exp(a.hi), 2);
  return iv(Math.max(0, r.lo), r.hi);
}

export function log(a: Interval): Interval {
  if (a.lo <= 0) throw new IntervalDomainError(`log of an interval reaching 0 or below [${a.lo}, ${a.hi}]`);
  return outward(Math.log(a.lo), Math.log(a.hi), 2);
}

export function abs(a: Interval): Interval {
  if (a.lo >= 0) return a;
  if (a.hi <= 0) return neg(a);
  return iv(0, Math.max(-a.lo, a.hi));
}

export function min(a: Interval, b: Interval): Interval {
  return iv(Math.min(a.lo, b.lo), Math.min(a.hi, b.hi));
}

export function max(a: Interval, b: Interval): Interval {
  return iv(Math.max(a.lo, b.lo), Math.max(a.hi, b.hi));
}

/** a^b: integer b (point) by multiplication, else exp(b·log a) for a > 0. */
export function pow(a: Interval, b: Interval): Interval {
  if (isPoint(b) && Number.isInteger(b.lo) && Math.abs(b.lo) <= 64) {
    const n = b.lo;
    return n >= 0 ? powInt(a, n) : div(ONE, powInt(a, -n));
  }
  if (isPoint(b) && b.lo === 0.5) return sqrt(a);
  return exp(mul(b, log(a)));
}

function sinCos(a: Interval, f: (x: number) => number): Interval {
  if (isPoint(a)) {
    const v = f(a.lo);
    const r = outward(v, v, 2);
    return iv(Math.max(-1, r.lo), Math.min(1, r.hi));
  }
  return iv(-1, 1);
}

function monotone(a: Interval, f: (x: number) => number): Interval {
  return outward(f(a.lo), f(a.hi), 2);
}

/** Exact enclosure of a decimal literal (text as written in the expression). */
export function decimal(text: string): Interval {
  const v = Number(text);
  if (!Number.isFinite(v)) throw new IntervalDomainError(`not a finite number: ${text}`);
  return isExactDecimal(text, v) ? iv(v) : outward(v, v, 1);
}

/** Is the float v exactly the decimal written in text? (BigInt comparison of the two rationals.) */
export function isExactDecimal(text: string, v: number): boolean {
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 53 && /^[-+]?\d+$/.test(text.trim())) return true;
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text.trim());
  if (!m) return false;
  const digits = `${m[2]}${m[3] ?? ''}` || '0';
  const exp10 = Number(m[4] ?? 0) - (m[3] ?? '').length;
  if (Math.abs(exp10) > 400) return false;
  // v = M · 2^e exactly
  f64[0] = Math.abs(v);
  const bits = i64[0];
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e2: number;
  if (expBits === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = expBits - 1075;
  }
  // compare digits · 10^exp10 with mant · 2^e2 (signs match by construction of Number())
  let left = BigInt(digits);
  let right = mant;
  if (exp10 >= 0) left *= 10n ** BigInt(exp10);
  else right *= 10n ** BigInt(-exp10);
  if (e2 >= 0) right <<= BigInt(e2);
  else left <<= BigInt(-e2);
  return left === right;
}

export const PI: Interval = iv(nextDown(Math.PI), nextUp(Math.PI));
export const E: Interval = iv(nextDown(Math.E), nextUp(Math.E));

const FUNCTIONS: Record<string, (args: Interval[]) => Interval> = {
  sqrt: ([a]) => sqrt(a),
  exp: ([a]) => exp(a),
  log: ([a, b]) => (b ? div(log(a), log(b)) : log(a)),
  abs: ([a]) => abs(a),
  pow: ([a, b]) => pow(a, b),
  min: (xs) => xs.reduce(min),
  max: (xs) => xs.reduce(max),
  sin: ([a]) => sinCos(a, Math.sin),
  cos: ([a]) => sinCos(a, Math.cos),
  atan: ([a]) => monotone(a, Math.atan),
  tanh: ([a]) => monotone(a, Math.tanh),
  sinh: ([a]) => monotone(a, Math.sinh),
  cbrt: ([a]) => monotone(a, Math.cbrt),
};

export type IntervalScope = Record<string, Interval>;

const parsedCache = new Map<string, MathNode>();

/** Parse once (mathjs parse; never evaluate). */
export function parseExpression(text: string): MathNode {
  let node = parsedCache.get(text);
  if (!node) {
    node = parse(text);
    parsedCache.set(text, node);
  }
  return node;
}

/** Evaluate an expression (text or parsed tree) with interval values for its symbols. */
export function evalInterval(expr: string | MathNode, scope: IntervalScope): Interval {
  const node = typeof expr === 'string' ? parseExpression(expr) : expr;
  return evalNode(node, scope);
}

function evalNode(node: MathNode, scope: IntervalScope): Interval {
  const n = node as unknown as {
    type: string;
    value?: unknown;
    name?: string;
    op?: string;
    fn?: string | { name?: string };
    args?: MathNode[];
    content?: MathNode;
  };
  switch (n.type) {
    case 'ConstantNode': {
      if (typeof n.value === 'number') return decimal(String(n.value));
      if (typeof n.value === 'string') return decimal(n.value);
      throw new IntervalDomainError(`unsupported constant ${String(n.value)}`);
    }
    case 'SymbolNode': {
      const v = scope[n.name!];
      if (v) return v;
      if (n.name === 'pi') return PI;
      if (n.name === 'e') return E;
      throw new IntervalDomainError(`unknown symbol '${n.name}'`);
    }
    case 'ParenthesisNode':
      return evalNode(n.content!, scope);
    case 'OperatorNode': {
      const args = n.args!.map((a) => a);
      const fn = n.fn as string;
      if (args.length === 1) {
        const a = evalNode(args[0], scope);
        if (fn === 'unaryMinus') return neg(a);
        if (fn === 'unaryPlus') return a;
        throw new IntervalDomainError(`unsupported operator ${n.op}`);
      }
      if (fn === 'pow') {
        const base = evalNode(args[0], scope);
        const ex = evalNode(args[1], scope);
        return pow(base, ex);
      }
      const vals = args.map((a) => evalNode(a, scope));
      switch (fn) {
        case 'add':
          return vals.reduce(add);
        case 'subtract':
          return sub(vals[0], vals[1]);
        case 'multiply':
          return vals.reduce(mul);
        case 'divide':
          return div(vals[0], vals[1]);
        default:
          throw new IntervalDomainError(`unsupported operator ${n.op}`);
      }
    }
    case 'FunctionNode': {
      const name = typeof n.fn === 'string' ? n.fn : (n.fn?.name ?? '');
      const f = FUNCTIONS[name];
      if (!f) throw new IntervalDomainError(`unsupported function ${name}`);
      return f(n.args!.map((a) => evalNode(a, scope)));
    }
    default:
      throw new IntervalDomainError(`unsupported expression node ${n.type}`);
  }
}

export function toPair(a: Interval): [number, number] {
  return [a.lo, a.hi];
}
