import { describe, expect, it } from 'vitest';
import { parse } from 'mathjs';
import { constant, divS, monomial, mulS, coefAt, subS, powRealS } from '../../src/symbolic/series.ts';
import { expandScalar } from '../../src/symbolic/expand-scalar.ts';
import { gradAt, taylorShift } from '../../src/symbolic/vector-series.ts';
import { numericallyEqual, isZero } from '../../src/symbolic/cas.ts';

describe('Laurent series in h with symbolic coefficients', () => {
  const cap = 5;
  // k = t/h, momentum (k−1)/(k+r−1) = 1 − r h/t + r(r−1)h²/t² − …
  it('expands (k−1)/(k+r−1) with k = t/h', () => {
    const k = divS(constant('t'), monomial('1', 1), cap);
    expect(k.val).toBe(-1);
    const env = (n: string) => (n === 'k' ? k : n === 'r' ? constant('r') : null);
    const m = expandScalar(parse('(k-1)/(k+r-1)'), env, cap);
    expect(m.val).toBe(0);
    expect(numericallyEqual(coefAt(m, 0), '1')).toBe(true);
    expect(numericallyEqual(coefAt(m, 1), '-r/t')).toBe(true);
    expect(numericallyEqual(coefAt(m, 2), 'r*(r-1)/t^2')).toBe(true);
    expect(numericallyEqual(coefAt(m, 2), 'r^2/t^2')).toBe(false);
    expect(m.prec).toBeLessThanOrEqual(cap); // an infinite series, truncated
  });

  it('takes sqrt(mu*s) with s = h² as √μ·h (h > 0, not |h|), and 1 − β exactly', () => {
    const env = (n: string) => (n === 's' ? monomial('1', 2) : n === 'mu' ? constant('mu') : null);
    const sq = expandScalar(parse('sqrt(mu*s)'), env, cap);
    expect(sq.val).toBe(1);
    expect(sq.coefs.length).toBe(1);
    expect(numericallyEqual(sq.coefs[0], 'sqrt(mu)')).toBe(true);
    const beta = expandScalar(parse('1 - (1 - sqrt(mu*s))/(1 + sqrt(mu*s))'), env, cap);
    expect(beta.val).toBe(1);
    expect(numericallyEqual(coefAt(beta, 1), '2*sqrt(mu)')).toBe(true);
    expect(numericallyEqual(coefAt(beta, 2), '-2*mu')).toBe(true);
  });

  it('rejects fractional powers of h', () => {
    expect(() => powRealS(monomial('1', 1), 0.5, '1/2', cap)).toThrow(/fractional power/);
  });

  it('tracks precision through a product with h^(−1)', () => {
    const a = { ...monomial('1', 0), prec: 4 };
    const p = mulS(a, monomial('t', -1), cap);
    expect(p.prec).toBe(3);
    expect(isZero(coefAt(subS(p, p), -1))).toBe(true);
  });
});

describe('Taylor shifts and the gradient at shifted points', () => {
  it("X(t − 2h) = X − 2hX' + 2h²X'' − …", () => {
    const v = taylorShift(-2, 4);
    expect(numericallyEqual(coefAt(v.terms.get("X'")!, 1), '-2')).toBe(true);
    expect(numericallyEqual(coefAt(v.terms.get("X''")!, 2), '2')).toBe(true);
    expect(numericallyEqual(coefAt(v.terms.get("X'''")!, 3), '-8/6')).toBe(true);
  });
  it("grad(X(t − h)) = ∇f − h∇²f X' + h²(½∇²f X'' + ½D³f[X', X']) + …", () => {
    const g = gradAt(taylorShift(-1, 4), 4, 'test');
    expect(numericallyEqual(coefAt(g.terms.get('grad')!, 0), '1')).toBe(true);
    expect(numericallyEqual(coefAt(g.terms.get("hess*X'")!, 1), '-1')).toBe(true);
    expect(numericallyEqual(coefAt(g.terms.get("hess*X''")!, 2), '1/2')).toBe(true);
    expect(numericallyEqual(coefAt(g.terms.get("d3f[X',X']")!, 2), '1/2')).toBe(true);
    expect(g.prec).toBe(4);
  });
});
