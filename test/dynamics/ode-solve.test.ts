import { describe, expect, it } from 'vitest';
import { convergenceOrder, dopri5, odexSolve } from '../../src/dynamics/ode-solve.ts';
import { loadData } from '../../src/data/load.ts';
import { gramInfinity } from '../../src/ntk/gram.ts';
import { symmetricEigenvalues } from '../../src/linalg/eigen.ts';

// The ODE limits the literature gives (and src/symbolic derives), written out by hand here so these
// tests check the dynamics code alone.
const GD = { terms: { "X'": '1', grad: '1', "hess*X'": '0' } };
const GD_HIGH = {
  terms: { "X''": 'eta / 2', "X'": '1', grad: '1', "hess*X'": '0' },
  resolution: 'high' as const,
};
const HB = { terms: { "X''": '1', "X'": 'gamma', grad: '1', "hess*X'": '0' } };
const HB_HIGH = {
  terms: {
    "X''": '1',
    "X'": 'gamma ^ 2 * sqrt(eta) / 2 + gamma',
    "hess*X'": '0',
    grad: 'gamma * sqrt(eta) / 2 + 1',
  },
  resolution: 'high' as const,
};
const NAG_C = { terms: { "X''": '1', "X'": 'r / t', grad: '1', "hess*X'": '0' } };
const NAG_SC = { terms: { "X''": '1', "X'": '2 * sqrt(mu)', grad: '1', "hess*X'": '0' } };
const NAG_SC_HIGH = {
  terms: { "X''": '1', "X'": '2 * sqrt(mu)', "hess*X'": 'sqrt(s)', grad: 'sqrt(s) * sqrt(mu) + 1' },
  resolution: 'high' as const,
};

describe('adaptive integrators', () => {
  const f = (_t: number, y: Float64Array, dy: Float64Array) => {
    dy[0] = y[1];
    dy[1] = -0.3 * y[1] - 2 * y[0];
  };
  const w = Math.sqrt(2 - 0.0225);
  const exact = (t: number) => Math.exp(-0.15 * t) * (Math.cos(w * t) + (0.15 / w) * Math.sin(w * t));
  const tOut = Array.from({ length: 81 }, (_, k) => k * 0.25);
  for (const [name, solve] of [
    ['dopri5', dopri5],
    ['odex', odexSolve],
  ] as const) {
    it(`${name} meets its tolerance on a damped oscillator, with dense output`, () => {
      const r = solve(f, 0, [1, 0], tOut, { rtol: 1e-10, atol: 1e-12 });
      expect(r.y.length).toBe(tOut.length);
      const err = Math.max(...r.y.map((v, j) => Math.abs(v[0] - exact(tOut[j]))));
      expect(err).toBeLessThan(1e-8);
      // false twin: the undamped solution is far off
      expect(
        Math.max(...r.y.map((v, j) => Math.abs(v[0] - Math.cos(Math.sqrt(2) * tOut[j])))),
      ).toBeGreaterThan(0.1);
    });
  }
});

describe('convergence order of the discrete methods to their ODE limits (quadratic, h, h/2, h/4)', () => {
  const spectrum = [0.3, 2];
  it('gd: first order to gradient flow, second order to its high-resolution ODE', () => {
    const low = convergenceOrder('gd', { eta: 0.02 }, { ode: GD, spectrum, horizon: 2 });
    expect(low.order).toBeGreaterThan(0.9);
    expect(low.order).toBeLessThan(1.2);
    const high = convergenceOrder('gd', { eta: 0.02 }, { ode: GD_HIGH, spectrum, horizon: 2 });
    expect(high.order).toBeGreaterThan(1.8);
  });

  it('hb: first order (low), second order with matching (centred) initial velocity (high); false twin: wrong damping does not converge', () => {
    const low = convergenceOrder('hb', { eta: 0.01, gamma: 1 }, { ode: HB, spectrum, horizon: 6 });
    expect(low.order).toBeGreaterThan(0.9);
    expect(low.order).toBeLessThan(1.2);
    const high = convergenceOrder('hb', { eta: 0.01, gamma: 1 }, { ode: HB_HIGH, spectrum, horizon: 6 });
    expect(high.order).toBeGreaterThan(1.8);
    const wrong = convergenceOrder(
      'hb',
      { eta: 0.01, gamma: 1 },
      { ode: { terms: { ...HB.terms, "X'": '2*gamma' } }, spectrum, horizon: 6 },
    );
    expect(wrong.order).toBeLessThan(0.2);
    expect(wrong.maxError[2]).toBeGreaterThan(0.05);
  });

  it('nag-c: first order against the Bessel closed form from t = 0, and against the integrated ODE from t0 = 1', () => {
    const closed = convergenceOrder('nag-c', { s: 0.01, r: 3 }, { ode: NAG_C, spectrum, horizon: 6 });
    expect(closed.reference).toBe('bessel-closed-form');
    expect(closed.order).toBeGreaterThan(0.85);
    expect(closed.order).toBeLessThan(1.2);
    const fromT0 = convergenceOrder('nag-c', { s: 0.01, r: 3 }, { ode: NAG_C, spectrum, horizon: 6, t0: 1 });
    expect(fromT0.reference).toBe('ode-solver');
    expect(fromT0.order).toBeGreaterThan(0.7);
    // false twin: r in the ODE off by one (Su–Boyd–Candès' r/t against (r+1)/t) does not converge
    const wrong = convergenceOrder(
      'nag-c',
      { s: 0.01, r: 3 },
      {
        ode: { terms: { ...NAG_C.terms, "X'": '(r + 1) / t' } },
        spectrum,
        horizon: 6,
        closedForm: false,
        t0: 1,
      },
    );
    expect(wrong.order).toBeLessThan(0.4);
  });

  it('nag-sc: first order (low), second order for the high-resolution ODE with Hessian damping', () => {
    const low = convergenceOrder('nag-sc', { s: 0.01, mu: 0.3 }, { ode: NAG_SC, spectrum, horizon: 6 });
    expect(low.order).toBeGreaterThan(0.85);
    expect(low.order).toBeLessThan(1.2);
    const high = convergenceOrder('nag-sc', { s: 0.01, mu: 0.3 }, { ode: NAG_SC_HIGH, spectrum, horizon: 6 });
    expect(high.order).toBeGreaterThan(1.8);
    // false twin: the heavy-ball high-resolution ODE (no Hessian damping) is not nag-sc's
    const hbLike = convergenceOrder(
      'nag-sc',
      { s: 0.01, mu: 0.3 },
      { ode: { terms: { ...NAG_SC_HIGH.terms, "hess*X'": '0' }, resolution: 'high' }, spectrum, horizon: 6 },
    );
    expect(hbLike.order).toBeLessThan(1.3);
  });

  it('on the linearised NTK model (spectrum of H∞ of a small data set): hb converges at first order', () => {
    const data = loadData('sphere:n=6,d=4,seed=3');
    const ev = Array.from(symmetricEigenvalues(gramInfinity(data), data.n));
    const r = convergenceOrder(
      'hb',
      { eta: 0.01, gamma: 2 * Math.sqrt(ev[0]) },
      { ode: HB, spectrum: ev, x0: Array.from(data.y), horizon: 5 },
    );
    expect(r.order).toBeGreaterThan(0.9);
    expect(r.order).toBeLessThan(1.2);
  });
});
