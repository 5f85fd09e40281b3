import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  besselJ,
  besselJScaled,
  gamma,
  nagCModeDerivative,
  nagCModeSolution,
} from '../../src/dynamics/bessel.ts';

const golden = JSON.parse(readFileSync(new URL('../golden/dynamics.json', import.meta.url), 'utf8')) as {
  besselJ: Array<[number, number, number]>;
  nagCMode: Array<[number, number, number, number]>;
};

describe('besselJ against scipy.special.jv', () => {
  it('is accurate to 1e-12 relative (1e-14 absolute near zeros) on x ∈ [0, 200]', () => {
    let worstRel = 0;
    let worstAbs = 0;
    for (const [nu, x, want] of golden.besselJ) {
      const got = besselJ(nu, x);
      const err = Math.abs(got - want);
      if (Math.abs(want) > 1e-2) worstRel = Math.max(worstRel, err / Math.abs(want));
      else worstAbs = Math.max(worstAbs, err);
    }
    expect(golden.besselJ.length).toBeGreaterThan(4000);
    expect(worstRel).toBeLessThan(1e-12);
    expect(worstAbs).toBeLessThan(1e-14);
  });

  it('covers the orders the checks use, including half-integers', () => {
    const orders = new Set(golden.besselJ.map((r) => r[0]));
    for (const nu of [0, 0.5, 1, 1.5, 2.5, 3.5]) expect(orders.has(nu)).toBe(true);
  });

  it('false twin: J_ν with the order off by a half is refuted by the golden values', () => {
    // Using ν + 0.5 in place of ν must disagree somewhere by far more than the tolerance.
    let maxErr = 0;
    for (const [nu, x, want] of golden.besselJ.filter((r) => r[0] === 1 && r[1] > 1))
      maxErr = Math.max(maxErr, Math.abs(besselJ(nu + 0.5, x) - want));
    expect(maxErr).toBeGreaterThan(1e-2);
  });

  it('matches the elementary half-integer forms and Γ values', () => {
    for (const x of [0.3, 2.5, 17, 120]) {
      expect(besselJ(0.5, x)).toBeCloseTo(Math.sqrt(2 / (Math.PI * x)) * Math.sin(x), 14);
      expect(besselJ(1.5, x)).toBeCloseTo(Math.sqrt(2 / (Math.PI * x)) * (Math.sin(x) / x - Math.cos(x)), 14);
    }
    expect(gamma(5)).toBe(24);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 15);
    expect(gamma(3.3) / 2.3 / gamma(2.3)).toBeCloseTo(1, 13);
    expect(besselJ(0, 0)).toBe(1);
    expect(besselJ(2, 0)).toBe(0);
    expect(() => besselJ(-1, 1)).toThrow(RangeError);
  });
});

describe('nag-c mode solution', () => {
  it('equals Γ(ν+1)(2/(√λ t))^ν J_ν(√λ t) from scipy', () => {
    for (const [r, lam, t, want] of golden.nagCMode) {
      expect(Math.abs(nagCModeSolution(r, lam, t) - want)).toBeLessThan(1e-13 + 1e-12 * Math.abs(want));
    }
  });

  it('solves ë + (r/t)ė + λe = 0 (finite-difference residual) and starts at 1 with zero slope', () => {
    const r = 3,
      lam = 0.7,
      d = 1e-4;
    for (const t of [0.5, 3, 11]) {
      const e = (s: number) => nagCModeSolution(r, lam, s);
      const e1 = (e(t + d) - e(t - d)) / (2 * d);
      const e2 = (e(t + d) - 2 * e(t) + e(t - d)) / (d * d);
      expect(Math.abs(e2 + (r / t) * e1 + lam * e(t))).toBeLessThan(1e-6);
      expect(nagCModeDerivative(r, lam, t)).toBeCloseTo(e1, 7);
    }
    expect(nagCModeSolution(r, lam, 0)).toBe(1);
    expect(besselJScaled(1, 1e-9)).toBeCloseTo(1, 15);
  });

  it('false twin: the damping-free solution cos(√λ t) is not a solution', () => {
    const r = 3,
      lam = 1;
    expect(Math.abs(nagCModeSolution(r, lam, 10) - Math.cos(10))).toBeGreaterThan(0.1);
  });
});
