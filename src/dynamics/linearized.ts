/**
 * The linearised output-space iteration (the "discrete" regime for claims): the method's own
 * compiled stepper run on the prediction error e with the gradient oracle grad(e) = H e, H the
 * (frozen) kernel — what a wide network's training reduces to when H(t) stays at H∞.
 */
import { compileMethod, type GgnOracle, type ParamValues } from '../spec/compile.ts';
import { gramSolve } from '../train/ggn.ts';
import { toParsed, type MethodRef } from './discrete.ts';

export interface LinearizedRun {
  status: 'ok' | 'diverged';
  /** ‖e_k‖ for k = 0..stepsRun. */
  errNorm: Float64Array;
  stepsRun: number;
  divergedAt: number | null;
}

/**
 * Run `steps` iterations of `method` on e (start e0, at rest) with grad(e) = H e, H n×n row-major.
 * Stops at the first non-finite or > 1e100·‖e0‖ norm and reports divergence (never a NaN).
 */
export function runLinearized(
  method: MethodRef,
  params: ParamValues,
  H: Float64Array,
  e0: Float64Array,
  steps: number,
): LinearizedRun {
  const n = e0.length;
  if (H.length !== n * n)
    throw new RangeError(`runLinearized: H has ${H.length} entries, expected ${n}×${n}`);
  const compiled = compileMethod(toParsed(method), params);
  const st = compiled.stepper(e0);
  const oracle = (z: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += H[row + j] * z[j];
      out[i] = s;
    }
  };
  // ggn(z, ε) on the output model: H(H + εI)⁻¹z = z − ε(H + εI)⁻¹z (= z at ε = 0).
  const solved = new Float64Array(n);
  const ggn: GgnOracle = (z, eps, out) => {
    if (eps === 0) {
      out.set(z);
      return;
    }
    gramSolve(H, n, eps, z, solved);
    for (let i = 0; i < n; i++) out[i] = z[i] - eps * solved[i];
  };
  const norm = (v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += v[i] * v[i];
    return Math.sqrt(s);
  };
  const errNorm = new Float64Array(steps + 1);
  errNorm[0] = norm(e0);
  const limit = 1e100 * Math.max(errNorm[0], 1e-300);
  for (let k = 1; k <= steps; k++) {
    st.step(oracle, ggn);
    const v = norm(st.x);
    if (!Number.isFinite(v) || v > limit) {
      return { status: 'diverged', errNorm: errNorm.slice(0, k), stepsRun: k - 1, divergedAt: k };
    }
    errNorm[k] = v;
  }
  return { status: 'ok', errNorm, stepsRun: steps, divergedAt: null };
}
