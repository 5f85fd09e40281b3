/**
 * Judging one measured trajectory against a rate claim, and combining instance outcomes and
 * obligations into a verdict. Semantics (docs/claims.md):
 * - `linear` (loss ≤ C·exp(−rate·t)): holds when the decay is classified linear with a measured
 *   asymptotic rate ≥ (1 − tolerance)·claimed rate. Polynomial decay or a stalled loss refutes it.
 * - `sublinear` (loss decays like t^(−exponent), polynomially): holds when the decay is classified
 *   sublinear with a measured exponent ≥ (1 − tolerance)·claimed. Exponential decay refutes it.
 * - A diverged run, a failed hypothesis or an undecided classification is inconclusive, never a pass.
 * Verdicts: refuted if any counterexample; else inconclusive if any instance or obligation was
 * inconclusive; else proved when every obligation is symbolic, supported otherwise.
 */
import type { DecayClassification } from './rate-fit.ts';
import type { Assertion, InstanceOutcome, ObligationResult, Verdict } from './types.ts';
import { sig } from '../util/format.ts';

export interface Judgement {
  status: InstanceOutcome['status'];
  reason: string;
  measured?: number;
}

/** Judge a decay classification against a linear or sublinear assertion with the claimed value. */
export function judgeDecay(assert: Assertion, decay: DecayClassification, claimed: number): Judgement {
  if (assert.kind === 'ode') throw new Error('judgeDecay: an ode assertion has no trajectory to judge');
  const tol = assert.tolerance;
  if (!Number.isFinite(claimed))
    return {
      status: 'inconclusive',
      reason: `the claimed value is not finite on this instance (${claimed})`,
    };
  switch (decay.kind) {
    case 'diverged':
      return {
        status: 'inconclusive',
        reason: `the run diverged (${decay.reason}): hypothesis (stable step) failed`,
      };
    case 'undecided':
      return { status: 'inconclusive', reason: `the decay could not be classified (${decay.reason})` };
    case 'stalled':
      return {
        status: 'fail',
        reason: `the loss does not decay on the window [${sig(decay.window[0])}, ${sig(decay.window[1])}] (${decay.reason})`,
        measured: 0,
      };
    default:
      break;
  }
  const win = `window t ∈ [${sig(decay.window[0])}, ${sig(decay.window[1])}]`;
  if (assert.kind === 'linear') {
    if (decay.kind === 'sublinear') {
      return {
        status: 'fail',
        reason: `the decay is polynomial (loss ~ t^-${sig(decay.exponent)} on ${win}), not exponential: no positive rate`,
        measured: 0,
      };
    }
    const rate = decay.rate;
    if (rate >= (1 - tol) * claimed)
      return {
        status: 'pass',
        reason: `measured rate ${sig(rate)} ≥ (1 − ${tol})·claimed ${sig(claimed)} on ${win}`,
        measured: rate,
      };
    return {
      status: 'fail',
      reason: `measured rate ${sig(rate)} < (1 − ${tol})·claimed ${sig(claimed)} on ${win}`,
      measured: rate,
    };
  }
  if (decay.kind === 'linear') {
    return {
      status: 'fail',
      reason: `the decay is exponential (rate ${sig(decay.rate)} on ${win}), not polynomial`,
      measured: Infinity,
    };
  }
  const p = decay.exponent;
  if (p >= (1 - tol) * claimed)
    return {
      status: 'pass',
      reason: `measured exponent ${sig(p)} ≥ (1 − ${tol})·claimed ${sig(claimed)} on ${win}`,
      measured: p,
    };
  return {
    status: 'fail',
    reason: `measured exponent ${sig(p)} < (1 − ${tol})·claimed ${sig(claimed)} on ${win}`,
    measured: p,
  };
}

/** Combine obligations (symbolic and numeric) into one verdict. */
export function combineVerdict(obligations: ObligationResult[]): Verdict {
  if (obligations.some((o) => o.status === 'fail')) return 'refuted';
  if (obligations.length === 0 || obligations.some((o) => o.status === 'inconclusive')) return 'inconclusive';
  return obligations.every((o) => o.kind === 'symbolic' || o.kind === 'certified') ? 'proved' : 'supported';
}

/** Exit code of `dynview check` for a verdict. */
export function verdictExitCode(v: Verdict): number {
  return v === 'refuted' ? 1 : v === 'inconclusive' ? 3 : 0;
}
