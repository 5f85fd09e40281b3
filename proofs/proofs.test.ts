import { describe, expect, it } from 'vitest';
import { proofFailures, proofRunOptionsFromEnv, runProof } from '../src/claims/proof.ts';
import { BUILTIN_PROOFS } from './index.ts';

// Every built-in proof, one test each: it holds (proved, or supported where real training is
// involved) and every false twin is refuted. A proof whose obligations are all symbolic or
// certified must come out 'proved'. Fixed seed and few runs; raise with
// DYNVIEW_RUNS=50 DYNVIEW_SEED=7 npx vitest run proofs -t gd-linear
describe.each(BUILTIN_PROOFS.map((p) => [p.id, p] as const))('%s', (_id, proof) => {
  it('holds and every false twin is refuted', async () => {
    const r = await runProof(proof, proofRunOptionsFromEnv(2));
    expect(['proved', 'supported'], proofFailures(r)).toContain(r.verdict);
    if (r.obligations.every((o) => o.kind !== 'numeric')) expect(r.verdict, proofFailures(r)).toBe('proved');
    expect(r.twinsRefuted, proofFailures(r)).toBe(true);
  });
});
