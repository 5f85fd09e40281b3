/**
 * The linear stability check at the paper's own sizes, without training: the tangent kernel of the
 * authors' model at initialisation (600 digits, width 3000) and η·λmax of its loss modes,
 * λ = (2/n)·λ(K). Gradient descent on the frozen kernel is stable only for η·λmax < 2 (heavy ball:
 * 2(1 + β)). Cost: one kernel (n²m/2 multiply-adds) and one n×n eigenvalue problem.
 */
import { loadData } from '../data/load.ts';
import { StandardMlp, initStandardMlp } from '../train/mlp-standard.ts';
import { standardTangentKernel } from '../train/standard-run.ts';
import { extremeEigenvalues } from '../linalg/eigen.ts';
import { linearisedLoss } from './linearised.ts';
import type { MethodSpec } from '../spec/types.ts';

export interface PaperEdge {
  digits: number;
  width: number;
  seed: number;
  /** λmax and λ0 of the loss modes (2/n)·K(0). */
  lambdaMax: number;
  lambda0: number;
  /** η·λmax at the epoch figures' lr. */
  etaLambdaMaxEpoch: number;
  lrEpoch: number;
  /** η·λmax at the width figures' lr, at this width (the kernel grows ∝ m). */
  etaLambdaMaxWidth: number;
  lrWidth: number;
  seconds: number;
}

export function paperEdge(digits = 600, width = 3000, lrEpoch = 1e-4, lrWidth = 5e-5, seed = 1): PaperEdge {
  const t0 = performance.now();
  const data = loadData(`mnist:n=${digits}`);
  const mlp = new StandardMlp(data, width);
  const K = standardTangentKernel(mlp, initStandardMlp(data.d, width, seed));
  const { min, max } = extremeEigenvalues(K, data.n);
  const lambdaMax = (2 / data.n) * max;
  return {
    digits,
    width,
    seed,
    lambdaMax,
    lambda0: (2 / data.n) * min,
    etaLambdaMaxEpoch: lrEpoch * lambdaMax,
    lrEpoch,
    etaLambdaMaxWidth: lrWidth * lambdaMax,
    lrWidth,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The method's linear stability edge h* = sup{η·λ : a single kernel mode with η·λ = h has not grown
 * after `epochs` epochs}, found by bisection on the frozen-kernel iteration (the same compiled spec,
 * with η = 1 and mode λ = h). GD: 2; heavy ball: 2(1 + β); NAG with μ → 1: 4/3.
 */
export function stabilityEdge(method: MethodSpec, momentum: Record<string, number>, epochs: number): number {
  const grows = (h: number): boolean => {
    const L = linearisedLoss(
      method,
      { eta: 1, ...momentum },
      { lambda: Float64Array.of(h), coef: Float64Array.of(1), lossScale: 1 },
      epochs,
    );
    return !(L[epochs] < 1);
  };
  let lo = 0;
  let hi = 8;
  if (!grows(hi)) return Infinity;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (grows(mid)) hi = mid;
    else lo = mid;
  }
  return lo;
}
