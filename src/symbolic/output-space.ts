/**
 * The paper's key step: map a weight-space ODE to the prediction-error ODE of a wide network.
 *
 * With u = u(W(t)), e = u − y, J = ∂u/∂W and L(W) = ½‖e‖²: ∇L = Jᵀe and ∇²L = JᵀJ + Σ_i e_i ∇²u_i.
 * Multiplying the weight ODE Σ_j c_j W^(j) + c_g ∇L + c_h ∇²L Ẇ = 0 by J and using
 *   e^(j) = d^(j−1)/dt^(j−1) (J Ẇ) = Σ_{i=0}^{j−1} C(j−1, i) J^(i) W^(j−i)
 * gives J W^(j) = e^(j) − Σ_{i≥1} C(j−1, i) J^(i) W^(j−i). In the NTK regime J is frozen (J^(i) → 0
 * for i ≥ 1) and JJᵀ = H, so the ODE becomes linear in e:
 *   Σ_j c_j e^(j) + c_h H ė + c_g H e = 0,
 * the same method minimising g(e) = ½eᵀHe. This module does that mapping term by term and lists
 * exactly what it drops.
 */
import type { DerivedOde, OutputSpaceOde } from './types.ts';
import { parse } from 'mathjs';
import { derivativeOrder } from './vector-series.ts';
import { formatLatex, formatOde, orderedKeys } from './format.ts';

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - i + 1)) / i;
  return r;
}

function dotName(i: number, base: string): string {
  return dotNameRaw(i, base).normalize('NFC');
}
function dotNameRaw(i: number, base: string): string {
  if (i === 0) return base;
  if (i === 1) return `${base}̇`;
  if (i === 2) return `${base}̈`;
  return `${base}^(${i})`;
}

/** The J-derivative terms dropped from J W^(j) = e^(j) − Σ_{i≥1} C(j−1,i) J^(i) W^(j−i). */
export function droppedJacobianTerms(j: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= j - 1; i++) {
    const c = binomial(j - 1, i);
    out.push(`${c === 1 ? '' : c}${dotName(i, 'J')}${dotName(j - i, 'W')}`);
  }
  return out;
}

/** Map a key of the weight-space ODE to the output space (null: the term vanishes there). */
function mapKey(key: string): string | null {
  if (derivativeOrder(key) !== null || key === 'grad') return key;
  if (key.startsWith('hess*')) return mapKey(key.slice(5)) === null ? null : key;
  return null; // D^m f with m ≥ 3: zero for the quadratic g(e) = ½eᵀHe
}

export interface OutputSpaceOptions {
  /**
   * Rename parameters in the coefficients, e.g. {mu: 'lambda0'}: the strong convexity the method is
   * tuned for becomes λ0 = λ_min(H), the strong convexity of g(e) = ½eᵀHe.
   */
  substitute?: Record<string, string>;
}

function substituteIn(coef: string, map: Record<string, string>): string {
  if (Object.keys(map).length === 0) return coef;
  return parse(coef)
    .transform((n, path, parent) => {
      if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
        const to = map[(n as unknown as { name: string }).name];
        if (to !== undefined) return parse(`(${to})`);
      }
      return n;
    })
    .toString()
    .replace(/ ([*/^]) /g, '$1');
}

