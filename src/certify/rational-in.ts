/**
 * Coefficients that depend on time t (ODE) or on the iteration counter k (discrete), read as
 * rational functions of that variable: c(v) = N(v)/D(v), with every sub-expression free of v (a
 * parameter, √s, …) kept opaque. Used for the limits the certificates need:
 * - lim_{v→∞} c(v) (Poincaré–Perron limit matrices of NAG-C's (k−1)/(k+r−1));
 * - the exact split c(t) = L + B/t (r/t damping: the Bessel closed form; high-resolution 1/t tails).
 * Everything is symbolic (mathjs rationalize / derivative / simplify): no numbers are guessed.
 */
import { derivative, parse, rationalize, simplify, type MathNode } from 'mathjs';

function usesSymbol(node: MathNode, v: string): boolean {
  let found = false;
  node.traverse((n) => {
    if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === v) found = true;
  });
  return found;
}

/** Replace maximal sub-expressions free of v by placeholders _p0, _p1, … */
function opaque(node: MathNode, v: string, table: Map<string, string>): MathNode {
  return node.transform((n) => {
    if (usesSymbol(n, v)) return n;
    if (n.type === 'ConstantNode' || n.type === 'SymbolNode') return n;
    const text = n.toString();
    let name = table.get(text);
    if (!name) {
      name = `_p${table.size}`;
      table.set(text, name);
    }
    return parse(name);
  });
}

function restore(text: string, table: Map<string, string>): string {
  let out = text;
  for (const [expr, name] of [...table].reverse()) out = out.split(name).join(`(${expr})`);
  return out;
}

/** Coefficients (ascending powers of v) of a polynomial expression in v. */
function polyCoefficients(node: MathNode, v: string, maxDegree = 8): MathNode[] | null {
  const out: MathNode[] = [];
  let cur: MathNode = node;
  let factorial = 1;
  for (let j = 0; j <= maxDegree; j++) {
    if (j > 0) factorial *= j;
    const at0 = simplify(
      cur.transform((n) =>
        n.type === 'SymbolNode' && (n as unknown as { name: string }).name === v ? parse('0') : n,
      ),
    );
    out.push(simplify(parse(`(${at0.toString()})/${factorial}`)));
    cur = simplify(derivative(cur, v));
    if (cur.toString() === '0') return out;
  }
  return null;
}

export interface RationalIn {
  /** Numerator and denominator coefficients, ascending powers of v (expressions free of v). */
  num: string[];
  den: string[];
}

/** c(v) as N(v)/D(v); null when the expression is not rational in v. */
export function rationalIn(expr: string, v: string): RationalIn | null {
  const node = parse(expr);
  if (!usesSymbol(node, v)) return { num: [expr], den: ['1'] };
  const table = new Map<string, string>();
  const op = opaque(node, v, table);
  let r: { numerator: MathNode; denominator: MathNode | null };
  try {
    r = rationalize(op, {}, true) as unknown as { numerator: MathNode; denominator: MathNode | null };
  } catch {
    return null;
  }
  const num = polyCoefficients(r.numerator, v);
  const den = r.denominator ? polyCoefficients(r.denominator, v) : [parse('1')];
  if (!num || !den) return null;
  const trim = (xs: MathNode[]) => {
    const s = xs.map((x) => restore(x.toString(), table));
    while (s.length > 1 && s[s.length - 1] === '0') s.pop();
    return s;
  };
  return { num: trim(num), den: trim(den) };
}

/** lim_{v→∞} c(v) as an expression, or null (no finite limit / not rational in v). */
export function limitAtInfinity(expr: string, v: string): string | null {
  const r = rationalIn(expr, v);
  if (!r) return null;
  const dn = r.num.length - 1;
  const dd = r.den.length - 1;
  if (dn > dd) return null;
  if (dn < dd) return '0';
  return simplify(parse(`(${r.num[dn]})/(${r.den[dd]})`)).toString();
}

/** The exact split c(t) = L + B/t (L, B free of t), or null when c has another form. */
export function splitInverse(expr: string, v: string): { limit: string; tail: string } | null {
  const r = rationalIn(expr, v);
  if (!r) return null;
  const dd = r.den.length - 1;
  // D must be a monomial D_d v^d, and N must have no powers below d − 1 (no 1/v² terms)
  for (let j = 0; j < dd; j++) if (r.den[j] !== '0') return null;
  const dn = r.num.length - 1;
  if (dn > dd) return null;
  for (let j = 0; j < dd - 1; j++) if (r.num[j] !== '0') return null;
  const lead = r.den[dd];
  const L = dn === dd ? simplify(parse(`(${r.num[dd]})/(${lead})`)).toString() : '0';
  const B = dd >= 1 && dn >= dd - 1 ? simplify(parse(`(${r.num[dd - 1]})/(${lead})`)).toString() : '0';
  return { limit: L, tail: B };
}
