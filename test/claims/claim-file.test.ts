import { describe, expect, it } from 'vitest';
import { ClaimError, parseClaim } from '../../src/claims/claim-file.ts';

const base = { id: 'x', method: 'gd', assert: { kind: 'linear', rate: '2*lambda0' } };

describe('parseClaim', () => {
  it('fills defaults and accepts the documented example', () => {
    const c = parseClaim(base);
    expect(c.regime).toBe('ode');
    expect(c.instances.runs).toBeGreaterThan(0);
    expect(c.assert).toMatchObject({ kind: 'linear', tolerance: 0.05 });
    const example = parseClaim({
      id: 'nag-c-is-linear',
      statement: 'NAG-C converges linearly in the ODE limit',
      method: 'nag-c',
      params: { r: 3 },
      regime: 'ode',
      assert: { kind: 'linear', rate: '0.5*lambda0' },
      instances: {
        data: 'sphere',
        n: [4, 30],
        d: [2, 12],
        runs: 50,
      },
    });
    expect(example.instances.n).toEqual([4, 30]);
    expect(example.assert).toMatchObject({ form: 'asymptotic' });
  });

  it('rejects fields a claim would not use (exit 2): horizon and width outside the network regime, a step set twice, instances of an ode-terms claim', () => {
    const lin = { kind: 'linear', rate: 'lambda0' };
    expect(() => parseClaim({ ...base, assert: lin, instances: { horizon: { t: 400 } } })).toThrow(/horizon/);
    expect(() =>
      parseClaim({ ...base, assert: lin, regime: 'discrete', instances: { width: [10, 20] } }),
    ).toThrow(/width/);
    expect(() =>
      parseClaim({
        ...base,
        assert: lin,
        regime: 'discrete',
        params: { eta: 0.1 },
        instances: { eta: [0.1, 0.2] },
      }),
    ).toThrow(/set twice/);
    expect(() =>
      parseClaim({ ...base, assert: { kind: 'ode', terms: { "X'": '1' } }, instances: { n: [4, 5] } }),
    ).toThrow(/instances/);
    expect(() => parseClaim({ ...base, assert: lin, driftBound: 0.2 })).toThrow(/driftBound/);
    expect(
      parseClaim({ ...base, assert: lin, regime: 'network', instances: { horizon: { steps: 100 } } })
        .instances.horizon,
    ).toEqual({ steps: 100 });
  });

  it('accepts parameter ranges and expressions, and an inline method spec', () => {
    const c = parseClaim({ ...base, method: 'hb', params: { gamma: '2*sqrt(lambda0)', eta: [0.01, 0.02] } });
    expect(c.params.gamma).toBe('2*sqrt(lambda0)');
    expect(c.params.eta).toEqual([0.01, 0.02]);
    const inline = parseClaim({
      ...base,
      method: {
        name: 'my-gd',
        params: ['eta'],
        step: 'eta',
        time: 'k*eta',
        update: ['x[k+1] = x[k] - eta*grad(x[k])'],
      },
    });
    expect(typeof inline.method).toBe('object');
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['unknown method', { ...base, method: 'adam' }, /unknown method 'adam'/],
    ['empty range', { ...base, instances: { n: [20, 4] } }, /empty range/],
    ['bad expression', { ...base, assert: { kind: 'linear', rate: '2*lambda0 +' } }, /cannot parse/],
    [
      'unknown symbol',
      { ...base, assert: { kind: 'linear', rate: '2*lambda1' } },
      /unknown symbol 'lambda1'/,
    ],
    ['function not allowed', { ...base, assert: { kind: 'linear', rate: 'evaluate("1")' } }, /not allowed/],
    ['unknown field', { ...base, colour: 'red' }, /unknown field 'colour'/],
    ['unknown instance field', { ...base, instances: { widht: 3 } }, /unknown field 'widht'/],
    ['unknown param', { ...base, params: { beta: 0.5 } }, /no parameter 'beta'/],
    ['bad regime', { ...base, regime: 'sde' }, /regime/],
    ['bad kind', { ...base, assert: { kind: 'quadratic' } }, /assert.kind/],
    ['bad horizon', { ...base, regime: 'network', instances: { horizon: { t: -1 } } }, /horizon/],
    ['bad data', { ...base, instances: { data: 'cifar' } }, /instances.data/],
    ['bad ode term', { ...base, assert: { kind: 'ode', terms: { foo: '1' } } }, /unknown term/],
  ];
  for (const [what, raw, msg] of bad) {
    it(`rejects ${what} with one line`, () => {
      let err: unknown;
      try {
        parseClaim(raw);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ClaimError);
      expect((err as Error).message).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});

describe('claims that would silently mean something else', () => {
  it('a value for a let symbol in the ode regime derives with it fixed: hb with a fixed β has no ODE limit on t = k√η (exit 2)', () => {
    const claim = {
      id: 'b1',
      method: 'hb',
      params: { gamma: 1, beta: 0.5 },
      regime: 'ode',
      assert: { kind: 'linear', rate: 'lambda0' },
    };
    expect(() => parseClaim(claim)).toThrow(ClaimError);
    expect(() => parseClaim(claim)).toThrow(
      /beta fixed .*no ODE limit on its time scale k\*sqrt\(eta\).*hb-fixed/,
    );
    // the discrete regime honours the override numerically: accepted
    expect(parseClaim({ ...claim, regime: 'discrete' }).method).toBe('hb');
    // the law itself (gamma alone) is unchanged
    expect(parseClaim({ ...claim, params: { gamma: 1 } }).method).toBe('hb');
  });
  it('a method parameter named like a claim symbol is rejected (it would shadow the spectrum’s λ0)', () => {
    const method = {
      name: 'x',
      params: ['eta', 'lambda0'],
      step: 'eta',
      time: 'k*eta',
      update: ['x[k+1] = x[k] - eta*lambda0*grad(x[k])'],
    };
    expect(() =>
      parseClaim({ id: 'b2', method, params: { lambda0: 3 }, assert: { kind: 'linear', rate: '2*lambda0' } }),
    ).toThrow(/method parameter 'lambda0' has the name of a claim symbol/);
  });
});