export function toOutputSpace(ode: DerivedOde, opts: OutputSpaceOptions = {}): OutputSpaceOde {
  const map = opts.substitute ?? {};
  const terms: Record<string, string> = {};
  const neglected: string[] = [];
  for (const key of orderedKeys(Object.keys(ode.terms))) {
    const coef = ode.terms[key];
    const mapped = mapKey(key);
    if (mapped === null) {
      if (coef !== '0')
        neglected.push(`${key}: third and higher derivatives of the loss (zero for g(e) = ½eᵀHe)`);
      continue;
    }
    terms[mapped] = coef === '0' ? coef : substituteIn(coef, map);
    if (coef === '0') continue;
    const j = derivativeOrder(key);
    if (j !== null && j >= 2) {
      neglected.push(
        `J·${dotName(j, 'W')} = ${dotName(j, 'e')} − ${droppedJacobianTerms(j).join(' − ')}: the terms ` +
          `with J̇, J̈, … (J̇ → 0 in the NTK regime)`,
      );
    }
    if (key === 'grad')
      neglected.push('JJᵀ e = H(t) e ≈ H e: the kernel drift (H(t) − H(0)) e (‖H(t) − H(0)‖ = O(1/√m))');
    if (key.startsWith('hess*')) {
      neglected.push(
        `J∇²L·V = J(JᵀJ + Σ_i e_i∇²u_i)V ≈ H·JV for ${key}: the residual curvature Σ_i e_i J∇²u_i V ` +
          `(zero almost everywhere for ReLU, u is piecewise linear in W) and the kernel drift`,
      );
    }
  }
  return {
    method: ode.method,
    resolution: ode.resolution,
    terms,
    ode: formatOde(terms, 'e'),
    latex: formatLatex(terms, 'e'),
    neglected,
  };
}

/**
 * What the estimate reads of one probe of a training run (src/train's Probe has these fields; the
 * algebra here does not depend on the trainer's types).
 */
export interface KernelMotionProbe {
  step: number;
  /** λ_min of the empirical NTK H(t). */
  lambdaMin: number;
  /** ‖H(t) − H(0)‖₂. */
  kernelDrift: number;
  /** ‖(H(t) − H(0)) e(t)‖ / ‖H(0) e(t)‖ when the trainer recorded it. */
  relativeKernelAction?: number;
}

/** A number for the neglected part, read from a real trajectory's probes. */
export interface NeglectedEstimate {
  /** max over probes of ‖(H(t) − H(0)) e(t)‖ / ‖H(0) e(t)‖ (or ‖H(t) − H(0)‖/λ_min(H(t)) when absent). */
  relativeNeglected: number;
  /** Which probe field the number comes from. */
  source: 'relativeKernelAction' | 'kernelDrift/lambdaMin';
  /** max ‖H(t) − H(0)‖₂ over the probes. */
  maxKernelDrift: number;
  /** The step at which the maximum was reached. */
  atStep: number;
  perProbe: Array<{ step: number; relative: number }>;
}

/**
 * The neglected terms all come from the kernel moving (J̇ ≠ 0 is H(t) ≠ H(0); residual curvature is
 * zero a.e. for ReLU). Their size relative to the kept term H e is ‖(H(t) − H(0)) e‖/‖H(0) e‖, which
 * the trainer records as Probe.relativeKernelAction; without it, ‖H(t) − H(0)‖/λ_min bounds it.
 * Returns null when there is no probe; a NaN in a probe is reported as Infinity (not hidden).
 */
export function neglectedTermsEstimate(probes: KernelMotionProbe[]): NeglectedEstimate | null {
  if (probes.length === 0) return null;
  const haveAction = probes.every((p) => p.relativeKernelAction !== undefined);
  const perProbe = probes.map((p) => {
    let r = haveAction ? p.relativeKernelAction! : p.kernelDrift / p.lambdaMin;
    if (!Number.isFinite(r) || Number.isNaN(r)) r = Infinity;
    return { step: p.step, relative: r };
  });
  let best = perProbe[0];
  for (const p of perProbe) if (p.relative > best.relative) best = p;
  let maxKernelDrift = 0;
  for (const p of probes)
    maxKernelDrift = Math.max(maxKernelDrift, Number.isFinite(p.kernelDrift) ? p.kernelDrift : Infinity);
  return {
    relativeNeglected: best.relative,
    source: haveAction ? 'relativeKernelAction' : 'kernelDrift/lambdaMin',
    maxKernelDrift,
    atStep: best.step,
    perProbe,
  };
}
