import { describe, expect, it } from 'vitest';
import {
  arcCosineKernel1,
  augmentBias,
  empiricalNtkModel,
  gramInfinityModel,
  ntkSpectrumModel,
  relativeFrobenius,
} from '../../src/ntk/both-layers.ts';
import { gramInfinity, ntkSpectrum } from '../../src/ntk/gram.ts';
import { initNetwork } from '../../src/train/network.ts';
import { dataset, goldenCases } from './golden-data.ts';

interface Case {
  name: string;
  n: number;
  d: number;
  bias: boolean;
  X: number[];
  K1: number[];
  H: number[];
  lambda0: number;
  lambdaMax: number;
  lambda0First: number;
}
const golden = { cases: goldenCases<Case>('ntk_both.json') };

describe('both-layer H∞ against numpy (scripts/golden/ntk_both.py)', () => {
  for (const c of golden.cases) {
    it(c.name, () => {
      const data = dataset(c.n, c.d, c.X);
      const model = { train: 'both' as const, bias: c.bias };
      const H = gramInfinityModel(data, model);
      for (let p = 0; p < c.n * c.n; p++)
        expect(Math.abs(H[p] - c.H[p])).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.H[p])));
      const K = arcCosineKernel1(c.bias ? augmentBias(data) : data);
      for (let p = 0; p < c.n * c.n; p++)
        expect(Math.abs(K[p] - c.K1[p])).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.K1[p])));
      const s = ntkSpectrumModel(data, model);
      expect(Math.abs(s.lambda0 - c.lambda0) / c.lambda0).toBeLessThan(1e-9);
      expect(Math.abs(s.lambdaMax - c.lambdaMax) / c.lambdaMax).toBeLessThan(1e-9);
      const first = ntkSpectrumModel(data, { train: 'first', bias: c.bias });
      expect(Math.abs(first.lambda0 - c.lambda0First) / c.lambda0First).toBeLessThan(1e-9);
      // Adding a PSD kernel can only raise λ0.
      expect(s.lambda0).toBeGreaterThan(first.lambda0);
    });
  }
  it("train 'first' without bias is exactly gramInfinity", () => {
    const c = golden.cases[0];
    const data = dataset(c.n, c.d, c.X);
    expect(gramInfinityModel(data, { train: 'first', bias: false })).toEqual(gramInfinity(data));
    expect(ntkSpectrumModel(data, { train: 'first', bias: false }).lambda0).toBe(ntkSpectrum(data).lambda0);
  });
  it('false twin: the kernel without the sin θ term, ‖x‖‖y‖(π − θ)cos θ/(2π), does not match', () => {
    const c = golden.cases[0];
    const data = dataset(c.n, c.d, c.X);
    const wrong = gramInfinity(data); // = x·y(π − θ)/(2π): the arc-cosine kernel without sin θ
    expect(relativeFrobenius(wrong, Float64Array.from(c.K1))).toBeGreaterThan(0.05);
  });
});

describe('both-layer H∞ against a Monte-Carlo empirical NTK', () => {
  const c = golden.cases[0];
  for (const bias of [false, true]) {
    it(`relative Frobenius error shrinks with m (bias ${bias}): ≤ 0.04 at m = 10⁴, ≤ 0.015 at m = 10⁵`, () => {
      const data0 = dataset(c.n, c.d, c.X);
      const data = bias ? augmentBias(data0) : data0;
      const Hinf = gramInfinityModel(data0, { train: 'both', bias });
      const errs: number[] = [];
      for (const m of [1e4, 1e5]) {
        const net = initNetwork(data.d, m, 5, 1);
        const H = empiricalNtkModel(net.W0, net.a, m, data, 'both');
        errs.push(relativeFrobenius(H, Hinf));
      }
      expect(errs[0]).toBeLessThan(0.04);
      expect(errs[1]).toBeLessThan(0.015);
      // False twin: the first-layer kernel alone is far from the both-layer empirical NTK.
      const net = initNetwork(data.d, 1e4, 5, 1);
      const H = empiricalNtkModel(net.W0, net.a, 1e4, data, 'both');
      expect(relativeFrobenius(H, gramInfinityModel(data0, { train: 'first', bias }))).toBeGreaterThan(0.2);
    });
  }
});
