/**
 * JavaScript entry points of the training kernels (assembly/kernels.ts) for the two-layer ReLU net
 * f(x) = (1/√m) Σ_r a_r relu(w_r·x): a data set and the second layer are placed in kernel memory
 * once, then forward passes (masks 1{w_r·x_i ≥ 0} and outputs u) and gradients run on both cores.
 *
 * Exactness against the plain loops of src/train/network.ts (tests: test/kernels/training.test.ts):
 * pre-activations, masks and gradients are bit-identical (same summation order over j, resp. i);
 * outputs u are summed per chunk of CHUNK neurons, then over the chunks in order, so they agree
 * with the plain single running sum to rounding (1e-12 relative), and with themselves bit for bit
 * whatever the thread count.
 *
 * Lifetime: a `TrainingKernels` owns a stretch of the kernel stack from its creation to `dispose()`;
 * dispose in reverse order of creation (try/finally).
 */
import { kernels, type Runtime } from './runtime.ts';

/** Neurons per chunk of partial output sums (a multiple of 8; fixed: it sets the bits of u). */
export const CHUNK = 256;

/** Compressed rows of X (src/data/sparse.ts's layout). */
export interface CsrRows {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export class TrainingKernels {
  readonly m: number;
  readonly n: number;
  readonly d: number;
  /** m rounded up to a multiple of 8. */
  readonly mp: number;
  readonly chunks: number;
  readonly sparse: boolean;
  private readonly rt: Runtime;
  private readonly base: number;
  private readonly pX: number;
  private readonly pXt: number;
  private readonly pXp: number;
  private readonly pXc: number;
  private readonly pXv: number;
  private readonly pA: number;
  private readonly pCoef: number;
  private readonly pW: number;
  private readonly pWt: number;
  private readonly pMask: number;
  private readonly pUpart: number;
  private readonly pE: number;
  private readonly pG: number;
  private readonly invSqrtM: number;
  private disposed = false;

  /**
   * X: n×d row-major inputs; csr: its compressed rows when the sparse loops are to be used (null:
   * dense); a: second layer (m). Gradients use coef_r = a_r·scale.
   */
  constructor(
    X: Float64Array,
    n: number,
    d: number,
    csr: CsrRows | null,
    a: Float64Array,
    /** Output scale (default 1/√m for m = a.length; a subset of a wider net passes the net's). */
    scale?: number,
  ) {
    const rt = kernels();
    this.rt = rt;
    this.base = rt.mark();
    const m = a.length;
    this.m = m;
    this.n = n;
    this.d = d;
    this.mp = Math.ceil(m / 8) * 8;
    this.chunks = Math.max(1, Math.ceil(m / CHUNK));
    this.sparse = csr !== null;
    this.invSqrtM = scale ?? 1 / Math.sqrt(m);
    const mp = this.mp;
    this.pA = rt.alloc(mp * 8);
    this.pCoef = rt.alloc(mp * 8);
    const av = rt.f64(this.pA, mp);
    const cv = rt.f64(this.pCoef, mp);
    av.fill(0);
    cv.fill(0);
    for (let r = 0; r < m; r++) {
      av[r] = a[r];
      cv[r] = a[r] * this.invSqrtM;
    }
    this.pX = rt.putF64(X, n * d);
    this.pXt = rt.alloc(n * d * 8);
    const xt = rt.f64(this.pXt, n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = X[i * d + j];
    if (csr) {
      this.pXp = rt.putI32(csr.start);
      this.pXc = rt.putI32(csr.col.length > 0 ? csr.col : new Int32Array(1));
      this.pXv = rt.putF64(csr.val.length > 0 ? csr.val : new Float64Array(1));
      this.pWt = rt.alloc(d * mp * 8);
      rt.f64(this.pWt, d * mp).fill(0);
    } else {
      this.pXp = this.pXc = this.pXv = this.pWt = 0;
    }
    this.pW = rt.alloc(m * d * 8);
    this.pMask = rt.alloc(m * n);
    this.pUpart = rt.alloc(this.chunks * n * 8);
    this.pE = rt.alloc(n * 8);
    this.pG = rt.alloc(m * d * 8);
  }

  /** The activation masks of the last forward pass (a view into kernel memory, m·n bytes, mask[r·n + i]). */
  get mask(): Uint8Array {
    return this.rt.u8(this.pMask, this.m * this.n);
  }

  /** Outputs u of weights W (m×d), masks kept for gradient(). */
  forward(W: Float64Array, u: Float64Array): void {
    this.check();
    const { rt, m, n, d, mp } = this;
    rt.f64(this.pW, m * d).set(W.length === m * d ? W : W.subarray(0, m * d));
    const work = m * n * d;
    if (this.sparse) {
      rt.run('transposeRows', [this.pW, this.pWt, d, mp], m, m * d);
      rt.run(
        'forwardCsr',
        [this.pWt, this.pXp, this.pXc, this.pXv, this.pA, this.pMask, this.pUpart, 0, m, mp, n, CHUNK],
        this.chunks,
        work,
      );
    } else {
      rt.run(
        'forwardDense',
        [this.pW, this.pXt, this.pA, this.pMask, this.pUpart, 0, m, n, d, CHUNK],
        this.chunks,
        work,
      );
    }
    this.sumChunks(u);
  }

  /**
   * Pre-activations Z = W Xᵀ (m×n, Z[r·n + i], each summed as the plain dot product), with the
   * masks of forward() kept.
   */
  preactivations(W: Float64Array, Z: Float64Array = new Float64Array(this.m * this.n)): Float64Array {
    this.check();
    const { rt, m, n, d, mp } = this;
    const mark = rt.mark();
    try {
      const pZ = rt.alloc(m * n * 8);
      rt.f64(this.pW, m * d).set(W.length === m * d ? W : W.subarray(0, m * d));
      const work = m * n * d;
      if (this.sparse) {
        rt.run('transposeRows', [this.pW, this.pWt, d, mp], m, m * d);
        rt.run(
          'forwardCsr',
          [this.pWt, this.pXp, this.pXc, this.pXv, this.pA, this.pMask, this.pUpart, pZ, m, mp, n, CHUNK],
          this.chunks,
          work,
        );
      } else {
        rt.run(
          'forwardDense',
          [this.pW, this.pXt, this.pA, this.pMask, this.pUpart, pZ, m, n, d, CHUNK],
          this.chunks,
          work,
        );
      }
      Z.set(rt.f64(pZ, m * n));
      return Z;
    } finally {
      rt.release(mark);
    }
  }

  /** u_i = (1/√m) Σ_chunks upart[c, i], chunks in order. */
  private sumChunks(u: Float64Array): void {
    const { n, chunks } = this;
    const up = this.rt.f64(this.pUpart, chunks * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < chunks; c++) s += up[c * n + i];
      u[i] = s * this.invSqrtM;
    }
  }

