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

  // GD's loss is a sum of exponential modes, the fast ones fading first. With a time offset
  // (t = (k + 2000)·η, or a method's `start`), the run lies on [t0, t0 + 90] with t0 = 700: the window
  // spans only ln(790/700) ≈ 0.12 of ln t, where t^(−p) with p ≈ 500 looks like an exponential.
  const offsetGd = (x: number) => 10 * Math.exp(-2 * (x - 700)) + Math.exp(-0.7 * (x - 700));

  it('an exponential with a large time offset (a transient, then e^{−0.7t}) is linear with rate 0.7', () => {
    const t = grid(790, 300, 700);
    const r = classifyDecay(t, t.map(offsetGd));
    expect(r.kind).toBe('linear');
    expect(Math.abs(r.rate! - 0.7) / 0.7).toBeLessThan(0.01);
    // the late window is the last 3/4 of the run's duration, not [T/4, T] (which is all of it)
    expect(r.window[0]).toBeGreaterThanOrEqual(700 + 0.25 * (r.window[1] - 700));
    for (const w of [0.125, 0.25, 0.5]) {
      const rw = classifyDecay(t, t.map(offsetGd), { windowStart: w });
      expect(rw.kind).toBe('linear');
      expect(Math.abs(rw.rate! - 0.7) / 0.7).toBeLessThan(0.02);
    }
  });

  it('a window spanning too little of ln t to resolve a power law is never sublinear', () => {
    // windowStart 0 keeps the transient in the window: both fits are poor, the power law's
    // curvature (p̂·κ) is below their residual, so the kind is not 'sublinear'.
    const t = grid(790, 300, 700);
    const r = classifyDecay(t, t.map(offsetGd), { windowStart: 0 });
    expect(r.kind).not.toBe('sublinear');
    expect(r.quality!.logSpan).toBeLessThan(0.13);
    expect(r.quality!.separation).toBeLessThanOrEqual(Math.min(r.quality!.rmsLinear, r.quality!.rmsPower));
    if (r.kind === 'undecided') expect(r.reason).toMatch(/cannot tell a power law from an exponential/);
  });

  it('t^(−3) from t = 1 is still sublinear, with the power law resolved', () => {
    const t = grid(1000, 3000, 1);
    const r = classifyDecay(
      t,
      t.map((x) => x ** -3),
    );
    expect(r.kind).toBe('sublinear');
    expect(Math.abs(r.exponent! - 3)).toBeLessThan(0.01);
    expect(r.quality!.separation).toBeGreaterThan(100 * r.quality!.rmsPower);
  });

  it('a clean t^(−3) on a short window far from t = 0 is still sublinear (resolution is relative to the residual)', () => {
    const t = grid(1100, 2000, 1000);
    const r = classifyDecay(
      t,
      t.map((x) => x ** -3),
    );
    expect(r.kind).toBe('sublinear');
    expect(Math.abs(r.exponent! - 3)).toBeLessThan(0.01);
  });

  it('too few points is undecided, never NaN', () => {
    const r = classifyDecay([0, 1, 2], [1, 0.5, 0.25]);
    expect(r.kind).toBe('undecided');
    expect(r.rate).toBeUndefined();
  });
});
