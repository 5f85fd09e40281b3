/**
 * Parse and validate a method spec: split each update equation into target and right-hand side,
 * and write the right-hand side as a linear form Σ coef·V over sequence values and gradient calls.
 * Expressions are parsed by mathjs (never eval / new Function); only whitelisted functions are
 * allowed, so a spec cannot run code or read files.
 */
import { ConstantNode, OperatorNode, parse, derivative, simplify, type MathNode } from 'mathjs';
import { SpecError } from './errors.ts';
import { ALLOWED_FUNCTIONS, CONSTANTS, checkExpression, indexOffset, type ExpressionRules } from './expr.ts';
import { validateSpecShape } from './schema.ts';
import { quote, shorten } from '../util/quote.ts';
import type { GradCall, LinearTerm, MethodSpec, ParsedEquation, ParsedSpec, SeqRef } from './types.ts';

export { SpecError } from './errors.ts';
export { validateSpecShape } from './schema.ts';

/** Symbol used inside linear forms for the sequence value name[k-lag]. */
function seqSymbol(ref: SeqRef): string {
  return `__s_${ref.name}_${ref.lag}`;
}
function gradSymbol(id: number): string {
  return `__g_${id}`;
}

/** Parse through the one expression validator (whitelist, size and depth limits). */
function parseExpr(text: string, where: string, rules: ExpressionRules = {}): MathNode {
  return checkExpression(text, where, rules).node;
}

interface Ctx {
  where: string;
  /** Sequences usable on a right-hand side and the largest lead allowed (0, or −1 for own earlier values). */
  defined: Map<string, number>;
  scalars: Set<string>;
  usedScalars: Set<string>;
  maxLag: Record<string, number>;
  grads: GradCall[];
  inGrad: boolean;
}

/** Replace sequence values and grad calls by symbols; validate scalars and functions. */
function rewrite(node: MathNode, ctx: Ctx): MathNode {
  return node.transform((n: MathNode) => {
    if (n.type === 'AccessorNode') {
      const acc = n as unknown as { object: MathNode; index: { dimensions: MathNode[] } };
      if (acc.object.type !== 'SymbolNode')
        throw new SpecError(`${ctx.where}: unsupported indexing '${n.toString()}'`);
      const name = (acc.object as unknown as { name: string }).name;
      if (!ctx.defined.has(name))
        throw new SpecError(`${ctx.where}: unknown sequence '${name}' in '${n.toString()}'`);
      if (acc.index.dimensions.length !== 1)
        throw new SpecError(`${ctx.where}: '${n.toString()}' must have one index`);
      const off = indexOffset(acc.index.dimensions[0], ctx.where);
      const maxLead = ctx.defined.get(name)!;
      if (off > maxLead) {
        throw new SpecError(
          `${ctx.where}: '${n.toString()}' refers beyond what is defined (latest is ${name}[k${maxLead === 0 ? '' : maxLead}])`,
        );
      }
      const ref: SeqRef = { name, lag: -off };
      ctx.maxLag[name] = Math.max(ctx.maxLag[name] ?? 0, ref.lag);
      return parse(seqSymbol(ref));
    }
    if (n.type === 'FunctionNode') {
      const fn = n as unknown as { fn: { name?: string }; args: MathNode[] };
      const fname = fn.fn.name ?? '';
      if (fname === 'grad' || fname === 'ggn') {
        if (ctx.inGrad) throw new SpecError(`${ctx.where}: nested grad/ggn is not supported`);
        const ggn = fname === 'ggn';
        if (!ggn && fn.args.length !== 1) throw new SpecError(`${ctx.where}: grad takes one argument`);
        if (ggn && (fn.args.length < 1 || fn.args.length > 2))
          throw new SpecError(`${ctx.where}: ggn takes one or two arguments: ggn(x[k]) or ggn(x[k], eps)`);
        const inner = rewrite(fn.args[0], { ...ctx, inGrad: true });
        const arg = linearForm(inner, ctx.where, []);
        const id = ctx.grads.length;
        const pure =
          arg.length === 1 && arg[0].ref.kind === 'seq' && isOne(arg[0].coef) ? arg[0].ref.seq : null;
        const call: GradCall = { id, arg, pure, text: n.toString() };
        if (ggn) {
          call.op = 'ggn';
          call.damping = '0';
          if (fn.args.length === 2) {
            // ε: a scalar expression in the params (no sequence value, no k).
            const eps = rewrite(fn.args[1], { ...ctx, inGrad: true });
            let bad = vectorSymbols(eps).length > 0;
            eps.traverse((q: MathNode) => {
              if (q.type === 'SymbolNode' && (q as unknown as { name: string }).name === 'k') bad = true;
            });
            if (bad)
              throw new SpecError(
                `${ctx.where}: the damping ε of ggn(z, ε) must be a scalar expression in the parameters`,
              );
            call.damping = eps.toString();
          }
        }
        ctx.grads.push(call);
        return parse(gradSymbol(id));
      }
      if (!ALLOWED_FUNCTIONS.has(fname))
        throw new SpecError(`${ctx.where}: function '${fname}' is not allowed`);
      return n;
    }
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (name.startsWith('__') || ALLOWED_FUNCTIONS.has(name) || name === 'grad' || name === 'ggn') return n;
      if (ctx.defined.has(name))
        throw new SpecError(`${ctx.where}: sequence '${name}' needs an index, e.g. ${name}[k]`);
      if (name === 'k' || CONSTANTS.has(name)) {
        if (name === 'k') ctx.usedScalars.add('k');
        return n;
      }
      if (!ctx.scalars.has(name)) throw new SpecError(`${ctx.where}: unknown symbol '${name}'`);
      ctx.usedScalars.add(name);
      return n;
    }
    const allowed = ['OperatorNode', 'ConstantNode', 'ParenthesisNode'];
    if (!allowed.includes(n.type))
      throw new SpecError(`${ctx.where}: unsupported expression '${n.toString()}'`);
    return n;
  });
}

