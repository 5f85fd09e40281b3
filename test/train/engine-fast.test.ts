import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/load.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { runFast, runFastWithStats } from '../../src/train/engine-fast.ts';
import { runFastLoop } from '../../src/train/fast-loop.ts';
import { fastProblem, spectralUpperBound, gramMatrix } from '../../src/train/fast-problem.ts';
import { initNetwork } from '../../src/train/network.ts';
import type { MethodSpec } from '../../src/spec/types.ts';
import type { TrainConfig, Trajectory } from '../../src/train/types.ts';
import { Rng } from '../../src/util/rng.ts';

const small = loadData('sphere:n=10,d=4,seed=1');

/** A user's spec: heavy ball written with a velocity auxiliary that refers to its own past. */
const velocity: MethodSpec = {
  name: 'velocity-hb',
  params: ['eta', 'beta'],
  step: 'eta',
  time: 'k*eta',
  update: ['v[k] = beta*v[k-1] - eta*grad(x[k])', 'x[k+1] = x[k] + v[k]'],
};

const METHODS: Array<[string | MethodSpec, Record<string, number>]> = [
  ['gd', { eta: 0.5 }],
  ['hb', { eta: 0.3, gamma: 1 }],
  ['hb-fixed', { eta: 0.3, beta: 0.5 }],
  ['nag-c', { s: 0.3 }],
  ['nag-sc', { s: 0.2, mu: 0.1 }],
  ['hm', { eta: 0.2, beta1: 0.2, beta2: 0.2 }],
  [velocity, { eta: 0.2, beta: 0.6 }],
];

function maxRelLoss(a: Trajectory, b: Trajectory): number {
  let worst = 0;
  for (let k = 0; k <= Math.min(a.steps, b.steps); k++)
    worst = Math.max(worst, Math.abs(a.loss[k] - b.loss[k]) / Math.abs(b.loss[k]));
  return worst;
}

function maxRelProbe(a: Trajectory, b: Trajectory): number {
  let worst = 0;
  expect(a.probes.map((p) => p.step)).toEqual(b.probes.map((p) => p.step));
  b.probes.forEach((p, i) => {
    for (const key of ['lambdaMin', 'lambdaMax', 'kernelDrift', 'weightDrift', 'flipFraction'] as const) {
      const ref = p[key];
      const got = a.probes[i][key];
      worst = Math.max(worst, Math.abs(got - ref) / Math.max(Math.abs(ref), 1e-12));
    }
  });
  return worst;
}

const name = (m: string | MethodSpec): string => (typeof m === 'string' ? m : `user spec ${m.name}`);

describe('fast engine follows the direct loop', () => {
  // Width 2000: most rows far (the dual part does the work); width 60 with a larger step: many
  // activation flips, near rows and rebuilds. Steps stop before the loss reaches rounding level.
  for (const [width, steps, scale] of [
    [2000, 60, 1],
    [60, 60, 1.6],
  ] as const) {
    for (const [method, params0] of METHODS) {
      it(`${name(method)}, width ${width}: losses to 1e-10, probes to 1e-10`, () => {
        const params = Object.fromEntries(
          Object.entries(params0).map(([k, v]) => [k, ['eta', 's'].includes(k) ? v * scale : v]),
        );
        const cfg: TrainConfig = { data: small, width, method, params, steps, seed: 3, probeEvery: 20 };
        const d = runDirect(cfg);
        const { trajectory: f, stats } = runFastWithStats(cfg);
        expect(f.engine).toBe('fast');
        expect(f.status).toBe(d.status);
        expect(f.steps).toBe(d.steps);
        expect(d.loss[d.steps]).toBeGreaterThan(1e-9 * d.loss[0]);
        expect(maxRelLoss(f, d)).toBeLessThan(1e-10);
        expect(maxRelProbe(f, d)).toBeLessThan(1e-10);
        if (width === 60) expect(d.probes[d.probes.length - 1].flipFraction).toBeGreaterThan(0);
        if (width === 2000) expect(stats.allNearSteps).toBeLessThan(steps);
        let wmax = 0;
        for (let i = 0; i < d.finalW!.length; i++)
          wmax = Math.max(wmax, Math.abs(f.finalW![i] - d.finalW![i]));
        expect(wmax).toBeLessThan(1e-10);
      });
    }
  }

  it('false twin: a step size changed by one part in 10⁶ is told apart at the same tolerance', () => {
    const cfg: TrainConfig = {
      data: small,
      width: 2000,
      method: 'hb',
      params: { eta: 0.3, gamma: 1 },
      steps: 60,
      seed: 3,
      probeEvery: 20,
    };
    const d = runDirect(cfg);
    const f = runFast({ ...cfg, params: { eta: 0.3 * (1 + 1e-6), gamma: 1 } });
    expect(maxRelLoss(f, d)).toBeGreaterThan(1e-10);
  });
});

