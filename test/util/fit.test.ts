import { describe, expect, it } from 'vitest';
import { fitLine, fitSlope, logSlopeAbove } from '../../src/util/fit.ts';

describe('fitLine', () => {
  it('recovers an exact line, with zero residual and R² = 1', () => {
    const x = [0, 1, 2, 3, 4];
    const f = fitLine(
      x,
      x.map((v) => 2 - 0.5 * v),
    );
    expect(f.slope).toBeCloseTo(-0.5, 14);
    expect(f.intercept).toBeCloseTo(2, 14);
    expect(f.rms).toBeLessThan(1e-15);
    expect(f.r2).toBeCloseTo(1, 14);
  });
  it('least squares on noisy points (against the normal equations by hand)', () => {
    const x = [1, 2, 3, 4];
    const y = [1, 3, 2, 5];
    // x̄ = 2.5, ȳ = 2.75, Sxy = 5.5, Sxx = 5, Syy = 8.75
    const f = fitLine(x, y);
    expect(f.slope).toBeCloseTo(1.1, 14);
    expect(f.intercept).toBeCloseTo(0, 14);
    expect(f.r2).toBeCloseTo((5.5 * 5.5) / (5 * 8.75), 14);
    // false twin: the slope through the end points is not the least-squares slope
    expect(f.slope).not.toBeCloseTo((5 - 1) / 3, 3);
    // residuals −0.1, 0.8, −1.3, 0.6: Σ r² = 2.7, SE = √(2.7/2/5)
    expect(f.slopeStdError).toBeCloseTo(Math.sqrt(2.7 / 2 / 5), 12);
    expect(fitLine([1, 2], [3, 4]).slopeStdError).toBe(Infinity);
  });
  it('no slope without two distinct x values; a flat y has R² = 1', () => {
    expect(fitSlope([2, 2, 2], [1, 5, 9])).toBe(0);
    expect(fitLine([1, 2, 3], [4, 4, 4]).r2).toBe(1);
  });
  it('works on typed arrays', () => {
    expect(fitSlope(Float64Array.of(0, 1, 2), Float64Array.of(1, 3, 5))).toBeCloseTo(2, 14);
  });
});

describe('logSlopeAbove', () => {
  it('fits ln v[k] on the entries above the floor, null when too few remain', () => {
    const v = Array.from({ length: 40 }, (_, k) => (k < 30 ? 0.5 ** k : 0));
    expect(logSlopeAbove(v, 10, 39, 0)).toBeCloseTo(Math.log(0.5), 12);
    expect(logSlopeAbove(v, 25, 39, 0)).toBeNull();
    expect(logSlopeAbove(v, 0, 39, 0.5 ** 5)).toBeNull();
  });
});
