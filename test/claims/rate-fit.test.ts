import { describe, expect, it } from 'vitest';
import { classifyDecay } from '../../src/claims/rate-fit.ts';

function grid(T: number, n: number, t0 = 0): number[] {
  return Array.from({ length: n }, (_, i) => t0 + ((T - t0) * i) / (n - 1));
}

describe('classifyDecay', () => {
  it('exp(−ct) is linear with rate c', () => {
    for (const c of [0.01, 0.3, 2]) {
      const t = grid(40 / c, 2000);
      const r = classifyDecay(
        t,
        t.map((x) => 5 * Math.exp(-c * x)),
      );
      expect(r.kind).toBe('linear');
      expect(r.rate!).toBeCloseTo(c, 6);
      expect(r.quality!.elasticity).toBeCloseTo(0, 3);
    }
  });

  it('a polynomial prefactor (1 + ct)² e^{−2ct} (critical damping) is linear with the asymptotic rate', () => {
    const c = 0.5;
    const t = grid(200, 4000);
    const r = classifyDecay(
      t,
      t.map((x) => (1 + c * x) ** 2 * Math.exp(-2 * c * x)),
    );
    expect(r.kind).toBe('linear');
    expect(Math.abs(r.rate! - 2 * c) / (2 * c)).toBeLessThan(0.02);
  });

  it('t^(−p) is sublinear with exponent p', () => {
    for (const p of [1, 2, 3]) {
      const t = grid(1000, 3000);
      const r = classifyDecay(
        t,
        t.map((x) => (1 + x) ** -p),
      );
      expect(r.kind).toBe('sublinear');
      expect(Math.abs(r.exponent! - p)).toBeLessThan(0.02 * p);
      expect(r.quality!.elasticity).toBeLessThan(-0.8);
    }
  });

  it('t^(−p)·cos²(ωt) (Bessel-like) is sublinear on the envelope', () => {
    const t = grid(400, 8000);
    const r = classifyDecay(
      t,
      t.map((x) => (1 + x) ** -3 * Math.cos(0.7 * x + 0.3) ** 2),
    );
    expect(r.kind).toBe('sublinear');
    expect(r.quality!.envelope).toBe(true);
    expect(Math.abs(r.exponent! - 3)).toBeLessThan(0.1);
  });

  it('exp(−ct)·cos²(ωt) (underdamped heavy ball) is linear on the envelope', () => {
    const t = grid(300, 9000);
    const r = classifyDecay(
      t,
      t.map((x) => Math.exp(-0.1 * x) * Math.cos(0.9 * x) ** 2),
    );
    expect(r.kind).toBe('linear');
    expect(r.quality!.envelope).toBe(true);
    expect(Math.abs(r.rate! - 0.1) / 0.1).toBeLessThan(0.03);
  });

  it('(1 − a)^k·k^(−p) (discrete NAG) is linear asymptotically, with the crossover reported', () => {
    const a = 0.01;
    const p = 3;
    const k = grid(6000, 6000, 1);
    const r = classifyDecay(
      k,
      k.map((x) => (1 - a) ** x * x ** -p),
    );
    expect(r.kind).toBe('linear');
    // the reported rate approaches −ln(1 − a) from above (the k^(−p) factor still adds p/k)
    expect(Math.abs(r.rate! + Math.log(1 - a)) / -Math.log(1 - a)).toBeLessThan(0.15);
    expect(r.rate!).toBeGreaterThanOrEqual(-Math.log(1 - a));
    // t* = p / |ln(1 − a)| ≈ 298
    expect(r.crossover).toBeDefined();
    expect(Math.abs(r.crossover! - p / -Math.log(1 - a)) / 300).toBeLessThan(0.1);
  });

  it('the same discrete NAG curve seen before its crossover is not called linear', () => {
    const k = grid(60, 600, 1);
    const r = classifyDecay(
      k,
      k.map((x) => 0.999 ** x * x ** -3),
    );
    expect(r.kind).not.toBe('linear');
  });

  it('stalled and diverged', () => {
    const t = grid(100, 500);
    expect(
      classifyDecay(
        t,
        t.map(() => 1),
      ).kind,
    ).toBe('stalled');
    expect(
      classifyDecay(
        t,
        t.map((x) => 1 + 0.001 * Math.sin(x)),
      ).kind,
    ).toBe('stalled');
    expect(
      classifyDecay(
        t,
        t.map((x) => Math.exp(0.2 * x)),
      ).kind,
    ).toBe('diverged');
    expect(
      classifyDecay(
        t,
        t.map((x) => (x > 50 ? Number.NaN : 1)),
      ).kind,
    ).toBe('diverged');
    expect(
      classifyDecay(
        t,
        t.map((x) => (x > 50 ? Infinity : 1)),
      ).kind,
    ).toBe('diverged');
  });

  it('a floor of floating-point noise is cut, not fitted', () => {
    const t = grid(100, 1000);
    const r = classifyDecay(
      t,
      t.map((x) => Math.max(Math.exp(-x), 1e-40 * (1 + Math.sin(7 * x)))),
    );
    expect(r.kind).toBe('linear');
    expect(r.rate!).toBeCloseTo(1, 4);
    expect(r.window[1]).toBeLessThan(60);
  });

  it('too few points is undecided, never NaN', () => {
    const r = classifyDecay([0, 1, 2], [1, 0.5, 0.25]);
    expect(r.kind).toBe('undecided');
    expect(r.rate).toBeUndefined();
  });
});
