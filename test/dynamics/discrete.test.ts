import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Matrix } from 'ml-matrix';
import {
  asymptoticFactor,
  companionMatrix,
  crossoverStep,
  discreteRate,
  isStepDependent,
  modeRun,
  spectralRadius,
  spectralRadiusByPowers,
  stateLayout,
  timeStep,
  toParsed,
  worstDiscreteRate,
} from '../../src/dynamics/discrete.ts';
import { runLinearized } from '../../src/dynamics/linearized.ts';
import {
  gdOptimalStep,
  nesterovConstantMomentum,
  optimalHyperparameters,
  polyakHeavyBall,
} from '../../src/dynamics/optimal.ts';

interface ModeCase {
  method: string;
  params: Record<string, number>;
  lambda: number;
  rho: number;
}
const golden = JSON.parse(readFileSync(new URL('../golden/rates.json', import.meta.url), 'utf8')) as {
  modes: ModeCase[];
  nagCInfinity: Array<{ s: number; lambda: number; rho: number }>;
  worst: Array<{
    method: string;
    params: Record<string, number>;
    mu: number;
    L: number;
    rho: number;
    lambda: number;
  }>;
  optima: Array<{
    mu: number;
    L: number;
    polyak: { params: Record<string, number>; rho: number; formula: number };
    gd: { params: Record<string, number>; rho: number; formula: number };
    nesterov: { params: Record<string, number>; rho: number; formula: number; rhoAtMu: number };
  }>;
};

describe('companion matrices built by running the compiled stepper', () => {
  it('hb: T = [[1 + β − ηλ, −β], [1, 0]] on the state (x[k], x[k−1])', () => {
    expect(stateLayout(toParsed('hb'))).toEqual([
      { name: 'x', back: 0 },
      { name: 'x', back: 1 },
    ]);
    const T = companionMatrix('hb', { eta: 0.1, beta: 0.6 }, 2);
    expect(T.get(0, 0)).toBeCloseTo(1 + 0.6 - 0.2, 15);
    expect(T.get(0, 1)).toBeCloseTo(-0.6, 15);
    expect(T.get(1, 0)).toBe(1);
    expect(T.get(1, 1)).toBe(0);
  });

  it('nag-sc keeps z[k−1] in its state; hm keeps three iterates', () => {
    expect(stateLayout(toParsed('nag-sc'))).toEqual([
      { name: 'x', back: 0 },
      { name: 'z', back: 1 },
    ]);
    expect(companionMatrix('hm', { eta: 0.1, beta1: 0.2, beta2: 0.5 }, 1).rows).toBe(3);
  });

  it('spectral radii match numpy (independent matrices, test/golden/rates.json)', () => {
    for (const c of golden.modes) {
      expect(Math.abs(discreteRate(c.method, c.params, c.lambda) - c.rho)).toBeLessThan(1e-10);
    }
  });

  it('spectral radii agree with Gelfand powers ‖T^(2^40)‖^(2^−40) and with a vector power iteration', () => {
    for (const c of golden.modes.filter((_, i) => i % 5 === 0)) {
      const T = companionMatrix(c.method, c.params, c.lambda);
      const rho = spectralRadius(T);
      expect(Math.abs(spectralRadiusByPowers(T) - rho)).toBeLessThan(1e-9 * Math.max(1, rho));
      // power iteration on a vector: ‖T^n v‖^{1/n} over n = 4000 steps (polynomial prefactors allowed)
      let v = Matrix.columnVector(Array.from({ length: T.rows }, (_, i) => 1 + i));
      let logGrowth = 0;
      const n = 4000;
      for (let k = 0; k < n; k++) {
        v = T.mmul(v);
        const s = v.norm();
        if (s === 0) break;
        logGrowth += Math.log(s);
        v = v.div(s);
      }
      if (rho > 0.2) expect(Math.abs(Math.exp(logGrowth / n) - rho)).toBeLessThan(5e-3);
    }
  });

  it('a user spec with an auxiliary at a lag (PyTorch momentum buffer) has the same rates as heavy ball', () => {
    const torch = {
      name: 'torch-momentum',
      params: ['eta', 'beta'],
      step: 'eta',
      time: 'k*eta',
      update: ['v[k] = beta*v[k-1] + grad(x[k])', 'x[k+1] = x[k] - eta*v[k]'],
    };
    expect(stateLayout(toParsed(torch))).toEqual([
      { name: 'x', back: 0 },
      { name: 'v', back: 1 },
    ]);
    for (const lambda of [0.05, 0.7, 3]) {
      expect(discreteRate(torch, { eta: 0.3, beta: 0.5 }, lambda)).toBeCloseTo(
        discreteRate('hb', { eta: 0.3, beta: 0.5 }, lambda),
        12,
      );
    }
  });

  it('false twin: a wrong matrix (β and η swapped) is refuted by the golden radius', () => {
    const c = golden.modes.find((m) => m.method === 'hb' && m.params.beta === 0.5 && m.lambda === 1)!;
    expect(Math.abs(discreteRate('hb', { eta: 0.5, beta: 0.2 }, 1) - c.rho)).toBeGreaterThan(1e-3);
  });

  it('worst mode over [μ, L] matches a dense numpy grid (scan + golden-section refinement)', () => {
    for (const w of golden.worst) {
      const got = worstDiscreteRate(w.method, w.params, w.mu, w.L);
      expect(got.rate).toBeGreaterThanOrEqual(w.rho - 1e-12);
      expect(got.rate - w.rho).toBeLessThan(1e-6);
    }
  });
});

