import { describe, expect, it } from 'vitest';
import { proofFailures, proofRunOptionsFromEnv, runProof } from '../src/claims/proof.ts';
import { proof } from './both-layers.ts';

// Fixed seed and few runs; raise with DYNVIEW_RUNS=50 DYNVIEW_SEED=7 npx vitest run proofs/both-layers.test.ts
describe(proof.title, () => {
  it('holds (proved or supported) and every false twin is refuted', async () => {
    const r = await runProof(proof, proofRunOptionsFromEnv(2));
    expect(['proved', 'supported'], proofFailures(r)).toContain(r.verdict);
    expect(r.twinsRefuted, proofFailures(r)).toBe(true);
  });
});
