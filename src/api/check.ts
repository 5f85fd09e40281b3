/**
 * `check()`: check one rate claim given as data (the JSON of a claim file, docs/claims.md) on
 * sampled instances; returns the object `dynview check --json` prints: the verdict, the evidence and,
 * when refuted, the shrunk counterexample with the command line that replays it.
 */
import { ClaimError, parseClaim } from '../claims/claim-file.ts';
import type { ClaimJson } from '../claims/claim-schema.ts';
import { claimResultJson } from '../claims/format.ts';
import { runClaim, type ClaimRun } from '../claims/runner.ts';
import { isQuadraticClaim, parseQuadraticClaim, runQuadraticClaim } from '../claims/quadratic-claim.ts';
import type { ClaimResult, Instance } from '../claims/types.ts';
import { resolveMethod } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';
import { declaredSymbols } from './params.ts';

/** The JSON form of a claim, as written in a claim file (the schema's input type; validated when checked). */
export type { ClaimJson };

export interface CheckOptions {
  /** Sampled instances (default: the claim's instances.runs). */
  runs?: number;
  /** fast-check seed (default 1). */
  seed?: number;
  /** fast-check path of a counterexample to replay (printed with it). */
  path?: string;
  /** Fixed values of symbols the claim's method declares (the CLI's --param), replacing the claim's. */
  params?: Record<string, number>;
  /** The command printed in the replay line (default 'dynview check CLAIM.json'). */
  replayCommand?: string;
  /** Called after each sampled instance. */
  onProgress?: (done: number, total: number) => void;
}

/** One sampled instance in the JSON. */
export interface CheckInstance {
  status: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  instance: Instance;
  lambda0: number | null;
  lambdaMax: number | null;
  claimed?: number | null;
  measured?: number | null;
  regime: string;
  numbers: Record<string, number | null>;
  decay?: {
    kind: string;
    rate?: number | null;
    exponent?: number | null;
    window?: unknown;
    crossover?: unknown;
    quality?: unknown;
  };
}

/**
 * What `dynview check --json` prints: the runner's ClaimResult (src/claims/types.ts) as JSON, with
 * the per-instance outcomes in their JSON form and without the certificates (`--certificate`
 * writes those). `counterexample` carries the command line that replays it (`replay`).
 */
export type CheckResult = Omit<ClaimResult, 'evidence' | 'certificates'> & {
  evidence: Omit<ClaimResult['evidence'], 'instances'> & { instances: CheckInstance[] };
};

/** The claim JSON with --param values put in its params (each must be declared by its method). */
export function withParams(claim: ClaimJson, params: Record<string, number> | undefined): ClaimJson {
  if (!params || Object.keys(params).length === 0) return claim;
  const method: unknown = claim.method;
  if (typeof method !== 'string' && (typeof method !== 'object' || method === null))
    throw new ClaimError(`'method' must be a built-in name or an inline method spec`);
  const spec = resolveMethod(method as string | MethodSpec).spec;
  const known = declaredSymbols(spec);
  for (const [k, v] of Object.entries(params)) {
    if (!known.includes(k))
      throw new ClaimError(
        `--param ${k}: method '${spec.name}' has no parameter '${k}' (it takes ${known.join(', ') || 'no parameters'})`,
      );
    if (!Number.isFinite(v)) throw new ClaimError(`--param ${k} must be a finite number`);
  }
  const own: unknown = claim.params;
  const ownParams = typeof own === 'object' && own !== null ? own : {};
  return { ...claim, params: { ...ownParams, ...params } };
}

/** Check a claim and keep the full run (trajectories, typed arrays) for callers that plot it. */
export async function checkRun(claim: ClaimJson, opts: CheckOptions = {}): Promise<ClaimRun> {
  checkRunOptions(opts);
  // The quadratic kind (order of convergence 2 on real training) has its own parser and runner.
  if (isQuadraticClaim(claim))
    return runQuadraticClaim(parseQuadraticClaim(withParams(claim, opts.params)), {
      runs: opts.runs,
      seed: opts.seed ?? 1,
      path: opts.path,
      replayCommand: opts.replayCommand,
    });
  const parsed = parseClaim(withParams(claim, opts.params));
  return runClaim(parsed, {
    runs: opts.runs,
    seed: opts.seed ?? 1,
    path: opts.path,
    replayCommand: opts.replayCommand,
    onProgress: opts.onProgress,
  });
}

/** Check a claim; the object `dynview check --json` prints. */
export async function check(claim: ClaimJson, opts: CheckOptions = {}): Promise<CheckResult> {
  return claimResultJson(await checkRun(claim, opts)) as CheckResult;
}

/**
 * The run options every entry point takes: runs a positive integer (0 instances would "prove"
 * anything), seed an integer. RangeError (the CLI's parsers reject the same with exit 2).
 */
export function checkRunOptions(opts: { runs?: number; seed?: number }): void {
  if (opts.runs !== undefined && !(Number.isSafeInteger(opts.runs) && opts.runs >= 1))
    throw new RangeError(`runs must be an integer ≥ 1, got ${String(opts.runs)}`);
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed))
    throw new RangeError(`seed must be an integer, got ${String(opts.seed)}`);
}