describe('optimal hyperparameters on [μ, L]', () => {
  it('Polyak, GD and Nesterov rates match the closed forms and numpy (false twins refuted)', () => {
    for (const o of golden.optima) {
      const k = o.L / o.mu;
      const sk = Math.sqrt(k);
      const p = polyakHeavyBall(o.mu, o.L);
      expect(p.eta).toBeCloseTo(o.polyak.params.eta, 14);
      expect(p.beta).toBeCloseTo(o.polyak.params.beta, 14);
      const hb = worstDiscreteRate('hb', { eta: p.eta, beta: p.beta }, o.mu, o.L).rate;
      expect(Math.abs(hb - (sk - 1) / (sk + 1))).toBeLessThan(1e-6); // double roots at μ and L: √ε-sensitive
      expect(Math.abs(hb - o.polyak.rho)).toBeLessThan(1e-6);
      expect(Math.abs(hb - (k - 1) / (k + 1))).toBeGreaterThan(1e-2); // NOT the GD rate
      const g = gdOptimalStep(o.mu, o.L);
      const gd = worstDiscreteRate('gd', { eta: g.eta }, o.mu, o.L).rate;
      expect(gd).toBeCloseTo((k - 1) / (k + 1), 12);
      expect(gd).toBeCloseTo(o.gd.rho, 12);
      expect(Math.abs(gd - (sk - 1) / (sk + 1))).toBeGreaterThan(1e-2); // GD is NOT accelerated
      const n = nesterovConstantMomentum(o.mu, o.L);
      const ns = worstDiscreteRate('nag-sc', { s: n.s, beta: n.beta }, o.mu, o.L);
      expect(Math.abs(ns.rate - (1 - 1 / sk))).toBeLessThan(1e-6);
      expect(ns.lambda).toBeCloseTo(o.mu, 6); // the double root sits at λ = μ
      expect(Math.abs(ns.rate - (sk - 1) / (sk + 1))).toBeGreaterThan(1e-3); // NOT Polyak's rate
    }
  });

  it('optimalHyperparameters recomputes the rates from the specs', () => {
    const o = optimalHyperparameters('hb', {}, { lambda0: 0.1, lambdaMax: 10 })!;
    expect(o.discrete!.rate).toBeCloseTo(o.discrete!.formula, 6);
    expect(o.ode!.params.gamma).toBeCloseTo(2 * Math.sqrt(0.1), 14);
    expect(optimalHyperparameters('nag-c', {}, { lambda0: 0.1, lambdaMax: 10 })).toBeNull();
  });
});

