/**
 * The WebAssembly kernels against the plain loops they replace (written out here as the reference):
 * pre-activation masks and gradients BIT-IDENTICAL (same summation orders), outputs u to 1e-12
 * relative (summed per chunk of 256 neurons, then over chunks), and the same bits on 1 and 2 threads.
 */
import { describe, expect, it } from 'vitest';
import { TrainingKernels, coActivationKernel, gramKernel } from '../../src/kernels/training.ts';
import { SpanKernels } from '../../src/kernels/span.ts';
import { withThreads } from '../../src/kernels/runtime.ts';
import { compressRows } from '../../src/data/sparse.ts';
import { Rng } from '../../src/util/rng.ts';

/** Plain loops (the reference): u, masks and the gradient of the two-layer net. */
function plainForward(W: Float64Array, X: Float64Array, a: Float64Array, n: number, d: number) {
  const m = a.length;
  const u = new Float64Array(n);
  const mask = new Uint8Array(m * n);
  const Z = new Float64Array(m * n);
  for (let r = 0; r < m; r++)
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += W[r * d + j] * X[i * d + j];
      Z[r * n + i] = z;
      if (z >= 0) {
        u[i] += a[r] * z;
        mask[r * n + i] = 1;
      }
    }
  for (let i = 0; i < n; i++) u[i] *= 1 / Math.sqrt(m);
  return { u, mask, Z };
}

function plainGradient(
  X: Float64Array,
  a: Float64Array,
  e: Float64Array,
  mask: Uint8Array,
  n: number,
  d: number,
) {
  const m = a.length;
  const s = 1 / Math.sqrt(m);
  const g = new Float64Array(m * d);
  for (let r = 0; r < m; r++) {
    const c = a[r] * s;
    for (let i = 0; i < n; i++) {
      if (mask[r * n + i] === 0) continue;
      const ce = c * e[i];
      for (let j = 0; j < d; j++) g[r * d + j] += ce * X[i * d + j];
    }
  }
  return g;
}

/** Rows with a share of exact zeros (the sparse path), targets, weights and signs from one seed. */
function problem(n: number, d: number, m: number, zeros: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  rng.fillNormal(X, 1);
  for (let p = 0; p < X.length; p++) if (rng.uniform() < zeros) X[p] = 0;
  const W = new Float64Array(m * d);
  rng.fillNormal(W, 1);
  const a = Float64Array.from({ length: m }, () => rng.sign());
  const e = new Float64Array(n);
  rng.fillNormal(e, 1);
  return { X, W, a, e };
}

const sameBits = (x: ArrayLike<number>, y: ArrayLike<number>): boolean => {
  if (x.length !== y.length) return false;
  for (let p = 0; p < x.length; p++) if (!Object.is(x[p], y[p])) return false;
  return true;
};
const maxRel = (x: Float64Array, y: Float64Array): number => {
  let w = 0;
  for (let p = 0; p < x.length; p++)
    w = Math.max(w, Math.abs(x[p] - y[p]) / Math.max(Math.abs(y[p]), 1e-300));
  return w;
};

// Shapes with tails in every blocked loop: m not a multiple of 8 or 256, n not of 8, d odd.
const SHAPES = [
  { n: 13, d: 7, m: 301, zeros: 0 },
  { n: 9, d: 40, m: 531, zeros: 0.8 },
  { n: 17, d: 33, m: 259, zeros: 0 },
  { n: 24, d: 3, m: 64, zeros: 0 },
];

describe('training kernels against the plain loops', () => {
  for (const { n, d, m, zeros } of SHAPES) {
    for (const sparse of [false, true]) {
      it(`n=${n} d=${d} m=${m} ${sparse ? 'CSR' : 'dense'}: masks and gradient bit-identical, u to 1e-12`, () => {
        const { X, W, a, e } = problem(n, d, m, zeros, n + d + m);
        const ref = plainForward(W, X, a, n, d);
        const k = new TrainingKernels(X, n, d, sparse ? compressRows(X, n, d) : null, a);
        try {
          const u = new Float64Array(n);
          k.forward(W, u);
          expect(sameBits(k.mask, ref.mask)).toBe(true);
          expect(maxRel(u, ref.u)).toBeLessThan(1e-12);
          const g = new Float64Array(m * d);
          k.gradient(e, g);
          expect(sameBits(g, plainGradient(X, a, e, ref.mask, n, d))).toBe(true);
          // false twin: another error vector gives another gradient
          const e2 = Float64Array.from(e, (v, i) => (i === 0 ? v + 1 : v));
          k.gradient(e2, g);
          expect(sameBits(g, plainGradient(X, a, e, ref.mask, n, d))).toBe(false);
        } finally {
          k.dispose();
        }
      });
    }
  }

  it('1 and 2 threads give the same bits (forward, gradient, span gradient, co-activations)', () => {
    const { n, d, m } = { n: 40, d: 30, m: 3000 };
    const { X, W, a, e } = problem(n, d, m, 0.6, 5);
    const run = () => {
      const out: Float64Array[] = [];
      for (const csr of [null, compressRows(X, n, d)]) {
        const k = new TrainingKernels(X, n, d, csr, a);
        const u = new Float64Array(n);
        const g = new Float64Array(m * d);
        k.forward(W, u);
        k.gradient(e, g);
        out.push(u, g, Float64Array.from(k.mask));
        k.dispose();
      }
      const s = new SpanKernels(X, n, d, null, a, W);
      const v = s.initial();
      const u = new Float64Array(n);
      s.forward(v, u);
      const gv = new Float64Array(s.dim);
      s.gradient(e, gv);
      out.push(u, gv, s.weights(gv));
      s.dispose();
      const words = Math.ceil(m / 32);
      const bits = new Int32Array(n * words);
      for (let p = 0; p < bits.length; p++) bits[p] = (p * 2654435761) | 0;
      out.push(coActivationKernel(bits, n, words, new Float64Array(n * n)));
      return out;
    };
    const one = withThreads(1, run);
    const two = withThreads(2, run);
    expect(one.length).toBe(two.length);
    one.forEach((x, q) => expect(sameBits(x, two[q])).toBe(true));
  });

  it('co-activation counts are exact popcounts; the Gram kernel is the plain j-ordered sum', () => {
    const n = 7;
    const words = 3;
    const bits = new Int32Array(n * words);
    const rng = new Rng(2);
    for (let p = 0; p < bits.length; p++) bits[p] = (rng.uniform() * 2 ** 32) | 0;
    const counts = coActivationKernel(bits, n, words, new Float64Array(n * n));
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let c = 0;
        for (let w = 0; w < words; w++) {
          let x = bits[i * words + w] & bits[j * words + w];
          while (x !== 0) {
            x &= x - 1;
            c++;
          }
        }
        expect(counts[i * n + j]).toBe(c);
      }
    const { X } = problem(9, 11, 1, 0.5, 3);
    const G = gramKernel(X, 9, 11);
    for (let i = 0; i < 9; i++)
      for (let l = 0; l < 9; l++) {
        let s = 0;
        for (let j = 0; j < 11; j++) s += X[i * 11 + j] * X[l * 11 + j];
        expect(Object.is(G[i * 9 + l], s)).toBe(true);
      }
  });
});

