/**
 * The one validator for every expression a user supplies: update right-hand sides and the indices
 * inside x[...], `let` laws, `step` and `time` of method specs; rates, exponents, ODE coefficients
 * and parameter expressions of claims. Everything else in dynview evaluates expressions only after
 * they passed here.
 *
 * An expression is parsed by mathjs (never eval / new Function) and accepted only when
 * - it is at most DYNVIEW_MAX_EXPRESSION_CHARS characters (4000) and has no control characters and
 *   no hex/binary/octal literals; brackets nest at most EXPRESSION_LIMITS.depth deep and the tree
 *   has at most EXPRESSION_LIMITS.nodes nodes (checked before the parser can recurse);
 * - its nodes are numbers (finite), symbols, + − × ÷ ^ (and unary ±), parentheses, calls of
 *   ALLOWED_FUNCTIONS with their arity, and — where the caller allows them — grad(...) and
 *   sequence values name[k + j] whose index is k plus an integer (the index goes through the same
 *   rules: only k, integers, + and −);
 * - constant exponents have |p| ≤ EXPRESSION_LIMITS.exponent (`eta^1e20` would make the symbolic
 *   expansion run for ever) and every constant sub-expression is finite (`0/0`, `1/0` are refused);
 * - symbols are not reserved names (`__proto__`, `constructor`, names starting with `__`) and,
 *   when the caller gives the list, are among the allowed ones.
 */
import { parse, type MathNode } from 'mathjs';
import { SpecError } from './errors.ts';
import { EXPRESSION_LIMITS, checkExpressionLength } from '../util/limits.ts';
import { quote } from '../util/quote.ts';

/** Scalar functions an expression may call, with their number of arguments [min, max]. */
const FUNCTION_ARITY: Record<string, [number, number]> = {
  sqrt: [1, 1],
  exp: [1, 1],
  log: [1, 2],
  sin: [1, 1],
  cos: [1, 1],
  tan: [1, 1],
  abs: [1, 1],
  pow: [2, 2],
  min: [1, 8],
  max: [1, 8],
  floor: [1, 1],
  ceil: [1, 1],
  cbrt: [1, 1],
  atan: [1, 1],
  asin: [1, 1],
  acos: [1, 1],
  sinh: [1, 1],
  cosh: [1, 1],
  tanh: [1, 1],
};

/** The whitelist: the only functions any user expression may call. */
export const ALLOWED_FUNCTIONS: ReadonlySet<string> = new Set(Object.keys(FUNCTION_ARITY));

/** Named constants. */
export const CONSTANTS: ReadonlySet<string> = new Set(['pi', 'e']);

const OPERATORS = new Set(['add', 'subtract', 'multiply', 'divide', 'pow', 'unaryMinus', 'unaryPlus']);

const OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * Names no parameter, `let` symbol, sequence or expression symbol may have: JavaScript object
 * internals (`__proto__`, `constructor`, …), anything starting with `__` (used internally), the
 * function names and the constants.
 */
export function isReservedName(name: string): boolean {
  return name.startsWith('__') || OBJECT_KEYS.has(name) || ALLOWED_FUNCTIONS.has(name) || CONSTANTS.has(name);
}

export interface ExpressionRules {
  /** Free symbols allowed; absent: any identifier that is not reserved (the caller checks meaning). */
  symbols?: ReadonlySet<string>;
  /** Sequences that may be indexed as name[k + j]. */
  sequences?: ReadonlySet<string>;
  /** A lower node limit than EXPRESSION_LIMITS.nodes (step and time go through mathjs' simplify). */
  maxNodes?: number;
  /** Whether grad(...) and ggn(...) may be called (update right-hand sides). */
  grad?: boolean;
}

export interface CheckedExpression {
  node: MathNode;
  /** Free symbols (not constants, not sequence names, not functions). */
  symbols: Set<string>;
}

const RADIX_LITERAL = /(^|[^A-Za-z0-9_.])0[xXbBoO][0-9A-Za-z]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/;

/** Validate `text` (see the module comment); throws SpecError prefixed with `where`. */
export function checkExpression(
  text: unknown,
  where: string,
  rules: ExpressionRules = {},
): CheckedExpression {
  if (typeof text !== 'string' || text.trim() === '')
    throw new SpecError(`${where}: expected a non-empty expression string`);
  try {
    checkExpressionLength(`${where}: expression`, text.length);
  } catch (err) {
    throw new SpecError((err as Error).message);
  }
  if (CONTROL.test(text)) throw new SpecError(`${where}: ${quote(text)} contains control characters`);
  if (RADIX_LITERAL.test(text))
    throw new SpecError(`${where}: ${quote(text)}: hexadecimal, binary and octal literals are not allowed`);
  preScan(text, where);
  let node: MathNode;
  try {
    node = parse(text);
  } catch (err) {
    throw new SpecError(`${where}: cannot parse ${quote(text)} (${quote((err as Error).message, 80)})`);
  }
  const symbols = new Set<string>();
  const walker = new Walker(text, where, rules, symbols);
  walker.visit(node, 0);
  return { node, symbols };
}

