/**
 * The frozen-kernel (linearised) prediction of a training curve: in the eigenbasis of the kernel at
 * initialisation the prediction error decouples into modes, each following the method's own
 * recursion on the scalar quadratic ½λ_i z² (gradient λ_i z). The method runs through the compiled
 * Stepper (src/spec/compile.ts) on the vector of mode coefficients with a diagonal gradient oracle,
 * so the prediction uses the same single definition of the update rule as the training runs.
 *
 *   standard model, L = (1/n)‖u − y‖²: du/dt = −(2/n) K e  → modes λ_i = (2/n) λ_i(K), L = (1/n) Σ z_i²
 *   NTK model,      L = ½‖u − y‖²:    du/dt = −H e         → modes λ_i = λ_i(H),       L = ½ Σ z_i²
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { compileMethod, diagonalGgnOracle, type ParamValues } from '../spec/compile.ts';
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
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(kernel.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = values.map((_, i) => i).sort((p, q) => values[p] - values[q]);
  const lambda = new Float64Array(n);
  const coef = new Float64Array(n);
  order.forEach((idx, slot) => {
    lambda[slot] = Math.max(0, values[idx]) * kernelScale;
    let s = 0;
    for (let i = 0; i < n; i++) s += V.get(i, idx) * e0[i];
    coef[slot] = s;
  });
  return { lambda, coef, lossScale };
}

/** The linearised loss curve L(k), k = 0..epochs, of a method on the given modes. */
export function linearisedLoss(
  method: MethodSpec,
  params: ParamValues,
  modes: KernelModes,
  epochs: number,
): Float64Array {
  const { lambda, coef, lossScale } = modes;
  const stepper = compileMethod(method, params).stepper(Float64Array.from(coef));
  const oracle = (z: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < z.length; i++) out[i] = lambda[i] * z[i];
  };
  const ggn = diagonalGgnOracle(lambda);
  const loss = new Float64Array(epochs + 1);
  const sq = (z: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < z.length; i++) s += z[i] * z[i];
    return lossScale * s;
  };
  loss[0] = sq(stepper.x);
  for (let k = 1; k <= epochs; k++) {
    stepper.step(oracle, ggn);
    loss[k] = sq(stepper.x);
  }
  return loss;
}

/** Loss of the single slowest mode λ (unit coefficient): what the λ0 theory predicts for the tail. */
export function slowestModeLoss(
  method: MethodSpec,
  params: ParamValues,
  lambda0: number,
  epochs: number,
): Float64Array {
  return linearisedLoss(
    method,
    params,
    { lambda: Float64Array.of(lambda0), coef: Float64Array.of(1), lossScale: 1 },
    epochs,
  );
}
