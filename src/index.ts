/**
 * dynview as a library: the commands as functions returning the objects their `--json` outputs
 * carry. Subpaths: `dynview/proof` (writing proofs), `dynview/vitest` (claims as vitest tests),
 * `dynview/proofs` (the built-in proofs). Nothing else is public: internal module paths may change.
 *
 * Bad input (an unknown method or parameter, a malformed spec, claim or data source) throws an
 * Error whose `name` says what was wrong: SpecError, DataError, ClaimError, GridError (or RangeError
 * for an out-of-range numeric option); the CLI reports exactly these as exit code 2.
 */
export { train, type TrainOptions, type TrainResult } from './api/train.ts';
export { ntk, type NtkOptions, type NtkResult } from './api/ntk.ts';
export { derive, type DeriveOptions, type DeriveResult } from './api/derive.ts';
export { rates, type RatesOptions, type RatesResult, type RatesRow, type RatesData } from './api/rates.ts';
export {
  check,
  type CheckOptions,
  type CheckResult,
  type CheckInstance,
  type ClaimJson,
} from './api/check.ts';
export {
  verify,
  verifyOutcome,
  type VerifyOptions,
  type VerifyJson,
  type SerializedProof,
} from './api/verify.ts';
export { declaredSymbols } from './api/params.ts';
export { BUILTIN_METHODS } from './spec/builtins.ts';
export type { MethodSpec } from './spec/types.ts';
export type { Probe, Engine } from './train/types.ts';
export type { CharacteristicPolynomial } from './symbolic/characteristic.ts';
export type { Counterexample, ObligationResult, Verdict, Regime } from './claims/types.ts';
export type { Proof, ProofResult } from './claims/proof.ts';
