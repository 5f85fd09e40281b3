/**
 * Domains of the conventional parameter names, enforced wherever a user gives a value: the
 * trainer's flags and `--param`, `derive --params`, `rates --grid`, claim params (numbers and
 * ranges). A user spec that names a parameter `beta` gets the same rule as the built-ins; other
 * names (e.g. `alpha`) only need to be finite. docs/methods.md lists them.
 */
import { SpecError } from './errors.ts';

export interface Domain {
  lo: number;
  hi: number;
  /** Whether lo itself is allowed. */
  loClosed: boolean;
  /** Whether hi itself is allowed. */
  hiClosed: boolean;
  /** The domain as text, e.g. "[0, 1)". */
  text: string;
}

const positive: Domain = { lo: 0, hi: Infinity, loClosed: false, hiClosed: false, text: '(0, ∞)' };
const nonNegative: Domain = { lo: 0, hi: Infinity, loClosed: true, hiClosed: false, text: '[0, ∞)' };
const momentum: Domain = { lo: 0, hi: 1, loClosed: true, hiClosed: false, text: '[0, 1)' };
// The two-momentum method's second coefficient may be negative (β2 < 0 is a stable, studied case).
const secondMomentum: Domain = { lo: -1, hi: 1, loClosed: false, hiClosed: false, text: '(−1, 1)' };

/** Step sizes η, s; momenta β, β1 in [0, 1), β2 in (−1, 1); friction γ; strong convexity μ; Nesterov's r. */
export const PARAM_DOMAINS: Readonly<Record<string, Domain>> = {
  eta: positive,
  s: positive,
  beta: momentum,
  beta1: momentum,
  beta2: secondMomentum,
  gamma: nonNegative,
  mu: positive,
  r: positive,
};

/** True when v lies in the domain. */
export function inDomain(d: Domain, v: number): boolean {
  return (d.loClosed ? v >= d.lo : v > d.lo) && (d.hiClosed ? v <= d.hi : v < d.hi);
}

/** Throws SpecError unless `value` is finite and in the domain of `name` (if it has one). */
export function checkParamValue(name: string, value: number, where = name): void {
  if (!Number.isFinite(value)) throw new SpecError(`${where} must be a finite number, got ${value}`);
  const d = Object.hasOwn(PARAM_DOMAINS, name) ? PARAM_DOMAINS[name] : undefined;
  if (d && !inDomain(d, value)) throw new SpecError(`${where} must be in ${d.text}, got ${value}`);
}

/** Both ends of a range [lo, hi] of parameter `name` (an interval inside the domain is inside it). */
export function checkParamRange(name: string, range: readonly [number, number], where = name): void {
  checkParamValue(name, range[0], where);
  checkParamValue(name, range[1], where);
}
