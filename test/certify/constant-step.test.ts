import { describe, expect, it } from 'vitest';
import { check } from '../../src/api/check.ts';
import type { ClaimJson } from '../../src/claims/claim-schema.ts';

// A spec whose step is a number: time k*0.1 advances by 0.1 per step, though mathjs's simplify leaves
// ((k + 1)*0.1) − k*0.1 with k in it (the model used to give up: "does not advance by a constant").
const method = {
  name: 'gd-tenth',
  params: ['eta'],
  step: '0.1',
  time: 'k*0.1',
  update: ['x[k+1] = x[k] - 0.1*grad(x[k])'],
};
const claim = (id: string, rate: string): ClaimJson => ({
  id,
  method,
  regime: 'discrete',
  assert: { kind: 'linear', rate },
  instances: { runs: 2 },
});

describe('discrete regime with a numeric step', () => {
  it('GD at η = 0.1: loss rate −2 ln(1 − 0.1λ0)/0.1 ≥ 2λ0 is proved; 4λ0 (false twin) is refuted', async () => {
    expect((await check(claim('tenth', '2*lambda0'))).verdict).toBe('proved');
    expect((await check(claim('tenth-twin', '4*lambda0'))).verdict).toBe('refuted');
  });
  it('an exponent undefined on every instance (log 0) is bad input, not a failed hypothesis', async () => {
    await expect(
      check({
        id: 'log0',
        method: 'nag-c',
        regime: 'ode',
        params: { r: 3 },
        assert: { kind: 'sublinear', exponent: 'log(r-3)' },
        instances: { runs: 2 },
      }),
    ).rejects.toThrow(
      /cannot be evaluated on any of its 2 instances: the claim cannot be evaluated on the domain/,
    );
  });
});

describe('sublinear claims on constant-coefficient models', () => {
  it('heavy ball with γ = 0 claimed sublinear is refuted: roots on the imaginary axis, no decay at all', async () => {
    const r = await check({
      id: 'hb-undamped-sublinear',
      method: 'hb',
      params: { gamma: 0 },
      regime: 'ode',
      assert: { kind: 'sublinear', exponent: '0.5' },
      instances: { runs: 2 },
    });
    expect(r.verdict).toBe('refuted');
    expect(r.counterexample?.reason).toMatch(/does not decay/);
  });
});

describe('ode regime of a method stepping along ggn', () => {
  const ggn = {
    name: 'ggn',
    params: ['eta'],
    step: 'eta',
    time: 'k*eta',
    update: ['x[k+1] = x[k] - eta*ggn(x[k])'],
  };
  const claim = (id: string, rate: string): ClaimJson => ({
    id,
    method: ggn,
    params: { eta: 0.5 },
    regime: 'ode',
    assert: { kind: 'linear', rate },
    instances: { runs: 2 },
  });
  it('ė + e = 0 in every mode: loss rate 2 is proved, 2.2 refuted (the model used to read ggn as grad: ė + He)', async () => {
    expect((await check(claim('ggn-ode-2', '2'))).verdict).toBe('proved');
    expect((await check(claim('ggn-ode-2.2', '2.2'))).verdict).toBe('refuted');
  });
});
