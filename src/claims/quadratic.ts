/**
 * The `quadratic` claim kind: order of convergence 2 on real training,
 *
 *   ‖e_{k+1}‖ ≤ C‖e_k‖²   for every step k near the solution,
 *
 * checked on the sequence ‖e_k‖ = ‖u_k − y‖ of a real wide-net run (src/train). "Near the solution"
 * is the basin where the bound itself implies contraction, C‖e_k‖ ≤ 1/2 (there it gives
 * ‖e_{k+1}‖ ≤ ‖e_k‖/2). A step whose successor is at the rounding floor (‖e_{k+1}‖ ≤ floor·‖e_0‖)
 * ends the window: it is consistent with the bound when C‖e_k‖² ≥ 2·floor·‖e_0‖ (the true successor
 * is below the floor, hence below the bound) and counts as evidence then — GGN at η = 1 typically
 * jumps from ‖e‖ ~ 10⁻⁵ to the floor in one step — and says nothing otherwise (a linear method never
 * jumps there: its steps into the floor start from ‖e_k‖ ≈ floor/ρ, where C‖e_k‖² is far below it).
 *
 * Verdict: refuted by one step of the window with ‖e_{k+1}‖ > C‖e_k‖² (the counterexample is that
 * step, with both numbers); supported when the window holds at least one step and none violates;
 * inconclusive when the run never enters the window above the floor within its steps (or diverges).
 *
 * Why this separates orders: a linearly convergent method with factor ρ (‖e_{k+1}‖ ≈ ρ‖e_k‖)
 * violates the bound as soon as ‖e_k‖ < ρ/C — which it reaches inside the window after finitely many
 * steps, long before the floor — so GD (ρ = 1 − ηλ0) and GGN with η < 1 (ρ = 1 − η) are refuted, while
 * GGN with η = 1, whose linearised step is exact and whose error is the O(‖Δθ‖²) remainder of the
 * linearisation, is not.
 */
import type { Dataset } from '../data/types.ts';
import type { MethodSpec } from '../spec/types.ts';
import { train } from '../train/trainer.ts';

export interface QuadraticCheck {
  status: 'pass' | 'fail' | 'inconclusive';
  detail: string;
  /** max over the window of ‖e_{k+1}‖/‖e_k‖² (the smallest C the run supports). */
  computed?: number;
  /** The claimed C. */
  theory?: number;
  /** Steps k of the window. */
  window: number[];
  /** The violating step (refuted). */
  violation?: { step: number; errNorm: number; next: number; bound: number };
}

/** Relative rounding floor of ‖e‖ below which steps are not used (default). */
export const QUADRATIC_FLOOR = 1e-10;

/** Judge ‖e_{k+1}‖ ≤ C‖e_k‖² on a sequence of error norms (see the module comment). */
export function checkQuadratic(
  errNorm: ArrayLike<number>,
  C: number,
  floor = QUADRATIC_FLOOR,
): QuadraticCheck {
  if (!(C > 0) || !Number.isFinite(C))
    throw new RangeError(`quadratic: C must be a positive finite number, got ${C}`);
  if (!(floor >= 0 && floor < 1)) throw new RangeError(`quadratic: floor must be in [0, 1), got ${floor}`);
  const e0 = errNorm[0];
  const window: number[] = [];
  /** Steps into the rounding floor with C‖e_k‖² above it (consistent with the bound). */
  const floorSteps: number[] = [];
  let worst = 0;
  for (let k = 0; k + 1 < errNorm.length; k++) {
    const ek = errNorm[k];
    const next = errNorm[k + 1];
    if (!Number.isFinite(ek) || !Number.isFinite(next))
      return { status: 'inconclusive', detail: `‖e‖ is not finite at step ${k + 1}`, window };
    if (C * ek > 0.5) continue; // outside the basin
    if (next <= floor * e0) {
      // The step reached the rounding floor: its true successor is below floor·‖e_0‖, so the bound
      // holds for it when C‖e_k‖² is above the floor (evidence, ratio unknown); otherwise it says
      // nothing. Nothing after it is measured.
      if (C * ek * ek >= 2 * floor * e0) floorSteps.push(k);
      break;
    }
    window.push(k);
    const ratio = next / (ek * ek);
    worst = Math.max(worst, ratio);
    if (next > C * ek * ek * (1 + 1e-12)) {
      return {
        status: 'fail',
        detail: `step ${k}: ‖e_${k + 1}‖ = ${next.toExponential(3)} > C‖e_${k}‖² = ${(C * ek * ek).toExponential(3)} (C = ${C}, ‖e_${k}‖ = ${ek.toExponential(3)}, contraction ‖e_${k + 1}‖/‖e_${k}‖ = ${(next / ek).toPrecision(4)})`,
        computed: ratio,
        theory: C,
        window,
        violation: { step: k, errNorm: ek, next, bound: C * ek * ek },
      };
    }
  }
  if (window.length === 0 && floorSteps.length > 0)
    return {
      status: 'pass',
      detail: `step ${floorSteps[0]} lands at the rounding floor (‖e_${floorSteps[0] + 1}‖ ≤ ${floor}·‖e_0‖) from ‖e_${floorSteps[0]}‖ = ${errNorm[floorSteps[0]].toExponential(3)}, below C‖e_k‖² = ${(C * errNorm[floorSteps[0]] ** 2).toExponential(3)} (C = ${C}); no step of the basin above the floor to measure the ratio on`,
      theory: C,
      window: floorSteps,
    };
  if (window.length === 0)
    return {
      status: 'inconclusive',
      detail: `the run never came within 1/(2C) = ${(0.5 / C).toExponential(3)} of the solution above the floor ${floor}·‖e_0‖ (last ‖e‖ = ${errNorm[errNorm.length - 1].toExponential(3)})`,
      window,
    };
  return {
    status: 'pass',
    detail: `‖e_{k+1}‖ ≤ C‖e_k‖² at steps ${window.join(', ')} (max ‖e_{k+1}‖/‖e_k‖² = ${worst.toExponential(3)} ≤ C = ${C})${floorSteps.length > 0 ? `; step ${floorSteps[0]} then lands at the rounding floor, below the bound` : ''}`,
    computed: worst,
    theory: C,
    window: [...window, ...floorSteps],
  };
}

export interface QuadraticRunOptions {
  data: Dataset;
  width: number;
  method: string | MethodSpec;
  params: Record<string, number>;
  steps: number;
  seed: number;
  C: number;
  floor?: number;
  train?: 'first' | 'both';
  bias?: boolean;
}

/** Train (direct model loop for ggn/both layers) and judge the error sequence. */
export function runQuadraticCheck(o: QuadraticRunOptions): QuadraticCheck & { errNorm: Float64Array } {
  const traj = train({
    data: o.data,
    width: o.width,
    method: o.method,
    params: o.params,
    steps: o.steps,
    seed: o.seed,
    probeEvery: 0,
    train: o.train,
    bias: o.bias,
  });
  if (traj.status === 'diverged')
    return {
      status: 'inconclusive',
      detail: `training diverged at step ${traj.divergedAt}`,
      window: [],
      errNorm: traj.errNorm,
    };
  return { ...checkQuadratic(traj.errNorm, o.C, o.floor), errNorm: traj.errNorm };
}
