import { describe, expect, it } from 'vitest';
import { runLinearized } from '../../src/dynamics/linearized.ts';

describe('runLinearized: one iteration for a dense H and for its eigenvalues', () => {
  const lambda = [2, 0.5, 0.01];
  const H = new Float64Array(9);
  lambda.forEach((l, i) => (H[i * 3 + i] = l));
  const e0 = Float64Array.of(1, -2, 0.5);

  it('a diagonal H gives the same bits dense or as eigenvalues (hb, nag-c)', () => {
    for (const [method, params] of [
      ['hb', { eta: 0.3, beta: 0.6 }],
      ['nag-c', { s: 0.3, r: 3 }],
    ] as const) {
      const dense = runLinearized(method, params, H, e0, 50);
      const modes = runLinearized(method, params, { diagonal: lambda }, e0, 50);
      expect([...modes.errNorm]).toEqual([...dense.errNorm]);
      expect(Math.sqrt(modes.sqNorm[7])).toBe(modes.errNorm[7]);
    }
  });

  it('gd: each mode contracts by |1 − ηλ| (false twin: not by 1 − ηλ_max)', () => {
    const r = runLinearized('gd', { eta: 0.4 }, { diagonal: [0.5] }, Float64Array.of(1), 3);
    expect(r.errNorm[3]).toBeCloseTo(0.8 ** 3, 14);
    expect(r.errNorm[3]).not.toBeCloseTo(0.2 ** 3, 3);
  });

  it('divergence: ‖e‖ above 10³·‖e0‖ stops the run by default, or is reported while it runs on', () => {
    // gd at η = 3 on λ = 1: |1 − 3| = 2 per step, 2^10 = 1024 > 1000 at step 10
    const stop = runLinearized('gd', { eta: 3 }, { diagonal: [1] }, Float64Array.of(1), 40);
    expect(stop.status).toBe('diverged');
    expect(stop.divergedAt).toBe(10);
    expect(stop.errNorm.length).toBe(10);
    expect(stop.errNorm.every(Number.isFinite)).toBe(true);
    const all = runLinearized('gd', { eta: 3 }, { diagonal: [1] }, Float64Array.of(1), 40, {
      stopAtDivergence: false,
    });
    expect(all.status).toBe('diverged');
    expect(all.divergedAt).toBe(10);
    expect(all.errNorm.length).toBe(41);
    expect(all.errNorm[40]).toBe(2 ** 40);
    // a converging run is 'ok'
    expect(runLinearized('gd', { eta: 1 }, { diagonal: [1] }, Float64Array.of(1), 5).status).toBe('ok');
  });

  it('rejects a kernel of the wrong size', () => {
    expect(() => runLinearized('gd', { eta: 1 }, new Float64Array(4), e0, 1)).toThrow(RangeError);
    expect(() => runLinearized('gd', { eta: 1 }, { diagonal: [1, 2] }, e0, 1)).toThrow(RangeError);
  });
});