/** Bracket nesting and token count, before the recursive-descent parser sees the text. */
function preScan(text: string, where: string): void {
  let depth = 0;
  let maxDepth = 0;
  let tokens = 0;
  let prevOp = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > maxDepth) maxDepth = depth;
      tokens++;
    } else if (c === ')' || c === ']' || c === '}') {
      depth--;
      tokens++;
    } else if ("+-*/^!,:?=<>&|~.'".includes(c)) {
      tokens++;
      prevOp++;
      if (prevOp > 8) throw new SpecError(`${where}: ${quote(text)} has a run of more than 8 operators`);
      continue;
    } else if (/[A-Za-z0-9_]/.test(c)) {
      if (i === 0 || !/[A-Za-z0-9_.]/.test(text[i - 1])) tokens++;
    }
    if (c !== ' ' && c !== '\t') prevOp = 0;
  }
  if (maxDepth > EXPRESSION_LIMITS.depth)
    throw new SpecError(
      `${where}: ${quote(text)} nests brackets ${maxDepth} deep (the limit is ${EXPRESSION_LIMITS.depth})`,
    );
  if (tokens > 2 * EXPRESSION_LIMITS.nodes)
    throw new SpecError(
      `${where}: ${quote(text)} is too large (${tokens} tokens; the limit is ${EXPRESSION_LIMITS.nodes} nodes)`,
    );
}

class Walker {
  private nodes = 0;
  constructor(
    private readonly text: string,
    private readonly where: string,
    private readonly rules: ExpressionRules,
    private readonly symbols: Set<string>,
  ) {}

  private fail(what: string): never {
    throw new SpecError(`${this.where}: ${what}`);
  }

