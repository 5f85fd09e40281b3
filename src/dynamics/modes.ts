/**
 * Closed-form rates of the output-space ODE per eigenmode of H.
 *
 * An OutputSpaceOde (src/symbolic/types.ts) reads, per eigenmode λ of H∞,
 *   Σ_j c_j(t) e^{(j)} + c_hess(t) λ ė + c_grad(t) λ e = 0.
 * With constant coefficients the mode's characteristic polynomial is
 *   p_λ(s) = Σ_j c_j s^j + c_hess λ s + c_grad λ,
 * the mode decays like exp(−ρ(λ) t) with ρ(λ) = −max Re s (per unit of ODE time, for ‖e‖), and the
 * network's rate is the worst mode over the spectrum [λ0, λmax]. Coefficients ∝ 1/t (nag-c:
 * ë + (r/t)ė + λe = 0) give a sublinear decay: e(t) = e(0)Γ(ν+1)(2/(√λt))^ν J_ν(√λt), ν = (r−1)/2,
 * whose envelope is ∝ t^(−r/2).
 */
import { parse, type EvalFunction } from 'mathjs';
import type { OutputSpaceOde } from '../symbolic/types.ts';
import { maxRealPart, polyRoots } from './poly-roots.ts';

/** Numeric coefficients of one mode's ODE at a time t (deriv[j] multiplies e^{(j)}, deriv[0] = 0). */
export interface ModeCoefficients {
  deriv: number[];
  hess: number;
  grad: number;
}

export type TermKind = { kind: 'deriv'; order: number } | { kind: 'grad' } | { kind: 'hess' };

/** Reads a term key: "X'", "X''", … (or "e'", …), "grad" (or "H*e", "He"), "hess*X'" (or "H*e'"). */
export function parseTermKey(key: string): TermKind {
  const k = key.replace(/\s+/g, '');
  const d = /^[Xe](''*)$/.exec(k) ?? /^[Xe]\^?\((\d+)\)$/.exec(k);
  if (d) {
    const order = /^\d+$/.test(d[1]) ? Number(d[1]) : d[1].length;
    if (order >= 1) return { kind: 'deriv', order };
  }
  if (k === 'grad' || k === 'He' || k === 'H*e' || k === 'H*X') return { kind: 'grad' };
  if (/^(hess|H)\*?[Xe]'$/.test(k)) return { kind: 'hess' };
  throw new RangeError(`output-space ODE: unknown term '${key}'`);
}

/** An output-space ODE with coefficients compiled at fixed parameter values. */
export interface CompiledModeOde {
  order: number;
  /** True when some coefficient depends on t. */
  tDependent: boolean;
  at(t: number): ModeCoefficients;
}

export function compileModeOde(out: OutputSpaceOde, params: Record<string, number>): CompiledModeOde {
  const parts: Array<{ kind: TermKind; fn: EvalFunction; usesT: boolean; text: string }> = [];
  let order = 0;
  for (const [key, text] of Object.entries(out.terms)) {
    const kind = parseTermKey(key);
    const node = parse(text);
    let usesT = false;
    node.traverse((n) => {
      if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 't') usesT = true;
    });
    parts.push({ kind, fn: node.compile(), usesT, text });
    if (kind.kind === 'deriv') order = Math.max(order, kind.order);
  }
  const tDependent = parts.some((p) => p.usesT);
  const at = (t: number): ModeCoefficients => {
    const c: ModeCoefficients = { deriv: new Array(order + 1).fill(0), hess: 0, grad: 0 };
    for (const p of parts) {
      const v = p.fn.evaluate({ ...params, t });
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new RangeError(
          `output-space ODE of ${out.method}: coefficient ${p.text} is not a finite number at t = ${t} (parameters ${JSON.stringify(params)})`,
        );
      }
      if (p.kind.kind === 'deriv') c.deriv[p.kind.order] += v;
      else if (p.kind.kind === 'grad') c.grad += v;
      else c.hess += v;
    }
    return c;
  };
  // Trim vanishing highest derivatives at a generic time (a coefficient like "eta/2" is kept).
  let probe = at(tDependent ? 1 : 0);
  while (order > 0 && probe.deriv[order] === 0) {
    order--;
    probe = at(tDependent ? 1 : 0);
  }
  return {
    order,
    tDependent,
    at: (t) => {
      const c = at(t);
      c.deriv.length = order + 1;
      return c;
    },
  };
}

/** p_λ(s) coefficients, a[j] multiplies s^j. */
export function characteristicPolynomial(c: ModeCoefficients, lambda: number): number[] {
  const a = c.deriv.slice();
  a[0] = (a[0] ?? 0) + c.grad * lambda;
  if (a.length < 2) a.push(0);
  a[1] += c.hess * lambda;
  return a;
}

