/**
 * Rate claims with the model fields `train` / `bias` (issue 13): the ode/discrete regimes take λ0,
 * λmax from the model's kernel (H∞_W + K1 with both layers), so GD's discrete rate from the summed
 * kernel's λ0 is proved with `train: "both"`. A rate claim is a lower bound on the decay ("at least
 * R"), so the refutable twins claim too much: the same (summed-kernel) rate for the first-layer model,
 * and the step 1.9/λmax(H∞_W), safe for the first layer, for both layers (a diverging mode).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { runClaim } from '../../src/claims/runner.ts';
import { loadData } from '../../src/data/load.ts';
import { ntkSpectrumModel } from '../../src/ntk/both-layers.ts';
import type { Instance } from '../../src/claims/types.ts';
import { runCli } from '../cli/harness.ts';

const ETA = 0.1;
/** One fixed-size instance, so a twin's numeric rate or step is about the same data set. */
const ONE = { data: 'sphere', n: 6, d: 4, runs: 1 };
/** GD's loss rate per unit t = kη: every mode contracts ‖e‖ by 1 − ηλ per step. */
const GD_LOSS_RATE = '-2*log(1-eta*lambda0)/eta';
const gdLossRate = (eta: number, lambda0: number) => (-2 * Math.log(1 - eta * lambda0)) / eta;

const claim = (extra: object) =>
  parseClaim({
    id: 'gd-both',
    method: 'gd',
    params: { eta: ETA },
    regime: 'discrete',
    train: 'both',
    instances: ONE,
    ...extra,
  });

const spectra = (inst: Instance) => {
  const data = loadData(`sphere:n=${inst.n},d=${inst.d},seed=${inst.seed}`, { normalize: true });
  return {
    both: ntkSpectrumModel(data, { train: 'both', bias: false }),
    first: ntkSpectrumModel(data, { train: 'first', bias: false }),
  };
};

describe('rate claims with train: "both"', () => {
  it('GD discrete rate from λ0(H∞_W + K1) is proved; claiming it for the first layer alone is refuted', async () => {
    const truth = await runClaim(claim({ assert: { kind: 'linear', rate: GD_LOSS_RATE } }), { seed: 5 });
    expect(truth.verdict).toBe('proved');
    const inst = truth.evidence.instances[0].instance;
    const { both, first } = spectra(inst);
    expect(truth.evidence.instances[0].lambda0).toBeCloseTo(both.lambda0, 10);
    expect(both.lambda0).toBeGreaterThan(1.1 * first.lambda0);
    // The same numeric rate, stated for the first-layer model (λ0 of H∞_W alone): too fast.
    const rate = gdLossRate(ETA, both.lambda0);
    expect((await runClaim(claim({ assert: { kind: 'linear', rate } }), { seed: 5 })).verdict).toBe('proved');
    const twin = await runClaim(claim({ train: 'first', assert: { kind: 'linear', rate } }), { seed: 5 });
    expect(twin.evidence.instances[0].instance).toEqual(inst);
    expect(twin.verdict).toBe('refuted');
  });

  it('the step 1.9/λmax(H∞_W) converges with the first layer and diverges with both (twin refuted)', async () => {
    const probe = await runClaim(claim({ assert: { kind: 'linear', rate: 0 } }), { seed: 5 });
    const { first } = spectra(probe.evidence.instances[0].instance);
    const eta = 1.9 / first.lambdaMax;
    const at = (train: string) =>
      runClaim(claim({ train, params: { eta }, assert: { kind: 'linear', rate: 'lambda0' } }), { seed: 5 });
    expect((await at('first')).verdict).toBe('proved');
    const twin = await at('both');
    expect(twin.verdict).toBe('refuted');
    expect(twin.counterexample!.reason).toMatch(/diverging mode/);
  });

  it('a hidden bias moves λ0 to the kernel on (x, 1)', async () => {
    const r = await runClaim(claim({ bias: true, assert: { kind: 'linear', rate: GD_LOSS_RATE } }), {
      seed: 5,
    });
    expect(r.verdict).toBe('proved');
    const inst = r.evidence.instances[0].instance;
    const data = loadData(`sphere:n=${inst.n},d=${inst.d},seed=${inst.seed}`, { normalize: true });
    const withBias = ntkSpectrumModel(data, { train: 'both', bias: true });
    expect(r.evidence.instances[0].lambda0).toBeCloseTo(withBias.lambda0, 10);
  });

  it('train is accepted on a rate claim; an unknown value, a non-boolean bias, or train on an ode-terms claim is bad input (exit 2)', async () => {
    expect(claim({ assert: { kind: 'linear', rate: 'lambda0' } }).model).toEqual({
      train: 'both',
      bias: false,
    });
    expect(parseClaim({ id: 'x', method: 'gd', assert: { kind: 'linear', rate: 'lambda0' } }).model).toEqual({
      train: 'first',
      bias: false,
    });
    const dir = mkdtempSync(join(tmpdir(), 'dynview-train-'));
    const write = (name: string, body: object) => {
      const p = join(dir, name);
      writeFileSync(p, JSON.stringify(body));
      return p;
    };
    const base = { id: 't', method: 'gd', regime: 'ode', assert: { kind: 'linear', rate: '2*lambda0' } };
    const ok = await runCli([
      'check',
      write('ok.json', { ...base, train: 'both', instances: { n: 5, d: 3, runs: 1 } }),
    ]);
    expect(ok.code, ok.err).toBe(0);
    for (const [name, body] of [
      ['unknown.json', { ...base, train: 'second' }],
      ['bias.json', { ...base, bias: 'yes' }],
      [
        'terms.json',
        { id: 'o', method: 'gd', train: 'both', assert: { kind: 'ode', terms: { "X'": '1', grad: '1' } } },
      ],
    ] as const) {
      const r = await runCli(['check', write(name, body)]);
      expect(r.code, name).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });
});
