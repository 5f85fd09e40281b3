/**
 * The linearised output-space iteration: the method's own compiled Stepper run on the prediction
 * error e with the gradient oracle grad(e) = H e, H the frozen kernel — what a wide network's
 * training reduces to when H(t) stays at its initial value. It is the "discrete" regime of the
 * claims and the frozen-kernel prediction of the experiments, one loop for both.
 *
 * The kernel is given either dense (H, n×n row-major) or by its eigenvalues (`{ diagonal: λ }`):
 * in H's eigenbasis the iteration decouples into modes z_i with gradient λ_i z_i, which is how the
 * experiments run it (also with a ggn oracle, λ_i/(λ_i + ε) z_i, for methods that call ggn).
 */
import { compileMethod, diagonalGgnOracle, type ParamValues } from '../spec/compile.ts';
import { isNormDiverged } from '../util/divergence.ts';
import { gramSolve } from '../train/ggn.ts';
import { toParsed, type MethodRef } from './discrete.ts';

/** A frozen kernel: dense H (n×n row-major) or its eigenvalues (the iteration in H's eigenbasis). */
export type FrozenKernel = Float64Array | { diagonal: ArrayLike<number> };

export interface LinearizedOptions {
  /**
   * Stop at the first step whose ‖e_k‖ diverges (the one divergence rule, src/util/divergence.ts,
   * stated for a norm) and report status 'diverged' — the default. With false the run always goes
   * on to `steps` and only reports the status: the values may grow to ±∞ or NaN (the caller, who
   * wants the whole curve, checks them).
   */
  stopAtDivergence?: boolean;
}

export interface LinearizedRun {
  status: 'ok' | 'diverged';
  /** ‖e_k‖ for k = 0..stepsRun. */
  errNorm: Float64Array;
  /** ‖e_k‖² = Σ_i e_k[i]² for k = 0..stepsRun (summed directly, not squared from errNorm). */
  sqNorm: Float64Array;
  stepsRun: number;
  /** The first step that diverged (null when none did). */
  divergedAt: number | null;
}

/**
 * Run `steps` iterations of `method` on e (start e0, at rest) with grad(e) = H e. Never returns a NaN
 * silently: by default it stops at the first diverging step and reports it.
 */
export function runLinearized(
  method: MethodRef,
  params: ParamValues,
  kernel: FrozenKernel,
  e0: Float64Array,
  steps: number,
  opts: LinearizedOptions = {},
): LinearizedRun {
  const n = e0.length;
  const stop = opts.stopAtDivergence ?? true;
  const st = compileMethod(toParsed(method), params).stepper(e0);
  let oracle: (z: Float64Array, out: Float64Array) => void;
  let ggn: ReturnType<typeof diagonalGgnOracle> | undefined;
  if (kernel instanceof Float64Array) {
    if (kernel.length !== n * n)
      throw new RangeError(`runLinearized: H has ${kernel.length} entries, expected ${n}×${n}`);
    const H = kernel;
    oracle = (z, out) => {
      for (let i = 0; i < n; i++) {
        let s = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) s += H[row + j] * z[j];
        out[i] = s;
      }
    };
    // ggn(z, ε) on the output model: H(H + εI)⁻¹z = z − ε(H + εI)⁻¹z (= z at ε = 0).
    const solved = new Float64Array(n);
    ggn = (z, eps, out) => {
      if (eps === 0) {
        out.set(z);
        return;
      }
      gramSolve(H, n, eps, z, solved);
      for (let i = 0; i < n; i++) out[i] = z[i] - eps * solved[i];
    };
  } else {
    const lambda = kernel.diagonal;
    if (lambda.length !== n)
      throw new RangeError(`runLinearized: ${lambda.length} eigenvalues for ${n} mode coefficients`);
    oracle = (z, out) => {
      for (let i = 0; i < n; i++) out[i] = lambda[i] * z[i];
    };
    ggn = diagonalGgnOracle(lambda);
  }
  const sumSq = (v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    return s;
  };
  const sqNorm = new Float64Array(steps + 1);
  const errNorm = new Float64Array(steps + 1);
  sqNorm[0] = sumSq(e0);
  errNorm[0] = Math.sqrt(sqNorm[0]);
  let divergedAt: number | null = null;
  for (let k = 1; k <= steps; k++) {
    st.step(oracle, ggn);
    const s = sumSq(st.x);
    const v = Math.sqrt(s);
    if (divergedAt === null && isNormDiverged(v, errNorm[0])) {
      divergedAt = k;
      if (stop)
        return {
          status: 'diverged',
          errNorm: errNorm.slice(0, k),
          sqNorm: sqNorm.slice(0, k),
          stepsRun: k - 1,
          divergedAt: k,
        };
    }
    sqNorm[k] = s;
    errNorm[k] = v;
  }
  return { status: divergedAt === null ? 'ok' : 'diverged', errNorm, sqNorm, stepsRun: steps, divergedAt };
}
