/**
 * Exact discrete rates of the linearised iteration, per eigenmode λ of H.
 *
 * On the output-space model the gradient oracle is z ↦ λz for one mode, so one step of any method is
 * a linear map T(λ, k) on the method's state (x[k], …, x[k−Lx], aux[k−1], …, aux[k−La]). T is built
 * by running the method's compiled stepper (src/spec/compile.ts — the one implementation of update
 * rules) once on the unit history states: a D-dimensional run whose coordinate j starts from the
 * j-th unit state gives T's column j. For k-independent coefficients ‖e_k‖ ~ ρ(T)^k, ρ the spectral
 * radius: `discreteRate`. For k-dependent methods (nag-c) the per-step factor tends to ρ(T(λ, ∞)),
 * e.g. √(1 − sλ) for nag-c: `asymptoticFactor`.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { parse } from 'mathjs';
import {
  compileMethod,
  diagonalGgnOracle,
  resolveMethod,
  type CompiledMethod,
  type ParamValues,
} from '../spec/compile.ts';
import type { MethodSpec, ParsedSpec } from '../spec/types.ts';
import { polyRoots } from './poly-roots.ts';
import { gamma as gammaFn } from './bessel.ts';

export type MethodRef = string | MethodSpec | ParsedSpec;

const parsedByName = new Map<string, ParsedSpec>();
const parsedBySpec = new WeakMap<MethodSpec, ParsedSpec>();

/** Parse once per built-in name / spec object (parsing runs mathjs simplification: not free). */
export function toParsed(method: MethodRef): ParsedSpec {
  if (typeof method === 'object' && 'equations' in method) return method;
  if (typeof method === 'string') {
    let p = parsedByName.get(method);
    if (!p) {
      p = resolveMethod(method);
      parsedByName.set(method, p);
    }
    return p;
  }
  let p = parsedBySpec.get(method);
  if (!p) {
    p = resolveMethod(method);
    parsedBySpec.set(method, p);
  }
  return p;
}

/** One entry of the method's state: sequence `name` at iteration k − back. */
export interface StateEntry {
  name: string;
  back: number;
}

/** The state a step needs: x[k..k−Lx] and, for auxiliaries read at a lag, aux[k−1..k−La]. */
export function stateLayout(parsed: ParsedSpec): StateEntry[] {
  const out: StateEntry[] = [];
  const lx = parsed.maxLag.x ?? 0;
  for (let b = 0; b <= lx; b++) out.push({ name: 'x', back: b });
  for (const a of parsed.auxiliaries) {
    const la = parsed.maxLag[a] ?? 0;
    for (let b = 1; b <= la; b++) out.push({ name: a, back: b });
  }
  return out;
}

/**
 * True when some update coefficient depends on the iteration counter k (the one detector of step
 * dependence: a coefficient whose expression mentions the symbol k). Parameter values do not matter.
 */
export function isStepDependent(method: MethodRef, _params?: ParamValues): boolean {
  const usesK = (coef: string): boolean => {
    let found = false;
    parse(coef).traverse((n) => {
      if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'k') found = true;
    });
    return found;
  };
  return toParsed(method).equations.some(
    (eq) => eq.terms.some((t) => usesK(t.coef)) || eq.grads.some((g) => g.arg.some((t) => usesK(t.coef))),
  );
}

/**
 * A builder of companion matrices T(λ) at step k (k = the spec's start + 1 by default).
 * Compiles the method once; each call runs the stepper twice on a D-dimensional vector.
 */
export function companionBuilder(
  method: MethodRef,
  params: ParamValues,
  k?: number,
): { layout: StateEntry[]; at: (lambda: number) => Matrix; compiled: CompiledMethod } {
  const parsed = toParsed(method);
  const K = k ?? parsed.start + 1;
  // Same equations; start one step before K (a warm-up step creates the auxiliaries), and no
  // gradient caching (the history is overwritten below, so cached gradients would be stale).
  const shifted: ParsedSpec = {
    ...parsed,
    start: K - 1,
    equations: parsed.equations.map((eq) => ({ ...eq, grads: eq.grads.map((g) => ({ ...g, pure: null })) })),
  };
  const compiled = compileMethod(shifted, params);
  const layout = stateLayout(parsed);
  const D = layout.length;
  const at = (lambda: number): Matrix => {
    const oracle = (z: Float64Array, out: Float64Array) => {
      for (let i = 0; i < z.length; i++) out[i] = lambda * z[i];
    };
    const ggn = diagonalGgnOracle(lambda); // a ggn(z, ε) call is λ/(λ + ε)·z on the mode
    const st = compiled.stepper(new Float64Array(D));
    st.step(oracle, ggn); // warm-up: now at k = K with every sequence defined
    const unit = new Float64Array(D);
    layout.forEach((e, j) => {
      unit.fill(0);
      unit[j] = 1;
      st.setValue(e.name, K - e.back, unit);
    });
    st.step(oracle, ggn);
    const T = Matrix.zeros(D, D);
    layout.forEach((e, i) => {
      const v = st.value(e.name, K + 1 - e.back);
      for (let j = 0; j < D; j++) T.set(i, j, v[j]);
    });
    return T;
  };
  return { layout, at, compiled };
}

