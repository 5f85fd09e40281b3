/**
 * `dynview/proof`: what a proof file needs. A proof states a claim the way a paper does (statement,
 * LaTeX, hypotheses, reference), with symbolic obligations (checked exactly by the derivation
 * engine), numeric obligations as claims (JSON form, docs/claims.md) or custom fast-check properties,
 * and false twins the checker must refute. Run it with `dynview verify my-proof.ts`, `runProof`, or
 * under vitest with `proofTest` from `dynview/vitest`.
 */
export {
  runProof,
  checkProperty,
  proofRunOptionsFromEnv,
  proofFailures,
  type Proof,
  type ProofResult,
  type ProofRunOptions,
  type NumericProperty,
  type PlotSpec,
  type GuaranteeKind,
} from './claims/proof.ts';
export type { ClaimJson } from './api/check.ts';
export type { Counterexample, ObligationResult, Verdict, Regime } from './claims/types.ts';
export type { ClaimRun } from './claims/runner.ts';
export { checkOdeTerms, checkIdentity } from './claims/symbolic.ts';
export { lossPlot } from './claims/plots.ts';
export { integerIn, seedArbitrary } from './claims/arbitraries.ts';
export type { MethodSpec } from './spec/types.ts';

import type { Proof } from './claims/proof.ts';

/** Identity with the Proof type: `export const proof = defineProof({ … })` type-checks every field. */
export function defineProof(proof: Proof): Proof {
  return proof;
}
