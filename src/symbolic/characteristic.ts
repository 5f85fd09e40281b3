/**
 * Characteristic polynomial of the output-space ODE per eigenmode λ of H: with e = v·exp(z t) in the
 * mode (coefficients frozen at t when they depend on t),
 *   Σ_j c_j z^j + Σ (Hessian terms) c λ^m z^j + c_grad λ = 0.
 * Keys map as: X^(j) → z^j, grad → λ, hess*K → λ·(map of K).
 */
import { parse, simplify } from 'mathjs';
import type { OutputSpaceOde } from './types.ts';
import { derivativeOrder } from './vector-series.ts';
import { compact } from './derive.ts';

export interface CharacteristicPolynomial {
  /** Root variable (s in the literature; z here, since s is often the step size). */
  variable: 'z';
  /** Eigenvalue symbol. */
  lambda: 'lambda';
  /** coefficients[j] multiplies z^j; strings in lambda, t and the params (mathjs-parsable). */
  coefficients: string[];
  /** Σ coefficients[j]·z^j as text. */
  polynomial: string;
  /** Whether a coefficient depends on t (frozen-time polynomial, e.g. nag-c's r/t). */
  timeDependent: boolean;
}

/** Power of λ and of z for an output-space key. */
function keyPowers(key: string): { lambda: number; z: number } | null {
  const j = derivativeOrder(key);
  if (j !== null) return { lambda: 0, z: j };
  if (key === 'grad') return { lambda: 1, z: 0 };
  if (key.startsWith('hess*')) {
    const inner = keyPowers(key.slice(5));
    return inner ? { lambda: inner.lambda + 1, z: inner.z } : null;
  }
  return null;
}

function tidy(text: string): string {
  try {
    return compact(simplify(parse(text)).toString());
  } catch {
    return text;
  }
}

export function characteristicPolynomial(out: OutputSpaceOde): CharacteristicPolynomial {
  const parts: string[][] = [];
  for (const [key, coef] of Object.entries(out.terms)) {
    if (coef === '0') continue;
    const p = keyPowers(key);
    if (!p) continue;
    while (parts.length <= p.z) parts.push([]);
    const lam = p.lambda === 0 ? '' : p.lambda === 1 ? 'lambda' : `lambda^${p.lambda}`;
    parts[p.z].push(lam === '' ? `(${coef})` : coef === '1' ? lam : `(${coef})*${lam}`);
  }
  const coefficients = parts.map((ps) => (ps.length === 0 ? '0' : tidy(ps.join(' + '))));
  const poly: string[] = [];
  for (let j = coefficients.length - 1; j >= 0; j--) {
    const c = coefficients[j];
    if (c === '0') continue;
    const zj = j === 0 ? '' : j === 1 ? 'z' : `z^${j}`;
    if (zj === '') poly.push(c);
    else if (c === '1') poly.push(zj);
    else poly.push(/^[A-Za-z0-9_.]+$/.test(c) ? `${c}*${zj}` : `(${c})*${zj}`);
  }
  const timeDependent = coefficients.some((c) => {
    let dep = false;
    parse(c).traverse((n) => {
      if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 't') dep = true;
    });
    return dep;
  });
  return {
    variable: 'z',
    lambda: 'lambda',
    coefficients,
    polynomial: poly.join(' + ') || '0',
    timeDependent,
  };
}

/**
 * The roots of the characteristic polynomial as text: z = −c0/c1 (order 1), the quadratic formula
 * (order 2); null for higher orders (solve numerically).
 */
export function rootsFormula(p: CharacteristicPolynomial): string | null {
  const c = p.coefficients;
  const wrap = (x: string): string => (/^[A-Za-z0-9_.]+$/.test(x) ? x : `(${x})`);
  let order = c.length - 1;
  while (order > 0 && c[order] === '0') order--;
  if (order === 1) return `z = -${wrap(c[0])}${c[1] === '1' ? '' : `/${wrap(c[1])}`}`;
  if (order === 2) {
    const [c0, c1, c2] = c;
    const sq = c1 === '1' ? '1' : `${wrap(c1)}^2`;
    if (c2 === '1') return `z = -${wrap(c1)}/2 ± sqrt(${sq}/4 - ${wrap(c0)})`;
    return `z = (-${wrap(c1)} ± sqrt(${sq} - 4*${wrap(c2)}*${wrap(c0)}))/(2*${wrap(c2)})`;
  }
  return null;
}
