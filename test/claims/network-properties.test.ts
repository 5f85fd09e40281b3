import { describe, expect, it } from 'vitest';
import { runProof } from '../../src/claims/proof.ts';
import { proof as gdLinear } from '../../proofs/gd-linear.ts';
import { proof as widthDrift } from '../../proofs/width-drift.ts';

describe('real-net properties near the float64 floor', () => {
  it('gd-linear at seed 5: the late-window fit stops at the floor (it read a floor-flattened 0.0721 for 0.0849)', async () => {
    const r = await runProof({ ...gdLinear, claims: [], twins: [] }, { seed: 5 });
    const prop = r.obligations.find((o) => o.name.startsWith('real net'));
    expect(prop?.status, prop?.detail).toBe('pass');
  });
});

describe('width laws: a finite ladder of widths measures the exponent to within its standard error', () => {
  it('width-drift at seed 7: a weight-drift slope −0.41 (band ≤ −0.35) is not refuted when within 2 SE', async () => {
    const r = await runProof({ ...widthDrift, claims: [], twins: [] }, { seed: 7 });
    expect(r.verdict).not.toBe('refuted');
  });
});
