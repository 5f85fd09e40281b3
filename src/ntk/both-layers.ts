/**
 * Neural tangent kernels of the two-layer ReLU net f(x) = (1/√m) Σ_r a_r relu(w_r·x) when BOTH
 * layers are trained (and, optionally, a hidden bias):
 *
 *   H∞_both = H∞_W + K1,
 *   H∞_W_ij = x_i·x_j (π − θ_ij)/(2π)                         (first layer, src/ntk/gram.ts)
 *   K1_ij   = E_w[relu(w·x_i) relu(w·x_j)]
 *           = ‖x_i‖‖x_j‖ (sin θ_ij + (π − θ_ij) cos θ_ij)/(2π)   (second layer: the degree-1
 *                                                                arc-cosine kernel, Cho & Saul 2009)
 *
 * The empirical kernel at (W, a) is the Gram matrix of the Jacobian of u = f(X) with respect to
 * (W, a):
 *
 *   H(W, a)_ij = (1/m) Σ_r a_r² x_i·x_j 1{w_r·x_i ≥ 0} 1{w_r·x_j ≥ 0}
 *              + (1/m) Σ_r relu(w_r·x_i) relu(w_r·x_j).
 *
 * Hidden bias: relu(w_r·x + b_r) with b_r(0) ~ N(0, scale²) trained like w_r is EXACTLY the net
 * without bias on the augmented inputs x̃ = (x, 1) (the bias is the weight of a constant input
 * coordinate 1). Every kernel with a bias is therefore the kernel of the augmented data
 * (augmentBias): x̃_i·x̃_j = x_i·x_j + 1 and θ is the angle between augmented rows.
 */
import type { Dataset } from '../data/types.ts';
import {
  dataGram,
  gramInfinity,
  cachedSpectrum,
  kernelSpectrum,
  ntkFromBits,
  unitRows,
  halfAngle,
  type NtkSpectrum,
} from './gram.ts';
import { activationBits } from './activations.ts';

/** Which parameters are trained. 'first': W only (a frozen, the paper's analysis); 'both': W and a. */
export type TrainedLayers = 'first' | 'both';

/** The model options that change the kernel. */
export interface ModelOptions {
  train: TrainedLayers;
  /** A trained hidden bias (= a constant input coordinate 1, see augmentBias). */
  bias: boolean;
}

/** The data with a constant last coordinate `c` appended (x̃ = (x, c)); the bias as an input. */
export function augmentBias(data: Dataset, c = 1): Dataset {
  const { n, d, X } = data;
  const D = d + 1;
  const Xa = new Float64Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) Xa[i * D + k] = X[i * d + k];
    Xa[i * D + d] = c;
  }
  return {
    source: `${data.source}+bias`,
    n,
    d: D,
    X: Xa,
    y: data.y,
    unitNorm: false,
    notes: [...data.notes, 'hidden bias: inputs augmented with a constant coordinate 1'],
  };
}

/** The data the network actually sees under the model options (augmented when bias is on). */
export function modelData(data: Dataset, model: ModelOptions): Dataset {
  return model.bias ? augmentBias(data) : data;
}

/**
 * The degree-1 arc-cosine kernel K1_ij = ‖x_i‖‖x_j‖ (sin θ + (π − θ) cos θ)/(2π) (n×n row-major),
 * θ by the half-angle formula (as gramInfinity). K1_ii = ‖x_i‖²/2; a zero row gives a zero row.
 */
export function arcCosineKernel1(data: Dataset): Float64Array {
  const { n, d } = data;
  const G = dataGram(data);
  const K = new Float64Array(n * n);
  const { norms, U } = unitRows(data, G);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = G[i * n + i] / 2;
    for (let j = i + 1; j < n; j++) {
      let v = 0;
      if (norms[i] > 0 && norms[j] > 0) {
        const theta = halfAngle(U, d, i, j);
        // ‖x‖‖y‖ cos θ = x·y exactly; use the dot product for that term.
        v = (norms[i] * norms[j] * Math.sin(theta) + (Math.PI - theta) * G[i * n + j]) / (2 * Math.PI);
      }
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/** H∞ of the model: H∞_W (first layer) plus K1 when both layers train; on augmented data with a bias. */
export function gramInfinityModel(data: Dataset, model: ModelOptions): Float64Array {
  const x = modelData(data, model);
  const H = gramInfinity(x);
  if (model.train === 'both') {
    const K = arcCosineKernel1(x);
    for (let p = 0; p < H.length; p++) H[p] += K[p];
  }
  return H;
}

/** λ0, λ_max, κ of the model's H∞. */
export function ntkSpectrumModel(data: Dataset, model: ModelOptions): NtkSpectrum {
  return cachedSpectrum(data, `${model.train}:${model.bias}`, () =>
    kernelSpectrum(gramInfinityModel(data, model), data.n),
  );
}

/**
 * The empirical NTK of the network at (W, a) on `data` (already augmented if the model has a bias):
 * the first-layer term always, the second-layer term (1/m) Σ_r relu(z_ri) relu(z_rj) when
 * train = 'both'. O(mnd + mn²); the first-layer kernel with a_r ∈ {±1} goes through the activation
 * bitsets of src/ntk/gram.ts (O(mnd + n²m/32)).
 */
export function empiricalNtkModel(
  W: Float64Array,
  a: Float64Array,
  m: number,
  data: Dataset,
  train: TrainedLayers,
): Float64Array {
  const { n, d, X } = data;
  const G = dataGram(data);
  // First layer with a_r² = 1 (the ±1 init): the bitset path, O(mnd + n²m/32).
  if (train === 'first' && a.every((v) => v * v === 1)) return ntkFromBits(activationBits(W, m, data), G);
  const H = new Float64Array(n * n);
  const z = new Float64Array(n);
  for (let r = 0; r < m; r++) {
    const wo = r * d;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[wo + k] * X[i * d + k];
      z[i] = s > 0 ? s : s === 0 ? 0 : -1; // −1 marks "inactive" (relu = 0 and indicator 0)
    }
    const a2 = a[r] * a[r];
    for (let i = 0; i < n; i++) {
      if (z[i] < 0) continue;
      for (let j = i; j < n; j++) {
        if (z[j] < 0) continue;
        let v = a2 * G[i * n + j];
        if (train === 'both') v += z[i] * z[j];
        H[i * n + j] += v;
      }
    }
  }
  const inv = 1 / m;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = H[i * n + j] * inv;
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

/** ‖A − B‖_F / ‖B‖_F. */
export function relativeFrobenius(A: Float64Array, B: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let p = 0; p < B.length; p++) {
    num += (A[p] - B[p]) * (A[p] - B[p]);
    den += B[p] * B[p];
  }
  return Math.sqrt(num / den);
}