describe('the dual machinery is exercised', () => {
  const data = loadData('sphere:n=12,d=5,seed=2');
  for (const [method, params] of [
    ['nag-c', { s: 0.4 }],
    ['hm', { eta: 0.3, beta1: 0.3, beta2: 0.2 }],
    ['hb', { eta: 0.4, gamma: 0.8 }],
  ] as const) {
    it(`${method}: refreshes, near rows, rebuilds${method === 'nag-c' ? ', redone steps' : ''} agree with the direct loop`, () => {
      const steps = 80;
      const d = runDirect({ data, width: 1500, method, params, steps, seed: 5, probeEvery: 0 });
      const f = runFastLoop({
        data,
        width: 1500,
        method,
        params,
        steps,
        seed: 5,
        maxFrameSteps: 25,
        refreshAhead: 0,
      });
      expect(f.stats.frames).toBeGreaterThan(2);
      expect(f.stats.refreshedRows).toBeGreaterThan(0);
      expect(f.stats.allNearSteps).toBeLessThan(steps);
      // nag-c evaluates at y[k] ≠ x[k]: with no look-ahead some steps reach uncertified points.
      if (method === 'nag-c') expect(f.stats.redoneSteps).toBeGreaterThan(0);
      let worst = 0;
      for (let k = 0; k <= steps; k++) worst = Math.max(worst, Math.abs(f.loss[k] - d.loss[k]) / d.loss[k]);
      expect(worst).toBeLessThan(1e-10);
    });
  }
});

describe('divergence and determinism', () => {
  it('divergence is detected at the same step as the direct loop (and a stable step does not diverge)', () => {
    for (const method of ['gd', 'hb-fixed'] as const) {
      const params: Record<string, number> = method === 'gd' ? { eta: 40 } : { eta: 30, beta: 0.5 };
      const cfg: TrainConfig = {
        data: small,
        width: 300,
        method,
        params,
        steps: 400,
        seed: 1,
        probeEvery: 0,
      };
      const d = runDirect(cfg);
      const f = runFast(cfg);
      expect(d.status).toBe('diverged');
      expect(f.status).toBe('diverged');
      expect(f.divergedAt).toBe(d.divergedAt);
      expect(f.steps).toBe(d.steps);
    }
    const ok = runFast({
      data: small,
      width: 300,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 50,
      seed: 1,
      probeEvery: 0,
    });
    expect(ok.status).toBe('ok');
  });

  it('the same seed gives bit-identical fast trajectories; another seed differs', () => {
    const cfg: TrainConfig = {
      data: small,
      width: 800,
      method: 'nag-c',
      params: { s: 0.4 },
      steps: 50,
      seed: 9,
      probeEvery: 10,
    };
    const a = runFast(cfg);
    const b = runFast(cfg);
    expect(Buffer.from(a.loss.buffer).equals(Buffer.from(b.loss.buffer))).toBe(true);
    expect(Buffer.from(a.finalW!.buffer).equals(Buffer.from(b.finalW!.buffer))).toBe(true);
    expect(a.probes).toEqual(b.probes);
    const c = runFast({ ...cfg, seed: 10 });
    expect(c.loss[5]).not.toBe(a.loss[5]);
  });
});

describe('certificate ingredients', () => {
  it('the spectral bound is ≥ ‖X‖₂ and close to it (false twin: the trace alone is much looser)', () => {
    const rng = new Rng(4);
    const n = 30;
    const d = 6;
    const X = new Float64Array(n * d);
    rng.fillNormal(X, 1);
    const G = gramMatrix(X, n, d);
    // λ_max by power iteration (a lower estimate): the bound must not be below it.
    let v = new Float64Array(n).fill(1);
    let lam = 0;
    for (let it = 0; it < 2000; it++) {
      const w = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) w[i] += G[i * n + j] * v[j];
      const nv = Math.hypot(...w);
      lam = nv / Math.hypot(...v);
      v = w.map((x) => x / nv);
    }
    const bound = spectralUpperBound(G, n);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += G[i * n + i];
    expect(bound).toBeGreaterThanOrEqual(lam * (1 - 1e-12));
    expect(bound).toBeLessThan(1.5 * lam);
    expect(trace).toBeGreaterThan(1.5 * lam);
    const p = fastProblem(initNetwork(d, 10, 1), {
      source: 't',
      n,
      d,
      X,
      y: new Float64Array(n),
      unitNorm: false,
      notes: [],
    });
    expect(p.xSpectralBound ** 2).toBeGreaterThanOrEqual(lam * (1 - 1e-12));
  });
});