describe('span of the data rows (SpanKernels)', () => {
  for (const [sparse, n] of [
    [false, 11],
    [true, 11],
    [false, 140], // more than 16 groups of 8 points: the look-up tables are built in passes
  ] as const) {
    it(`${sparse ? 'CSR' : 'dense'} n=${n}: Z0 bit-identical to W0 Xᵀ; the gradient is [C | C·K | 0] with W(v) = c·W0 + A X (1e-12)`, () => {
      const { d, m } = { d: 50, m: 270 };
      const { X, W, a, e } = problem(n, d, m, sparse ? 0.7 : 0, 9);
      const s = new SpanKernels(X, n, d, sparse ? compressRows(X, n, d) : null, a, W);
      try {
        const ref = plainForward(W, X, a, n, d);
        const v = s.initial();
        expect(sameBits(v.subarray(m * n, 2 * m * n), ref.Z)).toBe(true);
        const u = new Float64Array(n);
        s.forward(v, u);
        expect(sameBits(s.mask, ref.mask)).toBe(true);
        expect(maxRel(u, ref.u)).toBeLessThan(1e-12);
        const gv = new Float64Array(s.dim);
        s.gradient(e, gv);
        // In weight space the same gradient: A-part · X equals the plain gradient.
        const gW = s.weights(gv);
        const g = plainGradient(X, a, e, ref.mask, n, d);
        let worst = 0;
        let scale = 0;
        for (let p = 0; p < g.length; p++) {
          worst = Math.max(worst, Math.abs(gW[p] - g[p]));
          scale = Math.max(scale, Math.abs(g[p]));
        }
        expect(worst).toBeLessThan(1e-12 * scale);
        // Z-part = (gradient in weight space) Xᵀ.
        const Zg = gv.subarray(m * n, 2 * m * n);
        let zw = 0;
        let zs = 0;
        for (let r = 0; r < m; r++)
          for (let i = 0; i < n; i++) {
            let z = 0;
            for (let j = 0; j < d; j++) z += g[r * d + j] * X[i * d + j];
            zw = Math.max(zw, Math.abs(Zg[r * n + i] - z));
            zs = Math.max(zs, Math.abs(z));
          }
        expect(zw).toBeLessThan(1e-12 * zs);
        expect(gv[2 * m * n]).toBe(0);
      } finally {
        s.dispose();
      }
    });
  }
});

describe('combinations of stepper vectors in kernel memory', () => {
  it("SpanKernels.combine gives the Stepper's own sums bit for bit (1 to 4 terms, odd length)", () => {
    const { X, W, a } = problem(5, 9, 7, 0, 4);
    const s = new SpanKernels(X, 5, 9, null, a, W);
    try {
      const rng = new Rng(8);
      const vs = [0, 1, 2, 3].map(() => {
        const v = s.alloc(s.dim);
        rng.fillNormal(v, 1);
        return v;
      });
      const out = s.alloc(s.dim);
      const cs = [1.5, -0.5, 1e-4, 0.3];
      for (let t = 1; t <= 4; t++) {
        expect(s.combine(out, cs.slice(0, t), vs.slice(0, t))).toBe(true);
        for (let i = 0; i < s.dim; i++) {
          let ref = 0 + cs[0] * vs[0][i];
          for (let q = 1; q < t; q++) ref += cs[q] * vs[q][i];
          expect(Object.is(out[i], ref)).toBe(true);
        }
      }
      // vectors outside kernel memory are left to the stepper
      expect(s.combine(new Float64Array(s.dim), [1], [vs[0]])).toBe(false);
    } finally {
      s.dispose();
    }
  });
});
