import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkQuadratic } from '../../src/claims/quadratic.ts';
import { parseQuadraticClaim } from '../../src/claims/quadratic-claim.ts';
import { check } from '../../src/api/check.ts';
import type { ClaimJson } from '../../src/claims/claim-schema.ts';

const claim = (f: string): ClaimJson =>
  JSON.parse(readFileSync(new URL(`../../examples/claims/${f}`, import.meta.url), 'utf8')) as ClaimJson;

describe('checkQuadratic: ‖e_{k+1}‖ ≤ C‖e_k‖² near the solution', () => {
  it('a quadratic sequence passes; the smallest C it supports is reported', () => {
    const e = [1, 0.2, 0.04 * 0.5, 0.0004 * 0.5 * 0.25, 1e-12];
    const r = checkQuadratic(e, 1);
    expect(r.status).toBe('pass');
    expect(r.window.length).toBeGreaterThan(0);
    expect(r.computed!).toBeLessThanOrEqual(1);
  });
  it('a linear sequence with any factor ρ fails once ‖e_k‖ < ρ/C (false twin)', () => {
    for (const rho of [0.9, 0.5, 0.1]) {
      const e = Array.from({ length: 60 }, (_, k) => rho ** k);
      const r = checkQuadratic(e, 5);
      expect(r.status, `ρ = ${rho}`).toBe('fail');
      expect(r.violation!.next / r.violation!.errNorm).toBeCloseTo(rho, 12);
    }
  });
  it('never inside the basin C‖e‖ ≤ 1/2 above the floor: inconclusive; bad C: RangeError', () => {
    expect(checkQuadratic([10, 9, 8, 7], 1).status).toBe('inconclusive');
    expect(() => checkQuadratic([1, 0.5], 0)).toThrow(RangeError);
  });
  it('a step into the rounding floor counts only when C‖e_k‖² is above the floor', () => {
    // 0.2 → below the floor: the bound C·0.04 is far above it, so the step is consistent with it.
    const jump = checkQuadratic([1, 0.2, 1e-20], 1, 1e-10);
    expect(jump.status).toBe('pass');
    expect(jump.window).toEqual([1]);
    expect(jump.detail).toMatch(/rounding floor/);
    // A linear sequence (ρ = 0.5) reaches the floor from ‖e_k‖ ≈ 2·floor, where C‖e_k‖² is far below
    // the floor: that step says nothing, and the steps before it still refute the claim.
    const linear = Array.from({ length: 60 }, (_, k) => 0.5 ** k);
    expect(checkQuadratic(linear, 5, 1e-10).status).toBe('fail');
    // With a bound that the sequence never meets inside the basin and only a floor step below it: no evidence.
    expect(checkQuadratic([10, 9, 1e-6, 1e-30], 1, 1e-10).status).toBe('inconclusive');
  });
});

describe('quadratic claim files (dynview check)', () => {
  it('GGN η = 1 with both layers: supported; GD and GGN η = 0.5: refuted with a counterexample', async () => {
    expect((await check(claim('ggn-quadratic.json'), { runs: 2 })).verdict).toBe('supported');
    const gd = await check(claim('gd-is-quadratic.json'), { runs: 1 });
    expect(gd.verdict).toBe('refuted');
    expect(gd.counterexample!.replay).toMatch(/--path/);
    expect((await check(claim('ggn-half-step-is-quadratic.json'), { runs: 1 })).verdict).toBe('refuted');
  });
  it('rejects unknown fields, a non-network regime, C ≤ 0, a param the method lacks', () => {
    const base = claim('gd-is-quadratic.json') as Record<string, unknown>;
    const bad: Array<Record<string, unknown>> = [
      { ...base, extra: 1 },
      { ...base, regime: 'ode' },
      { ...base, assert: { kind: 'quadratic', C: 0 } },
      { ...base, assert: { kind: 'quadratic', C: 1, rate: 2 } },
      { ...base, params: { beta: 0.5 } },
      { ...base, train: 'all' },
      { ...base, instances: { width: 1e9 } },
      { ...base, assert: { kind: 'quadratic', C: 'n/width' } }, // unknown symbol
      { ...base, assert: { kind: 'quadratic', C: 'exp(exp(exp(n)))^99' } },
      { ...base, assert: { kind: 'quadratic', C: '-1' } }, // a constant expression must be positive
      { ...base, assert: { kind: 'quadratic', C: '2-2' } },
    ];
    for (const b of bad) expect(() => parseQuadraticClaim(b), JSON.stringify(b)).toThrow();
  });
  it('C may be an expression in lambda0, lambdaMax, n, d and the width m', () => {
    const base = claim('ggn-quadratic.json') as Record<string, unknown>;
    expect(parseQuadraticClaim(base).C).toBe('n^1.5/(lambda0^2*sqrt(m))');
    expect(parseQuadraticClaim({ ...base, assert: { kind: 'quadratic', C: 2.5 } }).C).toBe(2.5);
  });
});
