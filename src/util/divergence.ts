/**
 * The one divergence rule. A run (training, a linearised iteration, a frozen-kernel prediction, an
 * experiment) has diverged at a step when its loss is NaN or ±∞, or exceeds DIVERGENCE_FACTOR times
 * its initial loss. The same rule stated for the norm of the prediction error ‖e‖ (the loss is
 * proportional to ‖e‖²) uses the square root of the factor.
 */

/** Growth of the loss over its initial value that counts as divergence. */
export const DIVERGENCE_FACTOR = 1e6;

/** The factor for a norm ‖e‖ (loss ∝ ‖e‖²): √DIVERGENCE_FACTOR = 1e3. */
export const NORM_DIVERGENCE_FACTOR = Math.sqrt(DIVERGENCE_FACTOR);

/**
 * True when `loss` (at some step) means divergence relative to the initial loss `loss0`: not finite,
 * or above DIVERGENCE_FACTOR·loss0. An initial loss of 0 (or a non-finite one) gives no scale: only a
 * non-finite loss counts then.
 */
export function isDiverged(loss: number, loss0: number): boolean {
  if (!Number.isFinite(loss)) return true;
  return loss0 > 0 && loss > DIVERGENCE_FACTOR * loss0;
}

/** The same rule for a norm ‖e_k‖ against ‖e_0‖. */
export function isNormDiverged(norm: number, norm0: number): boolean {
  if (!Number.isFinite(norm)) return true;
  return norm0 > 0 && norm > NORM_DIVERGENCE_FACTOR * norm0;
}
