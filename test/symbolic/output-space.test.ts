import { describe, expect, it } from 'vitest';
import { deriveOde } from '../../src/symbolic/derive.ts';
import {
  droppedJacobianTerms,
  neglectedTermsEstimate,
  toOutputSpace,
} from '../../src/symbolic/output-space.ts';
import { characteristicPolynomial, rootsFormula } from '../../src/symbolic/characteristic.ts';
import type { Probe } from '../../src/train/types.ts';
import { fixture, sameCoef, sameTerms } from './helpers.ts';
import { evaluateAt } from '../../src/symbolic/cas.ts';

describe('toOutputSpace: the weight ODE becomes a linear ODE in e = u − y', () => {
  it('hb → ë + γė + He = 0 and nag-c → ë + (r/t)ė + He = 0 (Bu, Xu & Chen)', () => {
    const hb = toOutputSpace(deriveOde('hb'));
    expect(hb.ode).toBe("e''(t) + gamma*e'(t) + H e(t) = 0");
    const nag = toOutputSpace(deriveOde('nag-c'));
    expect(nag.ode).toBe("e''(t) + (r/t)*e'(t) + H e(t) = 0");
    expect(nag.latex).toContain('H e(t)');
  });

  it('nag-sc high → ë + (2√μ I + √s H)ė + (1 + √(μs))He = 0; heavy ball has no √s H ė (Liu et al.)', () => {
    const sc = toOutputSpace(deriveOde('nag-sc', { resolution: 'high' }));
    expect(
      sameTerms(sc.terms, { "X''": '1', "X'": '2*sqrt(mu)', "hess*X'": 'sqrt(s)', grad: '1 + sqrt(mu*s)' }),
    ).toEqual([]);
    expect(sc.ode).toContain("H e'(t)");
    const hb = toOutputSpace(deriveOde(fixture('hb-shi'), { resolution: 'high' }));
    expect(hb.terms["hess*X'"]).toBe('0');
    expect(hb.ode).not.toContain("H e'(t)");
  });

  it('renames the tuned strong convexity μ to λ0 on request: ë + (2√λ0 I + √s H)ė + (1 + √(λ0 s))He = 0', () => {
    const sc = toOutputSpace(deriveOde('nag-sc', { resolution: 'high' }), { substitute: { mu: 'lambda0' } });
    expect(
      sameTerms(sc.terms, {
        "X''": '1',
        "X'": '2*sqrt(lambda0)',
        "hess*X'": 'sqrt(s)',
        grad: '1 + sqrt(lambda0*s)',
      }),
    ).toEqual([]);
    expect(sc.ode).toContain('lambda0');
    expect(sc.ode).not.toContain('mu');
  });

  it('states the neglected terms: J̇Ẇ for second order, the kernel drift for H, the residual curvature for Hessian damping', () => {
    const gd = toOutputSpace(deriveOde('gd'));
    expect(gd.neglected.some((n) => n.includes('J̇'))).toBe(false); // first order: ė = JẆ is exact
    expect(gd.neglected.some((n) => n.includes('kernel drift'))).toBe(true);
    const sc = toOutputSpace(deriveOde('nag-sc', { resolution: 'high' }));
    expect(sc.neglected.some((n) => n.includes('ë − J̇Ẇ'))).toBe(true);
    expect(sc.neglected.some((n) => n.includes('residual curvature'))).toBe(true);
  });

  it('derives the dropped Jacobian terms by Leibniz: J W⃛ = e⃛ − 2J̇Ẅ − J̈Ẇ', () => {
    expect(droppedJacobianTerms(1)).toEqual([]);
    expect(droppedJacobianTerms(2)).toEqual(['J̇Ẇ']);
    expect(droppedJacobianTerms(3)).toEqual(['2J̇Ẅ', 'J̈Ẇ']);
    expect(droppedJacobianTerms(4)).toEqual(['3J̇W^(3)', '3J̈Ẅ', 'J^(3)Ẇ']);
  });
});

