/**
 * fast-check arbitraries for sampled instances: data kind, n, d, data/network seed, width m, step η
 * and the method's ranged parameters (β, γ, r, …). Shrinking moves toward the lower ends of the
 * ranges (smaller n, d, width), limited to a bounded number of shrink steps so a refutation in the
 * network regime stays affordable.
 */
import fc from 'fast-check';
import type { Claim, Instance, Range } from './types.ts';

/** Most shrink steps taken on a counterexample. */
export const MAX_SHRINKS = 40;

export function integerIn([lo, hi]: Range): fc.Arbitrary<number> {
  return lo === hi ? fc.constant(lo) : fc.integer({ min: lo, max: hi });
}

export function realIn([lo, hi]: Range): fc.Arbitrary<number> {
  return lo === hi ? fc.constant(lo) : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
}

/** Seeds of the data set and the initial network. */
export const seedArbitrary: fc.Arbitrary<number> = fc.integer({ min: 1, max: 1_000_000 });

export function instanceArbitrary(claim: Claim): fc.Arbitrary<Instance> {
  const r = claim.instances;
  const ranged: Record<string, fc.Arbitrary<number>> = {};
  for (const [k, v] of Object.entries(claim.params)) if (Array.isArray(v)) ranged[k] = realIn(v);
  const arb = fc.record({
    data: fc.constant(r.data),
    n: integerIn(r.n),
    d: integerIn(r.d),
    seed: seedArbitrary,
    width: integerIn(r.width),
    eta: r.eta ? realIn(r.eta) : fc.constant(null),
    params: fc.record(ranged),
  });
  return fc.limitShrink(arb, MAX_SHRINKS);
}