/** ρ(λ) = −max Re s over the roots of p_λ: the mode's decay rate per unit ODE time (for ‖e‖). */
export function modeRate(c: ModeCoefficients, lambda: number): number {
  return -maxRealPart(polyRoots(characteristicPolynomial(c, lambda)));
}

/**
 * The worst (slowest) mode over [lambda0, lambdaMax]: the endpoints, a log-spaced scan and a
 * golden-section refinement around the scan's minimum (interior critical points included).
 */
export function worstMode(
  rate: (lambda: number) => number,
  lambda0: number,
  lambdaMax: number,
  scan = 241,
): { rate: number; lambda: number } {
  if (!(lambda0 > 0) || !(lambdaMax >= lambda0))
    throw new RangeError(`worstMode: need 0 < lambda0 <= lambdaMax, got [${lambda0}, ${lambdaMax}]`);
  let best = { rate: rate(lambda0), lambda: lambda0 };
  const hi = rate(lambdaMax);
  if (hi < best.rate) best = { rate: hi, lambda: lambdaMax };
  if (lambdaMax === lambda0) return best;
  const l0 = Math.log(lambda0);
  const l1 = Math.log(lambdaMax);
  const grid: number[] = [];
  for (let i = 0; i < scan; i++) grid.push(Math.exp(l0 + ((l1 - l0) * i) / (scan - 1)));
  grid[0] = lambda0;
  grid[scan - 1] = lambdaMax;
  const vals = grid.map(rate);
  let iMin = 0;
  for (let i = 1; i < scan; i++) if (vals[i] < vals[iMin]) iMin = i;
  if (vals[iMin] < best.rate) best = { rate: vals[iMin], lambda: grid[iMin] };
  if (iMin > 0 && iMin < scan - 1) {
    // Golden section on [grid[iMin−1], grid[iMin+1]] in log λ.
    let a = Math.log(grid[iMin - 1]);
    let b = Math.log(grid[iMin + 1]);
    const g = (Math.sqrt(5) - 1) / 2;
    let x1 = b - g * (b - a);
    let x2 = a + g * (b - a);
    let f1 = rate(Math.exp(x1));
    let f2 = rate(Math.exp(x2));
    for (let it = 0; it < 80 && b - a > 1e-13; it++) {
      if (f1 <= f2) {
        b = x2;
        x2 = x1;
        f2 = f1;
        x1 = b - g * (b - a);
        f1 = rate(Math.exp(x1));
      } else {
        a = x1;
        x1 = x2;
        f1 = f2;
        x2 = a + g * (b - a);
        f2 = rate(Math.exp(x2));
      }
    }
    const xm = f1 <= f2 ? x1 : x2;
    const fm = Math.min(f1, f2);
    if (fm < best.rate) best = { rate: fm, lambda: Math.exp(xm) };
  }
  return best;
}

/** Heavy ball ë + γė + λe = 0: the best damping γ* = 2√λ0 (critical at the slowest mode) and its rate √λ0. */
export function hbOptimalDamping(lambda0: number): { gamma: number; odeRate: number } {
  return { gamma: 2 * Math.sqrt(lambda0), odeRate: Math.sqrt(lambda0) };
}

/** Gradient flow ė + λe = 0: rate λ0 (no hyperparameter). */
export function gradientFlowRate(lambda0: number): number {
  return lambda0;
}

/**
 * p in ‖e(t)‖ ~ t^(−p) for an order-2 mode ODE whose damping vanishes like r/t while the restoring
 * coefficient tends to a positive constant: p = r/2 (the loss then decays like t^(−r)).
 * Returns null when the ODE is not of that shape.
 */
export function envelopeExponent(
  out: OutputSpaceOde,
  params: Record<string, number>,
  lambda = 1,
): number | null {
  const ode = compileModeOde(out, params);
  if (!ode.tDependent || ode.order !== 2) return null;
  const asym = asymptotics(ode, lambda);
  if (asym === null || asym.damping !== 0 || !(asym.dampingR > 0) || !(asym.restoring > 0)) return null;
  return asym.dampingR / 2;
}

interface Asymptotics {
  /** Limit of the (lead-normalised) damping c_1 + c_hess λ as t → ∞ (0 when it vanishes). */
  damping: number;
  /** lim t · damping(t) when the damping vanishes like r/t (else 0). */
  dampingR: number;
  /** Limit of the restoring coefficient c_grad λ / c_lead. */
  restoring: number;
  /** Limit coefficients (every coefficient's t → ∞ value, vanishing ones set to 0). */
  limit: ModeCoefficients;
}

