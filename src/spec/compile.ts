/**
 * Compile a parsed method spec to a numeric stepper over Float64Array vectors of any dimension.
 * The same compiled method drives the wide-net trainer (weights), the output-space linearised
 * iteration (prediction errors) and quadratic test problems: only the gradient oracle changes.
 *
 * Coefficients are mathjs expressions evaluated through mathjs (never eval); those that do not
 * depend on k are evaluated once.
 */
import { parse, type EvalFunction } from 'mathjs';
import { SpecError } from './errors.ts';
import { checkParamValue } from './domains.ts';
import { ALLOWED_FUNCTIONS } from './expr.ts';
import { quote } from '../util/quote.ts';
import type { LinearTerm, MethodSpec, ParsedSpec, SeqRef } from './types.ts';
import { parseSpec } from './parse.ts';
import { BUILTIN_METHODS } from './builtins.ts';

export type GradOracle = (z: Float64Array, out: Float64Array) => void;

/**
 * The Gram–Gauss–Newton direction of a spec's ggn(z, ε) call: out = Jᵀ(JJᵀ + εI)⁻¹(f(z) − y) at z
 * (src/train/ggn.ts for the network; z ↦ λ/(λ + ε)·z per mode on the linearised output model).
 */
export type GgnOracle = (z: Float64Array, eps: number, out: Float64Array) => void;

/**
 * The ggn oracle of the linearised output-space model in eigen-coordinates: per mode λ_i,
 * z_i ↦ λ_i/(λ_i + ε)·z_i (the output change of Jᵀ(JJᵀ + εI)⁻¹ on mode i; 1 at ε = 0, 0 on a null
 * mode). A scalar λ serves every coordinate.
 */
export function diagonalGgnOracle(lambda: ArrayLike<number> | number): GgnOracle {
  return (z, eps, out) => {
    for (let i = 0; i < z.length; i++) {
      const l = typeof lambda === 'number' ? lambda : lambda[i];
      out[i] = l === 0 ? 0 : (l / (l + eps)) * z[i];
    }
  };
}

/** True when some update equation of the spec calls ggn(…). */
export function usesGgn(parsed: ParsedSpec): boolean {
  return parsed.equations.some((eq) => eq.grads.some((g) => g.op === 'ggn'));
}

/** Numeric values of every scalar the update uses (params, let symbols), k excluded. */
export type ParamValues = Record<string, number>;

/** Look up a built-in by name or accept a spec object; parse and validate. */
export function resolveMethod(method: string | MethodSpec): ParsedSpec {
  if (typeof method === 'string') {
    const spec = Object.hasOwn(BUILTIN_METHODS, method) ? BUILTIN_METHODS[method] : undefined;
    if (!spec)
      throw new SpecError(
        `unknown method ${quote(method, 40)} (built-ins: ${Object.keys(BUILTIN_METHODS).join(', ')}; or a spec .json file)`,
      );
    return parseSpec(spec);
  }
  return parseSpec(method);
}

/**
 * Resolve user values against a spec: defaults, then user values; each `let` symbol is computed
 * from its law unless the user set it directly (which overrides the scaling law, e.g. a fixed β).
 * Throws SpecError for unknown or missing parameters.
 */
export function resolveParams(parsed: ParsedSpec, user: ParamValues): ParamValues {
  const spec = parsed.spec;
  const letKeys = Object.keys(spec.let ?? {});
  for (const key of Object.keys(user)) {
    if (!spec.params.includes(key) && !letKeys.includes(key)) {
      throw new SpecError(
        `method '${spec.name}' has no parameter '${key}' (parameters: ${[...spec.params, ...letKeys].join(', ')})`,
      );
    }
    checkParamValue(key, user[key], `parameter '${key}'`);
  }
  const scope: ParamValues = { ...(spec.defaults ?? {}), ...user };
  for (const [key, expr] of Object.entries(spec.let ?? {})) {
    if (key in user) continue;
    const node = parse(expr);
    const needs: string[] = [];
    node.traverse((n) => {
      if (n.type === 'SymbolNode') {
        const s = (n as unknown as { name: string }).name;
        if (!(s in scope) && s !== 'pi' && s !== 'e' && !isFunctionName(n)) needs.push(s);
      }
    });
    if (needs.length > 0) continue; // only an error if the update actually needs this let symbol
    const v = node.compile().evaluate({ ...scope });
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new SpecError(
        `method '${spec.name}': ${key} = ${expr} is not a finite number at the given parameters`,
      );
    // A value computed by a law is not held to the domain of a value given directly: hb with γ√η > 1
    // runs with a negative momentum β = 1 − γ√η, a well-defined iteration (the golden first steps
    // include one), outside the ODE-limit scaling the law is for.
    scope[key] = v;
  }
  const missing = parsed.scalarSymbols.filter((s) => s !== 'k' && !(s in scope));
  if (missing.length > 0) {
    const hints = missing.map((s) =>
      spec.let && s in spec.let ? `${s} (or the parameters of ${s} = ${spec.let[s]})` : s,
    );
    throw new SpecError(`method '${spec.name}' needs a value for ${hints.join(', ')}`);
  }
  return scope;
}

