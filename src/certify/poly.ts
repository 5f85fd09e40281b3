/**
 * Polynomials with interval coefficients (a[j] multiplies z^j) and the two stability tests of the
 * certificates, both reduced to sign conditions:
 * - Routh–Hurwitz: every root of p has Re z < 0 ⟺ (lead > 0 after a sign change) every coefficient
 *   > 0 and the Hurwitz minors Δ_2 … Δ_{n−1} > 0. Conversely a coefficient or a minor < 0 (lead > 0)
 *   puts a root in Re z > 0 (the closed left half-plane is the closure of the Hurwitz set, on which
 *   every coefficient and minor is ≥ 0).
 * - Schur (|z| < 1) through the Möbius map z = (1 + w)/(1 − w): q(w) = Σ a_k (1 + w)^k (1 − w)^(n−k)
 *   is Hurwitz ⟺ p is Schur stable; a root of q in Re w > 0 is a root of p with |z| > 1.
 * Rates become these tests on a shifted or scaled polynomial: Re z < −c ⟺ p(w − c) Hurwitz,
 * |z| < ρ ⟺ p(ρ w) Schur.
 */
import {
  ONE,
  ZERO,
  add,
  div,
  iv,
  mul,
  neg,
  sqr,
  sqrt,
  sub,
  type Interval,
  type IntervalScope,
} from './interval.ts';
import { evalPoly, inlineDefs, mpolyRange, mpolyRing, type MPoly, type Ring } from './mpoly.ts';

export type IPoly = Interval[];

export function polyMul(a: IPoly, b: IPoly): IPoly {
  const out: IPoly = new Array(a.length + b.length - 1).fill(ZERO);
  for (let i = 0; i < a.length; i++)
    for (let j = 0; j < b.length; j++) out[i + j] = add(out[i + j], mul(a[i], b[j]));
  return out;
}

/** q(w) = p(w − c), by Horner in polynomials: q = (…(a_n (w − c) + a_{n−1})(w − c) + …). */
export function shiftPoly(p: IPoly, c: Interval): IPoly {
  const lin: IPoly = [neg(c), ONE];
  let q: IPoly = [p[p.length - 1]];
  for (let j = p.length - 2; j >= 0; j--) {
    q = polyMul(q, lin);
    q[0] = add(q[0], p[j]);
  }
  return q;
}

/** Möbius image q(w) = Σ a_k (1 + w)^k (1 − w)^(n−k) (unit disk → left half-plane). */
export function mobiusPoly(p: IPoly): IPoly {
  const n = p.length - 1;
  let out: IPoly = new Array(n + 1).fill(ZERO);
  for (let k = 0; k <= n; k++) {
    let term: IPoly = [p[k]];
    for (let i = 0; i < k; i++) term = polyMul(term, [ONE, ONE]);
    for (let i = 0; i < n - k; i++) term = polyMul(term, [ONE, iv(-1)]);
    out = out.map((a, j) => add(a, term[j] ?? ZERO));
  }
  return out;
}

/** Determinant of a small interval matrix by cofactor expansion along the first row. */
export function detInterval(m: Interval[][]): Interval {
  const n = m.length;
  if (n === 0) return ONE;
  if (n === 1) return m[0][0];
  if (n === 2) return sub(mul(m[0][0], m[1][1]), mul(m[0][1], m[1][0]));
  let s = ZERO;
  for (let j = 0; j < n; j++) {
    const a = m[0][j];
    if (a.lo === 0 && a.hi === 0) continue;
    const minor = m.slice(1).map((row) => row.filter((_, c) => c !== j));
    const t = mul(a, detInterval(minor));
    s = j % 2 === 0 ? add(s, t) : sub(s, t);
  }
  return s;
}

/** One sign condition: a named quantity that must be > 0. */
export interface SignCondition {
  name: string;
  value: Interval;
}

/**
 * The Routh–Hurwitz conditions of p (ascending coefficients): the leading coefficient, every
 * coefficient, and the Hurwitz minors Δ_2 … Δ_{n−1}, each as "must be > 0" after multiplying p by
 * the sign of its leading coefficient (the sign must be certain, else the lead itself is the only
 * condition returned, undecided).
 */
