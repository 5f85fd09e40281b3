/**
 * Data-side constants of the fast engine: the Gram matrix G = X Xᵀ, row norms ‖x_i‖ and a
 * certified upper bound on ‖X‖₂ (the flip bound needs an upper bound, never an estimate).
 */
import type { Dataset } from '../data/types.ts';
import type { Network } from './types.ts';
import { compressRows, sparseRows } from '../data/sparse.ts';

export interface FastProblem {
  n: number;
  d: number;
  m: number;
  /** n*d row-major inputs. */
  X: Float64Array;
  y: Float64Array;
  /** Fixed second layer. */
  a: Float64Array;
  /** 1/√m. */
  invSqrtM: number;
  /** G = X Xᵀ, n*n. */
  gram: Float64Array;
  /** ‖x_i‖. */
  xNorm: Float64Array;
  /** 1/‖x_i‖ (0 for a zero row: its pre-activation is 0 for every w and never flips). */
  invXNorm: Float64Array;
  /** Certified upper bound on the spectral norm ‖X‖₂. */
  xSpectralBound: number;
  /**
   * X in compressed sparse rows (row i: entries xp[i] … xp[i+1]−1, columns xc, values xv). Sums
   * over the non-zeros in column order give the same floating-point results as the dense loops
   * (the skipped terms are ±0), and MNIST digits are ~80% zeros.
   */
  csr: { xp: Int32Array; xc: Int32Array; xv: Float64Array };
  /** The hot kernels loop densely (the direct engine's rule, src/data/sparse.ts: sparse when ≤ 50% non-zero and d ≥ 16). */
  dense: boolean;
}

/** X in the field names of the fast kernels (the shared CSR builder of src/data/sparse.ts). */
export function toCsr(
  X: Float64Array,
  n: number,
  d: number,
): { xp: Int32Array; xc: Int32Array; xv: Float64Array } {
  const { start, col, val } = compressRows(X, n, d);
  return { xp: start, xc: col, xv: val };
}

export function gramMatrix(X: Float64Array, n: number, d: number): Float64Array {
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let j = i; j < n; j++) {
      const jo = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += X[io + t] * X[jo + t];
      G[i * n + j] = s;
      G[j * n + i] = s;
    }
  }
  return G;
}

/** max_i Σ_j |A_ij| of a square n×n matrix (the ∞-norm, ≥ spectral radius). */
function infNorm(A: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += Math.abs(A[o + j]);
    if (s > best) best = s;
  }
  return best;
}

function square(A: Float64Array, n: number): Float64Array {
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const io = i * n;
    for (let t = 0; t < n; t++) {
      const v = A[io + t];
      if (v === 0) continue;
      const to = t * n;
      for (let j = 0; j < n; j++) B[io + j] += v * A[to + j];
    }
  }
  return B;
}

/**
 * Upper bound on λ_max(G) = ‖X‖₂²: min over p ∈ {1, 2, 4} of ‖G^p‖_∞^{1/p} (Gelfand; every one is
 * ≥ the spectral radius), and the trace. Squarings are O(n³), done only for n ≤ 1200. A relative
 * 1e-12 is added for the rounding of the products.
 */
export function spectralUpperBound(G: Float64Array, n: number): number {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += G[i * n + i];
  let best = Math.min(trace, infNorm(G, n));
  if (n <= 1200) {
    const G2 = square(G, n);
    best = Math.min(best, Math.sqrt(infNorm(G2, n)));
    const G4 = square(G2, n);
    best = Math.min(best, Math.sqrt(Math.sqrt(infNorm(G4, n))));
  }
  return best * (1 + 1e-12) + 1e-300;
}

export function fastProblem(net: Network, data: Dataset): FastProblem {
  const { n, d, X, y } = data;
  const gram = gramMatrix(X, n, d);
  const xNorm = new Float64Array(n);
  const invXNorm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xNorm[i] = Math.sqrt(gram[i * n + i]);
    invXNorm[i] = xNorm[i] > 0 ? 1 / xNorm[i] : 0;
  }
  const lambdaMaxBound = spectralUpperBound(gram, n);
  const csr = toCsr(X, n, d);
  return {
    n,
    d,
    m: net.m,
    X,
    y,
    a: net.a,
    invSqrtM: 1 / Math.sqrt(net.m),
    gram,
    xNorm,
    invXNorm,
    xSpectralBound: Math.sqrt(lambdaMaxBound) * (1 + 1e-12),
    csr,
    dense: sparseRows(data) === null,
  };
}