/**
 * The spec with the `let` laws of `names` removed and those symbols made plain parameters: what a
 * user value for a let symbol means (it overrides the scaling law, e.g. a fixed β for heavy ball).
 * The numeric paths honour an override through resolveParams; the symbolic derivation reads the
 * spec, so it must be given this spec (with the law left in, the derived limit would silently be
 * the law's). Unchanged when no name is a let symbol.
 */
export function withFixedLets(spec: MethodSpec, names: Iterable<string>): MethodSpec {
  const laws = { ...(spec.let ?? {}) };
  const fixed = [...names].filter((k) => Object.hasOwn(laws, k));
  if (fixed.length === 0) return spec;
  for (const k of fixed) delete laws[k];
  const { let: _law, ...rest } = spec;
  void _law;
  return {
    ...rest,
    params: [...spec.params, ...fixed.filter((k) => !spec.params.includes(k))],
    ...(Object.keys(laws).length > 0 ? { let: laws } : {}),
  };
}

/** One line for a derivation that fails once `let` symbols are fixed (e.g. hb with a fixed β). */
export function fixedLetsMessage(
  spec: { name: string; time: string; let?: Record<string, string> },
  fixed: string[],
  err: Error,
): string {
  const laws = fixed.map((k) => `${k} = ${spec.let?.[k] ?? '?'}`).join(', ');
  return /too large for this update/.test(err.message)
    ? `with ${fixed.join(', ')} fixed (overriding ${laws}), ${spec.name} has no ODE limit on its time scale ${spec.time}: X does not move at leading order; a fixed momentum needs a time k*eta (e.g. the built-in hb-fixed)`
    : `with ${fixed.join(', ')} fixed (overriding ${laws}): ${err.message}`;
}

function isFunctionName(n: unknown): boolean {
  // SymbolNodes that are the callee of a FunctionNode are not traversed as free symbols by
  // mathjs' traverse in all versions; be conservative and accept known functions.
  return ALLOWED_FUNCTIONS.has((n as { name?: string }).name ?? '');
}

interface CompiledTerm {
  fn: EvalFunction;
  constant: number | null;
  text: string;
  ref: LinearTerm['ref'];
}

function compileTerms(terms: LinearTerm[], scope: ParamValues): CompiledTerm[] {
  return terms.map((t) => {
    const node = parse(t.coef);
    let usesK = false;
    node.traverse((n) => {
      if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'k') usesK = true;
    });
    const fn = node.compile();
    const constant = usesK ? null : (fn.evaluate({ ...scope }) as number);
    return { fn, constant, text: t.coef, ref: t.ref };
  });
}

/** A compiled method bound to parameter values. */
export class CompiledMethod {
  readonly parsed: ParsedSpec;
  readonly params: ParamValues;
  readonly equations: Array<{
    target: string;
    shift: 0 | 1;
    text: string;
    terms: CompiledTerm[];
    grads: Array<{
      id: number;
      pure: SeqRef | null;
      arg: CompiledTerm[];
      /** Set for a ggn(z, ε) call: ε compiled (k-independent). */
      ggn?: CompiledTerm;
    }>;
  }>;

  private readonly scope: Record<string, number>;

  constructor(parsed: ParsedSpec, params: ParamValues) {
    this.parsed = parsed;
    this.params = resolveParams(parsed, params);
    this.scope = { ...this.params, k: 0 };
    this.equations = parsed.equations.map((eq) => ({
      target: eq.target,
      shift: eq.shift,
      text: eq.text,
      terms: compileTerms(eq.terms, this.params),
      grads: eq.grads.map((g) => ({
        id: g.id,
        pure: g.pure,
        arg: compileTerms(g.arg, this.params),
        ...(g.op === 'ggn'
          ? {
              ggn: compileTerms(
                [{ coef: g.damping ?? '0', ref: { kind: 'seq', seq: { name: 'x', lag: 0 } } }],
                this.params,
              )[0],
            }
          : {}),
      })),
    }));
  }

