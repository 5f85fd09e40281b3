import { describe, expect, it } from 'vitest';
import { gramInfinity, empiricalNtk, ntkSpectrum, kernelSpectrum } from '../../src/ntk/gram.ts';
import { activationBits, bitsFromMask, coActivationCounts } from '../../src/ntk/activations.ts';
import { spectralNormSymmetric } from '../../src/linalg/eigen.ts';
import { initNetwork, forward } from '../../src/train/network.ts';
import { loadData } from '../../src/data/load.ts';
import { dataset, goldenCases } from './golden-data.ts';

interface Case {
  name: string;
  n: number;
  d: number;
  X: number[];
  H: number[];
  lambda0: number;
  lambdaMax: number;
}
const golden = { cases: goldenCases<Case>('ntk.json') };

describe('H∞ against numpy (scripts/golden/ntk.py)', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const data = dataset(c.n, c.d, c.X);
      const H = gramInfinity(data);
      for (let p = 0; p < c.n * c.n; p++)
        expect(Math.abs(H[p] - c.H[p])).toBeLessThan(1e-13 * Math.max(1, Math.abs(c.H[p])));
      const s = ntkSpectrum(data);
      expect(Math.abs(s.lambda0 - c.lambda0) / c.lambda0).toBeLessThan(1e-10);
      expect(Math.abs(s.lambdaMax - c.lambdaMax) / c.lambdaMax).toBeLessThan(1e-10);
      expect(s.kappa).toBeCloseTo(c.lambdaMax / c.lambda0, 6);
    });
  }
  it('false twin: a kernel with the angle unclamped-and-halved (x·x (π − θ/2)/(2π)) does not match', () => {
    const c = golden.cases[0];
    const { d } = c;
    const x0 = c.X.slice(0, d);
    const x1 = c.X.slice(d, 2 * d);
    const dot = x0.reduce((s, v, k) => s + v * x1[k], 0);
    const wrong = (dot * (Math.PI - Math.acos(dot) / 2)) / (2 * Math.PI);
    expect(Math.abs(wrong - c.H[1])).toBeGreaterThan(1e-6);
    expect(Math.abs(gramInfinity(dataset(c.n, d, c.X))[1] - c.H[1])).toBeLessThan(1e-14);
  });
  it('nearly parallel rows: λ0 = θ/(2π) to 1e-6 relative at θ = 1e-9 (arccos of the cosine would give 0)', () => {
    const theta = 1e-9;
    const data = dataset(2, 2, [1, 0, Math.cos(theta), Math.sin(theta)]);
    const s = ntkSpectrum(data);
    // exact: λ0 = 1/2 − cos θ (π − θ)/(2π) = θ/(2π) + O(θ²)
    expect(Math.abs(s.lambda0 - theta / (2 * Math.PI)) / (theta / (2 * Math.PI))).toBeLessThan(1e-6);
    // false twin: the arccos route loses the angle entirely
    const c = Math.min(1, Math.cos(theta) * 1 + 0);
    expect(Math.acos(c)).toBe(0);
  });
  it('duplicate rows give λ0 = 0 (κ infinite)', () => {
    const data = dataset(3, 2, [1, 0, 1, 0, 0, 1]);
    const s = ntkSpectrum(data);
    expect(Math.abs(s.lambda0)).toBeLessThan(1e-15);
    expect(s.kappa).toBe(Infinity);
  });
});

describe('empirical NTK', () => {
  const data = loadData('sphere:n=12,d=4,seed=3');
  it('bitset kernel equals the direct definition (1/m) Σ_r x_i·x_j 1{·}1{·}', () => {
    const net = initNetwork(4, 77, 5);
    const H = empiricalNtk(net, net.W0, data);
    const { n, d, X } = data;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += X[i * d + k] * X[j * d + k];
        let c = 0;
        for (let r = 0; r < net.m; r++) {
          let zi = 0;
          let zj = 0;
          for (let k = 0; k < d; k++) {
            zi += net.W0[r * d + k] * X[i * d + k];
            zj += net.W0[r * d + k] * X[j * d + k];
          }
          if (zi >= 0 && zj >= 0) c++;
        }
        expect(H[i * n + j]).toBeCloseTo((dot * c) / net.m, 14);
      }
  });
  it('bitsFromMask (from network.forward) equals activationBits', () => {
    const net = initNetwork(4, 70, 1);
    const mask = new Uint8Array(70 * data.n);
    forward(net, net.W0, data, new Float64Array(data.n), mask);
    expect(Array.from(bitsFromMask(mask, 70, data.n).bits)).toEqual(
      Array.from(activationBits(net.W0, 70, data).bits),
    );
    const counts = coActivationCounts(activationBits(net.W0, 70, data));
    expect(counts[0]).toBeGreaterThan(20); // about half the neurons are active on a row
  });
  it('‖H(W0) − H∞‖₂ shrinks like 1/√m over m = 10³…10⁵ (log-log slope ≈ −1/2)', () => {
    const small = loadData('sphere:n=10,d=5,seed=2');
    const Hinf = gramInfinity(small);
    const n = small.n;
    const widths = [1000, 3162, 10000, 31623, 100000];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const m of widths) {
      // average over a few seeds to tame the noise of a single draw
      let acc = 0;
      const seeds = 4;
      for (let s = 0; s < seeds; s++) {
        const net = initNetwork(5, m, 100 + s);
        const H = empiricalNtk(net, net.W0, small);
        const D = new Float64Array(n * n);
        for (let p = 0; p < n * n; p++) D[p] = H[p] - Hinf[p];
        acc += spectralNormSymmetric(D, n);
      }
      xs.push(Math.log(m));
      ys.push(Math.log(acc / seeds));
    }
    const mx = xs.reduce((a, b) => a + b) / xs.length;
    const my = ys.reduce((a, b) => a + b) / ys.length;
    let sxy = 0;
    let sxx = 0;
    xs.forEach((x, i) => {
      sxy += (x - mx) * (ys[i] - my);
      sxx += (x - mx) ** 2;
    });
    const slope = sxy / sxx;
    expect(slope).toBeGreaterThan(-0.65);
    expect(slope).toBeLessThan(-0.35);
    // false twin: not 1/m and not constant
    expect(Math.abs(slope + 1)).toBeGreaterThan(0.3);
    expect(Math.abs(slope)).toBeGreaterThan(0.3);
  });
  it('kernelSpectrum of a diagonal', () => {
    expect(kernelSpectrum(Float64Array.of(2, 0, 0, 8), 2)).toEqual({ lambda0: 2, lambdaMax: 8, kappa: 4 });
  });
});
