import { describe, expect, it } from 'vitest';
import {
  add,
  decimal,
  div,
  evalInterval,
  exp,
  iv,
  log,
  mul,
  nextDown,
  nextUp,
  sqrt,
  sub,
} from '../../src/certify/interval.ts';
import { charPoly, hurwitzConditions, mobiusPoly, shiftPoly } from '../../src/certify/poly.ts';

describe('outward-rounded intervals', () => {
  it('exact operations stay exact, inexact ones enclose the true value', () => {
    expect(add(iv(0.5), iv(0.25))).toEqual({ lo: 0.75, hi: 0.75 });
    expect(sub(mul(iv(2), iv(0.1)), mul(iv(2), iv(0.1)))).toEqual({ lo: 0, hi: 0 });
    const s = add(iv(0.1), iv(0.2)); // 0.1 + 0.2 ≠ 0.3 in floats: the true sum of the two floats is enclosed
    expect(s.lo).toBeLessThanOrEqual(0.30000000000000004);
    expect(s.hi - s.lo).toBeLessThanOrEqual(nextUp(0.3) - nextDown(0.3));
    expect(decimal('0.5')).toEqual({ lo: 0.5, hi: 0.5 });
    const d = decimal('0.1');
    expect(d.lo < 0.1 || d.hi > 0.1).toBe(true);
    const third = div(iv(1), iv(3));
    expect(third.lo).toBeLessThan(third.hi);
    expect(sqrt(iv(4))).toMatchObject({ lo: expect.any(Number) });
    expect(sqrt(iv(4)).lo).toBeLessThanOrEqual(2);
    expect(sqrt(iv(4)).hi).toBeGreaterThanOrEqual(2);
    expect(exp(log(iv(3))).lo).toBeLessThanOrEqual(3);
    expect(exp(log(iv(3))).hi).toBeGreaterThanOrEqual(3);
    expect(() => log(iv(-1, 1))).toThrow(/log/);
    expect(() => div(iv(1), iv(-1, 1))).toThrow(/division/);
  });

  it('evaluates expressions and the stability tests', () => {
    const v = evalInterval('2*sqrt(lambda0) - sqrt(4*lambda0)', { lambda0: iv(0.25) });
    expect(v.lo).toBeLessThanOrEqual(0);
    expect(v.hi).toBeGreaterThanOrEqual(0);
    // z² + 2z + 1 = (z + 1)²: roots −1; shifted by c = 0.5 → (w − 0.5)²·… has a root with Re > 0
    const p = [iv(1), iv(2), iv(1)];
    expect(hurwitzConditions(p).every((c) => c.value.lo > 0)).toBe(true);
    expect(hurwitzConditions(shiftPoly(p, iv(1.5))).some((c) => c.value.hi < 0)).toBe(true);
    // z² − 0.25: roots ±0.5 inside the unit disk → Möbius image Hurwitz; z² − 4: outside
    expect(hurwitzConditions(mobiusPoly([iv(-0.25), iv(0), iv(1)])).every((c) => c.value.lo > 0)).toBe(true);
    expect(hurwitzConditions(mobiusPoly([iv(-4), iv(0), iv(1)])).some((c) => c.value.hi < 0)).toBe(true);
    // third-order: (z + 1)³ is Hurwitz; a Hurwitz minor catches z³ + z² + z + 2 (roots with Re > 0)
    expect(hurwitzConditions([iv(1), iv(3), iv(3), iv(1)]).every((c) => c.value.lo > 0)).toBe(true);
    expect(hurwitzConditions([iv(2), iv(1), iv(1), iv(1)]).some((c) => c.value.hi < 0)).toBe(true);
    // characteristic polynomial of a 3×3 companion matrix
    const T = [
      [iv(1), iv(2), iv(3)],
      [iv(1), iv(0), iv(0)],
      [iv(0), iv(1), iv(0)],
    ];
    charPoly(T).forEach((x, j) => {
      expect(x.lo).toBeLessThanOrEqual([-3, -2, -1, 1][j]);
      expect(x.hi).toBeGreaterThanOrEqual([-3, -2, -1, 1][j]);
    });
  });
});
