import { describe, expect, it } from 'vitest';
import { fitLossRate, rateUnavailableReason, assembleTrajectory } from '../../src/train/trajectory.ts';

describe('fitLossRate', () => {
  it('recovers ln q of a geometric loss over the last half by default', () => {
    const loss = Float64Array.from({ length: 101 }, (_, k) => 3 * 0.9 ** k);
    expect(fitLossRate(loss)).toBeCloseTo(Math.log(0.9), 12);
    expect(fitLossRate(loss, 0, 10)).toBeCloseTo(Math.log(0.9), 12);
  });
  it('false twin: a loss with two phases gives the late slope over the last half, not the early one', () => {
    const loss = Float64Array.from({ length: 101 }, (_, k) =>
      k < 50 ? 0.5 ** k : 0.5 ** 50 * 0.99 ** (k - 50),
    );
    expect(fitLossRate(loss)).toBeCloseTo(Math.log(0.99), 12);
    expect(fitLossRate(loss)).not.toBeCloseTo(Math.log(0.5), 3);
  });
  it('null when the loss reached 0 or underflowed, with a reason', () => {
    const loss = Float64Array.of(1, 0.1, 0.01, 0, 0);
    expect(fitLossRate(loss)).toBeNull();
    expect(rateUnavailableReason(loss, 2, 4)).toMatch(/reached 0/);
    expect(fitLossRate(Float64Array.of(1))).toBeNull();
  });
});

describe('assembleTrajectory', () => {
  it('trims buffers and fits the rate before the diverged step', () => {
    const loss = Float64Array.of(1, 0.5, 0.25, 0.125, Infinity, 0);
    const t = assembleTrajectory({
      status: 'diverged',
      steps: 4,
      divergedAt: 4,
      loss,
      errNorm: new Float64Array(6),
      probes: [],
      lambda0: 1,
      lambdaMax: 2,
      seconds: 0,
      engine: 'direct',
      method: 'gd',
      params: { eta: 1 },
      width: 1,
      seed: 0,
    });
    expect(t.loss.length).toBe(5);
    expect(t.rate!.window).toEqual([1, 3]);
    expect(t.rate!.perStep).toBeCloseTo(Math.log(0.5), 12);
  });
});