  /** Coefficient value of a term at iteration k (throws on a non-finite value). */
  coef(term: CompiledTerm, k: number, eqText: string): number {
    let v: number;
    if (term.constant !== null) v = term.constant;
    else {
      // One scope object reused for every k-dependent coefficient (no copy per evaluation).
      this.scope.k = k;
      v = term.fn.evaluate(this.scope) as number;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SpecError(
        `method '${this.parsed.spec.name}': coefficient ${term.text} of '${eqText}' is not finite at k = ${k} (set "start" in the spec to begin later)`,
      );
    }
    return v;
  }

  /**
   * A stepper over vectors of length dim, starting at rest at x0. `vectors` (optional) lets an
   * engine keep the stepper's vectors in its own memory (e.g. WebAssembly memory its kernels read
   * and write in place) and do their linear combinations; default: plain Float64Arrays.
   */
  stepper(x0: Float64Array, vectors?: StepperVectors): Stepper {
    return new Stepper(this, x0, vectors);
  }
}

export function compileMethod(method: string | MethodSpec | ParsedSpec, params: ParamValues): CompiledMethod {
  const parsed = typeof method === 'object' && 'equations' in method ? method : resolveMethod(method);
  return new CompiledMethod(parsed, params);
}

/** Where a Stepper keeps its vectors (see CompiledMethod.stepper). */
export interface StepperVectors {
  /** A zeroed vector of length dim. */
  alloc(dim: number): Float64Array;
  /**
   * out = ((0 + cs[0]·vs[0]) + cs[1]·vs[1]) + … (term by term, in order), or return false to let
   * the stepper do it.
   */
  combine?(out: Float64Array, cs: number[], vs: Float64Array[]): boolean;
}

/**
 * Runs the update equations. History: for each sequence, the last maxLag+1 values in a ring.
 * Before the start every sequence equals its start value; an auxiliary that refers to its own
 * earlier value sees 0 there (a velocity starts at rest). Gradients at pure sequence values are
 * cached, so grad(x[k-1]) reuses the gradient computed one step earlier.
 */
export class Stepper {
  readonly method: CompiledMethod;
  dim: number;
  k: number;
  gradEvals = 0;
  private readonly hist = new Map<string, Float64Array[]>(); // index 0 = newest
  private readonly histIndex = new Map<string, number>(); // iteration index of newest
  private readonly gradCache = new Map<string, Float64Array>();
  private tmp: Float64Array;
  private gradTmp: Float64Array[];
  private spare: Float64Array[] = [];
  private readonly alloc: (dim: number) => Float64Array;
  private readonly vectors: StepperVectors | undefined;

  constructor(method: CompiledMethod, x0: Float64Array, vectors?: StepperVectors) {
    this.method = method;
    this.dim = x0.length;
    this.k = method.parsed.start;
    this.vectors = vectors;
    this.alloc = vectors ? (dim) => vectors.alloc(dim) : (dim) => new Float64Array(dim);
    const lagX = method.parsed.maxLag.x ?? 0;
    this.hist.set(
      'x',
      Array.from({ length: lagX + 1 }, () => this.copyOf(x0)),
    );
    this.histIndex.set('x', this.k);
    this.tmp = this.alloc(this.dim);
    const nGrads = Math.max(0, ...method.equations.map((e) => e.grads.length));
    this.gradTmp = Array.from({ length: nGrads }, () => this.alloc(this.dim));
  }

  private copyOf(v: Float64Array): Float64Array {
    const c = this.alloc(v.length);
    c.set(v);
    return c;
  }

  /** Current iterate x[k]. */
  get x(): Float64Array {
    return this.hist.get('x')![0];
  }

  /** Value of sequence `name` at iteration `index` (must be within the kept history). */
  value(name: string, index: number): Float64Array {
    const h = this.hist.get(name);
    if (!h) throw new Error(`sequence ${name} has no value yet`);
    const newest = this.histIndex.get(name)!;
    const back = newest - index;
    if (back < 0) throw new Error(`sequence ${name}[${index}] is not defined yet`);
    return h[Math.min(back, h.length - 1)];
  }

  private gradAt(key: string | null, z: Float64Array, grad: GradOracle, slot: number): Float64Array {
    // grad may be a ggn oracle bound to its ε (see step); keys of ggn calls start with 'ggn:'.
    if (key !== null) {
      const hit = this.gradCache.get(key);
      if (hit) return hit;
      const out = this.spare.pop() ?? this.alloc(this.dim);
      grad(z, out);
      this.gradEvals++;
      this.gradCache.set(key, out);
      return out;
    }
    const out = this.gradTmp[slot];
    grad(z, out);
    this.gradEvals++;
    return out;
  }

