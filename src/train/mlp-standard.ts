/**
 * The authors' model (Bu, Xu & Chen's published PyTorch notebook), with BOTH layers trained:
 *
 *   f(x) = Σ_r a_r relu(w_r·x + b_r)      (hidden layer with bias, ReLU, output without bias, no 1/√m)
 *   L(θ) = (1/n) Σ_i (f(x_i) − y_i)²      (PyTorch's MSELoss, a mean; full batch)
 *
 * Initialisation (our reading of the notebook, stated in docs/reproduce.md):
 * - W0 ~ N(0, (1/m)²) entrywise (std 1/m), drawn in PyTorch's weight order (r-major: w_1, w_2, …);
 * - b0 ~ U(−1/√d, 1/√d), PyTorch's default for nn.Linear (the notebook only re-draws the weights);
 *   `biasInit: 'zero'` sets b0 = 0 instead;
 * - a ~ U(−1, 1).
 * One seeded stream draws W, then b, then a.
 *
 * Parameter vector θ = [W | b | a] as one Float64Array of length m·d + 2m, W stored INPUT-major
 * (θ[j·m + r] = w_r[j], the transpose of PyTorch's (m, d) weight) so the hot loops run along r,
 * b at offset m·d, a at offset m·d + m.
 *
 * Speed: MNIST rows are ~80% zeros, so X is held in CSR form and the forward/backward passes touch
 * only non-zero pixels: cost ≈ 2·nnz(X)·m multiply-adds per gradient.
 * The ReLU derivative at 0 is 0 (as PyTorch's).
 */
import { Rng } from '../util/rng.ts';
import type { Dataset } from '../data/types.ts';
import type { GradOracle } from '../spec/compile.ts';
import { compressRows } from '../data/sparse.ts';

/** Compressed sparse rows of an n×d row-major matrix. */
export interface CsrMatrix {
  n: number;
  d: number;
  rowPtr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

export function toCsr(X: Float64Array, n: number, d: number): CsrMatrix {
  const { start, col, val } = compressRows(X, n, d);
  return { n, d, rowPtr: start, col, val };
}

export type BiasInit = 'pytorch' | 'zero';

export interface StandardMlpOptions {
  /** b0 ~ U(−1/√d, 1/√d) ('pytorch', default) or b0 = 0 ('zero'). */
  biasInit?: BiasInit;
}

/** Offsets of the blocks of θ = [W | b | a]. */
export function standardMlpLayout(d: number, m: number): { W: number; b: number; a: number; dim: number } {
  return { W: 0, b: m * d, a: m * d + m, dim: m * d + 2 * m };
}

/** θ0 for width m and input dimension d, from one seeded stream (W, then b, then a). */
export function initStandardMlp(
  d: number,
  m: number,
  seed: number,
  opts: StandardMlpOptions = {},
): Float64Array {
  const lay = standardMlpLayout(d, m);
  const theta = new Float64Array(lay.dim);
  const rng = new Rng(seed);
  const sw = 1 / m;
  for (let r = 0; r < m; r++) for (let j = 0; j < d; j++) theta[j * m + r] = sw * rng.normal();
  const bound = 1 / Math.sqrt(d);
  for (let r = 0; r < m; r++)
    theta[lay.b + r] = opts.biasInit === 'zero' ? 0 : bound * (2 * rng.uniform() - 1);
  for (let r = 0; r < m; r++) theta[lay.a + r] = 2 * rng.uniform() - 1;
  return theta;
}

/**
 * Forward/backward of the standard MLP on a fixed data set. `gradient` is the Stepper's oracle;
 * every call also leaves the loss at its argument in `lastLoss` (the methods of the paper evaluate
 * one gradient per epoch, at x[k], so the loss curve comes free).
 */
export class StandardMlp {
  readonly n: number;
  readonly d: number;
  readonly m: number;
  readonly X: CsrMatrix;
  readonly y: Float64Array;
  readonly layout: { W: number; b: number; a: number; dim: number };
  /** Pre-activations Z (n×m, row i = sample) of the last forward pass. */
  readonly Z: Float64Array;
  private readonly u: Float64Array;
  private readonly delta: Float64Array;
  lastLoss = NaN;
  calls = 0;

  constructor(data: Dataset, m: number) {
    this.n = data.n;
    this.d = data.d;
    this.m = m;
    this.X = toCsr(data.X, data.n, data.d);
    this.y = data.y;
    this.layout = standardMlpLayout(data.d, m);
    this.Z = new Float64Array(data.n * m);
    this.u = new Float64Array(data.n);
    this.delta = new Float64Array(m);
  }

  /** Outputs u_i = f(x_i) at θ (also fills Z). */
  outputs(theta: Float64Array, u: Float64Array = this.u): Float64Array {
    const { n, m, X, Z } = this;
    const { b: ob, a: oa } = this.layout;
    const { rowPtr, col, val } = X;
    for (let i = 0; i < n; i++) {
      const zo = i * m;
      for (let r = 0; r < m; r++) Z[zo + r] = theta[ob + r];
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
        const v = val[q];
        const wo = col[q] * m;
        for (let r = 0; r < m; r++) Z[zo + r] += v * theta[wo + r];
      }
      let s = 0;
      for (let r = 0; r < m; r++) {
        const z = Z[zo + r];
        if (z > 0) s += theta[oa + r] * z;
      }
      u[i] = s;
    }
    return u;
  }

  /** L(θ) = mean squared error. */
  loss(theta: Float64Array): number {
    const u = this.outputs(theta);
    let s = 0;
    for (let i = 0; i < this.n; i++) s += (u[i] - this.y[i]) ** 2;
    return s / this.n;
  }

  /** ∇L(θ) into out (length layout.dim); sets lastLoss = L(θ). */
  readonly gradient: GradOracle = (theta, out) => {
    const { n, m, X, Z, delta } = this;
    const { b: ob, a: oa } = this.layout;
    const u = this.outputs(theta);
    out.fill(0);
    let loss = 0;
    const { rowPtr, col, val } = X;
    for (let i = 0; i < n; i++) {
      const e = u[i] - this.y[i];
      loss += e * e;
      const g = (2 / n) * e;
      const zo = i * m;
      for (let r = 0; r < m; r++) {
        const z = Z[zo + r];
        if (z > 0) {
          out[oa + r] += g * z;
          const dr = g * theta[oa + r];
          delta[r] = dr;
          out[ob + r] += dr;
        } else delta[r] = 0;
      }
      for (let q = rowPtr[i]; q < rowPtr[i + 1]; q++) {
        const v = val[q];
        const wo = col[q] * m;
        for (let r = 0; r < m; r++) out[wo + r] += v * delta[r];
      }
    }
    this.lastLoss = loss / n;
    this.calls++;
  };
}
