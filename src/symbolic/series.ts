/**
 * Truncated Laurent series in the time increment h with symbolic coefficients:
 *   Σ_i coefs[i] h^(val+i) + O(h^prec)
 * (prec = Infinity for an exact finite sum). Arithmetic tracks precision, so a product with a
 * series starting at h^(−1) (k = t/h) knows it lost one order. Every inexact operation stops at the
 * absolute order `cap` (O(h^cap)); the caller raises the cap when the result is not precise enough.
 */
import * as C from './cas.ts';
import type { Coef } from './cas.ts';

export interface Series {
  val: number;
  coefs: Coef[];
  prec: number;
}

export class SeriesError extends Error {
  override name = 'SeriesError';
}

export function constant(c: Coef): Series {
  return normalize({ val: 0, coefs: [c], prec: Infinity });
}
export function monomial(c: Coef, power: number): Series {
  return normalize({ val: power, coefs: [c], prec: Infinity });
}
export const ZERO_SERIES: Series = { val: 0, coefs: [], prec: Infinity };

/** Drop leading zero coefficients and everything at or beyond prec. */
export function normalize(s: Series): Series {
  let { val } = s;
  const coefs = s.coefs.slice(0, Number.isFinite(s.prec) ? Math.max(0, s.prec - s.val) : s.coefs.length);
  while (coefs.length > 0 && C.isZero(coefs[0])) {
    coefs.shift();
    val++;
  }
  while (coefs.length > 0 && C.isZero(coefs[coefs.length - 1])) coefs.pop();
  if (coefs.length === 0) return { val: Number.isFinite(s.prec) ? s.prec : 0, coefs: [], prec: s.prec };
  return { val, coefs: coefs.map((c) => (C.isZero(c) ? C.ZERO : c)), prec: s.prec };
}

export function isZeroSeries(s: Series): boolean {
  return s.coefs.length === 0;
}

/** Coefficient of h^n (only meaningful for n < prec). */
export function coefAt(s: Series, n: number): Coef {
  const i = n - s.val;
  return i >= 0 && i < s.coefs.length ? s.coefs[i] : C.ZERO;
}

function withCap(s: Series, cap: number): Series {
  return normalize({ ...s, prec: Math.min(s.prec, cap) });
}

/** Exact (finite) results stay exact; only a result already known to O(h^p) is cut at the cap. */
function capped(prec: number, cap: number): number {
  return Number.isFinite(prec) ? Math.min(prec, cap) : prec;
}

export function addS(a: Series, b: Series, cap = Infinity): Series {
  const prec = capped(Math.min(a.prec, b.prec), cap);
  const lo = Math.min(a.coefs.length ? a.val : Infinity, b.coefs.length ? b.val : Infinity);
  if (!Number.isFinite(lo)) return { val: Number.isFinite(prec) ? prec : 0, coefs: [], prec };
  const hi = Math.max(a.val + a.coefs.length, b.val + b.coefs.length);
  const coefs: Coef[] = [];
  for (let n = lo; n < Math.min(hi, prec); n++) coefs.push(C.add(coefAt(a, n), coefAt(b, n)));
  return normalize({ val: lo, coefs, prec });
}

export function scaleS(a: Series, c: Coef): Series {
  if (C.isZero(c)) return { ...ZERO_SERIES };
  return normalize({ val: a.val, coefs: a.coefs.map((x) => C.mul(x, c)), prec: a.prec });
}

export function negS(a: Series): Series {
  return { val: a.val, coefs: a.coefs.map(C.neg), prec: a.prec };
}

export function subS(a: Series, b: Series, cap = Infinity): Series {
  return addS(a, negS(b), cap);
}

export function mulS(a: Series, b: Series, cap = Infinity): Series {
  if (a.coefs.length === 0 && b.coefs.length === 0) {
    const prec = Math.min(a.prec + b.val, b.prec + a.val, cap);
    return { val: Number.isFinite(prec) ? prec : 0, coefs: [], prec };
  }
  const prec = capped(Math.min(a.val + b.prec, b.val + a.prec), cap);
  const val = a.val + b.val;
  const coefs: Coef[] = [];
  for (let n = val; n < Math.min(prec, val + a.coefs.length + b.coefs.length - 1); n++) {
    let acc: Coef = C.ZERO;
    for (let i = 0; i < a.coefs.length; i++) {
      const j = n - val - i;
      if (j >= 0 && j < b.coefs.length) acc = C.add(acc, C.mul(a.coefs[i], b.coefs[j]));
    }
    coefs.push(acc);
  }
  return normalize({ val, coefs, prec });
}

