/**
 * The checker accepts what the prover writes and rejects tampered certificates: one inequality
 * flipped, a recorded value changed, the claim's rate changed, a split moved outside its box, a
 * witness moved outside the spectrum, a different claim file.
 */
import { describe, expect, it } from 'vitest';
import { checkCertificate } from '../../src/certify/check.ts';
import type { Cell, Certificate } from '../../src/certify/types.ts';
import { certifyInstance } from '../../src/claims/certified.ts';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { iv } from '../../src/certify/interval.ts';
import { proveClaim } from '../../src/certify/prove.ts';

const inst = { data: 'sphere', n: 8, d: 4, seed: 5, width: 1000, eta: null, params: {} };
function certificateOf(raw: Record<string, unknown>): Certificate {
  const r = certifyInstance(parseClaim(raw), raw, inst);
  expect(r.certificate, r.outcome.reason).not.toBeNull();
  return r.certificate!;
}
const clone = (c: Certificate): Certificate => JSON.parse(JSON.stringify(c)) as Certificate;
function leaves(cell: Cell): Array<Extract<Cell, { leaf: string }>> {
  return 'split' in cell ? [...leaves(cell.below), ...leaves(cell.above)] : [cell];
}

const proved = {
  id: 'hm-box',
  method: 'hm',
  params: { beta1: [0.1, 0.3], beta2: [0.15, 0.3] },
  regime: 'ode',
  assert: { kind: 'linear', rate: '2*lambda0/(1-beta1-beta2)' },
};
const refuted = {
  id: 'gd-diverges',
  method: 'gd',
  params: { eta: '2.5/lambdaMax' },
  regime: 'discrete',
  assert: { kind: 'linear', rate: '-2*log(1-eta*lambda0)/eta' },
};

describe('certificate checker', () => {
  it('accepts the prover’s certificates (a proof over a box, a refutation by a diverging mode)', () => {
    const p = certificateOf(proved);
    expect(p.verdict).toBe('proved');
    expect(checkCertificate(p)).toMatchObject({ ok: true, problems: [] });
    expect(checkCertificate(p).leaves).toBe(leaves(p.tree!).length);
    const r = certificateOf(refuted);
    expect(r.verdict).toBe('refuted');
    expect(checkCertificate(r)).toMatchObject({ ok: true, problems: [] });
    expect(checkCertificate(p, proved).ok).toBe(true);
  });

  it('rejects a certificate with one inequality flipped', () => {
    const p = clone(certificateOf(proved));
    const leaf = leaves(p.tree!)[0];
    leaf.conditions[1].sign = '<0';
    expect(checkCertificate(p).ok).toBe(false);
    const r = clone(certificateOf(refuted));
    const bad = r.witness!.conditions.findIndex((c) => c.sign === '<0');
    r.witness!.conditions[bad].sign = '>0';
    expect(checkCertificate(r).ok).toBe(false);
  });

  it('rejects changed values, a changed claim, a split outside its box, a witness outside the spectrum', () => {
    const base = certificateOf(proved);
    const v = clone(base);
    const leaf = leaves(v.tree!)[0];
    leaf.conditions[0].value = [leaf.conditions[0].value[0] * 2, leaf.conditions[0].value[1] * 2];
    expect(checkCertificate(v).problems[0]).toMatch(/recomputed/);
    const c = clone(base);
    (c.claim.assert as Record<string, unknown>).rate = '3*lambda0/(1-beta1-beta2)';
    expect(checkCertificate(c).ok).toBe(false);
    const b = clone(base);
    b.box.beta1 = [0.1, 0.2]; // a smaller box than the claim's
    expect(checkCertificate(b).problems[0]).toMatch(/not covered/);
    if ('split' in base.tree!) {
      const s = clone(base);
      (s.tree as Extract<Cell, { split: string }>).at = 1e9;
      expect(checkCertificate(s).problems[0]).toMatch(/split point outside/);
    }
    const w = clone(certificateOf(refuted));
    w.witness!.box.lambda = [w.enclosures.lambdaMax[1] * 2, w.enclosures.lambdaMax[1] * 3];
    expect(checkCertificate(w).ok).toBe(false);
    expect(checkCertificate(base, { ...proved, id: 'other' }).problems[0]).toMatch(/different claim/);
    expect(checkCertificate({ dynview: 'nope' }).ok).toBe(false);
  });

  it('re-derives the per-mode model from the method: a consistent proof of a wrong model is rejected', () => {
    // GD's flow is e' + λe = 0; a certificate built on e' + 2λe = 0 "proves" loss rate 3λ0
    const claim = { id: 'gd-3', method: 'gd', regime: 'ode', assert: { kind: 'linear', rate: '3*lambda0' } };
    const forged = proveClaim({
      claim,
      instance: {},
      assert: { kind: 'linear', rate: '3*lambda0', tolerance: 0.05, form: 'asymptotic' },
      model: {
        kind: 'polynomial',
        regime: 'ode',
        coefficients: ['2*lambda', '1'],
        limit: false,
        source: 'forged',
      },
      lambda0: iv(0.1),
      lambdaMax: iv(1),
      enclosureMethod: 'given',
      constants: {},
      box: {},
      definitions: [],
    });
    expect(forged.verdict).toBe('proved');
    expect(checkCertificate(forged.certificate).ok).toBe(true); // the signs are consistent …
    const r = checkCertificate(forged.certificate, undefined, { model: true });
    expect(r.ok).toBe(false); // … but the model is not gradient descent's
    expect(r.problems[0]).toMatch(/model: coefficient of z\^0/);
    const genuine = certificateOf(refuted);
    expect(checkCertificate(genuine, undefined, { model: true }).problems).toEqual([]);
  });
});
