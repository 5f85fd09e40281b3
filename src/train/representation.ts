/**
 * Where the direct engine keeps its vectors, chosen per problem by cost:
 *
 * - 'weights': the weights W themselves (m·d numbers); a gradient evaluation is a forward pass
 *   Z = W Xᵀ and the gradient, 2·m·n·d multiply-adds (2·m·nnz(X) for sparse rows), run by the
 *   WebAssembly kernels (src/kernels/training.ts);
 * - 'span': the span of the data rows, W = c·W0 + A X with the pre-activations Z carried along
 *   (src/kernels/span.ts): 2·m·n + 1 numbers, and a gradient evaluation costs m·n²/8 table look-ups
 *   of 8 values with the n×n Gram matrix instead of anything of size d. It pays when d > n.
 *
 * Both give the same trajectory to rounding (tests: test/train/representation.test.ts).
 */
import type { Dataset } from '../data/types.ts';
import { sparseRows, countNonZeros } from '../data/sparse.ts';
import { TrainingKernels } from '../kernels/training.ts';
import { SpanKernels } from '../kernels/span.ts';
import type { Network } from './types.ts';
import type { StepperVectors } from '../spec/compile.ts';

export type RepresentationName = 'weights' | 'span';
export type RepresentationChoice = RepresentationName | 'auto';

export interface Representation {
  readonly name: RepresentationName;
  /** Length of a vector. */
  readonly dim: number;
  /** The vector of W0. */
  initial(): Float64Array;
  /** Where the method's stepper keeps its vectors and combines them (undefined: ordinary arrays). */
  readonly vectors?: StepperVectors;
  /** Outputs u at vector v; keeps the masks for gradient() and `mask`. */
  forward(v: Float64Array, u: Float64Array): void;
  /** Gradient of ½‖u − y‖² at the last forward point, given e = u − y. */
  gradient(e: Float64Array, out: Float64Array): void;
  /** Masks 1{w_r·x_i ≥ 0} of the last forward pass, mask[r·n + i] (a view: copy to keep). */
  readonly mask: Uint8Array;
  /** The weights W(v), m×d (a new array). */
  weights(v: Float64Array): Float64Array;
  /** Free the kernel memory (in reverse order of creation). */
  dispose(): void;
}

/**
 * Estimated cost of one step in each representation, in units of a kernel multiply-add: the
 * gradient evaluation plus about six passes of the method's vector arithmetic (plain JavaScript,
 * counted four times dearer per number).
 */
export function representationCosts(
  m: number,
  n: number,
  d: number,
  nnz: number,
  sparse: boolean,
): Record<RepresentationName, number> {
  const weights = 2 * m * (sparse ? 1.5 * nnz : n * d) + 4 * 6 * m * d;
  const span = m * n * Math.ceil(n / 8) + 4 * 6 * 2 * m * n;
  return { weights, span };
}

/** Largest m·n for the span representation under 'auto' (2·m·n doubles per vector: 400 MB). */
const SPAN_MAX_ENTRIES = 25_000_000;

/** The cheaper representation for this network and data ('auto'), or the one asked for. */
export function chooseRepresentation(
  choice: RepresentationChoice,
  m: number,
  data: Dataset,
): RepresentationName {
  if (choice !== 'auto') return choice;
  const sp = sparseRows(data);
  const nnz = sp ? sp.val.length : countNonZeros(data.X);
  const c = representationCosts(m, data.n, data.d, nnz, sp !== null);
  // The span's vectors hold 2·m·n numbers (the method keeps several): only where that fits easily.
  const fits = m * data.n <= SPAN_MAX_ENTRIES;
  return fits && c.span < c.weights ? 'span' : 'weights';
}

class WeightSpace implements Representation {
  readonly name = 'weights';
  readonly dim: number;
  private readonly k: TrainingKernels;
  private readonly net: Network;

  constructor(net: Network, data: Dataset) {
    this.net = net;
    this.dim = net.m * net.d;
    this.k = new TrainingKernels(data.X, data.n, data.d, sparseRows(data), net.a);
  }
  initial(): Float64Array {
    return Float64Array.from(this.net.W0);
  }
  forward(v: Float64Array, u: Float64Array): void {
    this.k.forward(v, u);
  }
  gradient(e: Float64Array, out: Float64Array): void {
    this.k.gradient(e, out);
  }
  get mask(): Uint8Array {
    return this.k.mask;
  }
  weights(v: Float64Array): Float64Array {
    return Float64Array.from(v);
  }
  dispose(): void {
    this.k.dispose();
  }
}

class DataSpan implements Representation {
  readonly name = 'span';
  readonly dim: number;
  private readonly k: SpanKernels;

  readonly vectors: StepperVectors;

  constructor(net: Network, data: Dataset) {
    const k = new SpanKernels(data.X, data.n, data.d, sparseRows(data), net.a, net.W0);
    this.k = k;
    this.dim = k.dim;
    // The stepper's vectors live in kernel memory: the Z part is read and the gradient written in
    // place, and the method's combinations run on both cores.
    this.vectors = { alloc: (dim) => k.alloc(dim), combine: (out, cs, vs) => k.combine(out, cs, vs) };
  }
  initial(): Float64Array {
    return this.k.initial();
  }
  forward(v: Float64Array, u: Float64Array): void {
    this.k.forward(v, u);
  }
  gradient(e: Float64Array, out: Float64Array): void {
    this.k.gradient(e, out);
  }
  get mask(): Uint8Array {
    return this.k.mask;
  }
  weights(v: Float64Array): Float64Array {
    return this.k.weights(v);
  }
  dispose(): void {
    this.k.dispose();
  }
}

export function createRepresentation(name: RepresentationName, net: Network, data: Dataset): Representation {
  return name === 'span' ? new DataSpan(net, data) : new WeightSpace(net, data);
}
