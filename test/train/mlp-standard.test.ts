import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { StandardMlp, initStandardMlp, standardMlpLayout, toCsr } from '../../src/train/mlp-standard.ts';
import { compileMethod } from '../../src/spec/compile.ts';
import type { MethodSpec } from '../../src/spec/types.ts';
import { PYTORCH_MOMENTUM, PYTORCH_NESTEROV } from '../../src/experiments/specs.ts';
import { GD, HM, HB_FIXED } from '../../src/spec/builtins.ts';
import type { Dataset } from '../../src/data/types.ts';

interface Golden {
  n: number;
  d: number;
  m: number;
  X: number[];
  y: number[];
  theta0: number[];
  u0: number[];
  loss0: number;
  grad0: number[];
  eta: number;
  gd: number[][];
  momentum: { beta: number; steps: number[][] };
  nesterov: { d: number; steps: number[][] };
  hm: { beta1: number; beta2: number; steps: number[][] };
}
const golden = JSON.parse(readFileSync(new URL('../golden/mlp.json', import.meta.url), 'utf8')) as Golden;
const data: Dataset = {
  source: 'golden',
  n: golden.n,
  d: golden.d,
  X: Float64Array.from(golden.X),
  y: Float64Array.from(golden.y),
  unitNorm: false,
  notes: [],
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s = Math.max(s, Math.abs(a[i] - b[i]));
  return s;
}

function run(spec: MethodSpec, params: Record<string, number>, steps: number): Float64Array[] {
  const mlp = new StandardMlp(data, golden.m);
  const st = compileMethod(spec, params).stepper(Float64Array.from(golden.theta0));
  const out: Float64Array[] = [];
  for (let k = 0; k < steps; k++) {
    st.step(mlp.gradient);
    out.push(Float64Array.from(st.x));
  }
  return out;
}

describe("standard MLP (authors' model) against the numpy golden", () => {
  it('CSR keeps every non-zero and nothing else', () => {
    const csr = toCsr(data.X, data.n, data.d);
    const dense = new Float64Array(data.n * data.d);
    for (let i = 0; i < data.n; i++)
      for (let q = csr.rowPtr[i]; q < csr.rowPtr[i + 1]; q++) dense[i * data.d + csr.col[q]] = csr.val[q];
    expect(maxAbsDiff(dense, data.X)).toBe(0);
    expect(csr.val.length).toBeLessThan(data.n * data.d);
  });

  it('forward pass, loss and gradient', () => {
    const mlp = new StandardMlp(data, golden.m);
    const th = Float64Array.from(golden.theta0);
    expect(maxAbsDiff(mlp.outputs(th, new Float64Array(data.n)), golden.u0)).toBeLessThan(1e-13);
    expect(mlp.loss(th)).toBeCloseTo(golden.loss0, 12);
    const g = new Float64Array(th.length);
    mlp.gradient(th, g);
    expect(maxAbsDiff(g, golden.grad0)).toBeLessThan(1e-13);
    expect(mlp.lastLoss).toBeCloseTo(golden.loss0, 12);
    // false twin: a sum instead of a mean is refuted
    expect(Math.abs(mlp.lastLoss * data.n - golden.loss0)).toBeGreaterThan(1e-3);
  });

  it('three steps of GD, PyTorch momentum, PyTorch Nesterov (momentum (e−1)/(e+d−1)) and the two-momentum method', () => {
    const eta = golden.eta;
    const cases: Array<[MethodSpec, Record<string, number>, number[][]]> = [
      [GD, { eta }, golden.gd],
      [PYTORCH_MOMENTUM, { eta, beta: golden.momentum.beta }, golden.momentum.steps],
      [PYTORCH_NESTEROV, { eta, d: golden.nesterov.d }, golden.nesterov.steps],
      [HM, { eta, beta1: golden.hm.beta1, beta2: golden.hm.beta2 }, golden.hm.steps],
    ];
    for (const [spec, params, want] of cases) {
      const got = run(spec, params, 3);
      for (let k = 0; k < 3; k++)
        expect(maxAbsDiff(got[k], want[k]), `${spec.name} step ${k + 1}`).toBeLessThan(1e-13);
    }
  });

  it('false twins: Nesterov counted from epoch 0, or without the look-ahead, misses the golden', () => {
    const eta = golden.eta;
    const fromZero: MethodSpec = {
      ...PYTORCH_NESTEROV,
      name: 'nag-from-0',
      update: [
        'v[k] = (k-1)/(k+d-1)*v[k-1] + grad(x[k])',
        'x[k+1] = x[k] - eta*(grad(x[k]) + (k-1)/(k+d-1)*v[k])',
      ],
    };
    const plain: MethodSpec = {
      ...PYTORCH_NESTEROV,
      name: 'nag-no-lookahead',
      update: ['v[k] = k/(k+d)*v[k-1] + grad(x[k])', 'x[k+1] = x[k] - eta*v[k]'],
    };
    for (const spec of [fromZero, plain]) {
      const got = run(spec, { eta, d: golden.nesterov.d }, 3);
      expect(maxAbsDiff(got[2], golden.nesterov.steps[2])).toBeGreaterThan(1e-8);
    }
  });

  it('PyTorch momentum is heavy ball with fixed β (same iterates)', () => {
    const a = run(PYTORCH_MOMENTUM, { eta: 0.05, beta: 0.7 }, 5);
    const b = run(HB_FIXED, { eta: 0.05, beta: 0.7 }, 5);
    expect(maxAbsDiff(a[4], b[4])).toBeLessThan(1e-14);
    const c = run(HB_FIXED, { eta: 0.05, beta: 0.6 }, 5);
    expect(maxAbsDiff(a[4], c[4])).toBeGreaterThan(1e-8);
  });

  it('initialisation: layout, W std 1/m, b in ±1/√d, a in (−1, 1); seeded', () => {
    const d = 50;
    const m = 400;
    const lay = standardMlpLayout(d, m);
    const th = initStandardMlp(d, m, 7);
    expect(th.length).toBe(lay.dim);
    let s = 0;
    for (let p = 0; p < m * d; p++) s += th[p] * th[p];
    expect(Math.sqrt(s / (m * d)) * m).toBeGreaterThan(0.95);
    expect(Math.sqrt(s / (m * d)) * m).toBeLessThan(1.05);
    for (let r = 0; r < m; r++) {
      expect(Math.abs(th[lay.b + r])).toBeLessThanOrEqual(1 / Math.sqrt(d));
      expect(Math.abs(th[lay.a + r])).toBeLessThan(1);
    }
    expect(maxAbsDiff(initStandardMlp(d, m, 7), th)).toBe(0);
    expect(maxAbsDiff(initStandardMlp(d, m, 8), th)).toBeGreaterThan(0);
    const z = initStandardMlp(d, m, 7, { biasInit: 'zero' });
    for (let r = 0; r < m; r++) expect(z[lay.b + r]).toBe(0);
  });
});
