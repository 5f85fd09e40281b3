/**
 * Training in the span of the data rows (for d > n): every first-order update of the first layer is
 * a combination of the rows x_i, so the weights stay W = c·W0 + A X with A m×n, and the
 * pre-activations Z = W Xᵀ = c·Z0 + A K with the n×n Gram matrix K = X Xᵀ. A vector of this
 * representation is
 *
 *   v = [ A (m·n) | Z (m·n) | c ],      standing for W(v) = c·W0 + A X,  with Z = c·Z0 + A K kept
 *
 * alongside (a linear invariant: x0 = [0 | Z0 | 1] has it, every gradient [C | C K | 0] has it, and
 * the method's update rules only form linear combinations). The gradient at v, with masks
 * M = 1{Z ≥ 0} and error e, is C = diag(a/√m)·(M ∘ 1eᵀ) in A and C K in Z: m·n² additions per
 * evaluation (done as table look-ups, the method of the Four Russians: m·n²/8 look-ups of 8 values)
 * instead of the 2·m·n·d multiply-adds of the weight space, and no pass over d at all.
 *
 * Rounding: Z is carried, not recomputed from W, so it agrees with W(v) Xᵀ to rounding (1e-12
 * relative over a run, tests: test/kernels/span.test.ts and the engine tests).
 */
import { kernels, type Runtime } from './runtime.ts';
import { CHUNK, type CsrRows } from './training.ts';

/** Groups of 8 data points whose tables are built at a time (16 × 16 KiB stays in cache). */
const GROUPS_PER_PASS = 16;

export class SpanKernels {
  readonly m: number;
  readonly n: number;
  readonly d: number;
  /** Length of a vector: 2·m·n + 1. */
  readonly dim: number;
  private readonly rt: Runtime;
  private readonly base: number;
  private readonly g: number;
  private readonly n8: number;
  private readonly chunks: number;
  private readonly invSqrtM: number;
  private readonly K: Float64Array;
  private readonly W0: Float64Array;
  private readonly csr: boolean;
  private readonly pX: number;
  private readonly pXp: number;
  private readonly pXc: number;
  private readonly pXv: number;
  private readonly pA: number;
  private readonly pCoef: number;
  private readonly pZ: number;
  private readonly pMask: number;
  private readonly pBits: number;
  private readonly pUpart: number;
  private readonly pE: number;
  private readonly pY: number;
  private readonly pCK: number;
  private readonly pC: number;
  private readonly pT: number;
  private readonly tStride: number;
  private disposed = false;
  /** Vectors handed out by alloc(): views into kernel memory, read and written in place. */
  private readonly inMemory = new WeakSet<Float64Array>();
  /** Z0 = W0 Xᵀ (m×n). */
  private readonly Z0: Float64Array;

  constructor(X: Float64Array, n: number, d: number, csr: CsrRows | null, a: Float64Array, W0: Float64Array) {
    const rt = kernels();
    this.rt = rt;
    this.base = rt.mark();
    const m = a.length;
    this.m = m;
    this.n = n;
    this.d = d;
    this.dim = 2 * m * n + 1;
    this.g = Math.ceil(n / 8);
    this.n8 = this.g * 8;
    this.chunks = Math.max(1, Math.ceil(m / CHUNK));
    this.invSqrtM = 1 / Math.sqrt(m);
    this.W0 = W0;
    this.csr = csr !== null;
    const mp = Math.ceil(m / 8) * 8;
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
    const pXt = rt.alloc(n * d * 8);
    const xt = rt.f64(pXt, n * d);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xt[j * n + i] = X[i * d + j];
    if (csr) {
      this.pXp = rt.putI32(csr.start);
      this.pXc = rt.putI32(csr.col.length > 0 ? csr.col : new Int32Array(1));
      this.pXv = rt.putF64(csr.val.length > 0 ? csr.val : new Float64Array(1));
    } else this.pXp = this.pXc = this.pXv = 0;
    // K = X Xᵀ (each entry summed over j in order).
    const pK = rt.alloc(n * n * 8);
    rt.run('matmulRows', [this.pX, pXt, pK, d, n], n, n * n * d);
    this.K = Float64Array.from(rt.f64(pK, n * n));
    this.pZ = rt.alloc(m * n * 8);
    this.pMask = rt.alloc(m * n);
    this.pBits = rt.alloc(m * this.g);
    this.pUpart = rt.alloc(this.chunks * n * 8);
    this.pE = rt.alloc(n * 8);
    this.pY = rt.alloc(this.n8 * this.n8 * 8);
    rt.f64(this.pY, this.n8 * this.n8).fill(0);
    this.pCK = rt.alloc(m * n * 8);
    this.pC = rt.alloc(m * n * 8);
    this.tStride = Math.min(GROUPS_PER_PASS, this.g) * 256 * 64 + m * 64;
    this.pT = rt.alloc(this.tStride * rt.nThreads);
    // Z0 = W0 Xᵀ with the forward kernels (bit-identical to the plain dot products).
    const pW = rt.putF64(W0, m * d);
    if (csr) {
      const pWt = rt.alloc(d * mp * 8);
      rt.f64(pWt, d * mp).fill(0);
      rt.run('transposeRows', [pW, pWt, d, mp], m, m * d);
      rt.run(
        'forwardCsr',
        [pWt, this.pXp, this.pXc, this.pXv, this.pA, this.pMask, this.pUpart, this.pZ, m, mp, n, CHUNK],
        this.chunks,
        m * csr.val.length,
      );
    } else {
      rt.run(
        'forwardDense',
        [pW, pXt, this.pA, this.pMask, this.pUpart, this.pZ, m, n, d, CHUNK],
        this.chunks,
        m * n * d,
      );
    }
    this.Z0 = Float64Array.from(rt.f64(this.pZ, m * n));
  }