describe('k-dependent momentum (nag-c)', () => {
  it('is detected, and its asymptotic factor is √(1 − sλ) (numpy golden)', () => {
    expect(isStepDependent('nag-c', { s: 0.1, r: 3 })).toBe(true);
    expect(isStepDependent('hb', { eta: 0.1, gamma: 1 })).toBe(false);
    expect(() => discreteRate('nag-c', { s: 0.1, r: 3 }, 1)).toThrow(RangeError);
    for (const c of golden.nagCInfinity) {
      const f = asymptoticFactor('nag-c', { s: c.s, r: 3 }, c.lambda);
      expect(Math.abs(f - c.rho)).toBeLessThan(1e-10);
      if (c.s * c.lambda < 1) expect(f).toBeCloseTo(Math.sqrt(1 - c.s * c.lambda), 10);
    }
  });

  it('the discrete run leaves the t^(−r/2) envelope near k* = r/(sλ); false twin: an envelope t^(−r) is left at once', () => {
    const s = 0.01,
      lambda = 1,
      r = 3;
    const c = crossoverStep('nag-c', { s, r }, lambda, r / 2);
    expect(c.predicted).toBeCloseTo(r / 2 / -Math.log(Math.sqrt(1 - s * lambda)), 6);
    expect(c.measured).not.toBeNull();
    expect(c.measured!).toBeGreaterThan(0.2 * c.predicted);
    expect(c.measured!).toBeLessThan(2 * c.predicted);
    // Before the crossover the run follows the ODE's polynomial envelope; with a wrong exponent
    // (the loss exponent r instead of r/2) the run is above that envelope for a long time.
    const wrong = crossoverStep('nag-c', { s, r }, lambda, r);
    expect(wrong.measured === null || wrong.measured > 2 * c.measured!).toBe(true);
  });

  it('mode runs and ODE time steps', () => {
    expect(timeStep('hb', { eta: 0.04, gamma: 1 })).toBeCloseTo(0.2, 15);
    expect(timeStep('gd', { eta: 0.04 })).toBeCloseTo(0.04, 15);
    const run = modeRun('gd', { eta: 0.1 }, 2, 5);
    expect(run[5]).toBeCloseTo(0.8 ** 5, 14);
  });
});

describe('runLinearized', () => {
  it('gd on a diagonal H decays like the slowest mode; divergence is a status, not a NaN', () => {
    const H = Float64Array.from([1, 0, 0, 0.1]);
    const run = runLinearized('gd', { eta: 0.5 }, H, Float64Array.from([1, 1]), 200);
    expect(run.status).toBe('ok');
    expect(run.errNorm[200] / run.errNorm[199]).toBeCloseTo(0.95, 8);
    const bad = runLinearized('gd', { eta: 3 }, H, Float64Array.from([1, 1]), 2000);
    expect(bad.status).toBe('diverged');
    expect(bad.errNorm.every(Number.isFinite)).toBe(true);
  });

  it('hb on H reaches the spectral radius of the worst mode', () => {
    const H = Float64Array.from([2, 0.3, 0.3, 0.5]);
    const run = runLinearized('hb', { eta: 0.2, beta: 0.5 }, H, Float64Array.from([1, -1]), 400);
    const fitted = Math.exp((Math.log(run.errNorm[400]) - Math.log(run.errNorm[40])) / 360);
    const ev = [1.25 + Math.hypot(0.75, 0.3), 1.25 - Math.hypot(0.75, 0.3)];
    const rho = worstDiscreteRate('hb', { eta: 0.2, beta: 0.5 }, ev[1], ev[0]).rate;
    expect(fitted).toBeCloseTo(rho, 3);
  });
});