export function hurwitzConditions(p: IPoly): SignCondition[] {
  let q = p.slice();
  while (q.length > 1 && q[q.length - 1].lo === 0 && q[q.length - 1].hi === 0) q.pop();
  const n = q.length - 1;
  const lead = q[n];
  if (lead.lo <= 0 && lead.hi >= 0) return [{ name: 'leading coefficient', value: lead }];
  if (lead.hi < 0) q = q.map(neg);
  const out: SignCondition[] = [{ name: `a${n} (lead)`, value: q[n] }];
  for (let j = n - 1; j >= 0; j--) out.push({ name: `a${j}`, value: q[j] });
  // descending b_0 = a_n, …, b_n = a_0; Hurwitz matrix H_ij = b_{2j−i} (1-based)
  const b = (k: number): Interval => (k < 0 || k > n ? ZERO : q[n - k]);
  for (let k = 2; k <= n - 1; k++) {
    const H: Interval[][] = [];
    for (let i = 1; i <= k; i++) {
      const row: Interval[] = [];
      for (let j = 1; j <= k; j++) row.push(b(2 * j - i));
      H.push(row);
    }
    out.push({ name: `Hurwitz minor Δ${k}`, value: detInterval(H) });
  }
  return out;
}

/** Characteristic polynomial det(zI − T) of an interval matrix (Faddeev–LeVerrier). */
export function charPoly(T: Interval[][]): IPoly {
  const n = T.length;
  if (n === 1) return [neg(T[0][0]), ONE];
  if (n === 2) {
    const tr = add(T[0][0], T[1][1]);
    const det = sub(mul(T[0][0], T[1][1]), mul(T[0][1], T[1][0]));
    return [det, neg(tr), ONE];
  }
  return faddeev(T, false);
}

/**
 * Faddeev–LeVerrier on an interval matrix: M_k = T·M_{k−1} + c_{n−k+1} I, c_{n−k} = −tr(T·M_k)/k.
 * With `skipZeros` the entries of T that are exactly 0 take no part in the sums (a companion matrix
 * has O(n) others: O(nnz·n²) instead of O(n⁴), and no outward rounding of the zero terms).
 */
function faddeev(T: Interval[][], skipZeros: boolean): IPoly {
  const n = T.length;
  const nz = T.map((row) =>
    row.flatMap((a, l): Array<[number, Interval]> => (skipZeros && a.lo === 0 && a.hi === 0 ? [] : [[l, a]])),
  );
  const c: Interval[] = new Array(n + 1).fill(ZERO);
  c[n] = ONE;
  let M: Interval[][] = T.map((row) => row.map(() => ZERO));
  for (let k = 1; k <= n; k++) {
    const next: Interval[][] = [];
    for (let i = 0; i < n; i++) {
      const row: Interval[] = [];
      for (let j = 0; j < n; j++) {
        let s = i === j ? c[n - k + 1] : ZERO;
        for (const [l, a] of nz[i]) s = add(s, mul(a, M[l][j]));
        row.push(s);
      }
      next.push(row);
    }
    M = next;
    let tr = ZERO;
    for (let i = 0; i < n; i++) for (const [l, a] of nz[i]) tr = add(tr, mul(a, M[l][i]));
    c[n - k] = neg(div(tr, iv(k)));
  }
  return c;
}

/** Characteristic polynomial det(zI − T) over a ring (Faddeev–LeVerrier; divisions by k only). */
export function charPolyRing<T>(T: T[][], R: Ring<T>): T[] {
  const n = T.length;
  const c: T[] = new Array(n + 1).fill(R.zero);
  c[n] = R.one;
  let M: T[][] = T.map((row) => row.map(() => R.zero));
  for (let k = 1; k <= n; k++) {
    const next: T[][] = [];
    for (let i = 0; i < n; i++) {
      const row: T[] = [];
      for (let j = 0; j < n; j++) {
        let s = i === j ? c[n - k + 1] : R.zero;
        for (let l = 0; l < n; l++) s = R.add(s, R.mul(T[i][l], M[l][j]));
        row.push(s);
      }
      next.push(row);
    }
    M = next;
    let tr = R.zero;
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) tr = R.add(tr, R.mul(T[i][l], M[l][i]));
    c[n - k] = R.neg(R.scale(tr, div(ONE, iv(k))));
  }
  return c;
}

