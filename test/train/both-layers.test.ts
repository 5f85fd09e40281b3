import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ModelNet, runModelDirect } from '../../src/train/both-layers.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { train } from '../../src/train/trainer.ts';
import { gramSolve } from '../../src/train/ggn.ts';
import { initNetwork } from '../../src/train/network.ts';
import { loadData } from '../../src/data/load.ts';
import { augmentBias, empiricalNtkModel } from '../../src/ntk/both-layers.ts';
import { Rng } from '../../src/util/rng.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

const spec = (f: string): MethodSpec =>
  JSON.parse(readFileSync(new URL(`../../examples/methods/${f}`, import.meta.url), 'utf8')) as MethodSpec;
const data = loadData('sphere:n=12,d=4,seed=3');

describe('model loop (src/train/both-layers.ts)', () => {
  it('first layer, no bias, gd: the same trajectory as the direct engine', () => {
    const cfg = {
      data,
      width: 300,
      method: 'hb',
      params: { eta: 0.3, gamma: 1 },
      steps: 40,
      seed: 2,
      probeEvery: 20,
    };
    const a = runDirect(cfg);
    const b = runModelDirect(cfg);
    for (let k = 0; k <= 40; k++)
      expect(Math.abs(a.loss[k] - b.loss[k])).toBeLessThanOrEqual(1e-12 * a.loss[0]);
    expect(b.probes.length).toBe(a.probes.length);
    expect(Math.abs(a.probes[2].lambdaMin - b.probes[2].lambdaMin)).toBeLessThan(1e-10);
  });

  for (const bias of [false, true]) {
    it(`both layers${bias ? ' + bias' : ''}: Jᵀe is the gradient of ½‖e‖² (central differences) and JJᵀ the model NTK`, () => {
      const x = bias ? augmentBias(data) : data;
      const m = 7;
      const net = initNetwork(x.d, m, 4);
      const theta = new Float64Array(m * x.d + m);
      theta.set(net.W0);
      theta.set(net.a, m * x.d);
      const mn = new ModelNet(x, m, 'both', net.a);
      mn.evaluate(theta);
      const g = new Float64Array(theta.length);
      mn.jacobianTranspose(theta, mn.e, g);
      const rng = new Rng(9);
      for (let t = 0; t < 12; t++) {
        const p = Math.floor(rng.uniform() * theta.length);
        const h = 1e-6;
        const tp = Float64Array.from(theta);
        tp[p] += h;
        const tm = Float64Array.from(theta);
        tm[p] -= h;
        const fd = (mn.evaluate(tp) - mn.evaluate(tm)) / (2 * h);
        expect(Math.abs(fd - g[p])).toBeLessThan(1e-6 * (1 + Math.abs(g[p])));
      }
      mn.evaluate(theta);
      const K = mn.kernel(theta);
      const ref = empiricalNtkModel(net.W0, net.a, m, x, 'both');
      for (let p = 0; p < K.length; p++) expect(Math.abs(K[p] - ref[p])).toBeLessThan(1e-12);
      // false twin: the first-layer kernel alone is not JJᵀ of the both-layer net
      const first = empiricalNtkModel(net.W0, net.a, m, x, 'first');
      expect(Math.max(...K.map((v, p) => Math.abs(v - first[p])))).toBeGreaterThan(1e-3);
    });
  }

  it('gramSolve solves (K + εI)α = e', () => {
    const n = 5;
    const rng = new Rng(1);
    const A = new Float64Array(n * n).map(() => rng.uniform() - 0.5);
    const K = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) K[i * n + j] += A[i * n + k] * A[j * n + k];
    const e = Float64Array.from([1, -2, 0.5, 3, 0]);
    const alpha = new Float64Array(n);
    gramSolve(K, n, 0.1, e, alpha);
    for (let i = 0; i < n; i++) {
      let s = 0.1 * alpha[i];
      for (let j = 0; j < n; j++) s += K[i * n + j] * alpha[j];
      expect(Math.abs(s - e[i])).toBeLessThan(1e-10);
    }
  });

  it('GGN (η = 0.5) contracts ‖e‖ by 1 − η per step at m = 4000; GD does not; η = 1 is quadratic', () => {
    const base = { data, width: 4000, steps: 8, seed: 1, probeEvery: 0 };
    const g = train({ ...base, method: spec('ggn.json'), params: { eta: 0.5 } });
    for (let k = 1; k <= 8; k++) expect(Math.abs(g.errNorm[k] / g.errNorm[k - 1] - 0.5)).toBeLessThan(0.01);
    const gd = train({ ...base, method: 'gd', params: { eta: 0.5 } });
    expect(gd.errNorm[8] / gd.errNorm[7]).toBeGreaterThan(0.6);
    const q = train({ ...base, method: spec('ggn.json'), params: { eta: 1 }, steps: 3, train: 'both' });
    expect(q.train).toBe('both');
    // superlinear: the contraction factor shrinks with the error (order > 1), far below a linear rate
    const r1 = q.errNorm[1] / q.errNorm[0];
    const r2 = q.errNorm[2] / q.errNorm[1];
    expect(r1).toBeLessThan(0.05);
    expect(r2).toBeLessThan(r1);
  });

  it('damped GGN: per-step factor ≈ mean of 1 − ηλ/(λ + ε); a singular Gram matrix is a clear error', () => {
    const d = train({
      data,
      width: 4000,
      steps: 4,
      seed: 1,
      probeEvery: 0,
      method: spec('ggn-damped.json'),
      params: { eta: 0.5, eps: 0.01 },
    });
    const r = d.errNorm[4] / d.errNorm[3];
    expect(r).toBeGreaterThan(0.5);
    expect(r).toBeLessThan(0.9);
    // two identical rows: JJᵀ singular at ε = 0
    const X = Float64Array.from(data.X);
    X.set(X.subarray(0, 4), 4);
    const dup = { ...data, X };
    expect(() =>
      train({
        data: dup,
        width: 50,
        steps: 2,
        seed: 1,
        probeEvery: 0,
        method: spec('ggn.json'),
        params: { eta: 1 },
      }),
    ).toThrow(/singular.*damping/);
  });

  it('the fast engine refuses both layers, a bias and ggn with one clear message', () => {
    const base = { data, width: 50, steps: 2, seed: 1, probeEvery: 0, engine: 'fast' as const };
    expect(() => train({ ...base, method: 'gd', params: { eta: 0.1 }, train: 'both' })).toThrow(
      /fast engine does not support both layers/,
    );
    expect(() => train({ ...base, method: 'gd', params: { eta: 0.1 }, bias: true })).toThrow(/hidden bias/);
    expect(() => train({ ...base, method: spec('ggn.json'), params: { eta: 0.1 } })).toThrow(/ggn/);
  });
});

