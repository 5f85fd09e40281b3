/**
 * Activation patterns 1{w_r·x_i ≥ 0} as bitsets: for each data row i, one bit per neuron r packed
 * into 32-bit words (row i occupies words [i·words, (i+1)·words)). The empirical NTK needs, for each
 * pair (i, j), the number of neurons active on both: popcount(A_i & A_j) over m/32 words.
 */
import type { Dataset } from '../data/types.ts';
import { sparseRows } from '../data/sparse.ts';

export interface ActivationBits {
  n: number;
  m: number;
  /** Words per data row: ceil(m / 32). */
  words: number;
  bits: Int32Array;
}

/** Pre-activations w_r·x_i for W (m×d) and bitsets of the pattern 1{w_r·x_i ≥ 0}. */
export function activationBits(W: Float64Array, m: number, data: Dataset): ActivationBits {
  const { n, d, X } = data;
  const words = (m + 31) >>> 5;
  const bits = new Int32Array(n * words);
  const sp = sparseRows(data);
  for (let r = 0; r < m; r++) {
    const wo = r * d;
    const word = r >>> 5;
    const bit = 1 << (r & 31);
    for (let i = 0; i < n; i++) {
      let z = 0;
      if (sp !== null) {
        const { start, col, val } = sp;
        for (let q = start[i], end = start[i + 1]; q < end; q++) z += W[wo + col[q]] * val[q];
      } else {
        const xo = i * d;
        for (let j = 0; j < d; j++) z += W[wo + j] * X[xo + j];
      }
      if (z >= 0) bits[i * words + word] |= bit;
    }
  }
  return { n, m, words, bits };
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

/** counts[i·n + j] = #{r : bit r set in both rows i and j} (symmetric). */
export function coActivationCounts(a: ActivationBits, out?: Float64Array): Float64Array {
  const { n, words, bits } = a;
  const counts = out ?? new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * words;
    for (let j = i; j < n; j++) {
      const oj = j * words;
      let c = 0;
      for (let w = 0; w < words; w++) c += popcount32(bits[oi + w] & bits[oj + w]);
      counts[i * n + j] = c;
      counts[j * n + i] = c;
    }
  }
  return counts;
}

/** Number of (r, i) whose activation differs between two patterns of the same shape. */
export function flipCount(a: ActivationBits, b: ActivationBits): number {
  if (a.bits.length !== b.bits.length) throw new RangeError('flipCount: patterns of different shapes');
  let c = 0;
  for (let w = 0; w < a.bits.length; w++) c += popcount32(a.bits[w] ^ b.bits[w]);
  return c;
}
