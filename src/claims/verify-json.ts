/**
 * The JSON form of `dynview verify` results (`--json FILE`, shard files, the public `verify()`):
 * each proof's result without its trajectories. Produced by verify-run.ts, rendered by
 * src/report/claims-report.ts, validated on --merge by the shard schema.
 */
import type { ProofResult } from './proof.ts';

/** What a verify JSON file holds (ProofResult without trajectories). */
export interface VerifyJson {
  dynview: 'verify';
  seed: number;
  runs: number | null;
  shard: string | null;
  results: SerializedProof[];
}

export type SerializedProof = Omit<ProofResult, 'claims'> & {
  claims: Array<{
    id: string;
    verdict: string;
    runs: number;
    evidence: { summary: string; measured?: { min: number; max: number; median: number } | null };
    counterexample: unknown;
  }>;
};
