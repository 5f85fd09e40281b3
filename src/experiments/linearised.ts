/**
 * The frozen-kernel (linearised) prediction of a training curve: in the eigenbasis of the kernel at
 * initialisation the prediction error decouples into modes, each following the method's own
 * recursion on the scalar quadratic ½λ_i z² (gradient λ_i z). The iteration is the linearised one of
 * src/dynamics/linearized.ts (the method's compiled Stepper on the mode coefficients with a diagonal
 * gradient oracle), so the prediction uses the same single definition of the update rule as the
 * training runs.
 *
 *   standard model, L = (1/n)‖u − y‖²: du/dt = −(2/n) K e  → modes λ_i = (2/n) λ_i(K), L = (1/n) Σ z_i²
 *   NTK model,      L = ½‖u − y‖²:    du/dt = −H e         → modes λ_i = λ_i(H),       L = ½ Σ z_i²
 */
import { runLinearized } from '../dynamics/linearized.ts';
import { symmetricEigen } from '../linalg/eigen.ts';
import type { ParamValues } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';

export interface KernelModes {
  /** Ascending mode eigenvalues (already scaled to the loss: (2/n)λ(K) or λ(H)). */
  lambda: Float64Array;
  /** Coefficients of e(0) = u(0) − y in the eigenbasis. */
  coef: Float64Array;
  /** Loss = lossScale · Σ z_i². */
  lossScale: number;
}

/** Modes of a symmetric kernel (n×n) for the error e0, with the kernel scaled by `kernelScale`. */
export function kernelModes(
  kernel: Float64Array,
  n: number,
  e0: Float64Array,
  kernelScale: number,
  lossScale: number,
): KernelModes {
  const { values, vectors } = symmetricEigen(kernel, n);
  const lambda = new Float64Array(n);
  const coef = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    lambda[j] = Math.max(0, values[j]) * kernelScale;
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[i * n + j] * e0[i];
    coef[j] = s;
  }
  return { lambda, coef, lossScale };
}

/**
 * The linearised loss curve L(k), k = 0..epochs, of a method on the given modes. The whole curve is
 * returned even when the prediction diverges (callers test it with the divergence rule).
 */
export function linearisedLoss(
  method: MethodSpec,
  params: ParamValues,
  modes: KernelModes,
  epochs: number,
): Float64Array {
  const { lambda, coef, lossScale } = modes;
  const run = runLinearized(method, params, { diagonal: lambda }, Float64Array.from(coef), epochs, {
    stopAtDivergence: false,
  });
  return run.sqNorm.map((s) => lossScale * s);
}
