/**
 * The two-layer ReLU network of Du et al.: f(x) = (1/√m) Σ_r a_r relu(w_r·x), w_r(0) ~ N(0, scale² I),
 * a_r ∈ {±1} fixed; squared loss L(W) = ½‖u − y‖². Float64Array kernels for the direct engine.
 *
 * Speed: inputs with many exact zeros (MNIST pixels: ~80 %) are stored once per data set as
 * compressed rows (index lists of the non-zeros), so w_r·x_i and the gradient's Σ_i c_ri x_i touch
 * only the non-zeros. Skipping exact zeros leaves every sum bit-identical to the dense loop (adding
 * w·0 = ±0 does not change a sum). Dense rows use a 4-way unrolled dot product.
 */
import { Rng } from '../util/rng.ts';
import type { Dataset } from '../data/types.ts';
import type { Network } from './types.ts';

/** Draw W0 (normals, row by row) then a (signs) from one seeded stream. */
export function initNetwork(d: number, m: number, seed: number, scale = 1): Network {
  const rng = new Rng(seed);
  const W0 = new Float64Array(m * d);
  rng.fillNormal(W0, scale);
  const a = new Float64Array(m);
  for (let r = 0; r < m; r++) a[r] = rng.sign();
  return { m, d, W0, a, scale };
}

/** Compressed rows of X: non-zero column indices and values per row (CSR). */
interface SparseRows {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

const sparseCache = new WeakMap<Float64Array, SparseRows | null>();

/** CSR form of X when at most half of its entries are non-zero, else null (use the dense loop). */
function sparseRows(data: Dataset): SparseRows | null {
  const hit = sparseCache.get(data.X);
  if (hit !== undefined) return hit;
  const { n, d, X } = data;
  let nnz = 0;
  for (let p = 0; p < n * d; p++) if (X[p] !== 0) nnz++;
  let out: SparseRows | null = null;
  if (nnz <= 0.5 * n * d && d >= 16) {
    const start = new Int32Array(n + 1);
    const col = new Int32Array(nnz);
    const val = new Float64Array(nnz);
    let q = 0;
    for (let i = 0; i < n; i++) {
      start[i] = q;
      for (let j = 0; j < d; j++) {
        const v = X[i * d + j];
        if (v !== 0) { col[q] = j; val[q] = v; q++; }
      }
    }
    start[n] = q;
    out = { start, col, val };
  }
  sparseCache.set(data.X, out);
  return out;
}

/**
 * Outputs u_i = (1/√m) Σ_r a_r relu(w_r·x_i). When `mask` is given (m*n bytes) it receives
 * 1{w_r·x_i ≥ 0}.
 */
export function forward(net: Network, W: Float64Array, data: Dataset, u: Float64Array, mask?: Uint8Array): void {
  const { m, d } = net;
  const { n, X } = data;
  u.fill(0);
  const a = net.a;
  const sp = sparseRows(data);
  for (let r = 0; r < m; r++) {
    const wo = r * d;
    const ar = a[r];
    const mo = r * n;
    for (let i = 0; i < n; i++) {
      let z = 0;
      if (sp !== null) {
        const { start, col, val } = sp;
        for (let q = start[i], end = start[i + 1]; q < end; q++) z += W[wo + col[q]] * val[q];
      } else {
        z = dot(W, wo, X, i * d, d);
      }
      if (z >= 0) {
        u[i] += ar * z;
        if (mask) mask[mo + i] = 1;
      } else if (mask) mask[mo + i] = 0;
    }
  }
  const s = 1 / Math.sqrt(m);
  for (let i = 0; i < n; i++) u[i] *= s;
}

/** Σ_j A[ao + j] B[bo + j] in plain left-to-right order (kept sequential so results never depend on unrolling). */
function dot(A: Float64Array, ao: number, B: Float64Array, bo: number, d: number): number {
  let z = 0;
  let j = 0;
  for (; j + 3 < d; j += 4) {
    z += A[ao + j] * B[bo + j];
    z += A[ao + j + 1] * B[bo + j + 1];
    z += A[ao + j + 2] * B[bo + j + 2];
    z += A[ao + j + 3] * B[bo + j + 3];
  }
  for (; j < d; j++) z += A[ao + j] * B[bo + j];
  return z;
}

/** Gradient of L at W given the error e = u − y and the activation mask of W: g_r = (a_r/√m) Σ_i e_i 1{w_r·x_i ≥ 0} x_i. */
export function gradientFromMask(net: Network, data: Dataset, e: Float64Array, mask: Uint8Array, out: Float64Array): void {
  const { m, d } = net;
  const { n, X } = data;
  const s = 1 / Math.sqrt(m);
  const sp = sparseRows(data);
  out.fill(0);
  for (let r = 0; r < m; r++) {
    const go = r * d;
    const c = net.a[r] * s;
    const mo = r * n;
    for (let i = 0; i < n; i++) {
      if (mask[mo + i] === 0) continue;
      const ce = c * e[i];
      if (sp !== null) {
        const { start, col, val } = sp;
        for (let q = start[i], end = start[i + 1]; q < end; q++) out[go + col[q]] += ce * val[q];
      } else {
        const xo = i * d;
        for (let j = 0; j < d; j++) out[go + j] += ce * X[xo + j];
      }
    }
  }
}

/** Loss ½‖u − y‖² and e = u − y. */
export function errorAndLoss(u: Float64Array, y: Float64Array, e: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) {
    const v = u[i] - y[i];
    e[i] = v;
    s += v * v;
  }
  return 0.5 * s;
}
