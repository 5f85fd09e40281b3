/**
 * Activation patterns 1{w_r·x_i ≥ 0} as bitsets: for each data row i, one bit per neuron r packed
 * into 32-bit words (row i occupies words [i·words, (i+1)·words)). The empirical NTK needs, for each
 * pair (i, j), the number of neurons active on both: popcount(A_i & A_j) over m/32 words.
 */
import type { Dataset } from '../data/types.ts';
import { sparseRows } from '../data/sparse.ts';
import { TrainingKernels, coActivationKernel } from '../kernels/training.ts';

export interface ActivationBits {
  n: number;
  m: number;
  /** Words per data row: ceil(m / 32). */
  words: number;
  bits: Int32Array;
}

/**
 * Bitsets of the pattern 1{w_r·x_i ≥ 0} for W (m×d): the masks come from the WebAssembly forward
 * kernel (pre-activations bit-identical to the plain dot products, src/kernels/training.ts).
 */
export function activationBits(W: Float64Array, m: number, data: Dataset): ActivationBits {
  const { n, d, X } = data;
  const k = new TrainingKernels(X, n, d, sparseRows(data), new Float64Array(m).fill(1));
  try {
    k.forward(W.length === m * d ? W : W.subarray(0, m * d), new Float64Array(n));
    return bitsFromMask(k.mask, m, n);
  } finally {
    k.dispose();
  }
}

/** Bitsets from a byte mask laid out mask[r·n + i] (as network.forward writes it). */
export function bitsFromMask(mask: Uint8Array, m: number, n: number): ActivationBits {
  const words = (m + 31) >>> 5;
  const bits = new Int32Array(n * words);
  for (let r = 0; r < m; r++) {
    const word = r >>> 5;
    const bit = 1 << (r & 31);
    const mo = r * n;
    for (let i = 0; i < n; i++) if (mask[mo + i] !== 0) bits[i * words + word] |= bit;
  }
  return { n, m, words, bits };
}

export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/**
 * counts[i·n + j] = #{r : bit r set in both rows i and j} (symmetric): the empirical NTK's
 * co-activation counts, H(W)_ij = (x_i·x_j)·counts_ij/m. Exact integers (WebAssembly popcount on
 * both cores, src/kernels/training.ts).
 */
export function coActivationCounts(a: ActivationBits, out?: Float64Array): Float64Array {
  const { n, words, bits } = a;
  return coActivationKernel(bits, n, words, out ?? new Float64Array(n * n));
}

/** Number of (r, i) whose activation differs between two patterns of the same shape. */
export function flipCount(a: ActivationBits, b: ActivationBits): number {
  if (a.bits.length !== b.bits.length) throw new RangeError('flipCount: patterns of different shapes');
  let c = 0;
  for (let w = 0; w < a.bits.length; w++) c += popcount32(a.bits[w] ^ b.bits[w]);
  return c;
}
