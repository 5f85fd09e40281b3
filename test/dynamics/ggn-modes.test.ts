import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { discreteRate, modeRun } from '../../src/dynamics/discrete.ts';
import { runLinearized } from '../../src/dynamics/linearized.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

const spec = (f: string): MethodSpec =>
  JSON.parse(readFileSync(new URL(`../../examples/methods/${f}`, import.meta.url), 'utf8')) as MethodSpec;

describe('ggn on the linearised output model (per-mode maps)', () => {
  it('GGN: spectral radius 1 − η at every λ (κ-independent); GD: 1 − ηλ', () => {
    for (const lambda of [1e-4, 0.01, 0.3, 1]) {
      expect(discreteRate(spec('ggn.json'), { eta: 0.3 }, lambda)).toBeCloseTo(0.7, 12);
      expect(discreteRate('gd', { eta: 0.3 }, lambda)).toBeCloseTo(1 - 0.3 * lambda, 12);
    }
  });
  it('damped GGN: 1 − ηλ/(λ + ε); GGN + momentum: the root of μ² − (1 − η + β)μ + β', () => {
    const eps = 0.05;
    for (const lambda of [0.01, 0.5]) {
      expect(discreteRate(spec('ggn-damped.json'), { eta: 0.5, eps }, lambda)).toBeCloseTo(
        1 - (0.5 * lambda) / (lambda + eps),
        12,
      );
      const [eta, beta] = [0.5, 0.3];
      const b = 1 - eta + beta;
      const disc = b * b - 4 * beta;
      const rho = disc >= 0 ? (b + Math.sqrt(disc)) / 2 : Math.sqrt(beta);
      expect(discreteRate(spec('ggn-momentum.json'), { eta, beta }, lambda)).toBeCloseTo(rho, 10);
    }
    const run = modeRun(spec('ggn.json'), { eta: 0.5 }, 1e-3, 3);
    expect([...run]).toEqual([1, 0.5, 0.25, 0.125]);
  });
  it('dense linearised run: e ← (1 − η)e whatever H (κ = 10⁴)', () => {
    const H = Float64Array.from([1, 0, 0, 1e-4]);
    const r = runLinearized(spec('ggn.json'), { eta: 0.25 }, H, Float64Array.from([1, 1]), 4);
    for (let k = 1; k <= 4; k++) expect(r.errNorm[k] / r.errNorm[k - 1]).toBeCloseTo(0.75, 12);
    const d = runLinearized(spec('ggn-damped.json'), { eta: 1, eps: 1e-4 }, H, Float64Array.from([0, 1]), 1);
    expect(d.errNorm[1]).toBeCloseTo(0.5, 10);
  });
});
