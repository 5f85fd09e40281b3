/**
 * Symbolic obligations: identities between coefficients, checked with the derivation engine's
 * computer algebra (src/symbolic/cas.ts, nerdamer underneath). An identity a = b is
 * - 'pass' (kind 'symbolic', exact) when nerdamer reduces expand(a − b) to 0;
 * - 'pass' (kind 'numeric') when it does not reduce but a − b vanishes at 24 seeded random points
 *   (then the obligation counts as numeric evidence: the verdict can be 'supported', never 'proved');
 * - 'fail' with the first point where a ≠ b otherwise.
 */
import { parse } from 'mathjs';
import { canon, expand, freeSymbols, sub } from '../symbolic/cas.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import type { MethodSpec } from '../spec/types.ts';
import { Rng } from '../util/rng.ts';
import type { ObligationResult } from './types.ts';

const POINTS = 24;

function evaluate(expr: string, scope: Record<string, number>): number {
  const v = parse(expr)
    .compile()
    .evaluate({ ...scope }) as unknown;
  return typeof v === 'number' ? v : Number.NaN;
}

/** Check a = b; `name` says what the identity is. */
export function checkIdentity(name: string, claimed: string, derived: string): ObligationResult {
  let exact = false;
  try {
    exact = canon(expand(sub(`(${claimed})`, `(${derived})`))) === '0';
  } catch {
    exact = false;
  }
  if (exact)
    return {
      name,
      kind: 'symbolic',
      status: 'pass',
      detail: `${claimed} = ${derived} (exact)`,
      computed: derived,
      theory: claimed,
    };
  const syms = [...new Set([...freeSymbols(claimed), ...freeSymbols(derived)])];
  const rng = new Rng(20210413);
  for (let i = 0; i < POINTS; i++) {
    const scope: Record<string, number> = {};
    for (const s of syms) scope[s] = 0.3 + 1.7 * rng.uniform();
    const a = evaluate(claimed, scope);
    const b = evaluate(derived, scope);
    if (!(Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(a), Math.abs(b)))) {
      const at = syms.map((s) => `${s} = ${scope[s].toPrecision(3)}`).join(', ');
      return {
        name,
        kind: 'symbolic',
        status: 'fail',
        detail: `claimed ${claimed} but derived ${derived}: they differ at ${at || 'every point'} (${a} vs ${b})`,
        computed: derived,
        theory: claimed,
      };
    }
  }
  return {
    name,
    kind: 'numeric',
    status: 'pass',
    detail: `${claimed} = ${derived} at ${POINTS} random points (nerdamer did not reduce the difference to 0)`,
    computed: derived,
    theory: claimed,
  };
}

/**
 * The method's derived ODE (weight space, or output space in the NTK regime) against claimed terms
 * (keys X', X'', …, grad, hess*X'; a missing key means coefficient 0).
 */
export function checkOdeTerms(
  method: string | MethodSpec,
  claimed: Record<string, string>,
  resolution: 'low' | 'high',
  space: 'weight' | 'output',
): { obligations: ObligationResult[]; derivedOde: string } {
  const derived = deriveOde(method, { resolution });
  const terms = space === 'output' ? toOutputSpace(derived).terms : derived.terms;
  const keys = [...new Set([...Object.keys(claimed), ...Object.keys(terms)])];
  const label = space === 'output' ? 'output-space' : 'weight-space';
  const obligations = keys.map((k) =>
    checkIdentity(
      `${label} ${resolution}-resolution coefficient of ${k}`,
      claimed[k] ?? '0',
      terms[k] ?? '0',
    ),
  );
  return { obligations, derivedOde: space === 'output' ? toOutputSpace(derived).ode : derived.ode };
}
