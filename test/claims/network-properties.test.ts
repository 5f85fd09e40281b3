import { describe, expect, it } from 'vitest';
import { runProof } from '../../src/claims/proof.ts';
import { check } from '../../src/api/check.ts';
import type { ClaimJson } from '../../src/claims/claim-schema.ts';
import { proof as gdLinear } from '../../proofs/gd-linear.ts';
import { proof as widthDrift } from '../../proofs/width-drift.ts';
import { proof as bothLayers } from '../../proofs/both-layers.ts';

describe('real-net properties near the float64 floor', () => {
  it('gd-linear at seed 5: the late-window fit stops at the floor (it read a floor-flattened 0.0721 for 0.0849)', async () => {
    const r = await runProof({ ...gdLinear, claims: [], twins: [] }, { seed: 5 });
    const prop = r.obligations.find((o) => o.name.startsWith('real net'));
    expect(prop?.status, prop?.detail).toBe('pass');
  });
});

describe('width laws: a finite ladder of widths measures the exponent to within its standard error', () => {
  it('width-drift at seed 7: a weight-drift slope −0.41 (band ≤ −0.35) is not refuted when within 2 SE', async () => {
    const r = await runProof({ ...widthDrift, claims: [], twins: [] }, { seed: 7 });
    expect(r.verdict).not.toBe('refuted');
  });
});

describe('network-regime rate claims read on the finite net’s own kernel', () => {
  const claim = (id: string, rate: string): ClaimJson => ({
    id,
    statement: `GD loss rate ${rate} on the real net`,
    method: 'gd',
    regime: 'network',
    assert: { kind: 'linear', rate },
    instances: { data: 'sphere', n: [4, 10], d: [3, 8], width: [4000, 16000], runs: 4 },
  });
  it('2λ0 (the infinite-width truth) is not refuted where the run’s λ_min(H(t)) < λ0 explains the shortfall', async () => {
    const r = await check(claim('gd-2l0', '2*lambda0'), { seed: 1 });
    expect(r.verdict).not.toBe('refuted');
    expect(JSON.stringify(r)).toMatch(/finite width: on the run's own kernel/);
  });
  it('false twin 3λ0 is refuted: it fails on the run’s own kernel too', async () => {
    expect((await check(claim('gd-3l0', '3*lambda0'), { seed: 1 })).verdict).toBe('refuted');
  });
});

describe('both layers: an unstable first-layer step that catapults', () => {
  it('seed 14: the twin "η = 1.9/λmax(H∞_W) converges" is refuted by the catapult (the loss rose ×10³ before the kernel moved)', async () => {
    const twin = (bothLayers.twins ?? []).filter((t) => 'name' in t && /1\.9\/λmax/.test(t.name));
    expect(twin).toHaveLength(1);
    const r = await runProof({ ...bothLayers, claims: [], properties: [], twins: twin }, { seed: 14 });
    expect(r.twins[0].verdict, r.twins[0].detail).toBe('refuted');
    expect(r.twins[0].detail).toMatch(/catapult/);
  });
});

describe('claims undefined on every instance are bad input (exit 2), not inconclusive', () => {
  const base = { id: 'u', method: 'gd', instances: { runs: 2 } } as const;
  it('a rate that divides by zero, a step outside its domain, a non-finite network rate', async () => {
    await expect(
      check({ ...base, regime: 'discrete', assert: { kind: 'linear', rate: 'lambda0/(lambda0-lambda0)' } }),
    ).rejects.toThrow(/cannot be evaluated on any of its 2 instances/);
    await expect(
      check({
        ...base,
        regime: 'discrete',
        params: { eta: '-1/lambdaMax' },
        assert: { kind: 'linear', rate: 'lambda0' },
      }),
    ).rejects.toThrow(/parameter 'eta' must be in/);
    await expect(
      check({
        ...base,
        regime: 'network',
        assert: { kind: 'linear', rate: 'lambda0/(n-n)' },
        instances: { runs: 2, width: 1000 },
      }),
    ).rejects.toThrow(/not a finite number/);
  });
});

describe('library run options', () => {
  it('runs ≤ 0 or a non-integer seed throw (0 instances would prove anything)', async () => {
    const claim: ClaimJson = {
      id: 'r0',
      method: 'gd',
      regime: 'ode',
      assert: { kind: 'linear', rate: '3*lambda0' },
    };
    await expect(check(claim, { runs: 0 })).rejects.toThrow(/runs must be an integer ≥ 1/);
    await expect(check(claim, { runs: -1 })).rejects.toThrow(RangeError);
    await expect(check(claim, { seed: Number.NaN })).rejects.toThrow(/seed must be an integer/);
  });
});