/** Raised when the certified analysis would exceed its deterministic size or work limits. */
export class CertifiedLimitError extends Error {
  override name = 'CertifiedLimitError';
}

/**
 * Highest order (size of the companion matrix, degree of its characteristic polynomial) that the
 * certified Schur–Cohn path takes: its Hurwitz minors are determinants of order up to n − 1 in
 * polynomials of the box variables and ε (memoised cofactor expansion, about n·2^n products of
 * polynomials whose size grows with n). Deterministic: the same model gives the same verdict.
 */
export const MAX_CERTIFIED_ORDER = 12;
/**
 * Most coefficient products (terms × terms of the polynomial products) spent on the Hurwitz minors
 * of one Möbius image — the bound on work when a parameter box adds variables to the polynomials.
 */
export const MAX_MINOR_WORK = 4e6;

/** A deterministic count of work done against a limit. */
export interface WorkBudget {
  used: number;
  limit: number;
  reason: () => string;
}

/**
 * Determinant by cofactor expansion along the first row, with the minors memoised by their column
 * set (every minor met in the expansion is rows r…n−1 of m on a subset of the columns, r = n − |set|):
 * the same operations, in the same order, as the plain recursion — bit for bit the same result — but
 * about n·2^n ring products instead of n!. Zero entries (the empty polynomial) contribute nothing and
 * are skipped, as the plain recursion would add an empty product.
 */
export function detRing<T>(m: T[][], R: Ring<T>, budget?: WorkBudget): T {
  const n = m.length;
  if (n === 0) return R.one;
  const memo = new Map<number, T>();
  const rec = (cols: number[], mask: number): T => {
    const r = n - cols.length;
    if (cols.length === 1) return m[r][cols[0]];
    const hit = memo.get(mask);
    if (hit !== undefined) return hit;
    let s = R.zero;
    for (let j = 0; j < cols.length; j++) {
      const a = m[r][cols[j]];
      if (R.isZero?.(a)) continue;
      const minor = rec(cols.slice(0, j).concat(cols.slice(j + 1)), mask & ~(1 << cols[j]));
      if (budget && R.size) {
        budget.used += R.size(a) * R.size(minor);
        if (budget.used > budget.limit) throw new CertifiedLimitError(budget.reason());
      }
      const t = R.mul(a, minor);
      s = R.add(s, j % 2 === 0 ? t : R.neg(t));
    }
    memo.set(mask, s);
    return s;
  };
  if (n > 30) throw new Error(`detRing: order ${n} is beyond the memoised expansion`);
  return rec(
    Array.from({ length: n }, (_, j) => j),
    (2 ** n - 1) | 0,
  );
}

/**
 * Schur conditions of a companion matrix T(λ, box) against the radius σ = 1 − ε, with every step
 * (characteristic polynomial, p((1 − ε)w), Möbius map, Hurwitz minors) done on polynomials in the
 * box variables and ε, collected exactly, and only then ranged over the box (mpoly.ts). The same
 * conditions as hurwitzConditions(mobiusPoly(scalePoly(charPoly(T), σ))), far tighter on wide boxes.
 */
