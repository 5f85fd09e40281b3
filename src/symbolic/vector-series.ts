/**
 * Vector quantities of the derivation as linear combinations of formal vectors with series
 * coefficients: X^{(j)}(t) (keys "X", "X'", "X''", …), ∇f(X) ("grad"), ∇²f(X)·V ("hess*" + key of V)
 * and higher derivatives D^m f(X)[V1,…,V(m−1)] ("d3f[V1,V2]", …). ∇f and ∇²f stay formal symbols.
 */
import * as C from './cas.ts';
import {
  SeriesError,
  addS,
  coefAt,
  isZeroSeries,
  monomial,
  mulS,
  scaleS,
  subS,
  constant,
  type Series,
} from './series.ts';

export interface VectorSeries {
  terms: Map<string, Series>;
  /** The whole vector is known up to O(h^prec), keys not present included. */
  prec: number;
}

export function derivativeKey(j: number): string {
  return 'X' + "'".repeat(j);
}
/** j for a key "X", "X'", …; null for other keys. */
export function derivativeOrder(key: string): number | null {
  const m = /^X('*)$/.exec(key);
  return m ? m[1].length : null;
}

function minVal(a: VectorSeries): number {
  let v = Infinity;
  for (const [, s] of a.terms) if (s.coefs.length > 0) v = Math.min(v, s.val);
  return v;
}

export function addV(a: VectorSeries, b: VectorSeries, cap: number): VectorSeries {
  const terms = new Map(a.terms);
  for (const [k, s] of b.terms) {
    const prev = terms.get(k);
    terms.set(k, prev ? addS(prev, s, cap) : s);
  }
  return { terms, prec: Math.min(a.prec, b.prec, cap) };
}

export function scaleV(a: VectorSeries, c: Series, cap: number): VectorSeries {
  const terms = new Map<string, Series>();
  for (const [k, s] of a.terms) terms.set(k, mulS(s, c, cap));
  const cv = c.coefs.length > 0 ? c.val : c.prec;
  return { terms, prec: Math.min(a.prec + cv, c.prec + minVal(a), cap) };
}

/** Largest order up to which every coefficient is known. */
export function precisionV(a: VectorSeries): number {
  let p = a.prec;
  for (const [, s] of a.terms) p = Math.min(p, s.prec);
  return p;
}

/** Taylor series of X(t + j h) = Σ_n (j h)^n / n! X^{(n)}(t) up to O(h^cap). */
export function taylorShift(j: number, cap: number): VectorSeries {
  const out = new Map<string, Series>();
  let fact = 1;
  for (let n = 0; n < cap; n++) {
    if (n > 0) fact *= n;
    const c = j === 0 ? (n === 0 ? '1' : '0') : C.num(`${Math.pow(j, n)}/${fact}`);
    out.set(derivativeKey(n), { ...monomial(c, n), prec: cap });
  }
  return { terms: out, prec: cap };
}

/** Keys sorted for a symmetric multilinear form. */
function multilinearKey(m: number, keys: string[]): string {
  if (m === 1) return `hess*${keys[0]}`;
  return `d${m + 1}f[${[...keys].sort().join(',')}]`;
}

/**
 * grad f(Y) for Y = X + δ with δ → 0 as h → 0:
 *   ∇f(X) + ∇²f(X)δ + (1/2) D³f(X)[δ, δ] + …  (terms up to O(h^cap)).
 * Throws when Y does not tend to X(t) (the argument of grad must be a consistent point).
 */
export function gradAt(Y: VectorSeries, cap: number, where: string): VectorSeries {
  const delta = new Map<string, Series>();
  for (const [k, s] of Y.terms) {
    const d = k === 'X' ? subS(s, constant(C.ONE), cap) : s;
    if (isZeroSeries(d)) continue;
    if (d.val <= 0) {
      const why =
        k === 'X' ? 'X(t) coefficient tends to ' + C.add(coefAt(s, 0), '0') : k + ' term does not vanish';
      throw new SeriesError(`${where}: the argument of grad does not tend to X(t) as h → 0 (its ${why})`);
    }
    delta.set(k, d);
  }
  const out = new Map<string, Series>([['grad', constant(C.ONE)]]);
  const keys = [...delta.keys()];
  const lowest = Math.min(...keys.map((k) => delta.get(k)!.val));
  // m-th order term: (1/m!) D^{m+1} f[δ,…,δ] = Σ over multisets of keys of size m, coefficient 1/Π mult!
  for (let m = 1; keys.length > 0 && m * lowest < cap; m++) {
    for (const combo of multisets(keys.length, m)) {
      let s: Series = constant(C.ONE);
      let denom = 1;
      const counts = new Map<number, number>();
      for (const i of combo) counts.set(i, (counts.get(i) ?? 0) + 1);
      for (const [, c] of counts) for (let q = 2; q <= c; q++) denom *= q;
      for (const i of combo) s = mulS(s, delta.get(keys[i])!, cap);
      if (denom !== 1) s = scaleS(s, C.num(`1/${denom}`));
      if (isZeroSeries(s) && s.prec >= cap) continue;
      const key = multilinearKey(
        m,
        combo.map((i) => keys[i]),
      );
      const prev = out.get(key);
      out.set(key, prev ? addS(prev, s, cap) : s);
    }
  }
  // Terms of order m with m·minVal ≥ cap were dropped; an error O(h^p) in δ stays O(h^p).
  const prec = Math.min(cap, precisionV(Y));
  for (const [k, s] of out) out.set(k, { ...s, prec: Math.min(s.prec, prec) });
  return { terms: out, prec };
}

/** Non-decreasing index tuples of length m over [0, n). */
function* multisets(n: number, m: number, from = 0): Generator<number[]> {
  if (m === 0) {
    yield [];
    return;
  }
  for (let i = from; i < n; i++) for (const rest of multisets(n, m - 1, i)) yield [i, ...rest];
}
