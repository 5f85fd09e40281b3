/**
 * The computer-algebra layer of src/symbolic: scalar coefficients are strings in nerdamer-prime's
 * canonical text (nerdamer lives here and nowhere else). Products and sums are re-parsed by nerdamer,
 * which collects like terms; whether a coefficient is zero is decided numerically (mathjs at random
 * points), because nerdamer does not always reduce sums of square roots to 0.
 *
 * Measured (docs/derivation.md): nerdamer-prime 1.5 has no series(), writes sqrt(mu*h^2) as
 * abs(h)*sqrt(mu), and its simplify() costs ~20 ms a call without reducing the rational functions
 * we meet, so the power-series bookkeeping is ours (src/symbolic/series.ts) and nerdamer only does
 * the coefficient algebra.
 */
import nerdamer from 'nerdamer-prime/all';
import { parse, abs as mathAbs, type EvalFunction } from 'mathjs';
import { Rng } from '../util/rng.ts';
import { SpecError } from '../spec/errors.ts';

export type Coef = string;

const canonCache = new Map<string, string>();

/** nerdamer's canonical text of an expression (cached). */
export function canon(expr: string): Coef {
  const hit = canonCache.get(expr);
  if (hit !== undefined) return hit;
  let out: string;
  try {
    out = nerdamer(expr).toString();
  } catch (err) {
    // A coefficient that is not finite (a division by zero in the update, eta/(eta - eta)) is the
    // spec's problem, not an internal one.
    if (/Infinity|NaN/.test(expr))
      throw new SpecError(
        `a coefficient of the update is not a finite number ('${expr.length > 80 ? `${expr.slice(0, 80)}…` : expr}'): a division by zero?`,
      );
    throw new Error(`computer algebra failed on '${expr}': ${(err as Error).message}`);
  }
  canonCache.set(expr, out);
  return out;
}

export const ZERO: Coef = '0';
export const ONE: Coef = '1';

export function add(a: Coef, b: Coef): Coef {
  if (a === '0') return b;
  if (b === '0') return a;
  return canon(`(${a})+(${b})`);
}
export function sub(a: Coef, b: Coef): Coef {
  if (b === '0') return a;
  return canon(`(${a})-(${b})`);
}
export function mul(a: Coef, b: Coef): Coef {
  if (a === '0' || b === '0') return '0';
  if (a === '1') return b;
  if (b === '1') return a;
  return canon(`(${a})*(${b})`);
}
export function div(a: Coef, b: Coef): Coef {
  if (a === '0') return '0';
  if (b === '1') return a;
  return canon(`(${a})/(${b})`);
}
export function neg(a: Coef): Coef {
  return a === '0' ? '0' : canon(`-(${a})`);
}
export function num(x: number | string): Coef {
  return canon(String(x));
}
/** Expand products and powers of sums (used on final coefficients). */
export function expand(a: Coef): Coef {
  try {
    return nerdamer(`expand(${a})`).toString();
  } catch {
    return a;
  }
}

/** nerdamer's simplify (slow, ~20 ms: final coefficients only); the input when it cannot. */
export function simplifyCoef(a: Coef): Coef {
  try {
    return nerdamer.simplify(a).toString();
  } catch {
    return a;
  }
}

const zeroCache = new Map<string, boolean>();
/** Sample points: symbols get values in [0.35, 0.85] (t in [1.2, 2.4]), from a fixed seed. */
const SAMPLES: Array<Map<string, number>> = [];
function sampleValue(trial: number, name: string): number {
  while (SAMPLES.length <= trial) SAMPLES.push(new Map());
  const m = SAMPLES[trial];
  let v = m.get(name);
  if (v === undefined) {
    // Seed from the name so values do not depend on the order symbols are met in.
    let seed = 7919 * (trial + 1);
    for (const ch of name) seed = (seed * 31 + ch.charCodeAt(0)) % 1000003;
    const rng = new Rng(seed);
    v = name === 't' ? 1.2 + 1.2 * rng.uniform() : 0.35 + 0.5 * rng.uniform();
    m.set(name, v);
  }
  return v;
}

/** Free symbol names of an expression (as mathjs sees them). */
const symbolsCache = new Map<string, string[]>();
export function freeSymbols(expr: string): string[] {
  const hit = symbolsCache.get(expr);
  if (hit) return hit;
  const res = freeSymbolsUncached(expr);
  symbolsCache.set(expr, res);
  return res;
}
function freeSymbolsUncached(expr: string): string[] {
  const out = new Set<string>();
  parse(expr).traverse((n, path, parent) => {
    if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
      const name = (n as unknown as { name: string }).name;
      if (name !== 'pi' && name !== 'e' && name !== 'i') out.add(name);
    }
  });
  return [...out];
}

/** Evaluate a coefficient numerically with mathjs at the given values (complex results as magnitudes). */
const compiled = new Map<string, EvalFunction>();
export function evaluateAt(expr: string, scope: Record<string, number>): number {
  let f = compiled.get(expr);
  if (!f) {
    f = parse(expr).compile();
    compiled.set(expr, f);
  }
  const v = f.evaluate({ ...scope }) as unknown;
  if (typeof v === 'number') return v;
  return Number(mathAbs(v as never));
}

/** Whether a coefficient vanishes identically (checked at three random points). */
export function isZero(a: Coef): boolean {
  if (a === '0') return true;
  const hit = zeroCache.get(a);
  if (hit !== undefined) return hit;
  const syms = freeSymbols(a);
  let zero = true;
  for (let trial = 0; trial < 3 && zero; trial++) {
    const scope: Record<string, number> = {};
    for (const s of syms) scope[s] = sampleValue(trial, s);
    let v: number;
    try {
      v = evaluateAt(a, scope);
    } catch {
      zero = false;
      break;
    }
    if (!(Math.abs(v) < 1e-11)) zero = false;
  }
  zeroCache.set(a, zero);
  return zero;
}

/** Two expressions are equal as functions (random-point test), e.g. for tests and sanity checks. */
export function numericallyEqual(a: string, b: string, trials = 5): boolean {
  const syms = [...new Set([...freeSymbols(a), ...freeSymbols(b)])];
  for (let trial = 0; trial < trials; trial++) {
    const scope: Record<string, number> = {};
    for (const s of syms) scope[s] = sampleValue(trial + 10, s);
    const va = evaluateAt(a, scope);
    const vb = evaluateAt(b, scope);
    if (!Number.isFinite(va) || !Number.isFinite(vb)) return false;
    if (Math.abs(va - vb) > 1e-9 * (1 + Math.abs(va) + Math.abs(vb))) return false;
  }
  return true;
}