/** 1/b, needs a non-zero leading coefficient. */
export function invS(b: Series, cap: number): Series {
  if (b.coefs.length === 0) throw new SeriesError('division by a series that vanishes to the computed order');
  const b0 = b.coefs[0];
  const relPrec = b.prec - b.val; // relative precision of b
  const val = -b.val;
  const prec = Math.min(val + relPrec, cap);
  const inv: Coef[] = [C.div(C.ONE, b0)];
  for (let n = 1; val + n < prec; n++) {
    let acc: Coef = C.ZERO;
    for (let i = 1; i <= n && i < b.coefs.length; i++) acc = C.add(acc, C.mul(b.coefs[i], inv[n - i]));
    inv.push(C.neg(C.div(acc, b0)));
  }
  return normalize({ val, coefs: inv, prec });
}

export function divS(a: Series, b: Series, cap: number): Series {
  return mulS(a, invS(b, cap), cap);
}

/** a^n for an integer n. */
export function powIntS(a: Series, n: number, cap: number): Series {
  if (n === 0) return constant(C.ONE);
  if (n < 0) return invS(powIntS(a, -n, cap), cap);
  let out = a;
  for (let i = 1; i < n; i++) out = mulS(out, a, cap);
  return withCap(out, cap);
}

/**
 * f(a) for a series a = h^v·a0·(1 + u), u = O(h), through the binomial / exponential / logarithm
 * series of the normalised part. `power` (a real exponent) needs v·power to be an integer.
 */
export function powRealS(a: Series, p: number, pText: Coef, cap: number): Series {
  if (Number.isInteger(p)) return powIntS(a, p, cap);
  if (a.coefs.length === 0) throw new SeriesError('power of a series that vanishes to the computed order');
  const lead = a.val * p;
  if (Math.abs(lead - Math.round(lead)) > 1e-12) {
    throw new SeriesError(
      `a fractional power of h appears (h^${a.val} raised to ${pText}); choose a time scale with integer powers`,
    );
  }
  const a0 = a.coefs[0];
  const uShift = normalize({
    val: 1,
    coefs: a.coefs.slice(1).map((c) => C.div(c, a0)),
    prec: a.prec - a.val,
  });
  // (1 + u)^p = Σ binom(p, n) u^n
  const relCap = cap - Math.round(lead);
  let sum = constant(C.ONE);
  let term = constant(C.ONE);
  let binom: Coef = C.ONE;
  for (let n = 1; n < relCap; n++) {
    term = mulS(term, uShift, relCap);
    binom = C.mul(binom, C.div(C.sub(pText, C.num(n - 1)), C.num(n)));
    sum = addS(sum, scaleS(term, binom), relCap);
  }
  sum = withCap(sum, Math.min(relCap, uShift.prec));
  const leadCoef = C.canon(`(${a0})^(${pText})`);
  return withCap(scaleS(shift(sum, Math.round(lead)), leadCoef), cap);
}

export function shift(a: Series, n: number): Series {
  return { val: a.val + n, coefs: a.coefs, prec: a.prec + n };
}

export function expS(a: Series, cap: number): Series {
  if (a.coefs.length > 0 && a.val < 0) throw new SeriesError('exp of a series with negative powers of h');
  const c0 = coefAt(a, 0);
  const u = subS(a, constant(c0));
  let sum = constant(C.ONE);
  let term = constant(C.ONE);
  for (let n = 1; n < cap; n++) {
    term = scaleS(mulS(term, u, cap), C.div(C.ONE, C.num(n)));
    sum = addS(sum, term, cap);
  }
  return withCap(scaleS(sum, C.canon(`exp(${c0})`)), Math.min(cap, a.prec));
}

export function logS(a: Series, cap: number): Series {
  if (a.coefs.length === 0 || a.val !== 0)
    throw new SeriesError('log of a series that does not tend to a non-zero constant');
  const a0 = a.coefs[0];
  const u = scaleS(subS(a, constant(a0)), C.div(C.ONE, a0));
  let sum: Series = constant(C.canon(`log(${a0})`));
  let term = constant(C.ONE);
  for (let n = 1; n < cap; n++) {
    term = mulS(term, u, cap);
    sum = addS(sum, scaleS(term, C.num(n % 2 === 1 ? `1/${n}` : `-1/${n}`)), cap);
  }
  return withCap(sum, Math.min(cap, a.prec));
}