  private combine(
    terms: CompiledTerm[],
    k: number,
    eqText: string,
    grads: Float64Array[],
    out: Float64Array,
    self: string | null,
  ): void {
    const cs: number[] = [];
    const vs: Float64Array[] = [];
    for (const t of terms) {
      const c = this.method.coef(t, k, eqText);
      if (c === 0) continue;
      let v: Float64Array;
      if (t.ref.kind === 'grad') v = grads[t.ref.id];
      else {
        const ref = t.ref.seq;
        if (ref.name === self && !this.hist.has(ref.name)) continue; // own earlier value before the start: 0
        v = this.value(ref.name, k - ref.lag);
      }
      cs.push(c);
      vs.push(v);
    }
    if (!this.vectors?.combine?.(out, cs, vs)) combineInto(out, cs, vs);
  }

  /**
   * Overwrite the held value of sequence `name` at iteration `index` (within the kept history) and
   * forget any gradient cached there. Used to build companion matrices from unit history states.
   */
  setValue(name: string, index: number, values: ArrayLike<number>): void {
    if (values.length !== this.dim)
      throw new RangeError(`setValue: expected ${this.dim} values, got ${values.length}`);
    const h = this.hist.get(name);
    const newest = this.histIndex.get(name);
    if (!h || newest === undefined || newest - index < 0 || newest - index >= h.length) {
      throw new RangeError(`setValue: ${name}[${index}] is not in the kept history`);
    }
    h[newest - index].set(values);
    for (const key of [`${name}@${index}`, `ggn:${name}@${index}`]) {
      const cached = this.gradCache.get(key);
      if (cached) {
        this.gradCache.delete(key);
        this.spare.push(cached);
      }
    }
  }

  /**
   * One iteration: x[k] → x[k+1]. `ggn` answers the spec's ggn(z, ε) calls; a spec that calls ggn
   * without one is an error (never silently a gradient).
   */
  step(grad: GradOracle, ggn?: GgnOracle): void {
    const k = this.k;
    for (const eq of this.method.equations) {
      const grads: Float64Array[] = [];
      eq.grads.forEach((g, slot) => {
        let oracle = grad;
        let prefix = '';
        if (g.ggn) {
          if (!ggn)
            throw new SpecError(
              `method '${this.method.parsed.spec.name}' calls ggn(…), which this engine does not provide`,
            );
          const eps = this.method.coef(g.ggn, k, eq.text);
          if (eps < 0)
            throw new SpecError(
              `method '${this.method.parsed.spec.name}': the ggn damping ε = ${eps} is negative`,
            );
          oracle = (z, out) => ggn(z, eps, out);
          prefix = 'ggn:';
        }
        if (g.pure) {
          const idx = k - g.pure.lag;
          grads[g.id] = this.gradAt(
            `${prefix}${g.pure.name}@${idx}`,
            this.value(g.pure.name, idx),
            oracle,
            slot,
          );
        } else {
          this.combine(g.arg, k, eq.text, [], this.tmp, null);
          grads[g.id] = this.gradAt(null, this.tmp, oracle, slot);
        }
      });
      const name = eq.target;
      const target = this.spare.pop() ?? this.alloc(this.dim);
      this.combine(eq.terms, k, eq.text, grads, target, name === 'x' ? null : name);
      this.push(name, target, eq.shift === 1 ? k + 1 : k);
    }
    // Drop cached gradients that can no longer be referenced.
    for (const key of [...this.gradCache.keys()]) {
      const at = key.lastIndexOf('@');
      const name = key.slice(key.startsWith('ggn:') ? 4 : 0, at);
      const idx = Number(key.slice(at + 1));
      if (idx < k + 1 - (this.method.parsed.maxLag[name] ?? 0)) {
        this.spare.push(this.gradCache.get(key)!);
        this.gradCache.delete(key);
      }
    }
    this.k = k + 1;
  }

  /**
   * Every vector the stepper holds (history of each sequence, cached gradients), each once.
   * Engines that change coordinates between steps (the fast engine's dual frames) read them here.
   */
  heldVectors(): Float64Array[] {
    const seen = new Set<Float64Array>();
    for (const h of this.hist.values()) for (const v of h) seen.add(v);
    for (const v of this.gradCache.values()) seen.add(v);
    return [...seen];
  }

  /** A deep copy of the state (history, cached gradients, k), to go back to with restore(). */
  snapshot(): StepperSnapshot {
    const copy = new Map<Float64Array, Float64Array>();
    const dup = (v: Float64Array): Float64Array => {
      let c = copy.get(v);
      if (!c) copy.set(v, (c = Float64Array.from(v)));
      return c;
    };
    return {
      k: this.k,
      gradEvals: this.gradEvals,
      dim: this.dim,
      hist: new Map([...this.hist].map(([name, h]) => [name, h.map(dup)])),
      histIndex: new Map(this.histIndex),
      gradCache: new Map([...this.gradCache].map(([key, v]) => [key, dup(v)])),
    };
  }