export function schurConditionsPoly(
  matrix: string[][],
  defs: Array<[string, string]>,
  vars: string[],
  ranges: Interval[],
  eps: Interval,
  scope: IntervalScope,
): SignCondition[] {
  if (matrix.length > MAX_CERTIFIED_ORDER)
    throw new CertifiedLimitError(
      `the model has order ${matrix.length}; the certified analysis (Schur–Cohn conditions through the Hurwitz minors of the Möbius image) handles order ≤ ${MAX_CERTIFIED_ORDER}`,
    );
  const allVars = [...vars, '_eps'];
  const allRanges = [...ranges, eps];
  const R = mpolyRing(allVars.length);
  // The polynomials do not depend on the box unless a non-polynomial term had to be ranged: cache.
  const defNames = new Set(defs.map(([k]) => k));
  const key = JSON.stringify([
    matrix,
    defs,
    allVars,
    Object.entries(scope).filter(([k]) => !allVars.includes(k) && !defNames.has(k)),
  ]);
  let polys = schurCache.get(key);
  if (!polys) {
    const flags = { ranged: false };
    polys = schurPolynomials(matrix, defs, allVars, allRanges, scope, R, flags);
    if (!flags.ranged) {
      if (schurCache.size > 64) schurCache.clear();
      schurCache.set(key, polys);
    }
  }
  return schurSigns(polys, allRanges, R);
}

const schurCache = new Map<string, MPoly[]>();

/** q(w) of the Möbius image, as polynomials in the box variables and ε. */
function schurPolynomials(
  matrix: string[][],
  defs: Array<[string, string]>,
  allVars: string[],
  allRanges: Interval[],
  scope: IntervalScope,
  R: ReturnType<typeof mpolyRing>,
  flags: { ranged: boolean },
): MPoly[] {
  const T = matrix.map((row) =>
    row.map((e) => evalPoly(inlineDefs(e, defs), allVars, allRanges, scope, flags)),
  );
  const p = charPolyRing(T, R);
  const n = p.length - 1;
  const sigma = R.add(R.one, R.neg(R.variable(allVars.length - 1)));
  let sk = R.one;
  const scaled = p.map((a) => {
    const t = R.mul(a, sk);
    sk = R.mul(sk, sigma);
    return t;
  });
  // Möbius: q(w) = Σ a_k (1 + w)^k (1 − w)^(n−k), coefficients by integer convolution
  let q: MPoly[] = new Array(n + 1).fill(R.zero);
  for (let k = 0; k <= n; k++) {
    let basis: number[] = [1];
    for (let i = 0; i < k; i++) basis = basis.map((x, j) => x + (basis[j - 1] ?? 0)).concat([1]);
    for (let i = 0; i < n - k; i++)
      basis = basis.map((x, j) => x - (basis[j - 1] ?? 0)).concat([-basis[basis.length - 1]]);
    q = q.map((acc, j) => (basis[j] ? R.add(acc, R.scale(scaled[k], iv(basis[j]))) : acc));
  }
  return q;
}

/** Sign conditions of the Möbius image over the box (lead normalised, coefficients, Hurwitz minors). */
function schurSigns(polys: MPoly[], allRanges: Interval[], R: ReturnType<typeof mpolyRing>): SignCondition[] {
  let q = polys.slice();
  const range = (x: MPoly) => mpolyRange(x, allRanges);
  while (q.length > 1 && q[q.length - 1].size === 0) q.pop();
  const m = q.length - 1;
  const lead = range(q[m]);
  if (lead.lo <= 0 && lead.hi >= 0) return [{ name: 'leading coefficient', value: lead }];
  if (lead.hi < 0) q = q.map((x) => R.neg(x));
  const out: SignCondition[] = [{ name: `a${m} (lead)`, value: range(q[m]) }];
  for (let j = m - 1; j >= 0; j--) out.push({ name: `a${j}`, value: range(q[j]) });
  // The minors are polynomials in the box variables: computed once per (cached) polynomial list and sign.
  const sign = lead.hi < 0 ? 'neg' : 'pos';
  let perSign = minorCache.get(polys);
  if (!perSign) minorCache.set(polys, (perSign = {}));
  let minors = perSign[sign];
  if (!minors) {
    minors = [];
    const budget: WorkBudget = {
      used: 0,
      limit: MAX_MINOR_WORK,
      reason: () =>
        `the Hurwitz minors of the order-${m} Möbius image need more than ${MAX_MINOR_WORK} coefficient products (the certified analysis' work limit)`,
    };
    const b = (k: number): MPoly => (k < 0 || k > m ? R.zero : q[m - k]);
    for (let k = 2; k <= m - 1; k++) {
      const H: MPoly[][] = [];
      for (let i = 1; i <= k; i++) {
        const row: MPoly[] = [];
        for (let j = 1; j <= k; j++) row.push(b(2 * j - i));
        H.push(row);
      }
      minors.push(detRing(H, R, budget));
    }
    perSign[sign] = minors;
  }
  minors.forEach((minor, i) => out.push({ name: `Hurwitz minor Δ${i + 2}`, value: range(minor) }));
  return out;
}
const minorCache = new WeakMap<MPoly[], { pos?: MPoly[]; neg?: MPoly[] }>();

