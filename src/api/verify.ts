/**
 * `verify()`: run proofs (the built-in ones are exported by `dynview/proofs`, a user's own are
 * `Proof` objects) and return the object `dynview verify --json FILE` writes: per proof the verdict,
 * obligations with computed and theory values, false twins (each must be refuted) and plots.
 */
import { runProof, type Proof, type ProofRunOptions } from '../claims/proof.ts';
import { checkRunOptions } from './check.ts';
import { serializeProof, verifyExitCode } from '../claims/verify-run.ts';
import type { SerializedProof, VerifyJson } from '../claims/verify-json.ts';

export type { SerializedProof, VerifyJson };

export interface VerifyOptions {
  /** Sampled instances per numeric obligation (default: each proof's own). */
  runs?: number;
  /** fast-check seed (default 1). */
  seed?: number;
  /** Run only this claim or twin (to replay a counterexample with `path`). */
  only?: string;
  /** fast-check path to replay (with `only`). */
  path?: string;
  /** Called as obligations finish: proof id, done, total, label. */
  onProgress?: (proof: string, done: number, total: number, label: string) => void;
}

/** Run the proofs; the object `dynview verify --json FILE` writes. */
export async function verify(proofs: Proof[], opts: VerifyOptions = {}): Promise<VerifyJson> {
  checkRunOptions(opts);
  const seed = opts.seed ?? 1;
  const results: SerializedProof[] = [];
  for (const p of proofs) {
    const run: ProofRunOptions = { runs: opts.runs, seed, only: opts.only, path: opts.path };
    if (opts.onProgress) {
      const report = opts.onProgress;
      run.onProgress = (done, total, label) => report(p.id, done, total, label);
    }
    results.push(serializeProof(await runProof(p, run)));
  }
  return { dynview: 'verify', seed, runs: opts.runs ?? null, shard: null, results };
}

/** The exit code `dynview verify` would give these results: 0 pass, 1 refuted or twin not refuted, 3 inconclusive. */
export function verifyOutcome(json: Pick<VerifyJson, 'results'>): 0 | 1 | 3 {
  return verifyExitCode(json.results) as 0 | 1 | 3;
}
