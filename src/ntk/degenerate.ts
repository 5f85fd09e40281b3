/**
 * When λ0 = λ_min(H∞) is (numerically) zero: duplicate or same-direction rows (or a zero row) make
 * H∞ singular, and the linear-rate theory (exp(−λ0 t)) says nothing. This names a pair.
 */
import type { Dataset } from '../data/types.ts';
import { parallelPairs } from '../data/load.ts';
import { LAMBDA0_ZERO_RELATIVE, type NtkSpectrum } from './gram.ts';

/** λ0 counts as ≈ 0 when λ0 ≤ this × λ_max (far above rounding, far below any real data set here). */
export const LAMBDA0_SMALL_RELATIVE = 1e-10;

/** A one-line statement when λ0 ≈ 0 (naming parallel rows when there are), else null. Row numbers are 1-based. */
export function lambda0Statement(data: Dataset, spectrum: NtkSpectrum): string | null {
  const tiny = !(
    spectrum.lambda0 >
    spectrum.lambdaMax * Math.max(LAMBDA0_SMALL_RELATIVE, LAMBDA0_ZERO_RELATIVE)
  );
  // Parallel rows make H∞ singular or nearly so (κ huge), so the O(n²d) scan for a pair only runs then.
  if (!tiny && !(spectrum.kappa > SUSPICIOUS_KAPPA)) return null;
  const pairs = parallelPairs(data, 3);
  const shown = pairs.map(([i, j]) => `${i + 1} and ${j + 1}`).join('; ');
  const value = spectrum.lambda0.toExponential(2);
  if (pairs.length > 0) {
    return `λ0 ≈ 0 (${value}): rows ${shown}${pairs.length === 3 ? ' (and maybe more)' : ''} are duplicates or parallel (same direction, cos ≥ 1 − 1e-12), so H∞ is ${tiny ? 'singular' : 'nearly singular'} and no useful linear rate exp(−λ0 t) is guaranteed`;
  }
  if (!tiny) return null;
  return `λ0 ≈ 0 (${value} ≤ 1e-10·λ_max) although no two rows are parallel: H∞ is numerically singular, so no linear rate is guaranteed`;
}

/** κ above which dynview looks for parallel rows to explain a nearly singular H∞. */
export const SUSPICIOUS_KAPPA = 1e8;
