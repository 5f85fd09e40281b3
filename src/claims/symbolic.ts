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

/** Substitute parameter values (numbers or expressions) into an expression. */
function substitute(expr: string, values: Record<string, number | string>): string {
  if (Object.keys(values).length === 0) return expr;
  return parse(expr)
    .transform((n) => {
      if (n.type !== 'SymbolNode') return n;
      const v = values[(n as unknown as { name: string }).name];
      return v === undefined ? n : parse(`(${String(v)})`);
    })
    .toString();
}

/**
 * The method's derived ODE (weight space, or output space in the NTK regime) against claimed terms
 * (keys X', X'', …, grad, hess*X'; a missing key means coefficient 0). The claim's `params` apply:
 * numbers and expressions are substituted on both sides; a range [lo, hi] must hold identically in
 * the parameter, else it is refuted at the first end of the range where it fails (named).
 */
export function checkOdeTerms(
  method: string | MethodSpec,
  claimed: Record<string, string>,
  resolution: 'low' | 'high',
  space: 'weight' | 'output',
  params: Record<string, number | [number, number] | string> = {},
): { obligations: ObligationResult[]; derivedOde: string } {
  const derived = deriveOde(method, { resolution });
  const terms = space === 'output' ? toOutputSpace(derived).terms : derived.terms;
  const keys = [...new Set([...Object.keys(claimed), ...Object.keys(terms)])];
  const label = space === 'output' ? 'output-space' : 'weight-space';
  const fixed: Record<string, number | string> = {};
  const ranges: Array<[string, [number, number]]> = [];
  for (const [k, v] of Object.entries(params)) {
    if (Array.isArray(v)) ranges.push([k, v]);
    else fixed[k] = v;
  }
  const at = Object.entries(fixed)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ');
  const obligations = keys.map((k) => {
    const name = `${label} ${resolution}-resolution coefficient of ${k}${at ? ` at ${at}` : ''}`;
    const c = substitute(claimed[k] ?? '0', fixed);
    const d = substitute(terms[k] ?? '0', fixed);
    const r = checkIdentity(name, c, d);
    if (r.status === 'pass' || ranges.length === 0) return r;
    // identity fails in general: find an end of the parameter box where it fails
    for (const [p, [lo, hi]] of ranges) {
      for (const end of [lo, hi]) {
        const ends = Object.fromEntries(ranges.map(([q, rr]) => [q, q === p ? end : rr[0]]));
        const e = checkIdentity(
          `${name} at ${Object.entries(ends)
            .map(([q, v]) => `${q} = ${v}`)
            .join(', ')}`,
          substitute(c, ends),
          substitute(d, ends),
        );
        if (e.status === 'fail') return e;
      }
    }
    return {
      ...r,
      status: 'inconclusive' as const,
      detail: `${r.detail}; it holds at the ends of the parameter box but not identically`,
    };
  });
  return { obligations, derivedOde: space === 'output' ? toOutputSpace(derived).ode : derived.ode };
}