/** The one-step companion matrix of `method` for the mode λ at step k. */
export function companionMatrix(method: MethodRef, params: ParamValues, lambda: number, k?: number): Matrix {
  return companionBuilder(method, params, k).at(lambda);
}

/** Spectral radius max |μ| over T's eigenvalues (closed form for 1×1 and 2×2). */
export function spectralRadius(T: Matrix): number {
  const n = T.rows;
  if (n === 1) return Math.abs(T.get(0, 0));
  if (n === 2) {
    const tr = T.get(0, 0) + T.get(1, 1);
    const det = T.get(0, 0) * T.get(1, 1) - T.get(0, 1) * T.get(1, 0);
    return Math.max(...polyRoots([det, -tr, 1]).map((r) => Math.hypot(r.re, r.im)));
  }
  const ev = new EigenvalueDecomposition(T, { assumeSymmetric: false });
  let m = 0;
  ev.realEigenvalues.forEach((re, i) => {
    m = Math.max(m, Math.hypot(re, ev.imaginaryEigenvalues[i]));
  });
  return m;
}

/**
 * An independent estimate of ρ(T) by Gelfand's formula ρ = lim ‖T^n‖^{1/n}, with n = 2^squarings
 * reached by repeated (normalised) squaring; non-normal blocks only add log(n)/n.
 */
export function spectralRadiusByPowers(T: Matrix, squarings = 40): number {
  let B = T.clone();
  let s = B.norm('frobenius');
  if (s === 0) return 0;
  B = B.div(s);
  let logNorm = Math.log(s); // log ‖T^{2^m}‖ so far, divided by 2^m
  for (let m = 1; m <= squarings; m++) {
    B = B.mmul(B);
    s = B.norm('frobenius');
    if (s === 0) return 0;
    B = B.div(s);
    logNorm += Math.log(s) / 2 ** m;
  }
  return Math.exp(logNorm);
}

/** Exact per-step rate ρ(T(λ)) of the linearised iteration (k-independent coefficients). */
export function discreteRate(method: MethodRef, params: ParamValues, lambda: number): number {
  if (isStepDependent(method, params)) {
    throw new RangeError(
      `discreteRate: ${toParsed(method).spec.name} has k-dependent coefficients; use asymptoticFactor`,
    );
  }
  return spectralRadius(companionMatrix(method, params, lambda));
}

/** ρ of the step map as k → ∞ (k-dependent methods; equals discreteRate otherwise). nag-c: √(1 − sλ). */
export function asymptoticFactor(
  method: MethodRef,
  params: ParamValues,
  lambda: number,
  kLarge = 1e14,
): number {
  return spectralRadius(companionMatrix(method, params, lambda, kLarge));
}

/**
 * The slowest mode of the discrete iteration over [lambda0, lambdaMax]: max over λ of ρ(T(λ)) by
 * a log-spaced scan (endpoints included) refined by golden section. For k-dependent methods the
 * asymptotic matrices T(λ, ∞) are used.
 */
export function worstDiscreteRate(
  method: MethodRef,
  params: ParamValues,
  lambda0: number,
  lambdaMax: number,
  scan = 401,
): { rate: number; lambda: number } {
  if (!(lambda0 > 0) || !(lambdaMax >= lambda0))
    throw new RangeError(`worstDiscreteRate: need 0 < lambda0 <= lambdaMax, got [${lambda0}, ${lambdaMax}]`);
  const stepDep = isStepDependent(method, params);
  const b = companionBuilder(method, params, stepDep ? 1e14 : undefined);
  const rho = (l: number) => spectralRadius(b.at(l));
  const l0 = Math.log(lambda0);
  const l1 = Math.log(lambdaMax);
  let best = { rate: rho(lambda0), lambda: lambda0 };
  const top = rho(lambdaMax);
  if (top > best.rate) best = { rate: top, lambda: lambdaMax };
  if (lambdaMax === lambda0) return best;
  const xs: number[] = [];
  const fs: number[] = [];
  for (let i = 0; i < scan; i++) {
    const x = l0 + ((l1 - l0) * i) / (scan - 1);
    xs.push(x);
    fs.push(i === 0 ? best.rate : i === scan - 1 ? top : rho(Math.exp(x)));
  }
  let iMax = 0;
  for (let i = 1; i < scan; i++) if (fs[i] > fs[iMax]) iMax = i;
  if (fs[iMax] > best.rate)
    best = { rate: fs[iMax], lambda: iMax === scan - 1 ? lambdaMax : Math.exp(xs[iMax]) };
  if (iMax > 0 && iMax < scan - 1) {
    let a = xs[iMax - 1];
    let c = xs[iMax + 1];
    const g = (Math.sqrt(5) - 1) / 2;
    let x1 = c - g * (c - a);
    let x2 = a + g * (c - a);
    let f1 = rho(Math.exp(x1));
    let f2 = rho(Math.exp(x2));
    for (let it = 0; it < 80 && c - a > 1e-13; it++) {
      if (f1 >= f2) {
        c = x2;
        x2 = x1;
        f2 = f1;
        x1 = c - g * (c - a);
        f1 = rho(Math.exp(x1));
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + g * (c - a);
        f2 = rho(Math.exp(x2));
      }
    }
    const fm = Math.max(f1, f2);
    if (fm > best.rate) best = { rate: fm, lambda: Math.exp(f1 >= f2 ? x1 : x2) };
  }
  return best;
}

