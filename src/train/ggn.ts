/**
 * The Gram–Gauss–Newton direction (Cai et al. 2019, arXiv:1905.11675) of the two-layer net:
 *
 *   ggn(θ, ε) = Jᵀ (JJᵀ + εI)⁻¹ (f(θ) − y),
 *
 * J = ∂u/∂θ (n × #params) at θ. JJᵀ is the empirical NTK Gram matrix H(θ) with the network's 1/√m
 * inside J, i.e. H_ij = (1/m) Σ_r … (the same H whose λ_min the paper calls λ0 at infinite width),
 * so in the linearised regime one step of x ← x − η·ggn(x) moves the outputs by
 * −η H(H + εI)⁻¹ e: every NTK mode λ contracts by the factor 1 − ηλ/(λ + ε) (= 1 − η at ε = 0),
 * independently of κ = λ_max/λ0.
 *
 * Cost per call: the n×n Gram matrix (O(m n²) or O(m n²/32) with bitsets), a Cholesky factorisation
 * (O(n³)) and one Jᵀα product (the cost of a gradient with e replaced by α).
 */

/** Why a Cholesky factorisation failed (the matrix is not numerically positive definite). */
export class NotPositiveDefinite extends Error {
  override name = 'NotPositiveDefinite';
}

/**
 * In-place Cholesky factorisation A = L Lᵀ of a symmetric n×n row-major matrix (lower triangle
 * overwritten by L; the upper triangle is left as is). Throws NotPositiveDefinite on a pivot ≤ 0
 * or a non-finite pivot.
 */
export function choleskyInPlace(A: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j];
    for (let k = 0; k < j; k++) s -= A[j * n + k] * A[j * n + k];
    if (!(s > 0) || !Number.isFinite(s))
      throw new NotPositiveDefinite(`pivot ${j} of the Gram matrix is ${s} (not positive definite)`);
    const ljj = Math.sqrt(s);
    A[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j];
      for (let k = 0; k < j; k++) t -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = t / ljj;
    }
  }
}

/** Solve L Lᵀ x = b with the factor of choleskyInPlace; b is overwritten by x. */
export function choleskySolveInPlace(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * b[k];
    b[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k];
    b[i] = s / L[i * n + i];
  }
}

/**
 * α = (K + εI)⁻¹ e by Cholesky. `K` is not modified (a copy is factorised in `work`, n×n).
 * Throws NotPositiveDefinite when K + εI is singular to working precision (e.g. duplicate rows and
 * ε = 0: use a damped GGN, ε > 0).
 */
export function gramSolve(
  K: Float64Array,
  n: number,
  eps: number,
  e: Float64Array,
  alpha: Float64Array,
  work: Float64Array = new Float64Array(n * n),
): void {
  work.set(K);
  if (eps !== 0) for (let i = 0; i < n; i++) work[i * n + i] += eps;
  choleskyInPlace(work, n);
  alpha.set(e);
  choleskySolveInPlace(work, n, alpha);
}
