import { describe, expect, it } from 'vitest';
import { initNetwork, forward, gradientFromMask, errorAndLoss } from '../../src/train/network.ts';
import { loadData } from '../../src/data/load.ts';

describe('network gradient', () => {
  const data = loadData('sphere:n=7,d=3,seed=11');
  const net = initNetwork(3, 9, 4);
  const n = data.n;
  const lossAt = (W: Float64Array): number => {
    const u = new Float64Array(n);
    forward(net, W, data, u);
    return errorAndLoss(u, data.y, new Float64Array(n));
  };
  const gradAt = (W: Float64Array): Float64Array => {
    const u = new Float64Array(n);
    const e = new Float64Array(n);
    const mask = new Uint8Array(net.m * n);
    forward(net, W, data, u, mask);
    errorAndLoss(u, data.y, e);
    const g = new Float64Array(W.length);
    gradientFromMask(net, data, e, mask, g);
    return g;
  };
  it('matches central finite differences (away from kinks)', () => {
    const g = gradAt(net.W0);
    const h = 1e-6;
    for (let p = 0; p < net.W0.length; p++) {
      const Wp = Float64Array.from(net.W0);
      Wp[p] += h;
      const Wm = Float64Array.from(net.W0);
      Wm[p] -= h;
      const fd = (lossAt(Wp) - lossAt(Wm)) / (2 * h);
      expect(Math.abs(fd - g[p])).toBeLessThan(1e-7 * Math.max(1, Math.abs(g[p])));
    }
  });
  it('false twin: the gradient without the 1/√m factor is refuted by finite differences', () => {
    const g = gradAt(net.W0);
    const p = g.findIndex((v) => Math.abs(v) > 1e-3);
    const h = 1e-6;
    const Wp = Float64Array.from(net.W0);
    Wp[p] += h;
    const Wm = Float64Array.from(net.W0);
    Wm[p] -= h;
    const fd = (lossAt(Wp) - lossAt(Wm)) / (2 * h);
    expect(Math.abs(fd - g[p] * Math.sqrt(net.m))).toBeGreaterThan(1e-3);
  });
  it('initNetwork is seeded: W0 ~ N(0, scale²), a ∈ {±1}', () => {
    const a = initNetwork(5, 2000, 1, 0.5);
    const b = initNetwork(5, 2000, 1, 0.5);
    expect(Array.from(a.W0)).toEqual(Array.from(b.W0));
    const v = a.W0.reduce((s, x) => s + x * x, 0) / a.W0.length;
    expect(v).toBeGreaterThan(0.2);
    expect(v).toBeLessThan(0.3);
    expect(a.a.every((x) => x === 1 || x === -1)).toBe(true);
  });
});
