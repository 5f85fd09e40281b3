/**
 * A sampled instance made concrete: the data set (through src/data's loadData), its limiting NTK
 * Gram matrix H∞ of the claim's model (gramInfinityModel, src/ntk/both-layers.ts), the
 * eigen-decomposition of H∞ (src/linalg/eigen.ts), λ0 = λ_min(H∞), λmax, and the initial
 * prediction error e(0) = u(0) − y of the network at this seed (u(0) from the real network's
 * forward pass at width m, so the ODE, discrete and network regimes start from the same e(0)).
 */
import { loadData } from '../data/load.ts';
import type { Dataset } from '../data/types.ts';
import { gramInfinityModel, modelData, type ModelOptions } from '../ntk/both-layers.ts';
import { forward, initNetwork } from '../train/network.ts';
import type { Instance } from './types.ts';
import { symmetricEigen } from '../linalg/eigen.ts';

export interface InstanceData {
  data: Dataset;
  /** H∞ (n×n, row-major). */
  hInf: Float64Array;
  /** Eigenvalues of H∞, ascending, and the matching orthonormal eigenvectors (columns, row-major n×n). */
  eigenvalues: Float64Array;
  eigenvectors: Float64Array;
  lambda0: number;
  lambdaMax: number;
  /** e(0) = u(0) − y. */
  e0: Float64Array;
  /** Coordinates of e(0) in the eigenbasis: c_i = v_iᵀ e(0). */
  e0Modes: Float64Array;
}

/** The data source string of an instance (loadData's format). */
export function dataSource(inst: Pick<Instance, 'data' | 'n' | 'd' | 'seed'>): string {
  if (inst.data === 'paper-synthetic') return `paper-synthetic:n=${inst.n},seed=${inst.seed}`;
  return `${inst.data}:n=${inst.n},d=${inst.d},seed=${inst.seed}`;
}

/** The model when a claim sets none: the paper's (first layer trained, no bias). */
export const FIRST_LAYER: ModelOptions = { train: 'first', bias: false };

/**
 * The instance under `model`: H∞ is the model's kernel (H∞_W, + K1 with both layers; on the inputs
 * (x, 1) with a bias) and u(0) is the forward pass of the network the model's trainer starts from.
 */
export function buildInstance(inst: Instance, model: ModelOptions = FIRST_LAYER): InstanceData {
  const data = loadData(dataSource(inst), { normalize: true });
  const n = data.n;
  const hInf = gramInfinityModel(data, model);
  const { values, vectors } = symmetricEigen(hInf, n);
  const seen = modelData(data, model);
  const net = initNetwork(seen.d, inst.width, inst.seed + 1);
  const u = new Float64Array(n);
  forward(net, net.W0, seen, u);
  const e0 = new Float64Array(n);
  for (let i = 0; i < n; i++) e0[i] = u[i] - data.y[i];
  const e0Modes = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[i * n + j] * e0[i];
    e0Modes[j] = s;
  }
  return {
    data,
    hInf,
    eigenvalues: values,
    eigenvectors: vectors,
    lambda0: values[0],
    lambdaMax: values[n - 1],
    e0,
    e0Modes,
  };
}
