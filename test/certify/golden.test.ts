/**
 * Exact rates against an independent computation: scripts/golden/certified.py (numpy roots of the
 * per-mode polynomials written out by hand) → test/golden/certified.json, on spectra with κ up to 1e6.
 * The prover must prove "loss rate ≥ golden·(1 − 1e-6)" and refute "≥ golden·(1 + 1e-3)", and the
 * checker must accept both certificates. (Near a double root — NAG-SC at λ = μ — float64 enclosures of
 * the coefficients resolve the rate only to ~√ε relative, so a claim 1e-5 above it is "tight", not refuted.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCertificate } from '../../src/certify/check.ts';
import { decimal, iv } from '../../src/certify/interval.ts';
import { discreteModel, odeModel } from '../../src/certify/model.ts';
import { proveClaim } from '../../src/certify/prove.ts';
import { resolveMethod } from '../../src/spec/compile.ts';

interface Case {
  method: string;
  regime: 'ode' | 'discrete';
  params: Record<string, number>;
  lambda0: number;
  lambdaMax: number;
  rate: number;
}
const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../golden/certified.json'), 'utf8')) as {
  cases: Case[];
};

function prove(c: Case, rate: string, tolerance: number) {
  const spec = resolveMethod(c.method).spec;
  // numbers enclosed as the decimals they print as (what a claim file's numbers mean)
  const constants = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, decimal(String(v))]));
  const known = new Set([...Object.keys(constants), 'lambda0', 'lambdaMax', 'lambda']);
  const definitions = Object.entries(spec.let ?? {}).filter(
    ([k, e]) =>
      !(k in constants) &&
      (e.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).every((s) => known.has(s) || s === 'sqrt'),
  );
  const claim = {
    id: 'golden',
    method: c.method,
    regime: c.regime,
    params: c.params,
    assert: { kind: 'linear', rate, tolerance },
  };
  return proveClaim({
    claim,
    instance: { lambda0: c.lambda0, lambdaMax: c.lambdaMax },
    assert: { kind: 'linear', rate, tolerance, form: 'asymptotic' },
    model: c.regime === 'ode' ? odeModel(c.method) : discreteModel(c.method),
    lambda0: iv(c.lambda0),
    lambdaMax: iv(c.lambdaMax),
    enclosureMethod: 'exact (golden spectrum)',
    constants,
    box: {},
    definitions,
  });
}

describe('certified rates against numpy (κ up to 1e6)', () => {
  it.each(
    golden.cases.map(
      (c) => [`${c.method} ${c.regime} κ=${(c.lambdaMax / c.lambda0).toPrecision(2)}`, c] as const,
    ),
  )('%s', (_name, c) => {
    const ok = prove(c, String(c.rate), 1e-6);
    expect(ok.verdict, ok.reason).toBe('proved');
    expect(checkCertificate(ok.certificate).problems).toEqual([]);
    const bad = prove(c, String(c.rate * (1 + 1e-3)), 0);
    expect(bad.verdict, bad.reason).toBe('refuted');
    if (bad.certificate) expect(checkCertificate(bad.certificate).problems).toEqual([]);
    // the float rate reported at the worst point agrees with mpmath (to √ε near double roots)
    expect(Math.abs(ok.exact! - c.rate)).toBeLessThanOrEqual(1e-4 * c.rate);
  });
});