function asymptotics(ode: CompiledModeOde, lambda: number): Asymptotics | null {
  const T1 = 1e6;
  const T2 = 1e8;
  const c1 = ode.at(T1);
  const c2 = ode.at(T2);
  const lim = (v1: number, v2: number): { value: number; r: number } | null => {
    const scale = Math.max(Math.abs(v2), 1e-300);
    if (Math.abs(v2 - v1) <= 1e-4 * scale) return { value: v2, r: 0 }; // tends to a constant
    const r1 = T1 * v1;
    const r2 = T2 * v2;
    // ∝ 1/t; r to 12 digits (T2 · (r/T2) carries rounding in the last bit)
    if (Math.abs(r2 - r1) <= 1e-3 * Math.max(Math.abs(r2), 1e-300))
      return { value: 0, r: Number(r2.toPrecision(12)) };
    if (Math.abs(v2) < 1e-12 && Math.abs(v1) < 1e-8) return { value: 0, r: 0 }; // faster decay
    return null; // grows or oscillates: not handled
  };
  const limit: ModeCoefficients = { deriv: c2.deriv.map(() => 0), hess: 0, grad: 0 };
  const rs: ModeCoefficients = { deriv: c2.deriv.map(() => 0), hess: 0, grad: 0 };
  for (let j = 1; j < c2.deriv.length; j++) {
    const l = lim(c1.deriv[j], c2.deriv[j]);
    if (!l) return null;
    limit.deriv[j] = l.value;
    rs.deriv[j] = l.r;
  }
  const lh = lim(c1.hess, c2.hess);
  const lg = lim(c1.grad, c2.grad);
  if (!lh || !lg) return null;
  limit.hess = lh.value;
  rs.hess = lh.r;
  limit.grad = lg.value;
  rs.grad = lg.r;
  const lead = limit.deriv[ode.order];
  if (!(lead !== 0)) return null;
  const damping = ode.order >= 2 ? (limit.deriv[1] + limit.hess * lambda) / lead : 0;
  const dampingR = ode.order >= 2 ? (rs.deriv[1] + rs.hess * lambda) / lead : 0;
  return { damping, dampingR, restoring: (limit.grad * lambda) / lead, limit };
}

export type OdeRateResult =
  /** ‖e(t)‖ ~ exp(−odeRate·t) per unit of the method's ODE time, set by the mode worstLambda. */
  | { kind: 'linear'; odeRate: number; worstLambda: number; asymptotic: boolean }
  /** ‖e(t)‖ ~ t^(−odeExponent) (the loss ½‖e‖² decays like t^(−2·odeExponent)). */
  | { kind: 'sublinear'; odeExponent: number }
  | { kind: 'undetermined'; reason: string };

/**
 * The ODE-limit rate of the output-space dynamics over the spectrum [lambda0, lambdaMax] of H∞.
 * - Constant coefficients: kind 'linear', odeRate = min over λ of ρ(λ) (per unit ODE time, for ‖e‖;
 *   a non-positive value means some mode does not decay).
 * - t-dependent coefficients: their t → ∞ limits decide. A positive limiting damping (e.g. the
 *   Hessian damping √s·λ of high-resolution nag-c) gives kind 'linear' with asymptotic = true; a
 *   damping ∝ r/t gives kind 'sublinear' with odeExponent = r/2 for ‖e‖ (loss exponent r).
 */
export function odeRate(
  out: OutputSpaceOde,
  params: Record<string, number>,
  lambda0: number,
  lambdaMax: number,
): OdeRateResult {
  const ode = compileModeOde(out, params);
  if (ode.order === 0) return { kind: 'undetermined', reason: 'the ODE has no derivative term' };
  if (!ode.tDependent) {
    const c = ode.at(0);
    const w = worstMode((l) => modeRate(c, l), lambda0, lambdaMax);
    return { kind: 'linear', odeRate: w.rate, worstLambda: w.lambda, asymptotic: false };
  }
  const a0 = asymptotics(ode, lambda0);
  if (a0 === null) return { kind: 'undetermined', reason: 'coefficients have no simple t → ∞ limit' };
  const limitRate = (l: number) => modeRate(a0.limit, l);
  const w = worstMode(limitRate, lambda0, lambdaMax);
  if (w.rate > 1e-12) return { kind: 'linear', odeRate: w.rate, worstLambda: w.lambda, asymptotic: true };
  // Zero limiting damping somewhere: sublinear if the damping decays like r/t at every mode.
  let p = Infinity;
  for (const l of [lambda0, Math.sqrt(lambda0 * lambdaMax), lambdaMax]) {
    const a = asymptotics(ode, l);
    if (a === null || ode.order !== 2 || a.damping !== 0 || !(a.dampingR > 0) || !(a.restoring > 0)) {
      return { kind: 'undetermined', reason: 'vanishing damping that is not of the form r/t' };
    }
    p = Math.min(p, a.dampingR / 2);
  }
  return { kind: 'sublinear', odeExponent: p };
}