  /** Return to a snapshot (taken at the same dimension). The snapshot is consumed. */
  restore(s: StepperSnapshot): void {
    if (s.dim !== this.dim) throw new Error('Stepper.restore: snapshot has another dimension');
    this.k = s.k;
    this.gradEvals = s.gradEvals;
    this.hist.clear();
    for (const [name, h] of s.hist) this.hist.set(name, h);
    this.histIndex.clear();
    for (const [name, i] of s.histIndex) this.histIndex.set(name, i);
    this.gradCache.clear();
    for (const [key, v] of s.gradCache) this.gradCache.set(key, v);
    this.spare = [];
  }

  /**
   * Change coordinates: replace every held vector v by f(v), of length `dim` (a vector held in
   * two places is mapped once). The update rules are linear, so any linear change of coordinates
   * commutes with them.
   */
  remap(dim: number, f: (v: Float64Array) => Float64Array): void {
    const mapped = new Map<Float64Array, Float64Array>();
    const g = (v: Float64Array): Float64Array => {
      let w = mapped.get(v);
      if (!w) {
        w = f(v);
        if (w.length !== dim) throw new Error(`Stepper.remap: vector of length ${w.length}, expected ${dim}`);
        mapped.set(v, w);
      }
      return w;
    };
    for (const [name, h] of this.hist) this.hist.set(name, h.map(g));
    for (const [key, v] of this.gradCache) this.gradCache.set(key, g(v));
    this.dim = dim;
    this.tmp = new Float64Array(dim);
    this.gradTmp = this.gradTmp.map(() => new Float64Array(dim));
    this.spare = [];
  }

  private push(name: string, v: Float64Array, index: number): void {
    const lag = this.method.parsed.maxLag[name] ?? 0;
    let h = this.hist.get(name);
    if (!h) {
      // First value of an auxiliary: its earlier values equal it (starts at rest).
      h = Array.from({ length: lag + 1 }, (_, i) => (i === 0 ? v : this.copyOf(v)));
      this.hist.set(name, h);
    } else {
      const old = h.pop()!;
      h.unshift(v);
      if (old !== v) this.spare.push(old);
    }
    this.histIndex.set(name, index);
  }
}

/** Saved state of a Stepper (see Stepper.snapshot). */
export interface StepperSnapshot {
  k: number;
  gradEvals: number;
  dim: number;
  hist: Map<string, Float64Array[]>;
  histIndex: Map<string, number>;
  gradCache: Map<string, Float64Array>;
}

/** Default parameter values for a spec's step symbol from a user-facing η. */
export function stepSymbol(spec: MethodSpec): string | null {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.step.trim()) ? spec.step.trim() : null;
}

/**
 * out = ((0 + c_0 v_0) + c_1 v_1) + …, in one pass for up to four terms (the same sums, term by
 * term in order, as a pass per term; a coefficient 1 adds v itself, as 1·v does). Large vectors
 * (the trainer's m·d or 2·m·n numbers) are bound by memory traffic, so one pass instead of four
 * matters.
 */
function combineInto(out: Float64Array, cs: number[], vs: Float64Array[]): void {
  const n = out.length;
  if (cs.length === 0) {
    out.fill(0);
    return;
  }
  if (cs.length === 1) {
    const [a] = cs;
    const [v] = vs;
    for (let i = 0; i < n; i++) out[i] = 0 + a * v[i];
    return;
  }
  if (cs.length === 2) {
    const [a, b] = cs;
    const [v, w] = vs;
    for (let i = 0; i < n; i++) out[i] = 0 + a * v[i] + b * w[i];
    return;
  }
  if (cs.length === 3) {
    const [a, b, c] = cs;
    const [v, w, x] = vs;
    for (let i = 0; i < n; i++) out[i] = 0 + a * v[i] + b * w[i] + c * x[i];
    return;
  }
  if (cs.length === 4) {
    const [a, b, c, f] = cs;
    const [v, w, x, y] = vs;
    for (let i = 0; i < n; i++) out[i] = 0 + a * v[i] + b * w[i] + c * x[i] + f * y[i];
    return;
  }
  out.fill(0);
  for (let t = 0; t < cs.length; t++) {
    const c = cs[t];
    const v = vs[t];
    for (let i = 0; i < n; i++) out[i] += c * v[i];
  }
}
