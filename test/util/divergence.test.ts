import { describe, expect, it } from 'vitest';
import { isDiverged, isNormDiverged } from '../../src/util/divergence.ts';

describe('divergence rule', () => {
  it('loss: NaN, ±Inf or > 1e6 × initial', () => {
    expect(isDiverged(NaN, 1)).toBe(true);
    expect(isDiverged(Infinity, 1)).toBe(true);
    expect(isDiverged(-Infinity, 1)).toBe(true);
    expect(isDiverged(1.1e6, 1)).toBe(true);
    expect(isDiverged(0.9e6, 1)).toBe(false);
    // no scale when the initial loss is 0: only a non-finite loss counts
    expect(isDiverged(5, 0)).toBe(false);
    expect(isDiverged(NaN, 0)).toBe(true);
  });
  it('norm: the same rule with √1e6 = 1e3 (loss ∝ ‖e‖²)', () => {
    expect(isNormDiverged(1.1e3, 1)).toBe(true);
    expect(isNormDiverged(0.9e3, 1)).toBe(false);
    expect(isNormDiverged(NaN, 1)).toBe(true);
    // consistent with the loss rule on ½‖e‖²
    for (const [e, e0] of [
      [999, 1],
      [1001, 1],
      [3e5, 250],
      [2.6e5, 250],
    ])
      expect(isNormDiverged(e, e0)).toBe(isDiverged(0.5 * e * e, 0.5 * e0 * e0));
  });
});