  /** The vector of W0: [0 | Z0 | 1]. */
  initial(): Float64Array {
    const { m, n } = this;
    const v = new Float64Array(this.dim);
    v.set(this.Z0, m * n);
    v[2 * m * n] = 1;
    return v;
  }

  /**
   * A zeroed vector of this representation's length in kernel memory (for the method's stepper):
   * forward() reads its Z part and gradient() writes into it without copies. Freed by dispose().
   */
  alloc(dim: number): Float64Array {
    this.check();
    const p = this.rt.alloc(dim * 8);
    const v = this.rt.f64(p, dim);
    v.fill(0);
    this.inMemory.add(v);
    return v;
  }

  /**
   * out = ((0 + cs[0]·vs[0]) + cs[1]·vs[1]) + … on both cores when out and every vs come from
   * alloc() and there are 1 to 4 terms (the Stepper's own sums, element by element); else false.
   */
  combine(out: Float64Array, cs: number[], vs: Float64Array[]): boolean {
    if (cs.length < 1 || cs.length > 4 || !this.inMemory.has(out)) return false;
    if (!vs.every((v) => this.inMemory.has(v) && v.length === out.length)) return false;
    const args: number[] = [out.byteOffset, out.length, cs.length];
    for (let t = 0; t < 4; t++) args.push(cs[t] ?? 0, t < vs.length ? vs[t].byteOffset : out.byteOffset);
    this.rt.run('combine', args, Math.ceil(out.length / 2), out.length);
    return true;
  }

  /** Outputs u at v; the masks are kept for gradient(). */
  forward(v: Float64Array, u: Float64Array): void {
    this.check();
    const { rt, m, n } = this;
    let pZ = this.pZ;
    if (this.inMemory.has(v)) pZ = v.byteOffset + m * n * 8;
    else rt.f64(this.pZ, m * n).set(v.subarray(m * n, 2 * m * n));
    rt.run('forwardFromZ', [pZ, this.pA, this.pMask, this.pUpart, m, n, CHUNK], this.chunks, m * n);
    const up = rt.f64(this.pUpart, this.chunks * n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let c = 0; c < this.chunks; c++) s += up[c * n + i];
      u[i] = s * this.invSqrtM;
    }
  }

  /** Masks of the last forward pass (view, m·n bytes, mask[r·n + i]). */
  get mask(): Uint8Array {
    return this.rt.u8(this.pMask, this.m * this.n);
  }

  /** Gradient [C | C K | 0] at the last forward pass with error e. */
  gradient(e: Float64Array, out: Float64Array): void {
    this.check();
    const { rt, m, n, g, n8, K } = this;
    rt.f64(this.pE, n).set(e.subarray(0, n));
    const Y = rt.f64(this.pY, n8 * n8);
    for (let i = 0; i < n; i++) {
      const ei = e[i];
      for (let l = 0; l < n; l++) Y[i * n8 + l] = ei * K[i * n + l];
    }
    rt.run('packMaskBits', [this.pMask, this.pBits, n, g], m, m * n);
    // In place when out lives in kernel memory (stepper vectors from alloc()), else via buffers.
    const direct = this.inMemory.has(out);
    const pC = direct ? out.byteOffset : this.pC;
    const pCK = direct ? out.byteOffset + m * n * 8 : this.pCK;
    rt.run(
      'maskedGramProduct',
      [this.pBits, this.pY, this.pCoef, pCK, this.pT, this.tStride, m, n, g, GROUPS_PER_PASS],
      g,
      (m * n * n) / 8,
    );
    rt.run('maskedCoefficients', [this.pE, this.pCoef, this.pMask, pC, n], m, m * n);
    if (!direct) {
      out.set(rt.f64(this.pC, m * n), 0);
      out.set(rt.f64(this.pCK, m * n), m * n);
    }
    out[2 * m * n] = 0;
  }

  /** W(v) = c·W0 + A X (m×d). */
  weights(v: Float64Array, out: Float64Array = new Float64Array(this.m * this.d)): Float64Array {
    this.check();
    const { rt, m, n, d } = this;
    const mark = rt.mark();
    try {
      const pAv = this.inMemory.has(v) ? v.byteOffset : rt.putF64(v.subarray(0, m * n), m * n);
      const pOut = rt.alloc(m * d * 8);
      if (this.csr) {
        const pS = rt.alloc(d * 64 * rt.nThreads);
        rt.run(
          'matmulCsrBlocks',
          [pAv, this.pXp, this.pXc, this.pXv, pOut, pS, m, n, d],
          Math.ceil(m / 8),
          m * n * 20,
        );
      } else rt.run('matmulRows', [pAv, this.pX, pOut, n, d], m, m * n * d);
      out.set(rt.f64(pOut, m * d));
    } finally {
      rt.release(mark);
    }
    const c = v[2 * m * n];
    const W0 = this.W0;
    for (let p = 0; p < m * d; p++) out[p] += c * W0[p];
    return out;
  }

  private check(): void {
    if (this.disposed) throw new Error('SpanKernels: used after dispose()');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.rt.release(this.base);
  }
}