/**
 * Characteristic polynomial det(zI − T) of an interval matrix by Faddeev–LeVerrier, skipping the
 * entries of T that are exactly 0 (a companion matrix has O(n) others): O(nnz·n²) instead of O(n⁴).
 */
export function charPolySparse(T: Interval[][]): IPoly {
  return faddeev(T, true);
}

interface CInterval {
  re: Interval;
  im: Interval;
}

function magUp(c: CInterval): number {
  const m = (a: Interval) => Math.max(Math.abs(a.lo), Math.abs(a.hi));
  return sqrt(add(sqr(iv(m(c.re))), sqr(iv(m(c.im))))).hi;
}

function migDown(c: CInterval): number {
  const g = (a: Interval) => (a.lo > 0 ? a.lo : a.hi < 0 ? -a.hi : 0);
  return sqrt(add(sqr(iv(g(c.re))), sqr(iv(g(c.im))))).lo;
}

/** Taylor coefficients of p at the point x + iy (floats, exact): p(x + iy + h) = Σ c_j h^j (repeated synthetic division). */
function taylorAt(p: IPoly, x: number, y: number): CInterval[] {
  const X = iv(x);
  const Y = iv(y);
  let cur: CInterval[] = p.map((a) => ({ re: a, im: ZERO }));
  const out: CInterval[] = [];
  while (cur.length > 0) {
    const n = cur.length - 1;
    const q: CInterval[] = new Array<CInterval>(n);
    let acc = cur[n];
    for (let j = n - 1; j >= 0; j--) {
      q[j] = acc;
      acc = {
        re: add(cur[j].re, sub(mul(acc.re, X), mul(acc.im, Y))),
        im: add(cur[j].im, add(mul(acc.re, Y), mul(acc.im, X))),
      };
    }
    out.push(acc);
    cur = q;
  }
  return out;
}

/**
 * Rouché's theorem on the disk |z − z*| < r, z* = x + iy: with p(z* + h) = c0 + c1·h + Σ_{j≥2} c_j h^j,
 * if |c1|·r − |c0| > Σ_{j≥2} |c_j| r^j (lower and upper bounds in interval arithmetic, over every
 * polynomial of the interval family p), then p has exactly one root in the disk (as c0 + c1·h does).
 * Returns the first radius of `radii` for which the inequality is certain, else null.
 */
export function isolateRoot(p: IPoly, x: number, y: number, radii: number[]): number | null {
  const c = taylorAt(p, x, y);
  const c0 = magUp(c[0]);
  const c1 = migDown(c[1] ?? { re: ZERO, im: ZERO });
  for (const r of radii) {
    if (!(r > 0)) continue;
    const R = iv(r);
    let rest = ZERO;
    let rj = mul(R, R);
    for (let j = 2; j < c.length; j++) {
      rest = add(rest, mul(iv(magUp(c[j])), rj));
      rj = mul(rj, R);
    }
    const lower = sub(mul(iv(c1), R), iv(c0)).lo;
    if (lower > 0 && lower > rest.hi) return r;
  }
  return null;
}

/** A lower bound of |x + iy| (floats). */
export function modulusDown(x: number, y: number): number {
  return sqrt(add(sqr(iv(x)), sqr(iv(y)))).lo;
}
