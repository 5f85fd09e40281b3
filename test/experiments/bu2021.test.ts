import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/load.ts';
import { runStandard } from '../../src/train/standard-run.ts';
import { timeRatio, timeToLevel, windowRate } from '../../src/experiments/bu2021-analysis.ts';
import { kernelModes, linearisedLoss } from '../../src/experiments/linearised.ts';
import { PYTORCH_MOMENTUM, PYTORCH_NESTEROV } from '../../src/experiments/specs.ts';
import { GD, HM } from '../../src/spec/builtins.ts';
import { planJobs } from '../../src/experiments/bu2021.ts';
import { jobKey } from '../../src/experiments/bu2021-runs.ts';
import { TINY_SIZES, FIGURE_NAMES } from '../../src/experiments/bu2021-sizes.ts';

const expCurve = (rate: number, n: number): Float64Array =>
  Float64Array.from({ length: n }, (_, k) => Math.exp(-rate * k));

describe('time-to-level and the rescaling ratio', () => {
  it('two exponentials with rates c and 2c have ratio 2; equal curves ratio 1', () => {
    const a = expCurve(0.01, 2000);
    const b = expCurve(0.02, 2000);
    expect(timeToLevel(a, Math.exp(-5))).toBeCloseTo(500, 6);
    const r = timeRatio(a, b)!;
    expect(r.median).toBeCloseTo(2, 6);
    expect(timeRatio(a, a)!.median).toBeCloseTo(1, 9);
    expect(Math.abs(timeRatio(a, expCurve(0.015, 2000))!.median - 2)).toBeGreaterThan(0.4);
  });
  it('window rate of an exponential is its rate', () => {
    expect(windowRate(expCurve(0.03, 100), 20, 90)).toBeCloseTo(0.03, 10);
  });
});

describe('frozen-kernel prediction through the Stepper', () => {
  it('GD on modes is Σ c²(1 − ηλ)^(2k) (closed form), and momentum changes it', () => {
    const K = Float64Array.from([2, 1, 0, 1, 3, 1, 0, 1, 4]);
    const e0 = Float64Array.from([1, -2, 0.5]);
    const modes = kernelModes(K, 3, e0, 1, 0.5);
    const eta = 0.1;
    const L = linearisedLoss(GD, { eta }, modes, 30);
    let want = 0;
    for (let i = 0; i < 3; i++) want += 0.5 * modes.coef[i] ** 2 * (1 - eta * modes.lambda[i]) ** 60;
    expect(L[30]).toBeCloseTo(want, 12);
    expect(L[0]).toBeCloseTo(0.5 * (1 + 4 + 0.25), 12);
    const H = linearisedLoss(PYTORCH_MOMENTUM, { eta, beta: 0.5 }, modes, 30);
    expect(Math.abs(H[30] - want)).toBeGreaterThan(1e-6);
  });
});

describe('heavy ball at fixed β and small lr follows the rescaled gradient flow', () => {
  const data = loadData('mnist:n=10');
  const run = (spec: typeof GD, params: Record<string, number>, epochs: number) =>
    runStandard({ data, width: 40, method: spec, params, epochs, seed: 3 }).loss;
  it("authors' model, tiny, small lr: epochs GD needs / epochs HB needs ≈ 1/(1 − β), HM ≈ 1/(1 − β1 − β2)", () => {
    const eta = 5e-5;
    const gd = run(GD, { eta }, 1500);
    for (const beta of [0.3, 0.5]) {
      const hb = run(PYTORCH_MOMENTUM, { eta, beta }, 300);
      const r = timeRatio(gd, hb)!;
      expect(r.median * (1 - beta)).toBeGreaterThan(0.9);
      expect(r.median * (1 - beta)).toBeLessThan(1.1);
      // false twin: a wrong β is refuted
      expect(Math.abs(r.median * (1 - beta - 0.15) - 1)).toBeGreaterThan(0.15);
    }
    const hm = run(HM, { eta, beta1: 0.2, beta2: 0.2 }, 300);
    const r = timeRatio(gd, hm)!;
    expect(r.median * (1 - 0.4)).toBeGreaterThan(0.9);
    expect(r.median * (1 - 0.4)).toBeLessThan(1.1);
  });
  it('false twin: at a 4× larger lr (GD no longer in the small-lr limit) the ratio leaves 1/(1 − β)', () => {
    const eta = 2e-4;
    const gd = run(GD, { eta }, 1500);
    const hb = run(PYTORCH_MOMENTUM, { eta, beta: 0.5 }, 300);
    expect(Math.abs(timeRatio(gd, hb)!.median * 0.5 - 1)).toBeGreaterThan(0.08);
  });
  it('NAG with momentum (k−1)/(k+d−1) is not a rescaled GD: its ratio keeps growing', () => {
    const eta = 2e-4;
    const gd = run(GD, { eta }, 1500);
    const nag = run(PYTORCH_NESTEROV, { eta, d: 3 }, 300);
    const r = timeRatio(gd, nag)!;
    expect(r.max / r.min).toBeGreaterThan(1.3);
  });
});

describe('job plan', () => {
  it('shares the GD run between figures and covers both models', () => {
    const planned = planJobs({ figures: [...FIGURE_NAMES], sizes: TINY_SIZES }, 10);
    const keys = new Set(planned.map((p) => jobKey(p.job)));
    expect(keys.size).toBeLessThan(planned.length);
    const gdStandard = planned.filter((p) => p.job.method === 'gd' && p.model === 'standard');
    expect(gdStandard.length).toBe(3);
    expect(new Set(gdStandard.map((p) => jobKey(p.job))).size).toBe(1);
    expect(planned.some((p) => p.model === 'ntk')).toBe(true);
  });
});
