import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/rng.ts';

describe('Rng', () => {
  it('same seed, same bits; different seed, different stream', () => {
    const a = new Rng(7),
      b = new Rng(7),
      c = new Rng(8);
    const xs = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xs);
  });
  it('uniform in [0,1) and normals with mean 0, variance 1', () => {
    const r = new Rng(1);
    let s = 0,
      s2 = 0,
      umin = 1,
      umax = 0;
    const N = 200000;
    for (let i = 0; i < N; i++) {
      const u = r.uniform();
      umin = Math.min(umin, u);
      umax = Math.max(umax, u);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(umin).toBeGreaterThanOrEqual(0);
    expect(umax).toBeLessThan(1);
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.01);
  });
});