  /**
   * Gradient g_r = (a_r/√m) Σ_i mask_ri e_i x_i into out (m×d), with the masks of the last forward
   * pass, or `mask` (m·n bytes) when given.
   */
  gradient(e: Float64Array, out: Float64Array, mask?: Uint8Array): void {
    this.check();
    const { rt, m, n, d, mp } = this;
    if (mask) rt.u8(this.pMask, m * n).set(mask.subarray(0, m * n));
    rt.f64(this.pE, n).set(e.subarray(0, n));
    const work = m * n * d;
    if (this.sparse) {
      rt.run('zeroRange', [this.pWt], d * mp, d * mp);
      rt.run(
        'gradientCsr',
        [this.pXp, this.pXc, this.pXv, this.pE, this.pCoef, this.pMask, this.pWt, m, mp, n],
        mp / 8,
        work,
      );
      rt.run('untransposeRows', [this.pWt, this.pG, d, mp], m, m * d);
    } else {
      rt.run('gradientDense', [this.pX, this.pE, this.pCoef, this.pMask, this.pG, n, d], m, work);
    }
    out.set(rt.f64(this.pG, m * d));
  }

  private check(): void {
    if (this.disposed) throw new Error('TrainingKernels: used after dispose()');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rt.release(this.base);
  }
}

/**
 * Co-activation counts of the empirical NTK: counts[i·n + j] = #{r : bit r set in rows i and j}
 * of 32-bit-word bitsets (`words` words per data row, as src/ntk/activations.ts packs them).
 */
export function coActivationKernel(
  bits: Int32Array,
  n: number,
  words: number,
  out: Float64Array,
): Float64Array {
  const rt = kernels();
  const base = rt.mark();
  try {
    const w64 = Math.ceil(words / 2);
    const pBits = rt.alloc(n * w64 * 8);
    const b = rt.i32(pBits, n * w64 * 2);
    b.fill(0);
    for (let i = 0; i < n; i++) b.set(bits.subarray(i * words, (i + 1) * words), i * w64 * 2);
    const pCounts = rt.alloc(n * n * 8);
    rt.run('coActivation', [pBits, pCounts, n, w64], n, n * n * w64);
    out.set(rt.f64(pCounts, n * n));
    return out;
  } finally {
    rt.release(base);
  }
}

/**
 * The Gram matrix G = X Xᵀ (n×n) of n×d rows: G_il = Σ_j x_ij x_lj summed over j in order (exact
 * zeros skipped, which leaves the bits unchanged), on both cores.
 */
export function gramKernel(X: Float64Array, n: number, d: number): Float64Array {
  const rt = kernels();
  const base = rt.mark();
  try {
    const pX = rt.putF64(X, n * d);
    const pXt = rt.alloc(n * d * 8);
    const xt = rt.f64(pXt, n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = X[i * d + j];
    const pG = rt.alloc(n * n * 8);
    rt.run('matmulRows', [pX, pXt, pG, d, n], n, n * n * d);
    return Float64Array.from(rt.f64(pG, n * n));
  } finally {
    rt.release(base);
  }
}
