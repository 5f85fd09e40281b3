/**
 * Expand a scalar coefficient of a method spec (a mathjs expression in k, params and let symbols)
 * in powers of h, given the series of each symbol (k = (t − t0)/h, the step parameter as a power of
 * h, let symbols through their laws, other params constant). Only + − * / ^, unary minus and
 * sqrt/exp/log/pow/cbrt are expanded through h; any other function must have an h-free argument.
 */
import type { MathNode } from 'mathjs';
import * as C from './cas.ts';
import {
  SeriesError,
  addS,
  constant,
  divS,
  expS,
  logS,
  mulS,
  negS,
  powRealS,
  subS,
  type Series,
} from './series.ts';

export type SeriesEnv = (name: string) => Series | null;

function dependsOnH(node: MathNode, env: SeriesEnv): boolean {
  let dep = false;
  node.traverse((n, path, parent) => {
    if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
      const s = env((n as unknown as { name: string }).name);
      if (s && !(s.val === 0 && s.coefs.length <= 1 && s.prec === Infinity)) dep = true;
    }
  });
  return dep;
}

/** Text of an h-free node with symbols replaced by their (constant) coefficient text. */
function constantText(node: MathNode, env: SeriesEnv): string {
  return node.toString({
    handler: (n: MathNode) => {
      if (n.type !== 'SymbolNode') return undefined;
      const s = env((n as unknown as { name: string }).name);
      if (!s) return undefined;
      return `(${s.coefs.length === 0 ? '0' : s.coefs[0]})`;
    },
  });
}

function constValue(node: MathNode): number | null {
  try {
    const v = node.compile().evaluate({});
    return typeof v === 'number' ? v : null;
  } catch {
    return null;
  }
}

export function expandScalar(node: MathNode, env: SeriesEnv, cap: number): Series {
  const rec = (n: MathNode): Series => expandScalar(n, env, cap);
  switch (n0(node)) {
    case 'ParenthesisNode':
      return rec((node as unknown as { content: MathNode }).content);
    case 'ConstantNode':
      return constant(C.num(String((node as unknown as { value: unknown }).value)));
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      if (name === 'pi' || name === 'e') return constant(C.canon(name));
      const s = env(name);
      if (!s) throw new SeriesError(`unknown symbol '${name}'`);
      return s;
    }
    case 'OperatorNode': {
      const op = node as unknown as { fn: string; args: MathNode[] };
      const [a, b] = op.args;
      switch (op.fn) {
        case 'unaryMinus':
          return negS(rec(a));
        case 'unaryPlus':
          return rec(a);
        case 'add':
          return addS(rec(a), rec(b), cap);
        case 'subtract':
          return subS(rec(a), rec(b), cap);
        case 'multiply':
          return mulS(rec(a), rec(b), cap);
        case 'divide':
          return divS(rec(a), rec(b), cap);
        case 'pow':
          return power(a, b, env, cap);
        default:
          throw new SeriesError(`operator '${op.fn}' cannot be expanded in powers of h`);
      }
    }
    case 'FunctionNode': {
      const fn = node as unknown as { fn: { name?: string }; args: MathNode[] };
      const name = fn.fn.name ?? '';
      if (!fn.args.some((x) => dependsOnH(x, env))) return constant(C.canon(constantText(node, env)));
      if (name === 'sqrt') return powRealS(rec(fn.args[0]), 0.5, '1/2', cap);
      if (name === 'cbrt') return powRealS(rec(fn.args[0]), 1 / 3, '1/3', cap);
      if (name === 'exp') return expS(rec(fn.args[0]), cap);
      if (name === 'log' && fn.args.length === 1) return logS(rec(fn.args[0]), cap);
      if (name === 'pow') return power(fn.args[0], fn.args[1], env, cap);
      throw new SeriesError(
        `'${node.toString()}' cannot be expanded in powers of h (only sqrt, cbrt, exp, log and powers of h-dependent terms)`,
      );
    }
    default:
      throw new SeriesError(`'${node.toString()}' cannot be expanded in powers of h`);
  }
}

function n0(node: MathNode): string {
  return node.type;
}

function power(base: MathNode, exponent: MathNode, env: SeriesEnv, cap: number): Series {
  if (dependsOnH(exponent, env))
    throw new SeriesError(`an exponent depending on h ('${exponent.toString()}') cannot be expanded`);
  const b = expandScalar(base, env, cap);
  const p = constValue(exponent);
  if (p === null) {
    if (!dependsOnH(base, env))
      return constant(C.canon(`(${b.coefs[0] ?? '0'})^(${constantText(exponent, env)})`));
    throw new SeriesError(`the exponent '${exponent.toString()}' of an h-dependent base must be a number`);
  }
  return powRealS(b, p, Number.isInteger(p) ? String(p) : C.canon(exponent.toString()), cap);
}
