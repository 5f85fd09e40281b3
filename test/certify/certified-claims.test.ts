/**
 * The seven cases of issue 10 (and parameter boxes), each with its false twin, as claim files in
 * test/certify/claims/: ode/discrete claims are decided exactly (proved/refuted), never fitted, and
 * every certificate is accepted by the independent checker.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCertificate } from '../../src/certify/check.ts';
import { parseClaim } from '../../src/claims/claim-file.ts';
import { runClaim } from '../../src/claims/runner.ts';

const dir = join(import.meta.dirname, 'claims');
const expected = JSON.parse(
  readFileSync(join(import.meta.dirname, 'expected-verdicts.json'), 'utf8'),
) as Record<string, string>;
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('issue-10 cases and their false twins', () => {
  it('every claim file has an expected verdict', () => {
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(Object.keys(expected).sort());
  });
  it.each(files)('%s', async (f) => {
    const name = f.replace(/\.json$/, '');
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown;
    const r = await runClaim(parseClaim(raw), { seed: 1 });
    const why = `${r.evidence.summary}\n${r.counterexample?.reason ?? ''}`;
    expect(r.verdict, why).toBe(expected[name]);
    for (const c of r.certificates ?? []) {
      const rep = checkCertificate(c);
      expect(rep.problems.join('; '), name).toBe('');
    }
    if (r.verdict === 'refuted' && r.regime !== 'ode' && name.startsWith('c1'))
      expect(r.counterexample!.reason).toMatch(/diverging mode λ = .*grows by a factor/);
    if (name.startsWith('c7-hb')) expect(r.counterexample!.reason).toMatch(/diverging mode/);
    if (name === 'box-twin-hb-fixed-rate') expect(r.counterexample!.reason).toMatch(/at beta = /);
    if (name === 'box-hb-fixed-rate')
      expect(r.evidence.instances[0].reason).toMatch(/smallest margin at .*beta = /);
  });
});
