/**
 * When λ0 = λ_min(H∞) is (numerically) zero: duplicate or same-direction rows (or a zero row) make
 * H∞ singular, and the linear-rate theory (exp(−λ0 t)) says nothing. This names a pair.
 */
import type { Dataset } from '../data/types.ts';
import { parallelPairs } from '../data/load.ts';
import { LAMBDA0_ZERO_RELATIVE, type NtkSpectrum } from './gram.ts';

/** λ0 counts as ≈ 0 when λ0 ≤ this × λ_max (far above rounding, far below any real data set here). */
export const LAMBDA0_SMALL_RELATIVE = 1e-10;

/** A one-line statement when λ0 ≈ 0 (or rows are parallel), else null. Row numbers are 1-based. */
export function lambda0Statement(data: Dataset, spectrum: NtkSpectrum): string | null {
  const pairs = parallelPairs(data, 3);
  const tiny = !(spectrum.lambda0 > spectrum.lambdaMax * Math.max(LAMBDA0_SMALL_RELATIVE, LAMBDA0_ZERO_RELATIVE));
  if (pairs.length === 0 && !tiny) return null;
  const shown = pairs.map(([i, j]) => `${i + 1} and ${j + 1}`).join('; ');
  if (pairs.length > 0) {
    return `λ0 ≈ 0 (${spectrum.lambda0.toExponential(2)}): rows ${shown}${pairs.length === 3 ? ' (and maybe more)' : ''} are duplicates or parallel (same direction), so H∞ is singular and no linear rate exp(−λ0 t) is guaranteed`;
  }
  return `λ0 ≈ 0 (${spectrum.lambda0.toExponential(2)} ≤ 1e-10·λ_max) although no two rows are parallel: H∞ is numerically singular, so no linear rate is guaranteed`;
}
