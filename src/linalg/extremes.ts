/**
 * λ_min and λ_max of a dense symmetric matrix, fast (values and Ritz vectors; proved bounds are in
 * src/linalg/enclosure.ts, which starts from these vectors).
 *
 * 1. Lanczos with full reorthogonalisation (src/linalg/lanczos.ts). The top of a kernel matrix
 *    converges in a few steps; the bottom often does too. The run gives up early when its residual
 *    decrease, extrapolated, needs more steps than a switch to step 2 costs (n/12 + 40 mat-vecs).
 * 2. An end still unconverged (typical at the bottom of ill-conditioned H∞, or at a Marchenko–Pastur
 *    edge when d ≳ n/3) switches to shift-and-invert: Cholesky of s·(A − τI) with τ just beyond the
 *    Ritz value (θ ∓ 2r; retried further out if the factorisation fails), then Lanczos on
 *    (s·(A − τI))⁻¹, whose top eigenvalue 1/|λ − τ| is well separated, for ≤ 120 steps. One
 *    factorisation costs n³/3 flops, measured at the price of n/14 mat-vecs (a mat-vec is bound by
 *    memory, the factorisation by arithmetic), plus ~30 steps of two triangular solves.
 * 3. Should both fail, plain Lanczos continues to its step limit and finally the dense solver
 *    (src/linalg/eigen.ts symmetricEigenvalues) gives the value.
 * The reported value is the Rayleigh quotient of the final Ritz vector with A itself.
 */
import { choleskyShifted, choleskySolve, choleskyWorkspace } from './cholesky.ts';
import { dot, matVec, powerOfTwoScale, scaled } from './dense.ts';
import { lanczos, lanczosExtremes, type LanczosResult } from './lanczos.ts';

export interface ExtremePair {
  /** Rayleigh quotient yᵀAy/yᵀy of `vector`. */
  value: number;
  /** Ritz vector (unit length to rounding); empty when the value came from the dense solver. */
  vector: Float64Array;
  /** ‖Ay − value·y‖ (computed). */
  residual: number;
  /** 'lanczos' | 'shift-invert' | 'dense'. */
  method: string;
}

export interface Extremes {
  min: ExtremePair;
  max: ExtremePair;
  /** Lanczos steps on A. */
  iterations: number;
}

export interface ExtremesOptions {
  which?: 'both' | 'min' | 'max';
  /** Residual tolerance relative to max|λ| (default 1e-11). */
  tol?: number;
  seed?: number;
  /** Plain Lanczos steps at most before shift-and-invert (default min(n, 600)). */
  switchAfter?: number;
}

/** λ_min and λ_max of the symmetric n×n row-major A (n ≥ 1), each with its Ritz vector. */
export function fastExtremes(
  A: Float64Array,
  n: number,
  opts: ExtremesOptions = {},
  dense?: () => Float64Array,
): Extremes {
  const s0 = powerOfTwoScale(A, n);
  if (s0 !== 1) {
    // Entries near the ends of the double range: solve for s0·A, whose eigenvalues are s0·λ.
    const ext = fastExtremes(scaled(A, n, s0), n, opts, dense);
    const back = (e: ExtremePair): ExtremePair => ({ ...e, value: e.value / s0, residual: e.residual / s0 });
    return { min: back(ext.min), max: back(ext.max), iterations: ext.iterations };
  }
  const which = opts.which ?? 'both';
  const tol = opts.tol ?? 1e-11;
  const k1 = Math.min(n, opts.switchAfter ?? 600);
  // The switch costs one factorisation ≈ n/14 mat-vecs; from n = 1200 on (where mat-vec and
  // factorisation both run on all cores) the budget is set at twice that, because extrapolating
  // early residuals is pessimistic and the blocked factorisation runs a little below the mat-vec's
  // efficiency. It depends on n only, never on the thread count, so results are the same bits
  // for any DYNVIEW_THREADS.
  const budget = (n >= 1200 ? n / 6 : n / 12) + 40;
  const lz = lanczosExtremes(A, n, { which, tol, seed: opts.seed, maxIter: k1, budget });
  const scale = Math.max(Math.abs(lz.min.value), Math.abs(lz.max.value), Number.MIN_VALUE);
  let work: Float64Array | undefined;
  let lzLong: LanczosResult | undefined;
  const end = (s: 1 | -1): ExtremePair => {
    const ritz = s === 1 ? lz.min : lz.max;
    const plain = rayleigh(A, n, ritz.vector, 'lanczos');
    if (lz.converged || ritz.residualEstimate <= tol * scale) return plain;
    // Shift-and-invert from just beyond the Ritz value.
    work ??= choleskyWorkspace(n);
    let gap = Math.max(2 * Math.max(plain.residual, ritz.residualEstimate, 1e-12 * scale), 2 ** -500);
    for (let attempt = 0; attempt < 3; attempt++) {
      const tau = plain.value - s * gap;
      const f = choleskyShifted(A, n, tau, s, work);
      if (f.ok) {
        const L = f.factor;
        let si: LanczosResult;
        try {
          si = lanczos((x, y) => choleskySolve(L, n, x, y), n, {
            which: 'max',
            tol: 1e-13,
            maxIter: Math.min(n, 120),
            seed: opts.seed,
          });
        } catch (err) {
          if (err instanceof RangeError) return plain; // overflow at a tiny scale: keep the Lanczos value
          throw err;
        }
        const refined = rayleigh(A, n, si.max.vector, 'shift-invert');
        // Keep whichever Rayleigh quotient is further out (both are bounds on the same side).
        return s * refined.value <= s * plain.value ? refined : plain;
      }
      gap *= 16;
    }
    // Both failed: plain Lanczos to its limit, then the dense solver.
    lzLong ??= lanczosExtremes(A, n, { which, tol, seed: opts.seed });
    const r2 = s === 1 ? lzLong.min : lzLong.max;
    if (lzLong.converged || r2.residualEstimate <= tol * scale) return rayleigh(A, n, r2.vector, 'lanczos');
    if (!dense) return rayleigh(A, n, r2.vector, 'lanczos (unconverged)');
    const ev = dense();
    return {
      value: s === 1 ? ev[0] : ev[n - 1],
      vector: new Float64Array(0),
      residual: NaN,
      method: 'dense',
    };
  };
  const min = which === 'max' ? rayleigh(A, n, lz.min.vector, 'lanczos') : end(1);
  const max = which === 'min' ? rayleigh(A, n, lz.max.vector, 'lanczos') : end(-1);
  return { min, max, iterations: lz.iterations + (lzLong?.iterations ?? 0) };
}

function rayleigh(A: Float64Array, n: number, y: Float64Array, method: string): ExtremePair {
  const w = new Float64Array(n);
  matVec(A, n, y, w);
  const q = dot(y, y);
  const value = dot(y, w) / q;
  let r = 0;
  for (let i = 0; i < n; i++) {
    const t = w[i] - value * y[i];
    r += t * t;
  }
  return { value, vector: y, residual: Math.sqrt(r / q), method };
}