function isOne(coef: string): boolean {
  try {
    return parse(coef).compile().evaluate({}) === 1;
  } catch {
    return false;
  }
}

/** Vector symbols (sequence values and grad calls) occurring in a rewritten node. */
function vectorSymbols(node: MathNode): string[] {
  const out = new Set<string>();
  node.traverse((n: MathNode) => {
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (name.startsWith('__s_') || name.startsWith('__g_')) out.add(name);
    }
  });
  return [...out];
}

function decodeSymbol(sym: string): LinearTerm['ref'] {
  if (sym.startsWith('__g_')) return { kind: 'grad', id: Number(sym.slice(4)) };
  const body = sym.slice(4);
  const cut = body.lastIndexOf('_');
  return { kind: 'seq', seq: { name: body.slice(0, cut), lag: Number(body.slice(cut + 1)) } };
}

/**
 * Right-hand sides up to this many nodes get their coefficients from mathjs' derivative and
 * rule-based simplify (tidy text; every real method is far below: hm has 45). mathjs' simplify and
 * simplifyCore take time exponential in the terms of a sum (20 terms: seconds, 60: hours), so larger
 * right-hand sides are split structurally (linearCoefficients) and their coefficients kept as
 * written.
 */
export const SIMPLIFY_MAX_NODES = 60;

/** Node limit of `step` and `time` (e.g. k*sqrt(eta) has 6). */
export const STEP_TIME_MAX_NODES = 40;

function countNodes(n: MathNode): number {
  let c = 0;
  n.traverse(() => c++);
  return c;
}

/**
 * The coefficient of each vector symbol in a linear expression, read from the tree: sums,
 * differences, negation, products and quotients by scalar factors. Anything else that involves a
 * vector symbol (a product of two, a function of one, a constant term) is not linear.
 */
function linearCoefficients(node: MathNode, where: string): Map<string, MathNode> {
  const notLinear = (): never => {
    throw new SpecError(
      `${where}: the update must be linear in the sequence values and gradients (no constant or nonlinear terms)`,
    );
  };
  const hasVector = (n: MathNode): boolean => vectorSymbols(n).length > 0;
  const combine = (a: Map<string, MathNode>, b: Map<string, MathNode>, op: '+' | '-') => {
    const out = new Map(a);
    for (const [k, c] of b) {
      const prev = out.get(k);
      const term = op === '+' ? c : new OperatorNode('-', 'unaryMinus', [c]);
      out.set(k, prev ? new OperatorNode(op, op === '+' ? 'add' : 'subtract', [prev, c]) : term);
    }
    return out;
  };
  const scale = (m: Map<string, MathNode>, f: (c: MathNode) => MathNode) =>
    new Map([...m].map(([k, c]) => [k, f(c)]));
  const walk = (n: MathNode): Map<string, MathNode> => {
    if (!hasVector(n)) return notLinear();
    if (n.type === 'ParenthesisNode') return walk((n as unknown as { content: MathNode }).content);
    if (n.type === 'SymbolNode')
      return new Map([[(n as unknown as { name: string }).name, new ConstantNode(1)]]);
    if (n.type !== 'OperatorNode') return notLinear();
    const op = n as unknown as { fn: string; args: MathNode[] };
    const [a, b] = op.args;
    switch (op.fn) {
      case 'unaryPlus':
        return walk(a);
      case 'unaryMinus':
        return scale(walk(a), (c) => new OperatorNode('-', 'unaryMinus', [c]));
      case 'add':
      case 'subtract': {
        if (!hasVector(a) || !hasVector(b)) return notLinear(); // a constant term
        return combine(walk(a), walk(b), op.fn === 'add' ? '+' : '-');
      }
      case 'multiply':
        if (!hasVector(a)) return scale(walk(b), (c) => new OperatorNode('*', 'multiply', [a, c]));
        if (!hasVector(b)) return scale(walk(a), (c) => new OperatorNode('*', 'multiply', [c, b]));
        return notLinear();
      case 'divide':
        if (!hasVector(b)) return scale(walk(a), (c) => new OperatorNode('/', 'divide', [c, b]));
        return notLinear();
      default:
        return notLinear();
    }
  };
  return walk(node);
}

