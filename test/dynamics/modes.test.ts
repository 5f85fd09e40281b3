import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { OutputSpaceOde } from '../../src/symbolic/types.ts';
import {
  characteristicPolynomial,
  compileModeOde,
  envelopeExponent,
  hbOptimalDamping,
  modeRate,
  odeRate,
  parseTermKey,
  worstMode,
} from '../../src/dynamics/modes.ts';
import { polyRoots } from '../../src/dynamics/poly-roots.ts';

const golden = JSON.parse(readFileSync(new URL('../golden/dynamics.json', import.meta.url), 'utf8')) as {
  hbModeRates: Array<[number, number, number]>;
};

function ode(
  method: string,
  terms: Record<string, string>,
  resolution: 'low' | 'high' = 'low',
): OutputSpaceOde {
  return { method, resolution, terms, ode: '', latex: '', neglected: [] };
}

const HB = ode('hb', { "X''": '1', "X'": 'gamma', grad: '1', "hess*X'": '0' });
const GD = ode('gd', { "X'": '1', grad: '1', "hess*X'": '0' });
const NAG_C = ode('nag-c', { "X''": '1', "X'": 'r / t', grad: '1', "hess*X'": '0' });
const NAG_C_HIGH = ode(
  'nag-c',
  {
    "X''": '1',
    "X'": '(1 / t) ^ 2 * (r ^ 2 / 2 + 1 - (r + (r - 1) ^ 2)) * sqrt(s) + r / t',
    "hess*X'": 'sqrt(s)',
    grad: 'r * sqrt(s) / 2 / t + 1',
  },
  'high',
);
const NAG_SC_HIGH = ode(
  'nag-sc',
  { "X''": '1', "X'": '2 * sqrt(mu)', "hess*X'": 'sqrt(s)', grad: 'sqrt(s) * sqrt(mu) + 1' },
  'high',
);
const HB_FIXED = ode('hb-fixed', { "X'": '1', grad: '1 / (1 - beta)', "hess*X'": '0' });

describe('per-mode ODE rates', () => {
  it('heavy-ball modes match numpy.roots (−max Re s of s² + γs + λ)', () => {
    for (const [c, lam, want] of golden.hbModeRates) {
      const coefs = compileModeOde(HB, { gamma: c }).at(0);
      expect(modeRate(coefs, lam)).toBeCloseTo(want, 12);
    }
  });

  it('reads term keys and builds the characteristic polynomial Σ c_j s^j + c_hess λ s + c_grad λ', () => {
    expect(parseTermKey("X''")).toEqual({ kind: 'deriv', order: 2 });
    expect(parseTermKey("e'")).toEqual({ kind: 'deriv', order: 1 });
    expect(parseTermKey("hess*X'")).toEqual({ kind: 'hess' });
    expect(parseTermKey('grad')).toEqual({ kind: 'grad' });
    expect(() => parseTermKey('foo')).toThrow();
    const c = compileModeOde(NAG_SC_HIGH, { s: 0.04, mu: 0.25 }).at(0);
    const p = characteristicPolynomial(c, 2);
    expect(p[2]).toBe(1);
    expect(p[1]).toBeCloseTo(2 * 0.5 + 0.2 * 2, 14);
    expect(p[0]).toBeCloseTo((1 + 0.2 * 0.5) * 2, 14);
  });

  it('hb: the worst mode is λ0 and γ* = 2√λ0 gives rate √λ0 (false twin: not the gradient-flow λ0)', () => {
    const l0 = 0.05,
      lmax = 4;
    const r = odeRate(HB, { gamma: 0.3 }, l0, lmax);
    expect(r.kind).toBe('linear');
    if (r.kind !== 'linear') return;
    expect(r.worstLambda).toBeCloseTo(l0, 10);
    const best = hbOptimalDamping(l0);
    const rb = odeRate(HB, { gamma: best.gamma }, l0, lmax);
    if (rb.kind !== 'linear') throw new Error('expected linear');
    expect(rb.odeRate).toBeCloseTo(Math.sqrt(l0), 7);
    expect(Math.abs(rb.odeRate - l0)).toBeGreaterThan(0.1);
    // γ* is a maximum of the worst-mode rate: 10% either side is slower.
    for (const g of [0.9 * best.gamma, 1.1 * best.gamma]) {
      const o = odeRate(HB, { gamma: g }, l0, lmax);
      if (o.kind !== 'linear') throw new Error('expected linear');
      expect(o.odeRate).toBeLessThan(rb.odeRate);
    }
  });

  it('gradient flow and the fixed-β rescaled flow: rates λ0 and λ0/(1 − β)', () => {
    const g = odeRate(GD, {}, 0.1, 3);
    expect(g).toMatchObject({ kind: 'linear' });
    if (g.kind === 'linear') expect(g.odeRate).toBeCloseTo(0.1, 12);
    const f = odeRate(HB_FIXED, { beta: 0.8 }, 0.1, 3);
    if (f.kind !== 'linear') throw new Error('expected linear');
    expect(f.odeRate).toBeCloseTo(0.5, 12);
    expect(Math.abs(f.odeRate - 0.1)).toBeGreaterThan(0.1); // false twin: not the un-rescaled flow
  });

  it('nag-c (damping r/t) is sublinear with ‖e‖ exponent r/2; false twin: it is not linear', () => {
    for (const r of [2, 3, 6, 8]) {
      const o = odeRate(NAG_C, { r }, 0.05, 4);
      expect(o.kind).toBe('sublinear');
      if (o.kind === 'sublinear') expect(o.odeExponent).toBeCloseTo(r / 2, 12);
      expect(envelopeExponent(NAG_C, { r })).toBeCloseTo(r / 2, 12);
    }
    expect(odeRate(NAG_C, { r: 3 }, 0.05, 4).kind).not.toBe('linear');
    expect(envelopeExponent(HB, { gamma: 1 })).toBeNull();
  });

  it('high-resolution nag-c: the Hessian damping √s·λ makes the t → ∞ limit linear', () => {
    const o = odeRate(NAG_C_HIGH, { r: 3, s: 0.01 }, 0.05, 4);
    expect(o.kind).toBe('linear');
    if (o.kind !== 'linear') return;
    expect(o.asymptotic).toBe(true);
    // ë + 0.1λ ė + λe: underdamped at λ0 = 0.05, rate 0.1·λ0/2.
    expect(o.odeRate).toBeCloseTo((0.1 * 0.05) / 2, 10);
  });

  it('high-resolution nag-sc: worst mode from the quadratic with Hessian damping', () => {
    const s = 0.01,
      mu = 0.05;
    const o = odeRate(NAG_SC_HIGH, { s, mu }, 0.05, 4);
    if (o.kind !== 'linear') throw new Error('expected linear');
    let want = Infinity;
    for (let i = 0; i <= 4000; i++) {
      const l = 0.05 * (4 / 0.05) ** (i / 4000);
      const b = 2 * Math.sqrt(mu) + Math.sqrt(s) * l;
      const c = (1 + Math.sqrt(mu * s)) * l;
      const roots = polyRoots([c, b, 1]);
      want = Math.min(want, -Math.max(...roots.map((z) => z.re)));
    }
    expect(o.odeRate).toBeCloseTo(want, 9);
  });

  it('worstMode refines an interior minimum', () => {
    const w = worstMode((l) => Math.log(l) ** 2 + 1, 0.1, 10);
    expect(w.lambda).toBeCloseTo(1, 6);
    expect(w.rate).toBeCloseTo(1, 12);
  });
});
