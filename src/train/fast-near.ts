/**
 * The near rows of the fast engine's frames on the WebAssembly kernels. A frame keeps the rows
 * that may flip explicit: their weights are the last |N|·d coordinates of a frame vector, laid out
 * like a small weight matrix (row q = neuron near[q]), so a forward pass and a gradient over them
 * are exactly the direct engine's kernels (src/kernels/training.ts) on that block, with the second
 * layer a[near[q]] and the net's 1/√m.
 *
 * One NearRows serves a whole run (it owns a stretch of the kernel stack; the kernels are rebuilt
 * when the near set changes and freed by dispose()).
 */
import { TrainingKernels } from '../kernels/training.ts';
import type { FastProblem } from './fast-problem.ts';

export class NearRows {
  private readonly p: FastProblem;
  private k: TrainingKernels | null = null;
  /** The near list the kernels were built for (frames replace the array when it changes). */
  private forList: Int32Array | null = null;
  private readonly uNear: Float64Array;
  private gNear = new Float64Array(0);

  constructor(p: FastProblem) {
    this.p = p;
    this.uNear = new Float64Array(p.n);
  }

  private kernels(near: Int32Array): TrainingKernels {
    if (this.k && this.forList === near) return this.k;
    this.dispose();
    const { X, n, d, a, invSqrtM, dense, csr } = this.p;
    const aNear = Float64Array.from(near, (r) => a[r]);
    const rows = dense ? null : { start: csr.xp, col: csr.xc, val: csr.xv };
    this.k = new TrainingKernels(X, n, d, rows, aNear, invSqrtM);
    this.forList = near;
    this.gNear = new Float64Array(near.length * d);
    return this.k;
  }

  /** u += Σ_near (a_r/√m) relu(w_r·x_i) for the near blocks of z at offNear; their masks into nm. */
  forward(z: Float64Array, offNear: number, near: Int32Array, u: Float64Array, nm: Uint8Array): void {
    if (near.length === 0) return;
    const k = this.kernels(near);
    k.forward(z.subarray(offNear, offNear + near.length * this.p.d), this.uNear);
    for (let i = 0; i < this.p.n; i++) u[i] += this.uNear[i];
    nm.set(k.mask);
  }

  /** The near rows' gradients (a_r/√m) Σ_i e_i nm_ri x_i into their blocks of out at offNear. */
  backward(e: Float64Array, out: Float64Array, offNear: number, near: Int32Array, nm: Uint8Array): void {
    if (near.length === 0) return;
    const k = this.kernels(near);
    k.gradient(e, this.gNear, nm);
    out.set(this.gNear, offNear);
  }

  dispose(): void {
    this.k?.dispose();
    this.k = null;
    this.forList = null;
  }
}