/**
 * Write `node` (vector symbols already substituted) as Σ coef_i · V_i. Coefficients are the partial
 * derivatives; linearity is checked by evaluating both sides at random scalar values.
 */
function linearForm(node: MathNode, where: string, _unused: unknown[]): LinearTerm[] {
  const syms = vectorSymbols(node);
  if (syms.length === 0) throw new SpecError(`${where}: right-hand side has no sequence value or gradient`);
  const terms: LinearTerm[] = [];
  const coefNodes: MathNode[] = [];
  const large = countNodes(node) > SIMPLIFY_MAX_NODES;
  const split = large ? linearCoefficients(node, where) : null;
  for (const s of syms) {
    // derivative() would simplify internally and again here: once is enough (and derivative's own
    // simplify can take seconds on constant powers such as (1e-300)^0.5).
    let c: MathNode;
    try {
      c = split ? (split.get(s) ?? new ConstantNode(0)) : simplify(derivative(node, s, { simplify: false }));
    } catch (err) {
      throw new SpecError(
        `${where}: cannot differentiate with respect to a sequence value: ${(err as Error).message}`,
      );
    }
    if (vectorSymbols(c).length > 0)
      throw new SpecError(`${where}: the update must be linear in the sequence values and gradients`);
    coefNodes.push(c);
    terms.push({ coef: c.toString(), ref: decodeSymbol(s) });
  }
  // Linearity check: node(V) == Σ c_i V_i at random values of every symbol.
  const scalarNames = new Set<string>();
  node.traverse((n: MathNode) => {
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      if (!name.startsWith('__') && !ALLOWED_FUNCTIONS.has(name) && !CONSTANTS.has(name))
        scalarNames.add(name);
    }
  });
  const f = node.compile();
  const cs = coefNodes.map((c) => c.compile());
  for (let trial = 0; trial < 3; trial++) {
    const scope: Record<string, number> = {};
    let seed = 12345 + 977 * trial;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return 0.2 + (seed / 2147483648) * 0.6;
    };
    for (const s of scalarNames) scope[s] = s === 'k' ? 3 + trial * 5 : rnd();
    for (const s of syms) scope[s] = rnd() * 4 - 2;
    const lhs = f.evaluate({ ...scope }) as number;
    let rhs = 0;
    cs.forEach((c, i) => {
      rhs += (c.evaluate({ ...scope }) as number) * scope[syms[i]];
    });
    if (typeof lhs !== 'number' || !Number.isFinite(lhs)) continue;
    if (Math.abs(lhs - rhs) > 1e-9 * (1 + Math.abs(lhs))) {
      throw new SpecError(
        `${where}: the update must be linear in the sequence values and gradients (no constant or nonlinear terms)`,
      );
    }
  }
  return terms;
}

const LHS = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\[\s*k\s*(\+\s*1\s*)?\]\s*$/;

