import { beforeAll, describe, expect, it } from 'vitest';
import type { Trajectory } from '../../src/train/types.ts';
import { loadData } from '../../src/data/load.ts';
import { train, trainingParams, resolveEngine } from '../../src/train/trainer.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { SpecError } from '../../src/spec/parse.ts';
import { createProbeContext, probe } from '../../src/train/probes.ts';
import { initNetwork, forward, errorAndLoss } from '../../src/train/network.ts';
import { empiricalNtk } from '../../src/ntk/gram.ts';
import { symmetricEigenvalues } from '../../src/linalg/eigen.ts';

const small = loadData('sphere:n=10,d=4,seed=1');

describe('determinism', () => {
  it('the same seed gives bit-identical trajectories; another seed differs', () => {
    for (const [method, flags] of [
      ['gd', {}],
      ['nag-c', {}],
      ['hb', { beta: 0.5 }],
    ] as const) {
      const cfg = {
        data: small,
        width: 300,
        method,
        params: trainingParams(method, 0.3, flags),
        steps: 40,
        seed: 7,
        probeEvery: 10,
        engine: 'direct' as const,
      };
      const a = train(cfg);
      const b = train(cfg);
      expect(Buffer.from(a.loss.buffer).equals(Buffer.from(b.loss.buffer))).toBe(true);
      expect(Buffer.from(a.finalW!.buffer).equals(Buffer.from(b.finalW!.buffer))).toBe(true);
      expect(a.probes).toEqual(b.probes);
      const c = train({ ...cfg, seed: 8 });
      expect(c.loss[5]).not.toBe(a.loss[5]);
    }
  });
});

describe('the probe schedule does not change the trajectory', () => {
  it('probeEvery 1, 7 and 0 give bit-identical losses (gd reuses the forward pass, nag-c does not)', () => {
    for (const [method, params] of [
      ['gd', { eta: 0.4 }],
      ['nag-c', { s: 0.4 }],
    ] as const) {
      const run = (probeEvery: number) =>
        runDirect({ data: small, width: 64, method, params, steps: 15, seed: 4, probeEvery });
      const a = run(1);
      const b = run(7);
      const c = run(0);
      expect(Array.from(b.loss)).toEqual(Array.from(a.loss));
      expect(Array.from(c.loss)).toEqual(Array.from(a.loss));
      expect(Array.from(c.errNorm)).toEqual(Array.from(a.errNorm));
      expect(c.probes.map((p) => p.step)).toEqual([0, 15]);
    }
  });
});

describe('divergence is a status', () => {
  it('a too large step diverges: status diverged, divergedAt set, no exception, finite prefix', () => {
    const t = train({
      data: small,
      width: 200,
      method: 'gd',
      params: { eta: 50 },
      steps: 500,
      seed: 1,
      probeEvery: 0,
      engine: 'direct',
    });
    expect(t.status).toBe('diverged');
    expect(t.divergedAt).toBe(t.steps);
    expect(t.steps).toBeLessThan(500);
    const last = t.loss[t.steps];
    expect(!Number.isFinite(last) || last > 1e6 * t.loss[0]).toBe(true);
    for (let k = 0; k < t.steps; k++) expect(Number.isFinite(t.loss[k])).toBe(true);
  });
  it('false twin: a small step does not diverge', () => {
    const t = train({
      data: small,
      width: 200,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 50,
      seed: 1,
      probeEvery: 0,
      engine: 'direct',
    });
    expect(t.status).toBe('ok');
    expect(t.divergedAt).toBeNull();
    expect(t.loss.length).toBe(51);
  });
});

describe('probes', () => {
  it('step 0: no drift, no flips; λ_min/λ_max are those of H(W0); probes at 0, every P and the last step', () => {
    const t = train({
      data: small,
      width: 500,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 25,
      seed: 3,
      probeEvery: 10,
      engine: 'direct',
    });
    expect(t.probes.map((p) => p.step)).toEqual([0, 10, 20, 25]);
    const p0 = t.probes[0];
    expect(p0.kernelDrift).toBe(0);
    expect(p0.weightDrift).toBe(0);
    expect(p0.flipFraction).toBe(0);
    const net = initNetwork(4, 500, 3);
    const ev = symmetricEigenvalues(empiricalNtk(net, net.W0, small), small.n);
    expect(p0.lambdaMin).toBe(ev[0]);
    expect(p0.lambdaMax).toBe(ev[small.n - 1]);
    expect(t.probes[3].weightDrift).toBeGreaterThan(0);
  });
  it('a probe given the forward pass mask equals one that recomputes the pattern (dense and sparse data)', () => {
    for (const src of ['sphere:n=10,d=4,seed=1', 'mnist:n=12']) {
      const data = loadData(src);
      const net = initNetwork(data.d, 40, 9);
      const ctx = createProbeContext(net, data);
      const W = Float64Array.from(net.W0, (v, p) => v + 0.3 * Math.sin(p));
      const mask = new Uint8Array(40 * data.n);
      const u = new Float64Array(data.n);
      forward(net, W, data, u, mask);
      const e = new Float64Array(data.n);
      errorAndLoss(u, data.y, e);
      const a = probe(ctx, 1, W, e, mask);
      expect(a).toEqual(probe(ctx, 1, W, e));
      expect(a.flipFraction).toBeGreaterThan(0);
    }
  });
  it('probe quantities from scratch: weight drift, flips and kernel drift of a hand-moved W', () => {
    const net = initNetwork(4, 64, 2);
    const ctx = createProbeContext(net, small);
    const W = Float64Array.from(net.W0);
    for (let j = 0; j < 4; j++) W[5 * 4 + j] = -W[5 * 4 + j]; // flip neuron 5 entirely
    const e = new Float64Array(small.n).fill(1);
    const p = probe(ctx, 3, W, e);
    let norm = 0;
    for (let j = 0; j < 4; j++) norm += (2 * net.W0[20 + j]) ** 2;
    expect(p.weightDrift).toBeCloseTo(Math.sqrt(norm), 14);
    // negating w_5 flips every pattern of that neuron except exact zeros: n of the m·n patterns
    expect(p.flipFraction).toBeCloseTo(small.n / (64 * small.n), 15);
    expect(p.kernelDrift).toBeGreaterThan(0);
    expect(p.relativeKernelAction).toBeGreaterThan(0);
  });
});

