/**
 * Probes of a training run (exact, from scratch at each call): the empirical NTK H(W(t)) and its
 * extreme eigenvalues, the kernel drift ‖H(t) − H(0)‖₂, the weight drift max_r ‖w_r(t) − w_r(0)‖, the
 * fraction of activation patterns 1{w_r·x_i ≥ 0} that differ from t = 0, and the relative kernel action
 * ‖(H(t) − H(0)) e(t)‖ / ‖H(0) e(t)‖. Cost per probe: O(mnd + n²m/32 + n³).
 */
import type { Dataset } from '../data/types.ts';
import type { Network, Probe } from './types.ts';
import { activationBits, bitsFromMask, flipCount, type ActivationBits } from '../ntk/activations.ts';
import { ntkFromBits } from '../ntk/gram.ts';
import { gramKernel } from '../kernels/training.ts';
import { extremeEigenvalues, spectralNormSymmetric } from '../linalg/eigen.ts';

export interface ProbeContext {
  net: Network;
  data: Dataset;
  /** Weights at t = 0 (a copy). */
  W0: Float64Array;
  /** x_i·x_j. */
  G: Float64Array;
  /** Activation pattern at t = 0. */
  bits0: ActivationBits;
  /** H(W0). */
  H0: Float64Array;
  /** Scratch for H(t) and H(t) − H(0). */
  H: Float64Array;
  D: Float64Array;
}

/** Build the t = 0 state once: H(0) and the activation pattern of W0 (default net.W0). */
export function createProbeContext(
  net: Network,
  data: Dataset,
  W0: Float64Array = net.W0,
  mask0?: Uint8Array,
): ProbeContext {
  const G = gramKernel(data.X, data.n, data.d);
  // mask0: the activation pattern of W0 when the caller has it (saves an O(mnd) pass).
  const bits0 = mask0 ? bitsFromMask(mask0, net.m, data.n) : activationBits(W0, net.m, data);
  const H0 = ntkFromBits(bits0, G);
  const n = data.n;
  return {
    net,
    data,
    W0: Float64Array.from(W0),
    G,
    bits0,
    H0,
    H: new Float64Array(n * n),
    D: new Float64Array(n * n),
  };
}

/**
 * All probe quantities at weights W (step `step`) with prediction error e = u − y. `mask`, when given,
 * is the activation pattern of W as network.forward writes it (mask[r·n + i] = 1{w_r·x_i ≥ 0}); it
 * saves the O(mnd) pass that recomputes it.
 */
export function probe(
  ctx: ProbeContext,
  step: number,
  W: Float64Array,
  e: Float64Array,
  mask?: Uint8Array,
): Probe {
  const { net, data, G, H0, H, D } = ctx;
  const n = data.n;
  const { m, d } = net;
  const bits = mask ? bitsFromMask(mask, m, n) : activationBits(W, m, data);
  ntkFromBits(bits, G, H);
  const ev = extremeEigenvalues(H, n);
  for (let p = 0; p < n * n; p++) D[p] = H[p] - H0[p];
  const kernelDrift = spectralNormSymmetric(D, n);
  let weightDrift2 = 0;
  const W0 = ctx.W0;
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let j = r * d, end = j + d; j < end; j++) {
      const v = W[j] - W0[j];
      s += v * v;
    }
    if (s > weightDrift2) weightDrift2 = s;
  }
  const flipFraction = flipCount(bits, ctx.bits0) / (m * n);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < n; j++) {
      a += D[i * n + j] * e[j];
      b += H0[i * n + j] * e[j];
    }
    num += a * a;
    den += b * b;
  }
  const relativeKernelAction = den > 0 ? Math.sqrt(num / den) : 0;
  return {
    step,
    lambdaMin: ev.min,
    lambdaMax: ev.max,
    kernelDrift,
    weightDrift: Math.sqrt(weightDrift2),
    flipFraction,
    relativeKernelAction,
  };
}