  /** Returns the value of a constant sub-expression, or null when it has free symbols. */
  visit(n: MathNode, depth: number): number | null {
    this.nodes++;
    const cap = this.rules.maxNodes ?? EXPRESSION_LIMITS.nodes;
    if (this.nodes > cap) this.fail(`${quote(this.text)} is too large (more than ${cap} nodes)`);
    if (depth > EXPRESSION_LIMITS.nodes) this.fail(`${quote(this.text)} is nested too deeply`);
    switch (n.type) {
      case 'ConstantNode': {
        const v = (n as unknown as { value: unknown }).value;
        if (typeof v !== 'number')
          this.fail(`${quote(n.toString(), 40)} is not a number (in ${quote(this.text)})`);
        if (!Number.isFinite(v)) this.fail(`${quote(n.toString(), 40)} is not a finite number`);
        return v;
      }
      case 'ParenthesisNode':
        return this.visit((n as unknown as { content: MathNode }).content, depth + 1);
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        if (name === 'pi') return Math.PI;
        if (name === 'e') return Math.E;
        if (this.rules.sequences?.has(name)) this.fail(`sequence '${name}' needs an index, e.g. ${name}[k]`);
        if (isReservedName(name)) this.fail(`'${quote(name, 40).slice(1, -1)}' is a reserved name`);
        if (this.rules.symbols && !this.rules.symbols.has(name))
          this.fail(
            `unknown symbol ${quote(name, 40)} in ${quote(this.text)}${this.rules.symbols.size > 0 ? ` (allowed: ${[...this.rules.symbols].join(', ')})` : ''}`,
          );
        this.symbols.add(name);
        return null;
      }
      case 'OperatorNode': {
        const op = n as unknown as { fn: string; op: string; args: MathNode[] };
        if (!OPERATORS.has(op.fn)) this.fail(`operator '${op.op}' is not allowed (in ${quote(this.text)})`);
        const vals = op.args.map((a) => this.visit(a, depth + 1));
        if (op.fn === 'pow') this.checkExponent(vals[1], op.args[1]);
        return this.constant(n, vals);
      }
      case 'FunctionNode': {
        const f = n as unknown as { fn: MathNode; args: MathNode[] };
        const name = f.fn.type === 'SymbolNode' ? (f.fn as unknown as { name: string }).name : null;
        if ((name === 'grad' || name === 'ggn') && this.rules.grad) {
          // grad(z); ggn(z) or ggn(z, ε) (the Gram–Gauss–Newton direction): arity checked here,
          // meaning (z linear in sequence values, ε a scalar) by the spec parser.
          const max = name === 'ggn' ? 2 : 1;
          if (f.args.length < 1 || f.args.length > max)
            this.fail(
              name === 'ggn'
                ? 'ggn takes one or two arguments: ggn(x[k]) or ggn(x[k], eps)'
                : 'grad takes one argument',
            );
          for (const a of f.args) this.visit(a, depth + 1);
          return null;
        }
        if (name === null || !ALLOWED_FUNCTIONS.has(name))
          this.fail(`function ${quote(name ?? f.fn.toString(), 40)} is not allowed`);
        const [lo, hi] = FUNCTION_ARITY[name];
        if (f.args.length < lo || f.args.length > hi)
          this.fail(`${name} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}`);
        const vals = f.args.map((a) => this.visit(a, depth + 1));
        if (name === 'pow') this.checkExponent(vals[1], f.args[1]);
        return this.constant(n, vals);
      }
      case 'AccessorNode': {
        const acc = n as unknown as {
          object: MathNode;
          index: { dimensions: MathNode[]; dotNotation?: boolean };
        };
        const name =
          acc.object.type === 'SymbolNode' ? (acc.object as unknown as { name: string }).name : null;
        if (name === null || !this.rules.sequences || acc.index.dotNotation)
          this.fail(`unsupported indexing ${quote(n.toString(), 60)}`);
        if (!this.rules.sequences.has(name))
          this.fail(`unknown sequence ${quote(name, 40)} in ${quote(n.toString(), 60)}`);
        if (acc.index.dimensions.length !== 1) this.fail(`${quote(n.toString(), 60)} must have one index`);
        this.nodes += 2;
        indexOffset(acc.index.dimensions[0], this.where);
        return null;
      }
      default:
        this.fail(`unsupported expression ${quote(n.toString(), 60)}`);
    }
  }

  private checkExponent(value: number | null, node: MathNode): void {
    const cap = EXPRESSION_LIMITS.exponent;
    if (value !== null) {
      if (Math.abs(value) > cap)
        this.fail(`exponent ${quote(node.toString(), 40)} exceeds ${cap} in magnitude`);
      return;
    }
    node.traverse((c) => {
      if (c.type === 'ConstantNode') {
        const v = (c as unknown as { value: number }).value;
        if (Math.abs(v) > cap)
          this.fail(`exponent ${quote(node.toString(), 40)}: constant ${v} exceeds ${cap}`);
      }
    });
  }

  /** Value of a node whose children are all constant (evaluated now: the node is validated). */
  private constant(n: MathNode, vals: Array<number | null>): number | null {
    if (vals.some((v) => v === null)) return null;
    const v = n.compile().evaluate({}) as unknown;
    if (typeof v !== 'number' || !Number.isFinite(v))
      this.fail(`${quote(n.toString(), 60)} is not a finite number`);
    return v;
  }
}

/**
 * The integer j of an index `k + j` (also `k`, `k - j`, `j + k`, parenthesised): only the symbol k,
 * integer constants, + and − are accepted, and k must appear exactly once with coefficient +1.
 * Computed from the tree — the index is never evaluated.
 */
export function indexOffset(node: MathNode, where: string): number {
  const bad = (): never => {
    throw new SpecError(`${where}: index ${quote(node.toString(), 60)} must be k plus an integer`);
  };
  // Returns [coefficient of k, constant].
  const walk = (n: MathNode, depth: number): [number, number] => {
    if (depth > EXPRESSION_LIMITS.depth) bad();
    switch (n.type) {
      case 'ParenthesisNode':
        return walk((n as unknown as { content: MathNode }).content, depth + 1);
      case 'SymbolNode':
        return (n as unknown as { name: string }).name === 'k' ? [1, 0] : bad();
      case 'ConstantNode': {
        const v = (n as unknown as { value: unknown }).value;
        return typeof v === 'number' && Number.isSafeInteger(v) && Math.abs(v) <= 1000 ? [0, v] : bad();
      }
      case 'OperatorNode': {
        const op = n as unknown as { fn: string; args: MathNode[] };
        if (op.fn === 'unaryMinus') {
          const [a, b] = walk(op.args[0], depth + 1);
          return [-a, -b];
        }
        if (op.fn === 'unaryPlus') return walk(op.args[0], depth + 1);
        if (op.fn === 'add' || op.fn === 'subtract') {
          const [a1, b1] = walk(op.args[0], depth + 1);
          const [a2, b2] = walk(op.args[1], depth + 1);
          const s = op.fn === 'add' ? 1 : -1;
          return [a1 + s * a2, b1 + s * b2];
        }
        return bad();
      }
      default:
        return bad();
    }
  };
  const [a, b] = walk(node, 0);
  if (a !== 1) bad();
  return b;
}