export function parseSpec(raw: unknown): ParsedSpec {
  const spec = validateSpecShape(raw);
  // Names and equations appear in messages escaped and shortened (src/util/quote.ts).
  const name = shorten(spec.name, 40);
  const letKeys = Object.keys(spec.let ?? {});
  for (const p of spec.params) {
    if (p === 'k' || p === 'x' || p === 'grad' || p === 'ggn')
      throw new SpecError(`method spec '${name}': '${p}' cannot be a parameter`);
  }
  const scalars = new Set<string>([...spec.params, ...letKeys]);
  // let expressions may use params only (and earlier lets).
  const letSeen = new Set<string>([...spec.params, 'k']);
  for (const [k, v] of Object.entries(spec.let ?? {})) {
    parseExpr(v, `method spec '${name}': let ${k}`, { symbols: letSeen });
    letSeen.add(k);
  }
  // step and time are simplified by mathjs in the derivation, whose cost is exponential in the
  // terms of a sum: they are kept small (real ones have a handful of nodes).
  for (const field of ['step', 'time'] as const)
    parseExpr(spec[field], `method spec '${name}': ${field}`, {
      symbols: new Set([...scalars, 'k']),
      maxNodes: STEP_TIME_MAX_NODES,
    });
  checkTimeIncreasing(spec);

  const defined = new Map<string, number>([['x', 0]]);
  const auxiliaries: string[] = [];
  const equations: ParsedEquation[] = [];
  const maxLag: Record<string, number> = { x: 0 };
  const usedScalars = new Set<string>();
  spec.update.forEach((eqText, index) => {
    const where = `method spec '${name}', equation ${index + 1} ${quote(eqText, 80)}`;
    const eqPos = eqText.indexOf('=');
    if (eqPos < 0 || eqText[eqPos + 1] === '=')
      throw new SpecError(`${where}: expected 'name[k] = expression'`);
    const lhs = eqText.slice(0, eqPos);
    const rhs = eqText.slice(eqPos + 1);
    const m = LHS.exec(lhs);
    if (!m) throw new SpecError(`${where}: left-hand side must be name[k] or x[k+1]`);
    const target = m[1];
    const shift: 0 | 1 = m[2] ? 1 : 0;
    const last = index === spec.update.length - 1;
    if (last && !(target === 'x' && shift === 1))
      throw new SpecError(`${where}: the last equation must define x[k+1]`);
    if (!last && target === 'x') throw new SpecError(`${where}: only the last equation may define x`);
    if (!last && shift === 1) throw new SpecError(`${where}: auxiliary sequences are defined at index k`);
    if (target !== 'x' && defined.has(target))
      throw new SpecError(`${where}: sequence '${target}' is defined twice`);
    if (target !== 'x' && (scalars.has(target) || target === 'k' || target === 'grad' || target === 'ggn')) {
      throw new SpecError(`${where}: '${target}' is already a parameter or reserved name`);
    }
    if (target !== 'x') defined.set(target, -1); // its own earlier values only
    const grads: GradCall[] = [];
    const node = parseExpr(rhs, where, { sequences: new Set(defined.keys()), grad: true });
    const rewritten = rewrite(node, { where, defined, scalars, usedScalars, maxLag, grads, inGrad: false });
    const terms = linearForm(rewritten, where, []);
    if (target !== 'x') {
      defined.set(target, 0);
      auxiliaries.push(target);
      maxLag[target] = maxLag[target] ?? 0;
    }
    equations.push({ text: eqText, index, target, shift, rhs: rhs.trim(), terms, grads });
  });
  if (!equations.some((e) => e.target === 'x' && e.shift === 1))
    throw new SpecError(`method spec '${name}': x[k+1] is never defined`);
  // Let symbols used by the update pull in the params they depend on.
  return {
    spec,
    auxiliaries,
    equations,
    maxLag,
    scalarSymbols: [...usedScalars].sort(),
    start: spec.start ?? 0,
  };
}

/** time(k+1) − time(k) must be positive for small positive params (checked at a few values). */
function checkTimeIncreasing(spec: MethodSpec): void {
  const t = parseExpr(spec.time, `method spec '${spec.name}': time`).compile();
  const scope: Record<string, number> = {};
  for (const p of spec.params) scope[p] = spec.defaults?.[p] ?? 0.01;
  for (const [k, v] of Object.entries(spec.let ?? {})) {
    try {
      scope[k] = parse(v)
        .compile()
        .evaluate({ ...scope }) as number;
    } catch {
      scope[k] = 0.5;
    }
  }
  for (const k of [1, 5, 50]) {
    let a: unknown, b: unknown;
    try {
      a = t.evaluate({ ...scope, k });
      b = t.evaluate({ ...scope, k: k + 1 });
    } catch (err) {
      throw new SpecError(
        `method spec '${spec.name}': time '${spec.time}' cannot be evaluated: ${(err as Error).message}`,
      );
    }
    if (typeof a !== 'number' || typeof b !== 'number' || !(b > a)) {
      throw new SpecError(`method spec '${spec.name}': time '${spec.time}' must increase with k`);
    }
  }
}
