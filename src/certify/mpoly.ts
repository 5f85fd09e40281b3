/**
 * Multivariate polynomials with interval coefficients, in the variables of a box (λ, ranged
 * parameters) and ε = 1 − σ. Products are expanded and like terms collected exactly (coefficients
 * in outward-rounded intervals), so cancellations between terms — p(1) = ηλ for three-step momentum,
 * whose coefficients each carry β1 and β2 — happen before the box is substituted. That is what
 * keeps the Schur conditions of a companion matrix decidable over a parameter box: the dependency
 * that interval arithmetic would add term by term is left only on the collected coefficients.
 *
 * A polynomial is a Map from an exponent key ("e0,e1,…") to its coefficient.
 */
import {
  ONE,
  ZERO,
  add,
  evalInterval,
  mul,
  neg,
  powInt,
  type Interval,
  type IntervalScope,
} from './interval.ts';
import { parseExpression } from './interval.ts';
import type { MathNode } from 'mathjs';

export type MPoly = Map<string, Interval>;

/** Operations on T used by the generic stability tests (poly.ts). */
export interface Ring<T> {
  zero: T;
  one: T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  neg(a: T): T;
  /** Multiply by an interval constant (integers, 1/k). */
  scale(a: T, c: Interval): T;
  /** Exactly the zero element (optional: lets sparse algorithms skip it). */
  isZero?(a: T): boolean;
  /** Number of terms (optional: the work of a product is size(a)·size(b)). */
  size?(a: T): number;
}

export function mpolyRing(nv: number): Ring<MPoly> & {
  constant(c: Interval): MPoly;
  variable(i: number): MPoly;
  isConstant(p: MPoly): boolean;
} {
  const zeroKey = new Array(nv).fill(0).join(',');
  const constant = (c: Interval): MPoly => (c.lo === 0 && c.hi === 0 ? new Map() : new Map([[zeroKey, c]]));
  const addTo = (m: MPoly, k: string, c: Interval) => {
    const o = m.get(k);
    const s = o ? add(o, c) : c;
    if (s.lo === 0 && s.hi === 0) m.delete(k);
    else m.set(k, s);
  };
  return {
    zero: new Map(),
    one: constant(ONE),
    constant,
    variable: (i) => {
      const e = new Array(nv).fill(0);
      e[i] = 1;
      return new Map([[e.join(','), ONE]]);
    },
    isConstant: (p) => [...p.keys()].every((k) => k === zeroKey),
    isZero: (p) => p.size === 0,
    size: (p) => p.size,
    add: (a, b) => {
      const m = new Map(a);
      for (const [k, c] of b) addTo(m, k, c);
      return m;
    },
    neg: (a) => new Map([...a].map(([k, c]) => [k, neg(c)])),
    scale: (a, c) => {
      const m: MPoly = new Map();
      for (const [k, x] of a) addTo(m, k, mul(x, c));
      return m;
    },
    mul: (a, b) => {
      const m: MPoly = new Map();
      for (const [ka, ca] of a) {
        const ea = ka.split(',').map(Number);
        for (const [kb, cb] of b) {
          const eb = kb.split(',').map(Number);
          addTo(m, ea.map((x, i) => x + eb[i]).join(','), mul(ca, cb));
        }
      }
      return m;
    },
  };
}

/** Range of a polynomial over a box (ranges[i] for variable i), monomial by monomial. */
export function mpolyRange(p: MPoly, ranges: Interval[]): Interval {
  let terms = parsedTerms.get(p);
  if (!terms) {
    terms = [...p].map(([k, c]) => [k.split(',').map(Number), c] as [number[], Interval]);
    parsedTerms.set(p, terms);
  }
  let s = ZERO;
  for (const [e, c] of terms) {
    let t = c;
    for (let i = 0; i < e.length; i++) if (e[i] > 0) t = mul(t, powInt(ranges[i], e[i]));
    s = add(s, t);
  }
  return s;
}

const parsedTerms = new WeakMap<MPoly, Array<[number[], Interval]>>();

/**
 * Evaluate an expression into a polynomial in `vars` (the other symbols from `scope` as interval
 * constants). Sub-expressions that are not polynomial in the variables (a square root of λ, a
 * division by a variable) are replaced by their interval range over `ranges`.
 */
export function evalPoly(
  expr: string,
  vars: string[],
  ranges: Interval[],
  scope: IntervalScope,
  flags: { ranged: boolean } = { ranged: false },
): MPoly {
  const R = mpolyRing(vars.length);
  const boxScope: IntervalScope = { ...scope };
  vars.forEach((v, i) => (boxScope[v] = ranges[i]));
  const uses = (node: MathNode): boolean => {
    let f = false;
    node.traverse((n) => {
      if (n.type === 'SymbolNode' && vars.includes((n as unknown as { name: string }).name)) f = true;
    });
    return f;
  };
  const rec = (node: MathNode): MPoly => {
    if (!uses(node)) return R.constant(evalInterval(node, boxScope));
    const n = node as unknown as {
      type: string;
      name?: string;
      fn?: string;
      args?: MathNode[];
      content?: MathNode;
    };
    if (n.type === 'SymbolNode') return R.variable(vars.indexOf(n.name!));
    if (n.type === 'ParenthesisNode') return rec(n.content!);
    if (n.type === 'OperatorNode') {
      const args = n.args!;
      switch (n.fn) {
        case 'unaryMinus':
          return R.neg(rec(args[0]));
        case 'unaryPlus':
          return rec(args[0]);
        case 'add':
          return args.map(rec).reduce(R.add);
        case 'subtract':
          return R.add(rec(args[0]), R.neg(rec(args[1])));
        case 'multiply':
          return args.map(rec).reduce(R.mul);
        case 'divide':
          if (!uses(args[1])) {
            const d = evalInterval(args[1], boxScope);
            return R.scale(rec(args[0]), evalInterval(parseExpression('1/_d'), { _d: d }));
          }
          break;
        case 'pow': {
          if (!uses(args[1])) {
            const e = evalInterval(args[1], boxScope);
            if (e.lo === e.hi && Number.isInteger(e.lo) && e.lo >= 0 && e.lo <= 16) {
              let r = R.one;
              const b = rec(args[0]);
              for (let i = 0; i < e.lo; i++) r = R.mul(r, b);
              return r;
            }
          }
          break;
        }
        default:
          break;
      }
    }
    flags.ranged = true;
    return R.constant(evalInterval(node, boxScope)); // not polynomial: its range over the box
  };
  return rec(parseExpression(expr));
}

/** Substitute definitions (name = expression, in order) into an expression, repeatedly. */
export function inlineDefs(expr: string, defs: Array<[string, string]>): string {
  const map = new Map(defs);
  let node = parseExpression(expr);
  for (let pass = 0; pass < 8; pass++) {
    let changed = false;
    node = node.transform((n) => {
      const e = n.type === 'SymbolNode' ? map.get((n as unknown as { name: string }).name) : undefined;
      if (e === undefined) return n;
      changed = true;
      return parseExpression(`(${e})`);
    });
    if (!changed) break;
  }
  return node.toString();
}