describe('the documented example run, cheaper: gd on sphere:n=20,d=5,seed=0 at η = 0.5', () => {
  const data = loadData('sphere:n=20,d=5,seed=0');
  let wide: Trajectory;
  let narrow: Trajectory;
  beforeAll(() => {
    wide = train({
      data,
      width: 10000,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 600,
      seed: 0,
      probeEvery: 30,
      engine: 'direct',
    });
    narrow = train({
      data,
      width: 500,
      method: 'gd',
      params: { eta: 0.5 },
      steps: 600,
      seed: 0,
      probeEvery: 30,
      engine: 'direct',
    });
  });
  const predicted = (t: Trajectory): number => {
    const [a, b] = t.rate!.window;
    const inWin = t.probes.filter((p) => p.step >= a && p.step <= b);
    const lm = inWin.reduce((s, p) => s + p.lambdaMin, 0) / inWin.length;
    return 2 * Math.log(1 - 0.5 * lm);
  };
  it('the loss falls linearly at 2·ln(1 − η·λ_min(H)) within 5%', () => {
    expect(wide.status).toBe('ok');
    const rel = Math.abs(wide.rate!.perStep - predicted(wide)) / Math.abs(predicted(wide));
    expect(rel).toBeLessThan(0.05);
    // false twin: the gradient-flow rate with λ0 at time t = kη/2 is not what is measured... a rate
    // with the wrong factor (ln(1 − ηλ) without the 2) is refuted
    expect(Math.abs(wide.rate!.perStep - predicted(wide) / 2) / Math.abs(predicted(wide))).toBeGreaterThan(
      0.3,
    );
  });
  it('a narrow net shows larger drift of H', () => {
    const dw = wide.probes.at(-1)!;
    const dn = narrow.probes.at(-1)!;
    expect(dn.kernelDrift).toBeGreaterThan(3 * dw.kernelDrift);
    expect(dn.weightDrift).toBeGreaterThan(3 * dw.weightDrift);
    expect(dn.flipFraction).toBeGreaterThan(dw.flipFraction);
  });
});

describe('loss is measured at x[k], also for methods that take the gradient at y[k]', () => {
  it('nag-c: loss[k] equals a separate forward pass at the iterate', () => {
    const cfg = {
      data: small,
      width: 100,
      method: 'nag-c',
      params: { s: 0.4 },
      seed: 2,
      probeEvery: 0,
      engine: 'direct' as const,
    };
    const t3 = runDirect({ ...cfg, steps: 3 });
    const u = new Float64Array(small.n);
    const net = initNetwork(4, 100, 2);
    forward(net, t3.finalW!, small, u);
    const L = errorAndLoss(u, small.y, new Float64Array(small.n));
    const t5 = runDirect({ ...cfg, steps: 5 });
    expect(t5.loss[3]).toBe(L);
  });
});

describe('trainingParams and engines', () => {
  it('--eta sets the step symbol; flags set same-named symbols', () => {
    expect(trainingParams('gd', 0.1)).toEqual({ eta: 0.1 });
    expect(trainingParams('nag-c', 0.1, { r: 4 })).toEqual({ s: 0.1, r: 4 });
    expect(trainingParams('nag-sc', 0.1, { beta: 0.3 })).toEqual({ s: 0.1, beta: 0.3 });
    expect(trainingParams('hm', 0.1, { beta1: 0.2, beta2: 0.5 })).toEqual({
      eta: 0.1,
      beta1: 0.2,
      beta2: 0.5,
    });
  });
  it('errors: η ≤ 0, unknown method, a flag the method lacks', () => {
    expect(() => trainingParams('gd', 0)).toThrow(SpecError);
    expect(() => trainingParams('gd', -1)).toThrow(/positive/);
    expect(() => trainingParams('adam', 0.1)).toThrow(/unknown method/);
    expect(() => trainingParams('gd', 0.1, { beta: 0.5 })).toThrow(/no parameter 'beta'/);
  });
  it("'auto' resolves to the direct engine (the kernels), 'fast' to the fast one", () => {
    expect(resolveEngine('auto')).toBe('direct');
    expect(resolveEngine('direct')).toBe('direct');
    expect(resolveEngine('fast')).toBe('fast');
  });
});
