/**
 * Human and LaTeX forms of an ODE given as terms {key: coefficient}. Keys: "X", "X'", "X''", …,
 * "grad", "hess*<key>", "d3f[<key>,<key>]", … (see vector-series.ts). The same keys are printed in
 * weight space (variable X: ∇f, ∇²f) or in output space (variable e: H e, H).
 */
import { parse } from 'mathjs';
import { derivativeOrder } from './vector-series.ts';

export type Space = 'X' | 'e';

/** Highest derivative first, then Hessian terms, other multilinear terms, grad, X itself. */
export function orderedKeys(keys: string[]): string[] {
  const rank = (k: string): [number, number, string] => {
    const j = derivativeOrder(k);
    if (j !== null && j > 0) return [0, -j, k];
    if (k.startsWith('hess*')) return [1, -(derivativeOrder(k.replace(/^(hess\*)+/, '')) ?? 0), k];
    if (k.startsWith('d')) return [2, 0, k];
    if (k === 'grad') return [3, 0, k];
    return [4, 0, k];
  };
  return [...new Set(keys)].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2].localeCompare(rb[2]);
  });
}

function termText(key: string, v: Space): string {
  const j = derivativeOrder(key);
  if (j !== null) return `${v}${"'".repeat(j)}(t)`;
  if (key === 'grad') return v === 'X' ? 'grad f(X(t))' : 'H e(t)';
  if (key.startsWith('hess*')) return `${v === 'X' ? 'hess f(X(t))' : 'H'} ${termText(key.slice(5), v)}`;
  const m = /^d(\d+)f\[(.*)\]$/.exec(key);
  if (m)
    return `D${m[1]}f(X(t))[${m[2]
      .split(',')
      .map((k) => termText(k, v))
      .join(', ')}]`;
  return key;
}

function termTex(key: string, v: Space): string {
  const j = derivativeOrder(key);
  if (j !== null) {
    if (j === 0) return `${v}(t)`;
    if (j === 1) return `\\dot{${v}}(t)`;
    if (j === 2) return `\\ddot{${v}}(t)`;
    if (j === 3) return `\\dddot{${v}}(t)`;
    return `${v}^{(${j})}(t)`;
  }
  if (key === 'grad') return v === 'X' ? '\\nabla f(X(t))' : 'H e(t)';
  if (key.startsWith('hess*'))
    return `${v === 'X' ? '\\nabla^2 f(X(t))' : 'H'}\\,${termTex(key.slice(5), v)}`;
  const m = /^d(\d+)f\[(.*)\]$/.exec(key);
  if (m)
    return `D^{${m[1]}}f(X(t))[${m[2]
      .split(',')
      .map((k) => termTex(k, v))
      .join(', ')}]`;
  return key;
}

const GREEK = new Set([
  'alpha',
  'beta',
  'gamma',
  'delta',
  'epsilon',
  'zeta',
  'eta',
  'theta',
  'iota',
  'kappa',
  'lambda',
  'mu',
  'nu',
  'xi',
  'pi',
  'rho',
  'sigma',
  'tau',
  'phi',
  'chi',
  'psi',
  'omega',
]);

/** TeX for a symbol: Greek names as letters, trailing digits as a subscript (beta1 → \beta_{1}). */
export function texSymbol(name: string): string {
  const m = /^([A-Za-z]+?)(\d+)$/.exec(name);
  const base = m ? m[1] : name;
  const sub = m ? `_{${m[2]}}` : '';
  if (GREEK.has(base)) return `{\\${base}${sub}}`;
  if (base.length === 1) return `{${base}${sub}}`;
  return `{\\mathit{${base}}${sub}}`;
}

/** TeX of a mathjs coefficient (symbols never read as units, e.g. t and s). */
export function coefTex(coef: string): string {
  return parse(coef).toTex({
    parenthesis: 'auto',
    handler: (n: { type: string; name?: string }) =>
      n.type === 'SymbolNode' && n.name !== undefined ? texSymbol(n.name) : undefined,
  });
}

function isAtomic(coef: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(coef) || /^\d+(\.\d+)?$/.test(coef);
}

export function formatOde(terms: Record<string, string>, v: Space): string {
  const parts: string[] = [];
  for (const key of orderedKeys(Object.keys(terms))) {
    const c = terms[key].trim();
    if (c === '0') continue;
    const t = termText(key, v);
    if (c === '1') parts.push(`+ ${t}`);
    else if (c === '-1') parts.push(`- ${t}`);
    else parts.push(`+ ${isAtomic(c) ? c : `(${c})`}*${t}`);
  }
  if (parts.length === 0) return '0 = 0';
  const s = parts.join(' ');
  return `${s.startsWith('+ ') ? s.slice(2) : `-${s.slice(1)}`} = 0`;
}

export function formatLatex(terms: Record<string, string>, v: Space): string {
  const parts: string[] = [];
  for (const key of orderedKeys(Object.keys(terms))) {
    const c = terms[key].trim();
    if (c === '0') continue;
    const t = termTex(key, v);
    if (c === '1') parts.push(`+ ${t}`);
    else if (c === '-1') parts.push(`- ${t}`);
    else {
      let tex = coefTex(c);
      if (!isAtomic(c)) tex = `\\left(${tex}\\right)`;
      parts.push(`+ ${tex}\\,${t}`);
    }
  }
  if (parts.length === 0) return '0 = 0';
  const s = parts.join(' ');
  return `${s.startsWith('+ ') ? s.slice(2) : `-${s.slice(1)}`} = 0`;
}