describe('model-loop probes: linearisation remainder and the ReLU kink', () => {
  it('stepResidual obeys the GGN identity e_k = (1 − η)e_{k−1} + R, ‖R‖ ≤ s‖Δe‖, and is absent at step 0', () => {
    const eta = 0.5;
    for (const width of [200, 4000]) {
      const t = train({
        data,
        width,
        method: spec('ggn.json'),
        params: { eta },
        steps: 6,
        seed: 5,
        probeEvery: 1,
        train: 'both',
      });
      expect(t.probes[0].stepResidual).toBeUndefined();
      for (const p of t.probes.slice(1)) {
        const s = p.stepResidual!;
        expect(s, `width ${width} step ${p.step}`).toBeGreaterThanOrEqual(0);
        const ratio = t.errNorm[p.step] / t.errNorm[p.step - 1];
        // |ratio − (1 − η)| ≤ ηs/(1 − s) (s < 1); a wrong J·Δθ would break this.
        if (s < 0.5) expect(Math.abs(ratio - (1 - eta))).toBeLessThanOrEqual((eta * s) / (1 - s) + 1e-12);
        // At width 4000 every step is linear to a few per cent (both layers' J includes the a-part).
        if (width === 4000) expect(s, `step ${p.step}`).toBeLessThan(0.1);
      }
    }
    // Wider is more linear: the first step's remainder shrinks with the width.
    const r = (width: number) =>
      train({ data, width, method: spec('ggn.json'), params: { eta }, steps: 1, seed: 5, probeEvery: 1 })
        .probes[1].stepResidual!;
    expect(r(16_000)).toBeLessThan(r(250));
  });
  it('kinkCrossings/kinkShift: zero at step 0, reported at later probes, the shift below λ_min', () => {
    const t = train({
      data,
      width: 2000,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 300,
      seed: 4,
      probeEvery: 50,
      train: 'both',
    });
    expect(t.probes[0].kinkCrossings).toBe(0);
    expect(t.probes[0].kinkShift).toBe(0);
    const late = t.probes.slice(1);
    expect(late.every((p) => p.kinkCrossings !== undefined && p.kinkShift !== undefined)).toBe(true);
    expect(late.some((p) => p.kinkCrossings! > 0)).toBe(true);
    for (const p of late) expect(p.kinkShift!).toBeLessThan(p.lambdaMin);
  });
});

describe('an unstable ggn step', () => {
  it('η = 3: the run is reported diverged (whatever the step count), not a singular-Gram input error', () => {
    for (const steps of [12, 50]) {
      const t = train({
        data: loadData('sphere:n=20,d=5,seed=0'),
        width: 2000,
        method: spec('ggn.json'),
        params: { eta: 3 },
        steps,
        seed: 0,
        probeEvery: 0,
      });
      expect(t.status, `steps ${steps}`).toBe('diverged');
    }
  });
});
