/**
 * Solutions of one eigenmode of an output-space ODE (src/dynamics/modes.ts's CompiledModeOde),
 *   Σ_j c_j(t) e^{(j)} + c_hess(t) λ ė + c_grad(t) λ e = 0,   e(0) = 1, e^{(j)}(0) = 0 (at rest),
 * on a grid of times. Closed forms where they exist (exact):
 * - order 1, constant: e = exp(−c_grad λ t / c_1);
 * - order 2, constant: from the roots of c_2 s² + (c_1 + c_hess λ) s + c_grad λ;
 * - order 2 of the Su–Boyd–Candès shape ë + (r/t)ė + gλe = 0: the Bessel solution
 *   Γ(ν+1)(2/(√(gλ) t))^ν J_ν(√(gλ) t), ν = (r−1)/2 (src/dynamics/bessel.ts);
 * otherwise the Gragg–Bulirsch–Stoer integrator of odex (relative tolerance 1e-10) from t = 1e-9
 * when a coefficient is singular at 0.
 */
import { createRequire } from 'node:module';

import { nagCModeSolution } from '../dynamics/bessel.ts';
import type { CompiledModeOde } from '../dynamics/modes.ts';

export type ModeSolver = 'closed-form' | 'bessel' | 'odex';

/**
 * odex ships its TypeScript source as the package entry, which tsc would type-check (and it does not
 * pass strict mode); it is loaded through require with the small interface used here instead.
 */
interface OdexSolver {
  absoluteTolerance: number;
  relativeTolerance: number;
  denseOutput: boolean;
  maxSteps: number;
  solve(
    f: (x: number, y: number[]) => number[],
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
  ): unknown;
}
const { Solver } = createRequire(import.meta.url)('odex') as { Solver: new (n: number) => OdexSolver };

export interface ModeSolution {
  values: Float64Array;
  solver: ModeSolver;
}

export function solveMode(ode: CompiledModeOde, lambda: number, times: ArrayLike<number>): ModeSolution {
  const nT = times.length;
  const out = new Float64Array(nT);
  if (!ode.tDependent) {
    const c = ode.at(0);
    if (ode.order === 1) {
      const k = (c.grad * lambda) / (c.deriv[1] + c.hess * lambda);
      for (let i = 0; i < nT; i++) out[i] = Math.exp(-k * times[i]);
      return { values: out, solver: 'closed-form' };
    }
    if (ode.order === 2) {
      const a = c.deriv[2];
      const b = (c.deriv[1] ?? 0) + c.hess * lambda;
      const cc = c.grad * lambda;
      secondOrderConstant(b / a, cc / a, times, out);
      return { values: out, solver: 'closed-form' };
    }
  } else if (ode.order === 2) {
    const r = besselShape(ode, lambda);
    if (r !== null) {
      for (let i = 0; i < nT; i++) out[i] = nagCModeSolution(r.r, r.g * lambda, times[i]);
      return { values: out, solver: 'bessel' };
    }
  }
  integrate(ode, lambda, times, out);
  return { values: out, solver: 'odex' };
}

/** ë + b ė + c e = 0, e(0) = 1, ė(0) = 0. */
export function secondOrderConstant(b: number, c: number, times: ArrayLike<number>, out: Float64Array): void {
  const alpha = -b / 2;
  const disc = (b * b) / 4 - c;
  const nT = times.length;
  const scale = Math.max(Math.abs(b * b) / 4, Math.abs(c), 1e-300);
  if (Math.abs(disc) <= 1e-12 * scale) {
    // repeated root s = α: e = e^{αt}(1 − αt)
    for (let i = 0; i < nT; i++) out[i] = Math.exp(alpha * times[i]) * (1 - alpha * times[i]);
  } else if (disc > 0) {
    const q = Math.sqrt(disc);
    const s1 = alpha + q;
    const s2 = alpha - q;
    // e = (s2 e^{s1 t} − s1 e^{s2 t}) / (s2 − s1), written to avoid cancellation for large t
    for (let i = 0; i < nT; i++) {
      const t = times[i];
      out[i] = (s2 * Math.exp(s1 * t) - s1 * Math.exp(s2 * t)) / (s2 - s1);
    }
  } else {
    const w = Math.sqrt(-disc);
    for (let i = 0; i < nT; i++) {
      const t = times[i];
      out[i] = Math.exp(alpha * t) * (Math.cos(w * t) - (alpha / w) * Math.sin(w * t));
    }
  }
}

/** r and g when the mode ODE is ë + (r/t)ė + g λ e = 0 with constant r, g (no Hessian damping). */
function besselShape(ode: CompiledModeOde, lambda: number): { r: number; g: number } | null {
  const a = ode.at(1.7);
  const b = ode.at(23.1);
  if (a.deriv[2] !== 1 || b.deriv[2] !== 1 || a.hess !== 0 || b.hess !== 0) return null;
  const ra = 1.7 * (a.deriv[1] ?? 0);
  const rb = 23.1 * (b.deriv[1] ?? 0);
  if (!(Math.abs(ra - rb) <= 1e-12 * Math.max(1, Math.abs(ra)))) return null;
  if (!(Math.abs(a.grad - b.grad) <= 1e-12 * Math.max(1, Math.abs(a.grad)))) return null;
  if (!(ra >= 0) || !(a.grad * lambda > 0)) return null;
  return { r: ra, g: a.grad };
}

function integrate(ode: CompiledModeOde, lambda: number, times: ArrayLike<number>, out: Float64Array): void {
  const order = ode.order;
  let singular = false;
  try {
    const c0 = ode.at(0);
    singular = ![...c0.deriv, c0.hess, c0.grad].every(Number.isFinite);
  } catch {
    singular = true; // a coefficient like r/t is not finite at 0
  }
  // Singular at 0 (e.g. r/t): start at rest slightly later; the error is O(t0²) in e.
  const t0 = singular ? Math.min(1e-3, times.length > 1 && times[1] > 0 ? times[1] / 10 : 1e-3) : 0;
  const solver = new Solver(order);
  solver.absoluteTolerance = 1e-12;
  solver.relativeTolerance = 1e-10;
  solver.denseOutput = true;
  solver.maxSteps = 1e5;
  const f = (t: number, y: number[]): number[] => {
    const c = ode.at(t);
    const dy = new Array<number>(order);
    for (let j = 0; j < order - 1; j++) dy[j] = y[j + 1];
    const lead = c.deriv[order] + (order === 1 ? c.hess * lambda : 0);
    let s = c.grad * lambda * y[0] + (order >= 2 ? c.hess * lambda * y[1] : 0);
    for (let j = 1; j < order; j++) s += (c.deriv[j] ?? 0) * y[j];
    dy[order - 1] = -s / lead;
    return dy;
  };
  const y0 = new Array<number>(order).fill(0);
  y0[0] = 1;
  let idx = 0;
  const nT = times.length;
  while (idx < nT && times[idx] <= t0) out[idx++] = 1;
  if (idx >= nT) return;
  solver.solve(f, t0, y0, times[nT - 1], (_nr, _xOld, x, y, dense) => {
    if (!y.every(Number.isFinite)) return false; // stop: the rest stays NaN and is reported
    while (idx < nT && times[idx] <= x) {
      out[idx] = dense ? dense(0, times[idx]) : y[0];
      idx++;
    }
  });
  // Points the integrator did not reach stay NaN: the caller reports them, never plots them.
  for (; idx < nT; idx++) out[idx] = Number.NaN;
}
