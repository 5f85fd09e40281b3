import { describe, expect, it } from 'vitest';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { runClaim } from '../../src/claims/runner.ts';
import { judgeDecay, combineVerdict } from '../../src/claims/verdict.ts';
import type { DecayClassification } from '../../src/claims/rate-fit.ts';

const SMALL = { data: 'sphere', n: [4, 8], d: [3, 6], runs: 3 };

describe('verdict semantics', () => {
  const lin = (rate: number): DecayClassification => ({
    kind: 'linear',
    rate,
    window: [1, 2],
    quality: null,
    reason: '',
  });
  const sub = (exponent: number): DecayClassification => ({
    kind: 'sublinear',
    exponent,
    window: [1, 2],
    quality: null,
    reason: '',
  });
  const linear = { kind: 'linear' as const, rate: 'x', tolerance: 0.05, form: 'asymptotic' as const };
  const sublinear = {
    kind: 'sublinear' as const,
    exponent: 'x',
    tolerance: 0.05,
    form: 'asymptotic' as const,
  };
  it('a linear claim is an upper bound: measured ≥ claimed within the tolerance', () => {
    expect(judgeDecay(linear, lin(1), 1.04).status).toBe('pass');
    expect(judgeDecay(linear, lin(1), 2).status).toBe('fail');
    expect(judgeDecay(linear, sub(3), 0.1).status).toBe('fail');
  });
  it('a sublinear claim needs polynomial decay with exponent ≥ claimed', () => {
    expect(judgeDecay(sublinear, sub(3), 2).status).toBe('pass');
    expect(judgeDecay(sublinear, sub(3), 4).status).toBe('fail');
    expect(judgeDecay(sublinear, lin(1), 1).status).toBe('fail');
  });
  it('divergence and undecided are inconclusive, never a pass', () => {
    expect(
      judgeDecay(linear, { kind: 'diverged', window: [0, 1], quality: null, reason: 'x' }, 1).status,
    ).toBe('inconclusive');
    expect(
      judgeDecay(linear, { kind: 'undecided', window: [0, 1], quality: null, reason: 'x' }, 1).status,
    ).toBe('inconclusive');
    expect(
      combineVerdict([
        { name: 'a', kind: 'numeric', status: 'pass', detail: '' },
        { name: 'b', kind: 'numeric', status: 'inconclusive', detail: '' },
      ]),
    ).toBe('inconclusive');
    expect(combineVerdict([{ name: 'a', kind: 'symbolic', status: 'pass', detail: '' }])).toBe('proved');
    expect(combineVerdict([])).toBe('inconclusive');
  });
});

describe('runClaim', () => {
  it('proves true claims and refutes their false twins (ODE regime, certified)', async () => {
    const t = (assert: object, extra: object = {}) =>
      runClaim(parseClaim({ id: 'c', method: 'gd', regime: 'ode', assert, instances: SMALL, ...extra }), {
        seed: 3,
      });
    expect((await t({ kind: 'linear', rate: '2*lambda0' })).verdict).toBe('proved');
    expect((await t({ kind: 'linear', rate: '3*lambda0' })).verdict).toBe('refuted');
    expect((await t({ kind: 'sublinear', exponent: '1' })).verdict).toBe('refuted');
    const nag = (assert: object) =>
      runClaim(
        parseClaim({ id: 'n', method: 'nag-c', params: { r: 3 }, regime: 'ode', assert, instances: SMALL }),
        { seed: 3 },
      );
    expect((await nag({ kind: 'sublinear', exponent: '2' })).verdict).toBe('proved');
    expect((await nag({ kind: 'sublinear', exponent: '3' })).verdict).toBe('proved');
    expect((await nag({ kind: 'sublinear', exponent: '4' })).verdict).toBe('refuted');
    expect((await nag({ kind: 'linear', rate: '0.5*lambda0' })).verdict).toBe('refuted');
  });

  it('a counterexample replays from its seed and path', async () => {
    const claim = parseClaim({
      id: 'c',
      method: 'gd',
      regime: 'discrete',
      assert: { kind: 'linear', rate: '3*lambda0' },
      instances: SMALL,
    });
    const r = await runClaim(claim, { seed: 11 });
    expect(r.verdict).toBe('refuted');
    const ce = r.counterexample!;
    expect(ce.replay).toContain(`--seed ${ce.seed} --path ${ce.path}`);
    const again = await runClaim(claim, { seed: ce.seed, path: ce.path });
    expect(again.counterexample!.instance).toEqual(ce.instance);
  });

  it('a diverging mode refutes a convergence claim (η far above 2/λmax), with the mode as counterexample', async () => {
    const r = await runClaim(
      parseClaim({
        id: 'd',
        method: 'gd',
        regime: 'discrete',
        assert: { kind: 'linear', rate: 'lambda0' },
        instances: { ...SMALL, eta: [50, 60] },
      }),
      { seed: 2 },
    );
    expect(r.verdict).toBe('refuted');
    expect(r.counterexample!.reason).toMatch(/diverging mode λ = .* grows by a factor/);
  });

  it('symbolic ode claims are proved or refuted exactly', async () => {
    const ok = await runClaim(
      parseClaim({
        id: 'o',
        method: 'nag-c',
        assert: { kind: 'ode', terms: { "X''": '1', "X'": 'r/t', grad: '1' } },
      }),
    );
    expect(ok.verdict).toBe('proved');
    const twin = await runClaim(
      parseClaim({
        id: 'o2',
        method: 'nag-c',
        assert: { kind: 'ode', terms: { "X''": '1', "X'": '3/t', grad: '1' } },
      }),
    );
    expect(twin.verdict).toBe('refuted');
  });
});