/** The ODE-time increment h = time(k+1) − time(k) of the spec at iteration k (default start). */
export function timeStep(method: MethodRef, params: ParamValues, k?: number): number {
  const parsed = toParsed(method);
  const compiled = compileMethod(parsed, params);
  const kk = k ?? parsed.start;
  const fn = parse(parsed.spec.time).compile();
  const h =
    (fn.evaluate({ ...compiled.params, k: kk + 1 }) as number) -
    (fn.evaluate({ ...compiled.params, k: kk }) as number);
  if (!(h > 0) || !Number.isFinite(h))
    throw new RangeError(
      `method ${parsed.spec.name}: time ${parsed.spec.time} does not increase at k = ${kk}`,
    );
  return h;
}

/** Scalar run of the linearised iteration for one mode: x_0 = 1 at rest, |x_k| for k = 0..steps. */
export function modeRun(method: MethodRef, params: ParamValues, lambda: number, steps: number): Float64Array {
  const compiled = compileMethod(toParsed(method), params);
  const st = compiled.stepper(Float64Array.of(1));
  const out = new Float64Array(steps + 1);
  out[0] = 1;
  const oracle = (z: Float64Array, o: Float64Array) => {
    o[0] = lambda * z[0];
  };
  const ggn = diagonalGgnOracle(lambda);
  for (let k = 1; k <= steps; k++) {
    st.step(oracle, ggn);
    out[k] = Math.abs(st.x[0]);
    if (!Number.isFinite(out[k])) {
      out.fill(Infinity, k);
      break;
    }
  }
  return out;
}

/**
 * Where a sublinear method's discrete run leaves the ODE's polynomial envelope and turns linear.
 * The ODE mode with ‖e‖ ~ t^(−p) (nag-c: p = r/2, ν = p − 1/2) has the Bessel envelope
 *   A(z) = Γ(ν+1) 2^ν √(2/π) z^(−p),  z = √λ t,  t = k·h;
 * the discrete run's envelope is the forward maximum of |x_j| over one oscillation period. The
 * crossover is the first step after which that envelope stays below A/`factor`. Also returned: the
 * prediction k* = 2p / (−ln ρ∞²) where the envelope's per-step slope −p/k meets ln ρ∞ (ρ∞ the
 * asymptotic factor, √(1 − sλ) for nag-c), i.e. k* ≈ r/(sλ).
 */
export function crossoverStep(
  method: MethodRef,
  params: ParamValues,
  lambda: number,
  p: number,
  opts: { factor?: number; maxSteps?: number } = {},
): { measured: number | null; predicted: number; rhoInfinity: number } {
  const factor = opts.factor ?? 2;
  const h = timeStep(method, params, 1);
  const rhoInf = asymptoticFactor(method, params, lambda);
  const predicted = p / -Math.log(rhoInf);
  const maxSteps = Math.min(opts.maxSteps ?? 2_000_000, Math.ceil(4 * predicted) + 1000);
  const run = modeRun(method, params, lambda, maxSteps);
  const period = Math.max(2, Math.ceil((2 * Math.PI) / (Math.sqrt(lambda) * h)));
  const nu = p - 0.5;
  const amp = (k: number) => {
    const z = Math.sqrt(lambda) * k * h;
    return gammaFn(nu + 1) * 2 ** nu * Math.sqrt(2 / Math.PI) * z ** -p;
  };
  // Forward window maxima M_k = max |x_j|, j ∈ [k, k + period), by a monotone deque from the end.
  const n = run.length;
  const fwdMax = new Float64Array(n);
  const dq = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let k = n - 1; k >= 0; k--) {
    while (tail > head && run[dq[tail - 1]] <= run[k]) tail--;
    dq[tail++] = k;
    while (dq[head] >= k + period) head++;
    fwdMax[k] = run[dq[head]];
  }
  let last: number | null = null;
  const kStart = period; // the envelope formula holds once z ≳ 2π
  for (let k = n - period; k >= kStart; k--) {
    if (fwdMax[k] * factor < amp(k)) last = k;
    else break;
  }
  return { measured: last, predicted, rhoInfinity: rhoInf };
}
