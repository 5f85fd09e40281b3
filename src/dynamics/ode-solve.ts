/**
 * Adaptive ODE integration for the convergence-order checks, and the checks themselves.
 *
 * Two integrators with error control and dense output:
 * - `dopri5`: Dormand–Prince 5(4) (FSAL, Hairer's 4th-order continuous extension, the standard
 *   step-size controller), written here on Float64Array;
 * - `odexSolve`: the `odex` package (Hairer's ODEX, Gragg–Bulirsch–Stoer extrapolation) with its
 *   dense output.
 * The convergence-order check uses odex. Measured on 40 damped oscillators over t ∈ [0, 40], 401 dense outputs
 * (docs/rates.md): at rtol 1e-10 dopri5 needed 12313 right-hand-side evaluations for a max error
 * of 6e-11, odex 3065 for 3e-10; at 1e-12, 31249 (6e-13) against 4319 (3e-12). The right-hand
 * sides of t-dependent ODEs evaluate mathjs coefficients, so evaluations dominate: odex wins.
 * Both are tested against closed forms.
 */
import { compileMethod, diagonalGgnOracle, stepSymbol, type ParamValues } from '../spec/compile.ts';
import { parse } from 'mathjs';
import { Solver } from 'odex';
import type { OutputSpaceOde } from '../symbolic/types.ts';
import type { ParsedSpec } from '../spec/types.ts';
import { stateLayout, toParsed, timeStep, type MethodRef } from './discrete.ts';
import { compileModeOde, envelopeExponent } from './modes.ts';
import { nagCModeSolution } from './bessel.ts';
import { fitSlope } from '../util/fit.ts';

/** y' = f(t, y), written into dy. */
export type Rhs = (t: number, y: Float64Array, dy: Float64Array) => void;

export interface SolveOptions {
  rtol?: number;
  atol?: number;
  maxSteps?: number;
  /** Initial step (default: a Hairer-style guess). */
  h0?: number;
}

export interface SolveResult {
  /** Solution at each requested output time (ascending, ≥ t0). */
  y: Float64Array[];
  nEval: number;
  nAccept: number;
  nReject: number;
}

const C2 = 1 / 5,
  C3 = 3 / 10,
  C4 = 4 / 5,
  C5 = 8 / 9;
const A21 = 1 / 5;
const A31 = 3 / 40,
  A32 = 9 / 40;
const A41 = 44 / 45,
  A42 = -56 / 15,
  A43 = 32 / 9;
const A51 = 19372 / 6561,
  A52 = -25360 / 2187,
  A53 = 64448 / 6561,
  A54 = -212 / 729;
const A61 = 9017 / 3168,
  A62 = -355 / 33,
  A63 = 46732 / 5247,
  A64 = 49 / 176,
  A65 = -5103 / 18656;
const A71 = 35 / 384,
  A73 = 500 / 1113,
  A74 = 125 / 192,
  A75 = -2187 / 6784,
  A76 = 11 / 84;
const E1 = 71 / 57600,
  E3 = -71 / 16695,
  E4 = 71 / 1920,
  E5 = -17253 / 339200,
  E6 = 22 / 525,
  E7 = -1 / 40;
const D1 = -12715105075 / 11282082432,
  D3 = 87487479700 / 32700410799,
  D4 = -10690763975 / 1880347072,
  D5 = 701980252875 / 199316789632,
  D6 = -1453857185 / 822651844,
  D7 = 69997945 / 29380423;

