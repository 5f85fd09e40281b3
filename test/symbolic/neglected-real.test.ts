import { describe, expect, it } from 'vitest';
import { loadData } from '../../src/data/load.ts';
import { train, trainingParams } from '../../src/train/trainer.ts';
import { neglectedTermsEstimate, toOutputSpace } from '../../src/symbolic/output-space.ts';
import { deriveOde } from '../../src/symbolic/derive.ts';
import type { Trajectory } from '../../src/train/types.ts';

/**
 * The neglected part of the output-space ODE, read from real trajectories: it comes from the
 * kernel moving, so it shrinks with the width (‖H(t) − H(0)‖ = O(1/√m)).
 */
describe('neglectedTermsEstimate on real training runs (hb-fixed, β = 0.5)', () => {
  const data = loadData('sphere:n=8,d=5,seed=3');
  const run = (width: number): Trajectory =>
    train({
      data,
      width,
      method: 'hb-fixed',
      params: trainingParams('hb-fixed', 0.05, { beta: 0.5 }),
      steps: 150,
      seed: 11,
      probeEvery: 25,
      engine: 'direct',
    });
  it('is small and finite for a wide net, and larger for a narrow one (false twin)', () => {
    const out = toOutputSpace(deriveOde('hb-fixed'));
    expect(out.neglected.length).toBeGreaterThan(0);
    const wide = neglectedTermsEstimate(run(4000).probes)!;
    const narrow = neglectedTermsEstimate(run(40).probes)!;
    expect(wide.source).toBe('relativeKernelAction');
    expect(Number.isFinite(wide.relativeNeglected)).toBe(true);
    expect(wide.relativeNeglected).toBeLessThan(0.05);
    expect(narrow.relativeNeglected).toBeGreaterThan(2 * wide.relativeNeglected);
  });
});
