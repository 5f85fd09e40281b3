/**
 * Neural tangent kernels of the two-layer ReLU net with a frozen second layer (Du et al. 2019):
 *
 *   H∞_ij   = x_i·x_j (π − θ_ij) / (2π),  θ_ij = arccos(clamp(x_i·x_j / (‖x_i‖‖x_j‖), −1, 1))
 *             (computed by the stable half-angle formula, see gramInfinity)
 *             (= E_w[x_i·x_j 1{w·x_i ≥ 0, w·x_j ≥ 0}], w ~ N(0, I), for rows of any norm;
 *              a zero row gives a zero row of H∞),
 *   H(W)_ij = (1/m) Σ_r x_i·x_j 1{w_r·x_i ≥ 0} 1{w_r·x_j ≥ 0}   (the empirical NTK).
 *
 * H(W) is built from activation bitsets: (x_i·x_j) · popcount(A_i & A_j) / m, O(mnd + n²m/32).
 */
import type { Dataset } from '../data/types.ts';
import { gramRows, sharedFloat64 } from '../linalg/dense.ts';
import { extremeEigenvalues } from '../linalg/eigen.ts';
import { activationBits, coActivationCounts, type ActivationBits } from './activations.ts';

/** Inner products G_ij = x_i·x_j (n×n), register-blocked (src/linalg/dense.ts gramRows). */
export function dataGram(data: Dataset): Float64Array {
  return gramRows(data.X, data.n, data.d);
}

/**
 * The row norms ‖x_i‖ (from the diagonal of G = X Xᵀ) and the unit rows u_i = x_i/‖x_i‖ (row-major
 * n×d; a zero row stays zero), shared by the arc-cosine kernels H∞ and K1.
 */
export function unitRows(data: Dataset, G: Float64Array): { norms: Float64Array; U: Float64Array } {
  const { n, d, X } = data;
  const norms = new Float64Array(n);
  const U = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    norms[i] = Math.sqrt(G[i * n + i]);
    const inv = norms[i] > 0 ? 1 / norms[i] : 0;
    for (let k = 0; k < d; k++) U[i * d + k] = X[i * d + k] * inv;
  }
  return { norms, U };
}

/**
 * The angle between unit rows i and j of U (n×d) by the half-angle formula
 * θ = 2·atan2(‖u_i − u_j‖, ‖u_i + u_j‖): accurate to rounding also for nearly parallel rows.
 */
export function halfAngle(U: Float64Array, d: number, i: number, j: number): number {
  let dm = 0;
  let dp = 0;
  for (let k = 0; k < d; k++) {
    const a = U[i * d + k];
    const b = U[j * d + k];
    dm += (a - b) * (a - b);
    dp += (a + b) * (a + b);
  }
  return 2 * Math.atan2(Math.sqrt(dm), Math.sqrt(dp));
}

/**
 * The infinite-width kernel H∞ (n×n row-major). The angle is computed by the half-angle formula
 * θ = 2·atan2(‖x̂_i − x̂_j‖, ‖x̂_i + x̂_j‖) on the unit rows x̂ (mathematically arccos of the clamped
 * cosine, but accurate to rounding also for nearly parallel rows, where arccos(c) loses half the
 * digits: an angle of 1e-9 comes out as 0 through arccos and as 1e-9 here).
 */
export function gramInfinity(data: Dataset): Float64Array {
  const { n, d } = data;
  const G = dataGram(data);
  // On shared memory from n = 1200 on, where the eigen solvers' worker threads read it in place.
  const H = n >= 1200 ? sharedFloat64(n * n) : new Float64Array(n * n);
  const { norms, U } = unitRows(data, G);
  for (let i = 0; i < n; i++) {
    H[i * n + i] = G[i * n + i] / 2;
    for (let j = i + 1; j < n; j++) {
      const g = G[i * n + j];
      let v = 0;
      if (norms[i] > 0 && norms[j] > 0) {
        // |cos| ≤ 1/2: arccos is well conditioned there (|dθ/dc| ≤ 2/√3), so the cosine from G
        // gives θ to a few ulps without the O(d) loop; nearer ±1, the half-angle formula.
        const c = g / (norms[i] * norms[j]);
        let theta: number;
        if (Math.abs(c) <= 0.5) theta = Math.acos(c);
        else {
          theta = halfAngle(U, d, i, j);
        }
        v = (g * (Math.PI - theta)) / (2 * Math.PI);
      }
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** H from activation bitsets and the data Gram matrix G. */
export function ntkFromBits(bits: ActivationBits, G: Float64Array, out?: Float64Array): Float64Array {
  const { n, m } = bits;
  const H = coActivationCounts(bits, out);
  const inv = 1 / m;
  for (let p = 0; p < n * n; p++) H[p] *= G[p] * inv;
  return H;
}

/**
 * The empirical NTK H(W) of a width-m network at first-layer weights W (m×d). Only the width is read
 * from `net` (a src/train Network fits; the kernel code does not depend on the trainer's types).
 */
export function empiricalNtk(
  net: { readonly m: number },
  W: Float64Array,
  data: Dataset,
  out?: Float64Array,
): Float64Array {
  const bits = activationBits(W, net.m, data);
  return ntkFromBits(bits, dataGram(data), out);
}

export interface NtkSpectrum {
  /** λ0 = λ_min(H∞). */
  lambda0: number;
  lambdaMax: number;
  /** κ = λ_max/λ0 (Infinity when λ0 ≤ 0 numerically). */
  kappa: number;
}

/** λ0, λ_max and κ of a symmetric kernel matrix (Lanczos extremes, src/linalg/eigen.ts). */
export function kernelSpectrum(H: Float64Array, n: number): NtkSpectrum {
  const { min: lambda0, max: lambdaMax } = extremeEigenvalues(H, n);
  return {
    lambda0,
    lambdaMax,
    kappa: lambda0 > lambdaMax * LAMBDA0_ZERO_RELATIVE ? lambdaMax / lambda0 : Infinity,
  };
}

/** λ0 counts as 0 when below this fraction of λ_max (rounding level of the eigen solver ×1e3). */
export const LAMBDA0_ZERO_RELATIVE = 1e-12;

/**
 * Spectra already computed, by the input rows' array (a dataset and its copies with other targets share
 * X; the kernel does not depend on y) and a key for the model. The CLI's `train` asked for the same
 * spectrum twice (the engine and the result), at 0.1–0.3 s each for n in the hundreds.
 */
const spectra = new WeakMap<Float64Array, Map<string, NtkSpectrum>>();

/** `compute()` once per (X, n, d, key); the result is frozen (shared). */
export function cachedSpectrum(data: Dataset, key: string, compute: () => NtkSpectrum): NtkSpectrum {
  let byKey = spectra.get(data.X);
  if (!byKey) {
    byKey = new Map();
    spectra.set(data.X, byKey);
  }
  const k = `${key}:${data.n}:${data.d}`;
  let sp = byKey.get(k);
  if (!sp) {
    sp = Object.freeze(compute());
    byKey.set(k, sp);
  }
  return sp;
}

/** λ0, λ_max, κ of H∞ of the data. */
export function ntkSpectrum(data: Dataset): NtkSpectrum {
  return cachedSpectrum(data, 'first:false', () => kernelSpectrum(gramInfinity(data), data.n));
}