/** Dormand–Prince 5(4) with error control; dense output at `tOut` (ascending). */
export function dopri5(
  f: Rhs,
  t0: number,
  y0: ArrayLike<number>,
  tOut: readonly number[],
  opts: SolveOptions = {},
): SolveResult {
  const n = y0.length;
  const rtol = opts.rtol ?? 1e-10;
  const atol = opts.atol ?? 1e-12;
  const maxSteps = opts.maxSteps ?? 1_000_000;
  const tEnd = tOut.length > 0 ? tOut[tOut.length - 1] : t0;
  const y = Float64Array.from(y0);
  const k1 = new Float64Array(n),
    k2 = new Float64Array(n),
    k3 = new Float64Array(n),
    k4 = new Float64Array(n);
  const k5 = new Float64Array(n),
    k6 = new Float64Array(n),
    k7 = new Float64Array(n);
  const ys = new Float64Array(n),
    y1 = new Float64Array(n),
    err = new Float64Array(n);
  const r1 = new Float64Array(n),
    r2 = new Float64Array(n),
    r3 = new Float64Array(n),
    r4 = new Float64Array(n),
    r5 = new Float64Array(n);
  const out: Float64Array[] = [];
  let next = 0;
  while (next < tOut.length && tOut[next] <= t0) {
    out.push(Float64Array.from(y));
    next++;
  }
  let nEval = 0,
    nAccept = 0,
    nReject = 0;
  let t = t0;
  f(t, y, k1);
  nEval++;
  const span = tEnd - t0;
  let h = opts.h0 ?? Math.min(span, 1e-3 * Math.max(span, 1e-12));
  let errOld = 1e-4;
  for (let step = 0; next < tOut.length; step++) {
    if (step >= maxSteps) throw new RangeError(`dopri5: more than ${maxSteps} steps`);
    if (t + h > tEnd) h = tEnd - t;
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * A21 * k1[i];
    f(t + C2 * h, ys, k2);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    f(t + C3 * h, ys, k3);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    f(t + C4 * h, ys, k4);
    for (let i = 0; i < n; i++) ys[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    f(t + C5 * h, ys, k5);
    for (let i = 0; i < n; i++)
      ys[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    f(t + h, ys, k6);
    for (let i = 0; i < n; i++)
      y1[i] = y[i] + h * (A71 * k1[i] + A73 * k3[i] + A74 * k4[i] + A75 * k5[i] + A76 * k6[i]);
    f(t + h, y1, k7);
    nEval += 6;
    let e2 = 0;
    for (let i = 0; i < n; i++) {
      err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
      const sc = atol + rtol * Math.max(Math.abs(y[i]), Math.abs(y1[i]));
      e2 += (err[i] / sc) ** 2;
    }
    const e = Math.sqrt(e2 / n);
    if (!Number.isFinite(e)) throw new RangeError('dopri5: the solution is not finite');
    if (e <= 1) {
      // Dense output coefficients for (t, t + h].
      for (let i = 0; i < n; i++) {
        const ydiff = y1[i] - y[i];
        const bspl = h * k1[i] - ydiff;
        r1[i] = y[i];
        r2[i] = ydiff;
        r3[i] = bspl;
        r4[i] = ydiff - h * k7[i] - bspl;
        r5[i] = h * (D1 * k1[i] + D3 * k3[i] + D4 * k4[i] + D5 * k5[i] + D6 * k6[i] + D7 * k7[i]);
      }
      const tNew = t + h;
      while (next < tOut.length && tOut[next] <= tNew) {
        const th = (tOut[next] - t) / h;
        const th1 = 1 - th;
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = r1[i] + th * (r2[i] + th1 * (r3[i] + th * (r4[i] + th1 * r5[i])));
        out.push(v);
        next++;
      }
      t = tNew;
      y.set(y1);
      k1.set(k7);
      nAccept++;
      // PI controller (Hairer: β = 0.04).
      const fac = Math.min(5, Math.max(0.2, 0.9 * Math.pow(e, -0.2 + 0.04 * 0.75) * Math.pow(errOld, 0.04)));
      errOld = Math.max(e, 1e-4);
      h *= fac;
    } else {
      nReject++;
      h *= Math.max(0.2, 0.9 * Math.pow(e, -0.2));
    }
  }
  return { y: out, nEval, nAccept, nReject };
}

// odex ships its TypeScript source next to its JavaScript without declarations; the type-check maps
// 'odex' to types/odex.d.ts (tsconfig.check.json), and this module types the part it uses.
function odexSolver(n: number): OdexSolver {
  return new Solver(n) as OdexSolver;
}

/** The same contract through the odex package (GBS extrapolation, dense output). */
export function odexSolve(
  f: Rhs,
  t0: number,
  y0: ArrayLike<number>,
  tOut: readonly number[],
  opts: SolveOptions = {},
): SolveResult {
  const n = y0.length;
  const s = odexSolver(n);
  s.relativeTolerance = opts.rtol ?? 1e-10;
  s.absoluteTolerance = opts.atol ?? 1e-12;
  s.maxSteps = opts.maxSteps ?? 1_000_000;
  s.denseOutput = true;
  const yIn = new Float64Array(n),
    dy = new Float64Array(n);
  let nEval = 0;
  const rhs = (t: number, y: number[]) => {
    for (let i = 0; i < n; i++) yIn[i] = y[i];
    f(t, yIn, dy);
    nEval++;
    return Array.from(dy);
  };
  const out: Float64Array[] = [];
  let next = 0;
  const tEnd = tOut.length > 0 ? tOut[tOut.length - 1] : t0;
  while (next < tOut.length && tOut[next] <= t0) {
    out.push(Float64Array.from(y0));
    next++;
  }
  const res = s.solve(
    rhs,
    t0,
    Array.from(y0),
    tEnd,
    (_nr: number, xOld: number, x: number, y: number[], dense?: (c: number, x: number) => number) => {
      while (next < tOut.length && tOut[next] <= x) {
        const tt = tOut[next];
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = tt === x || !dense || tt <= xOld ? y[i] : dense(i, tt);
        out.push(v);
        next++;
      }
    },
  );
  if (res.outcome !== 0) throw new RangeError(`odex: integration did not converge (outcome ${res.outcome})`);
  while (next < tOut.length) {
    out.push(Float64Array.from(res.y));
    next++;
  }
  return { y: out, nEval, nAccept: res.nAccept, nReject: res.nReject };
}

interface OdexSolver {
  relativeTolerance: number;
  absoluteTolerance: number;
  maxSteps: number;
  denseOutput: boolean;
  solve(
    f: (t: number, y: number[]) => number[],
    x0: number,
    y0: number[],
    xEnd: number,
    out?: (
      nr: number,
      xOld: number,
      x: number,
      y: number[],
      dense?: (c: number, x: number) => number,
    ) => boolean | void,
  ): { y: number[]; outcome: number; nAccept: number; nReject: number };
}

export interface ConvergenceOptions {
  /** The ODE the derivation predicts (terms as in DerivedOde / OutputSpaceOde). */
  ode: Pick<OutputSpaceOde, 'terms'> & Partial<OutputSpaceOde>;
  /** Spectrum of the quadratic f(x) = ½ Σ λ_i x_i² (or of the linearised NTK model's H). */
  spectrum: number[];
  /** Start point x0 (default all ones). */
  x0?: number[];
  /** ODE-time horizon. */
  horizon: number;
  /** Number of halvings of h (default 2: h, h/2, h/4). */
  halvings?: number;
  /**
   * Initial velocity for order-2 ODEs: 'rest' (Ẋ = 0), 'forward' (Ẋ = (x1 − x0)/h) or 'centered'
   * (Ẋ = (x1 − x_{−1})/(2h), with x_{−1} = x0 from the at-rest start, which is part of the recurrence
   * of a method with memory). Default: 'rest' for low resolution; for high resolution 'centered' for
   * methods with memory (state of dimension > 1) and 'forward' otherwise (gd).
   */
  velocity?: 'rest' | 'forward' | 'centered';
  /**
   * Compare only on [t0, horizon], starting the ODE at t0 from the discrete iterate there (with a
   * centred-difference velocity): for ODEs singular at t = 0 when no closed form is used.
   */
  t0?: number;
  /** Use the Bessel closed form for nag-c's ë + (r/t)ė + λe = 0 (default true when it applies). */
  closedForm?: boolean;
}

export interface ConvergenceResult {
  /** ODE time increments h at each level. */
  h: number[];
  /** max over t_k ∈ [t0, horizon] of ‖x_k − X(t_k)‖∞. */
  maxError: number[];
  /** log2(err_i / err_{i+1}) between consecutive levels. */
  orders: number[];
  /** Least-squares slope of log err against log h. */
  order: number;
  reference: 'ode-solver' | 'bessel-closed-form';
}

/**
 * Runs the discrete method on the quadratic at step sizes giving h, h/2, h/4, … (h = ODE time per
 * step; the step symbol is rescaled accordingly, the other parameters kept) and measures
 * max_t |x_k − X(t_k)| against the ODE solved by `odexSolve` (or the Bessel closed form for nag-c).
 * The order is the slope of log error against log h.
 */
export function convergenceOrder(
  method: MethodRef,
  params: ParamValues,
  opts: ConvergenceOptions,
): ConvergenceResult {
  const parsed = toParsed(method);
  const sym = stepSymbol(parsed.spec);
  if (!sym || !(sym in params))
    throw new RangeError(`convergenceOrder: set the step symbol of ${parsed.spec.name} in params`);
  const halvings = opts.halvings ?? 2;
  const n = opts.spectrum.length;
  const x0 = opts.x0 ?? new Array(n).fill(1);
  // h as a power of the step: h(step) ≈ c · step^a.
  const h0 = timeStep(parsed, params);
  const hq = timeStep(parsed, { ...params, [sym]: params[sym] / 4 });
  const a = Math.log(h0 / hq) / Math.log(4);
  const hs: number[] = [];
  const errs: number[] = [];
  let reference: ConvergenceResult['reference'] = 'ode-solver';
  for (let level = 0; level <= halvings; level++) {
    const p = { ...params, [sym]: params[sym] * 2 ** (-level / a) };
    const h = timeStep(parsed, p);
    hs.push(h);
    const run = discreteIterates(parsed, p, opts.spectrum, x0, opts.horizon);
    const tStart = opts.t0 ?? run.ts[0];
    const i0 = run.ts.findIndex((t) => t >= tStart - 1e-12 * Math.max(1, Math.abs(tStart)));
    if (i0 < 0 || i0 + 2 >= run.ts.length)
      throw new RangeError('convergenceOrder: horizon too short for the step size');
    const ref = odeReference(parsed, run, i0, h, x0, opts);
    if (ref.closedForm) reference = 'bessel-closed-form';
    let maxErr = 0;
    for (let j = 0; j < ref.X.length; j++) {
      for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(run.xs[i0 + j][i] - ref.X[j][i]));
    }
    errs.push(maxErr);
  }
  const orders: number[] = [];
  for (let i = 0; i + 1 < errs.length; i++)
    orders.push(Math.log2(errs[i] / errs[i + 1]) / Math.log2(hs[i] / hs[i + 1]));
  return { h: hs, maxError: errs, orders, order: fitSlope(hs.map(Math.log), errs.map(Math.log)), reference };
}

/** The iterates x_k of the method on the quadratic ½ Σ λ_i x_i² at the times t_k ≤ horizon. */
function discreteIterates(
  parsed: ParsedSpec,
  p: ParamValues,
  spectrum: number[],
  x0: number[],
  horizon: number,
): { ts: number[]; xs: Float64Array[]; scope: Record<string, number> } {
  const n = spectrum.length;
  const timeFn = parse(parsed.spec.time).compile();
  const compiled = compileMethod(parsed, p);
  const scope = compiled.params;
  const st = compiled.stepper(Float64Array.from(x0));
  const oracle = (z: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = spectrum[i] * z[i];
  };
  const ggn = diagonalGgnOracle(spectrum);
  const ts: number[] = [];
  const xs: Float64Array[] = [];
  for (let k = parsed.start; ; k++) {
    const t = timeFn.evaluate({ ...scope, k }) as number;
    if (t > horizon * (1 + 1e-12)) break;
    ts.push(t);
    xs.push(Float64Array.from(st.x));
    st.step(oracle, ggn);
  }
  return { ts, xs, scope };
}

/**
 * The ODE's solution X(t_k) at the compared times t_k (k ≥ i0): nag-c's Bessel closed form when it
 * applies, else odexSolve started at t_{i0} from the discrete iterate (velocity per opts).
 */
function odeReference(
  parsed: ParsedSpec,
  run: { ts: number[]; xs: Float64Array[]; scope: Record<string, number> },
  i0: number,
  h: number,
  x0: number[],
  opts: ConvergenceOptions,
): { X: Float64Array[]; closedForm: boolean } {
  const { ts, xs, scope } = run;
  const n = opts.spectrum.length;
  const resolution = opts.ode.resolution ?? 'low';
  const velocity =
    opts.velocity ??
    (resolution === 'high' ? (stateLayout(parsed).length > 1 ? 'centered' : 'forward') : 'rest');
  const tCmp = ts.slice(i0);
  const derived = {
    method: parsed.spec.name,
    resolution,
    terms: opts.ode.terms,
    ode: '',
    latex: '',
    neglected: [],
  };
  const ode = compileModeOde(derived, scope);
  const pEnv = ode.tDependent ? envelopeExponent(derived, scope) : null;
  const useClosed =
    (opts.closedForm ?? true) &&
    pEnv !== null &&
    opts.t0 === undefined &&
    ts[0] === 0 &&
    resolution === 'low';
  if (useClosed) {
    const r = 2 * pEnv;
    return {
      X: tCmp.map((t) => Float64Array.from(opts.spectrum.map((l, i) => x0[i] * nagCModeSolution(r, l, t)))),
      closedForm: true,
    };
  }
  const order = ode.order;
  // State per coordinate: (X, X', …, X^{(order−1)}).
  const y0 = new Float64Array(n * order);
  for (let i = 0; i < n; i++) {
    y0[i * order] = xs[i0][i];
    if (order >= 2) {
      if (opts.t0 !== undefined)
        y0[i * order + 1] = (xs[i0 + 1][i] - xs[i0 - 1 >= 0 ? i0 - 1 : i0][i]) / (i0 >= 1 ? 2 * h : h);
      else
        y0[i * order + 1] =
          velocity === 'rest' ? 0 : (xs[1][i] - xs[0][i]) / (velocity === 'centered' ? 2 * h : h);
    }
  }
  if (order > 2)
    throw new RangeError('convergenceOrder: ODEs of order > 2 need initial derivatives (not supported)');
  const rhs: Rhs = (t, y, dy) => {
    const c = ode.at(t);
    const lead = c.deriv[order];
    for (let i = 0; i < n; i++) {
      const l = opts.spectrum[i];
      const b = i * order;
      if (order === 1) dy[b] = -(c.grad * l * y[b]) / (lead + c.hess * l);
      else {
        dy[b] = y[b + 1];
        dy[b + 1] = -((c.deriv[1] + c.hess * l) * y[b + 1] + c.grad * l * y[b]) / lead;
      }
    }
  };
  const sol = odexSolve(rhs, tCmp[0], y0, tCmp, { rtol: 1e-11, atol: 1e-13 });
  return { X: sol.y.map((v) => Float64Array.from({ length: n }, (_, i) => v[i * order])), closedForm: false };
}
