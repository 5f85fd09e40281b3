/**
 * dynview/vitest from source: claimTest on a claim file and inline claims, the false-twin form, and
 * the failure message of a claim that does not hold (verdict, counterexample, replay lines).
 */
import { describe, expect, it } from 'vitest';
import { claimTest, dynviewMatchers, proofTest, type ClaimJson } from '../../src/vitest.ts';
import { proof as tinyProof } from './fixtures/tiny-proof.ts';

const tooFast: ClaimJson = {
  id: 'gd-too-fast',
  method: 'gd',
  regime: 'ode',
  assert: { kind: 'linear', rate: '3*lambda0' },
  instances: { data: 'sphere', n: [4, 8], d: [3, 5] },
};

describe('claimTest', () => {
  claimTest('examples/claims/hb-ode.json');
  claimTest.refuted('examples/claims/hb-ode-wrong-damping.json');
  claimTest.refuted(tooFast, { runs: 2 });
  claimTest({ ...tooFast, id: 'gd-flow', assert: { kind: 'linear', rate: '2*lambda0' } }, { runs: 2 });
});

proofTest(tinyProof);
proofTest.skip(tinyProof);

describe('matchers', () => {
  it('a claim that does not hold: the message has the verdict, the counterexample and both replay lines', async () => {
    const r = await dynviewMatchers.toHold(tooFast, { runs: 2, file: 'claims/too-fast.json' });
    expect(r.pass).toBe(false);
    const msg = r.message();
    expect(msg).toMatch(/^claim 'gd-too-fast' is REFUTED \(expected proved or supported\)/);
    expect(msg).toMatch(/counterexample: \{"data":"sphere","n":\d+,"d":\d+/);
    expect(msg).toMatch(/replay: dynview check claims\/too-fast\.json --seed \d+ --path [\d:]+/);
    expect(msg).toMatch(/replay in vitest: claimTest\(claim, \{ seed: \d+, path: "[\d:]+" \}\)/);
    await expect(tooFast).toBeRefuted({ runs: 2 });
    await expect(tooFast).not.toHold({ runs: 2 });
  });

  it('the replay options reproduce the same counterexample', async () => {
    const first = await dynviewMatchers.toHold(tooFast, { runs: 2 });
    const m = /seed: (\d+), path: "([\d:]+)"/.exec(first.message());
    expect(m).not.toBeNull();
    const again = await dynviewMatchers.toHold(tooFast, { seed: Number(m![1]), path: m![2] });
    const instance = (s: string) => /counterexample: (\{.*\})/.exec(s)?.[1];
    expect(instance(again.message())).toBe(instance(first.message()));
  });
});