describe('characteristicPolynomial per eigenmode λ', () => {
  it('hb: z² + γz + λ, roots −γ/2 ± √(γ²/4 − λ)', () => {
    const p = characteristicPolynomial(toOutputSpace(deriveOde('hb')));
    expect(p.coefficients.length).toBe(3);
    expect(sameCoef(p.coefficients[0], 'lambda')).toBe(true);
    expect(sameCoef(p.coefficients[1], 'gamma')).toBe(true);
    expect(sameCoef(p.coefficients[1], 'gamma + lambda')).toBe(false);
    expect(p.coefficients[2]).toBe('1');
    expect(p.timeDependent).toBe(false);
    expect(rootsFormula(p)).toBe('z = -gamma/2 ± sqrt(gamma^2/4 - lambda)');
  });

  it('nag-sc high: the Hessian damping enters the z coefficient as √s·λ', () => {
    const p = characteristicPolynomial(toOutputSpace(deriveOde('nag-sc', { resolution: 'high' })));
    expect(sameCoef(p.coefficients[1], '2*sqrt(mu) + sqrt(s)*lambda')).toBe(true);
    expect(sameCoef(p.coefficients[0], '(1 + sqrt(mu*s))*lambda')).toBe(true);
    // Roots really are roots: p(z) = 0 at the quadratic formula's value.
    const scope = { mu: 0.3, s: 0.01, lambda: 2 };
    const c = p.coefficients.map((x) => evaluateAt(x, scope));
    const disc = c[1] * c[1] - 4 * c[2] * c[0];
    const z = disc >= 0 ? (-c[1] + Math.sqrt(disc)) / (2 * c[2]) : NaN;
    if (!Number.isNaN(z)) expect(Math.abs(c[2] * z * z + c[1] * z + c[0])).toBeLessThan(1e-12);
  });

  it('gd and hb-fixed are first order; nag-c is time dependent', () => {
    const gd = characteristicPolynomial(toOutputSpace(deriveOde('gd')));
    expect(gd.polynomial).toBe('z + lambda');
    expect(rootsFormula(gd)).toBe('z = -lambda');
    const hf = characteristicPolynomial(toOutputSpace(deriveOde('hb-fixed')));
    expect(sameCoef(hf.coefficients[0], 'lambda/(1-beta)')).toBe(true);
    expect(characteristicPolynomial(toOutputSpace(deriveOde('nag-c'))).timeDependent).toBe(true);
  });
});

describe("neglectedTermsEstimate reads a trajectory's probes", () => {
  const probe = (step: number, kernelDrift: number, rka?: number): Probe => ({
    step,
    lambdaMin: 0.5,
    lambdaMax: 3,
    kernelDrift,
    weightDrift: 0.01,
    flipFraction: 0.001,
    relativeKernelAction: rka,
  });
  it('takes the largest relative kernel action', () => {
    const est = neglectedTermsEstimate([probe(0, 0, 0), probe(10, 0.02, 0.01), probe(20, 0.03, 0.004)])!;
    expect(est.source).toBe('relativeKernelAction');
    expect(est.relativeNeglected).toBe(0.01);
    expect(est.atStep).toBe(10);
    expect(est.maxKernelDrift).toBe(0.03);
  });
  it('falls back to ‖H(t) − H(0)‖/λ_min, reports NaN as Infinity, and null without probes', () => {
    const est = neglectedTermsEstimate([probe(0, 0), probe(5, 0.05)])!;
    expect(est.source).toBe('kernelDrift/lambdaMin');
    expect(est.relativeNeglected).toBeCloseTo(0.1, 15);
    expect(neglectedTermsEstimate([probe(0, 0, 0), probe(1, NaN, NaN)])!.relativeNeglected).toBe(Infinity);
    expect(neglectedTermsEstimate([])).toBeNull();
  });
});
