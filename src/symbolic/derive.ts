/**
 * Derive the continuous-time limit of a method from its spec (no table of known ODEs):
 *   1. time(k) is linear in k: h = time(k+1) − time(k), t0 = time(0), k = (t − t0)/h; the step
 *      parameter is written as a power of h (s = h² for h = √s).
 *   2. x[k+j] → Taylor series of X(t + jh); auxiliaries (y, z, …) are eliminated by substituting
 *      their definitions, shifted in k (coefficients too: k → k − lag).
 *   3. grad(X + δ) = ∇f(X) + ∇²f(X)δ + ½D³f(X)[δ,δ] + … with ∇f, ∇²f formal.
 *   4. Every coefficient (let laws substituted) is expanded in powers of h.
 *   5. x[k+1] − RHS = Σ_n h^n E_n: the lowest n whose E_n holds a derivative term is the
 *      low-resolution ODE; E_(n+1) adds the high-resolution terms. The highest derivative of the
 *      low-resolution ODE is normalised to coefficient 1 (dividing by its full coefficient and
 *      re-truncating, as Shi, Du, Jordan & Su do).
 */
import { parse, derivative, simplify, type MathNode } from 'mathjs';
import type { MethodSpec, ParsedEquation, ParsedSpec, LinearTerm } from '../spec/types.ts';
import { SpecError } from '../spec/parse.ts';
import { resolveMethod } from '../spec/compile.ts';
import * as C from './cas.ts';
import {
  SeriesError,
  coefAt,
  constant,
  divS,
  isZeroSeries,
  monomial,
  negS,
  subS,
  type Series,
} from './series.ts';
import { expandScalar, type SeriesEnv } from './expand-scalar.ts';
import {
  addV,
  derivativeKey,
  derivativeOrder,
  gradAt,
  precisionV,
  scaleV,
  taylorShift,
  type VectorSeries,
} from './vector-series.ts';
import type { DerivedOde } from './types.ts';
import { formatOde, formatLatex, orderedKeys } from './format.ts';

export interface DeriveOptions {
  resolution?: 'low' | 'high';
  /** Record readable intermediate steps in trace.steps (costs time; the CLI's --steps). */
  steps?: boolean;
}

/** The intermediate results of a derivation, kept for docs, debugging and the CLI. */
export interface DerivationTrace {
  /** Expansion parameter h (spec symbols). */
  h: string;
  /** time(0). */
  t0: string;
  /** The step parameter and its expression in h, e.g. ["s", "h^2"]. */
  stepInH: [string, string];
  /** k in terms of t and h. */
  k: string;
  /** Leading power of h. */
  lead: number;
  /** E_n (n = lead, lead+1): key → coefficient (spec symbols, h not substituted). */
  orders: Array<{ power: number; terms: Record<string, string> }>;
  /** Readable intermediate steps (series in h written out), in the order the engine takes them. */
  steps: Array<{ what: string; value: string }>;
}

export interface DerivedOdeWithTrace extends DerivedOde {
  trace: DerivationTrace;
}

const cache = new Map<string, DerivedOdeWithTrace>();

export function deriveOde(method: string | MethodSpec, opts: DeriveOptions = {}): DerivedOde {
  return deriveOdeWithTrace(method, opts);
}

export function deriveOdeWithTrace(
  method: string | MethodSpec,
  opts: DeriveOptions = {},
): DerivedOdeWithTrace {
  const resolution = opts.resolution ?? 'low';
  const withSteps = opts.steps === true;
  const key = `${resolution}|${withSteps}|${typeof method === 'string' ? method : JSON.stringify(method)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const parsed = resolveMethod(method);
  const R = resolution === 'high' ? 1 : 0;
  let result: DerivedOdeWithTrace | null = null;
  for (let cap = 5; cap <= 12 && !result; cap += 1) {
    result = attempt(parsed, resolution, R, cap, withSteps);
  }
  if (!result)
    throw new SpecError(
      `method '${parsed.spec.name}': the expansion did not reach the needed order in h (tried up to h^12)`,
    );
  cache.set(key, result);
  return result;
}

/** "c0 + c1*h + … + O(h^p)" for a scalar series (terms below h^upTo). */
function seriesText(x: Series, upTo: number, name: (c: string) => string): string {
  const parts: string[] = [];
  const end = Math.min(x.prec, Math.max(upTo, x.val + 1));
  for (let n = x.val; n < end; n++) {
    const c = coefAt(x, n);
    if (C.isZero(c)) continue;
    const ct = name(c);
    const hp = n === 0 ? '' : n === 1 ? 'h' : `h^${n}`;
    parts.push(
      hp === ''
        ? ct
        : ct === '1'
          ? hp
          : `${/^[A-Za-z0-9_.]+$/.test(ct) || /^\(.*\)$/.test(ct) ? ct : `(${ct})`}*${hp}`,
    );
  }
  let out = parts.length === 0 ? '0' : parts.join(' + ').replace(/\+ -/g, '- ');
  if (Number.isFinite(x.prec)) out += ` + O(h^${x.prec})`;
  return out;
}

/** "h^n·[c·key + …] + …" for a vector series, grouped by power (terms below h^upTo). */
function vectorText(x: VectorSeries, upTo: number, name: (c: string) => string): string {
  const keys = orderedKeys([...x.terms.keys()]);
  let lo = Infinity;
  for (const k of keys) if (x.terms.get(k)!.coefs.length > 0) lo = Math.min(lo, x.terms.get(k)!.val);
  const prec = precisionV(x);
  const groups: string[] = [];
  for (let n = Number.isFinite(lo) ? lo : 0; n < Math.min(prec, upTo); n++) {
    const inner: string[] = [];
    for (const k of keys) {
      const c = coefAt(x.terms.get(k)!, n);
      if (C.isZero(c)) continue;
      const ct = name(c);
      inner.push(
        ct === '1' ? k : ct === '-1' ? `-${k}` : `${/^[A-Za-z0-9_.]+$/.test(ct) ? ct : `(${ct})`}*${k}`,
      );
    }
    if (inner.length === 0) continue;
    const body = inner.join(' + ').replace(/\+ -/g, '- ');
    groups.push(`${n === 0 ? '' : n === 1 ? 'h*' : `h^${n}*`}[${body}]`);
  }
  return `${groups.length === 0 ? '0' : groups.join(' + ')} + O(h^${Math.min(prec, upTo)})`;
}

function negV(a: VectorSeries): VectorSeries {
  return { terms: new Map([...a.terms].map(([k, s]) => [k, negS(s)])), prec: a.prec };
}

/** Internal names for spec symbols (nerdamer has functions named gamma, beta, …). */
interface Naming {
  toInternal: Map<string, string>;
  toSpec: Map<string, string>;
}

function makeNaming(spec: MethodSpec): Naming {
  const toInternal = new Map<string, string>();
  const toSpec = new Map<string, string>();
  const names = [...spec.params, ...Object.keys(spec.let ?? {})];
  names.forEach((n, i) => {
    toInternal.set(n, `q${i}q`);
    toSpec.set(`q${i}q`, n);
  });
  toSpec.set('t', 't');
  return { toInternal, toSpec };
}

/** mathjs text without spaces around * / ^ (mathjs puts them there). */
export function compact(text: string): string {
  return text.replace(/ ([*/^]) /g, '$1');
}

/**
 * Rename internal symbols back to the spec's and choose the shortest of a few equivalent forms
 * (nerdamer's text, nerdamer's factor / expand, mathjs' simplify), each checked equal numerically.
 */
const specTextCache = new Map<string, string>();

/** level 0: renamed and tidied by mathjs once; 1: also nerdamer's expansion; 2: also nerdamer's simplify. */
function toSpecText(expr: string, naming: Naming, level: 0 | 1 | 2 = 1): string {
  const cacheKey = `${level}|${[...naming.toSpec].map(([a, b]) => `${a}=${b}`).join(',')}|${expr}`;
  const hit = specTextCache.get(cacheKey);
  if (hit !== undefined) return hit;
  const out = toSpecTextUncached(expr, naming, level);
  specTextCache.set(cacheKey, out);
  return out;
}

function toSpecTextUncached(expr: string, naming: Naming, level: 0 | 1 | 2): string {
  const rename = (text: string): MathNode =>
    parse(text).transform((n, path, parent) => {
      if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
        const back = naming.toSpec.get((n as unknown as { name: string }).name);
        if (back) return parse(back);
      }
      return n;
    });
  const plain = compact(rename(expr).toString());
  let best = plain;
  const consider = (text: string | null): void => {
    if (text === null) return;
    const c = compact(text);
    const cost = (x: string): number => x.length + (x.includes('*-') ? 12 : 0);
    if (cost(c) < cost(best) && C.numericallyEqual(c, plain)) best = c;
  };
  const forms = level === 0 ? [expr] : [expr, C.expand(expr)];
  if (level === 2 && /[+]|\)-|[a-z0-9]-/.test(expr)) forms.push(C.simplifyCoef(expr));
  for (const form of forms) {
    try {
      consider(rename(form).toString());
      consider(simplify(rename(form)).toString());
    } catch {
      // a form mathjs cannot read: skip it
    }
  }
  return best;
}

function specError(parsed: ParsedSpec, msg: string): SpecError {
  return new SpecError(`method spec '${parsed.spec.name}': ${msg}`);
}

interface TimeScale {
  hText: string;
  t0Text: string;
  stepParam: string;
  /** step parameter = stepCoef · h^stepPower */
  stepPower: number;
  stepCoefText: string;
}

/** Check time(k) is linear in k and write the step parameter as a power of h. */
function analyseTime(parsed: ParsedSpec): TimeScale {
  const spec = parsed.spec;
  const timeNode = parse(spec.time);
  const f = timeNode.compile();
  const params = spec.params;
  const scopeAt = (seed: number, over: Record<string, number> = {}): Record<string, number> => {
    const sc: Record<string, number> = {};
    params.forEach((p, i) => (sc[p] = 0.013 + 0.0071 * ((seed * 7 + i * 3) % 11)));
    return { ...sc, ...over };
  };
  for (const seed of [1, 2]) {
    const sc = scopeAt(seed);
    const v = [0, 1, 2, 7].map((k) => f.evaluate({ ...sc, k }) as number);
    const d = v[1] - v[0];
    if (!(
      Math.abs(v[2] - 2 * v[1] + v[0]) <= 1e-12 * (1 + Math.abs(d)) &&
      Math.abs(v[3] - v[0] - 7 * d) <= 1e-11 * (1 + Math.abs(d))
    )) {
      throw specError(parsed, `time '${spec.time}' must be linear in k (time(k) = t0 + k·h)`);
    }
  }
  const hNode = simplify(derivative(timeNode, 'k'));
  const t0Node = simplify(
    timeNode.transform((n) =>
      n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'k' ? parse('0') : n,
    ),
  );
  const hFree = C.freeSymbols(hNode.toString()).filter(
    (s) => params.includes(s) || (spec.let && s in spec.let),
  );
  if (hFree.length === 0) {
    throw specError(
      parsed,
      `time '${spec.time}': the increment h = ${hNode.toString()} does not depend on a parameter, so there is no limit h → 0`,
    );
  }
  const step =
    params.includes(spec.step) && hFree.includes(spec.step)
      ? spec.step
      : hFree.length === 1
        ? hFree[0]
        : null;
  if (!step)
    throw specError(
      parsed,
      `time '${spec.time}': cannot tell which parameter h = ${hNode.toString()} is a power of (make it a power of the step '${spec.step}')`,
    );
  if (!params.includes(step))
    throw specError(
      parsed,
      `time '${spec.time}': h must be a power of a parameter, not of the let symbol '${step}'`,
    );
  const hf = hNode.compile();
  let a: number | null = null;
  for (const seed of [3, 4]) {
    const sc = scopeAt(seed);
    const h1 = hf.evaluate({ ...sc, [step]: 0.01 }) as number;
    const h2 = hf.evaluate({ ...sc, [step]: 0.04 }) as number;
    const ai = Math.log(h2 / h1) / Math.log(4);
    if (!Number.isFinite(ai) || (a !== null && Math.abs(ai - a) > 1e-9)) a = NaN;
    else a = ai;
  }
  if (a === null || !Number.isFinite(a) || a <= 0) {
    throw specError(
      parsed,
      `time '${spec.time}': h = ${hNode.toString()} must be a positive power of '${step}' (times other parameters)`,
    );
  }
  const n = 1 / a;
  if (Math.abs(n - Math.round(n)) > 1e-9) {
    throw specError(
      parsed,
      `time '${spec.time}': '${step}' = (h/c)^${n.toFixed(3)} is not an integer power of h = ${hNode.toString()}`,
    );
  }
  const aText = Math.abs(a - 1 / Math.round(n)) < 1e-12 ? `1/${Math.round(n)}` : String(a);
  const coefNode = simplify(parse(`(${hNode.toString()}) / (${step})^(${aText})`));
  return {
    hText: hNode.toString(),
    t0Text: t0Node.toString(),
    stepParam: step,
    stepPower: Math.round(n),
    stepCoefText: coefNode.toString(),
  };
}

/** Rewrite a mathjs expression in spec symbols to internal names. */
function internalText(text: string, naming: Naming): string {
  return parse(text)
    .transform((n, path, parent) => {
      if (n.type === 'SymbolNode' && !(parent && parent.type === 'FunctionNode' && path === 'fn')) {
        const v = naming.toInternal.get((n as unknown as { name: string }).name);
        if (v) return parse(v);
      }
      return n;
    })
    .toString();
}

/** What one derivation attempt (one truncation order `cap`) shares between its steps. */
interface Attempt {
  parsed: ParsedSpec;
  naming: Naming;
  ts: TimeScale;
  /** Series are truncated at h^cap. */
  cap: number;
  /** Readable intermediate steps (only filled when the caller asked for them). */
  steps: Array<{ what: string; value: string }>;
  record: (what: string, value: () => string) => void;
  sText: (x: Series, upTo: number) => string;
  vText: (x: VectorSeries, upTo: number) => string;
}

function newAttempt(parsed: ParsedSpec, cap: number, withSteps: boolean): Attempt {
  const naming = makeNaming(parsed.spec);
  const hNaming: Naming = { ...naming, toSpec: new Map([...naming.toSpec, ['h', 'h']]) };
  const steps: Array<{ what: string; value: string }> = [];
  return {
    parsed,
    naming,
    ts: analyseTime(parsed),
    cap,
    steps,
    record: (what, value) => {
      if (withSteps) steps.push({ what, value: value() });
    },
    sText: (x, upTo) => (withSteps ? seriesText(x, upTo, (c) => toSpecText(c, hNaming, 2)) : ''),
    vText: (x, upTo) => (withSteps ? vectorText(x, upTo, (c) => toSpecText(c, hNaming, 2)) : ''),
  };
}

/** Steps 1 and 4: the time scale as series in h, and every coefficient (let laws substituted) in powers of h. */
interface CoefficientSeries {
  /** The step parameter as a series: step = (h/c)^n. */
  stepSeries: Series;
  /** k = (t − t0)/h. */
  kSeries: Series;
  /** The coefficient text `coef` of an equation, at iteration k − lag, as a series in h. */
  coefSeries: (coef: string, lag: number, where: string) => Series;
}

function coefficientSeries(a: Attempt): CoefficientSeries {
  const { parsed, naming, ts, cap, record, sText } = a;
  const spec = parsed.spec;
  const letSeries = new Map<string, Series>();
  const letBusy = new Set<string>();
  // step = c·h^n  ⇒  with h = c·step^(1/n): step = (h/c)^n
  const cInternal = C.canon(internalText(ts.stepCoefText, naming));
  const stepSeries = monomial(C.canon(`(${cInternal})^(-${ts.stepPower})`), ts.stepPower);
  const expandWhere = (node: MathNode, env: SeriesEnv, where: string): Series => {
    try {
      return expandScalar(node, env, cap);
    } catch (err) {
      if (err instanceof SeriesError) throw specError(parsed, `${where}: ${err.message}`);
      throw err;
    }
  };
  /** Series of each symbol; let laws may use k, so they are expanded per shift of k (lagKey). */
  const envWith = (kSeries: Series | null, lagKey: string): SeriesEnv => {
    const env: SeriesEnv = (name: string): Series | null => {
      if (name === 't') return constant('t');
      if (name === 'k') return kSeries;
      if (name === ts.stepParam) return stepSeries;
      if (spec.let && name in spec.let) {
        const key = `${lagKey}|${name}`;
        const hit = letSeries.get(key);
        if (hit) return hit;
        if (letBusy.has(key)) throw specError(parsed, `let ${name} refers to itself`);
        letBusy.add(key);
        const s = expandWhere(parse(spec.let[name]), env, `let ${name} = ${spec.let[name]}`);
        letBusy.delete(key);
        letSeries.set(key, s);
        record(
          `let ${name} = ${spec.let[name]}${lagKey === '0' || lagKey === 'base' ? '' : ` at k−${lagKey}`}`,
          () => sText(s, 3),
        );
        return s;
      }
      if (spec.params.includes(name)) return constant(naming.toInternal.get(name)!);
      return null;
    };
    return env;
  };
  const baseEnv = envWith(null, 'base');
  const t0Series = expandWhere(parse(ts.t0Text), baseEnv, `time(0) = ${ts.t0Text}`);
  const hSeries = monomial('1', 1);
  // k = (t − t0)/h
  const kSeries = divS(subS(constant('t'), t0Series), hSeries, cap);
  const envCache = new Map<number, SeriesEnv>();
  const envAtLag = (lag: number): SeriesEnv => {
    let env = envCache.get(lag);
    if (!env) {
      env = envWith(lag === 0 ? kSeries : subS(kSeries, constant(C.num(lag))), String(lag));
      envCache.set(lag, env);
    }
    return env;
  };
  const coefCache = new Map<string, Series>();
  const coefSeries = (coef: string, lag: number, where: string): Series => {
    const key = `${lag}|${coef}`;
    const hit = coefCache.get(key);
    if (hit) return hit;
    const s = expandWhere(parse(coef), envAtLag(lag), `${where}: coefficient '${coef}'`);
    coefCache.set(key, s);
    if (s.val !== 0 || s.coefs.length > 1 || s.prec !== Infinity) {
      record(`coefficient ${coef}${lag === 0 ? '' : ` at k−${lag}`}`, () => sText(s, 3));
    }
    return s;
  };
  return { stepSeries, kSeries, coefSeries };
}

/** A self-recursive auxiliary v eliminated through x[k+1] = (terms free of v) + c·v[k]. */
interface Inversion {
  name: string;
  coef: string;
  others: LinearTerm[];
}

function refersTo(eq: ParsedEquation, name: string): boolean {
  return (
    eq.terms.some((t) => t.ref.kind === 'seq' && t.ref.seq.name === name) ||
    eq.grads.some((g) => g.arg.some((t) => t.ref.kind === 'seq' && t.ref.seq.name === name))
  );
}

/**
 * Step 2, the case substitution cannot handle. A self-recursive auxiliary (v[k] = β v[k−1] +
 * grad(x[k]), PyTorch's momentum buffer) cannot be unrolled by substitution; when x[k+1] = (terms
 * free of v) + c·v[k], it is eliminated the other way: v[k−j] = (x[k+1−j] − (terms free of v)(k−j)) /
 * c(k−j), and v's own equation is expanded instead. Null when no auxiliary refers to itself.
 */
function selfRecursiveInversion(
  parsed: ParsedSpec,
  eqByTarget: Map<string, ParsedEquation>,
  xEq: ParsedEquation,
): Inversion | null {
  const recursive = parsed.auxiliaries.filter((a) => refersTo(eqByTarget.get(a)!, a));
  if (recursive.length === 0) return null;
  const dependsOn = (name: string, target: string, seen = new Set<string>()): boolean => {
    if (name === target) return true;
    if (name === 'x' || seen.has(name)) return false;
    seen.add(name);
    const eq = eqByTarget.get(name)!;
    const refs = [...eq.terms, ...eq.grads.flatMap((g) => g.arg)]
      .filter((t) => t.ref.kind === 'seq')
      .map((t) => (t.ref as { seq: { name: string } }).seq.name);
    return refs.some((r) => r !== name && dependsOn(r, target, seen));
  };
  const v = recursive[0];
  const vEq = eqByTarget.get(v)!;
  const cannot = (why: string): SpecError =>
    specError(
      parsed,
      `equation ${vEq.index + 1} '${vEq.text}': auxiliary '${v}' refers to its own earlier values, and ${why}`,
    );
  if (recursive.length > 1)
    throw cannot(`so does '${recursive[1]}': only one self-recursive auxiliary can be eliminated`);
  const vTerms = xEq.terms.filter((t) => t.ref.kind === 'seq' && t.ref.seq.name === v);
  if (vTerms.length !== 1 || (vTerms[0].ref.kind === 'seq' && vTerms[0].ref.seq.lag !== 0)) {
    throw cannot(`x[k+1] does not use it exactly once, as ${v}[k], so it cannot be solved for`);
  }
  const others = xEq.terms.filter((t) => t !== vTerms[0]);
  const otherDeps = [...others, ...xEq.grads.flatMap((g) => g.arg)].some(
    (t) => t.ref.kind === 'seq' && dependsOn(t.ref.seq.name, v),
  );
  if (otherDeps || xEq.grads.some((g) => g.arg.some((t) => t.ref.kind === 'seq' && t.ref.seq.name === v))) {
    throw cannot(`the rest of the x[k+1] equation depends on it too, so it cannot be solved for`);
  }
  for (const eq of parsed.equations) {
    if (eq !== vEq && eq !== xEq && refersTo(eq, v))
      throw cannot(`equation ${eq.index + 1} uses it as well (not supported)`);
  }
  return { name: v, coef: vTerms[0].coef, others };
}

/**
 * Steps 2 and 3: every sequence value as a vector series in h — x[k+j] as the Taylor series of
 * X(t + jh), auxiliaries by substituting their (shifted) definitions, grad(X + δ) expanded around X.
 * Returns the right-hand side of an equation at iteration k − lag.
 */
function sequenceSeries(
  a: Attempt,
  coefs: CoefficientSeries,
  eqByTarget: Map<string, ParsedEquation>,
  xEq: ParsedEquation,
  inverted: Inversion | null,
): {
  seqValue: (name: string, lag: number) => VectorSeries;
  rhsValue: (eq: ParsedEquation, lag: number) => VectorSeries;
} {
  const { parsed, cap, record, vText } = a;
  const { coefSeries } = coefs;
  const valueCache = new Map<string, VectorSeries>();
  const busy = new Set<string>();
  /** The vector name[k − lag] as a series (x: Taylor; auxiliaries: their shifted definition). */
  const seqValue = (name: string, lag: number): VectorSeries => {
    if (name === 'x') return taylorShift(-lag, cap);
    const key = `${name}|${lag}`;
    const hit = valueCache.get(key);
    if (hit) return hit;
    const eq = eqByTarget.get(name);
    if (!eq) throw specError(parsed, `unknown sequence '${name}'`);
    let v: VectorSeries;
    if (inverted && name === inverted.name) {
      const where = `equation ${xEq.index + 1} '${xEq.text}'`;
      const rest = linearValue(inverted.others, xEq, lag, where);
      const diff = addV(taylorShift(1 - lag, cap), negV(rest), cap);
      v = scaleV(diff, divS(constant('1'), coefSeries(inverted.coef, lag, where), cap), cap);
    } else {
      if (busy.has(name))
        throw specError(
          parsed,
          `equation ${eq.index + 1} '${eq.text}': auxiliary '${name}' refers to itself through other ` +
            `auxiliaries; the derivation cannot unroll that recursion`,
        );
      busy.add(name);
      v = rhsValue(eq, lag);
      busy.delete(name);
    }
    valueCache.set(key, v);
    record(`${name}[k${lag === 0 ? '' : `-${lag}`}]`, () => vText(v, 4));
    return v;
  };
  const rhsValue = (eq: ParsedEquation, lag: number): VectorSeries => {
    const where = `equation ${eq.index + 1} '${eq.text}'`;
    return linearValue(eq.terms, eq, lag, where);
  };
  const linearValue = (terms: LinearTerm[], eq: ParsedEquation, lag: number, where: string): VectorSeries => {
    let acc: VectorSeries = { terms: new Map(), prec: Infinity };
    for (const term of terms) {
      const c = coefSeries(term.coef, lag, where);
      let v: VectorSeries;
      if (term.ref.kind === 'seq') {
        v = seqValue(term.ref.seq.name, term.ref.seq.lag + lag);
      } else {
        const id = term.ref.id;
        const call = eq.grads.find((g) => g.id === id)!;
        const arg = linearValue(call.arg, eq, lag, `${where}: ${call.text}`);
        try {
          v = gradAt(arg, cap, `${where}: ${call.text}`);
          const gv = v;
          record(`${call.text}${lag === 0 ? '' : ` at k−${lag}`}`, () => vText(gv, 4));
        } catch (err) {
          if (err instanceof SeriesError) throw specError(parsed, err.message);
          throw err;
        }
      }
      acc = addV(acc, scaleV(v, c, cap), cap);
    }
    return acc;
  };
  return { seqValue, rhsValue };
}

/**
 * Step 5a: the leading order of E = Σ_n h^n E_n, the lowest n whose E_n holds a derivative of X.
 * Null when the computed orders do not reach it (the caller raises the cap); throws SpecError for an
 * update that is inconsistent or on the wrong time scale.
 */
function leadingOrder(a: Attempt, E: VectorSeries, keys: string[], R: number, where: string): number | null {
  const { parsed, naming, cap } = a;
  const spec = parsed.spec;
  const prec = precisionV(E);
  let lowest = Infinity;
  for (const k of keys) lowest = Math.min(lowest, E.terms.get(k)!.val);
  let lead: number | null = null;
  for (let n = Number.isFinite(lowest) ? lowest : prec; n < prec; n++) {
    const present = keys.filter((k) => !C.isZero(coefAt(E.terms.get(k)!, n)));
    if (present.length === 0) continue;
    const derivs = present.filter((k) => (derivativeOrder(k) ?? 0) >= 1);
    if (present.includes('X')) {
      throw specError(
        parsed,
        `${where}: not consistent: at order h^${n} the update keeps a multiple of X(t) itself ` +
          `(coefficient ${toSpecText(coefAt(E.terms.get('X')!, n), naming)}), so it does not reduce to ` +
          `x[k+1] = x[k] as h → 0`,
      );
    }
    if (derivs.length === 0) {
      throw specError(
        parsed,
        `${where}: at order h^${n} the equation is ${present.join(' + ')} = 0 without a derivative of ` +
          `X: the time increments of time '${spec.time}' are too small for this update (try a lower ` +
          `power of the step)`,
      );
    }
    lead = n;
    break;
  }
  if (lead === null) {
    if (prec >= cap) return null; // nothing found within the computed orders: go further
    throw specError(parsed, `${where}: no derivative term up to h^${prec - 1}`);
  }
  if (lead + R >= prec) return null; // not precise enough: raise the cap
  const leadTerms = keys.filter((k) => !C.isZero(coefAt(E.terms.get(k)!, lead)));
  if (!leadTerms.some((k) => derivativeOrder(k) === null)) {
    const d = leadTerms.map((k) => k).join(', ');
    throw specError(
      parsed,
      `${where}: at the leading order h^${lead} only ${d} appears, so X does not move on this time ` +
        `scale (the gradient enters at a higher order): the time increments of time '${spec.time}' are ` +
        `too large for this update (try a higher power of the step, e.g. ${largerPowerTime(spec)})`,
    );
  }
  return lead;
}

/**
 * Step 5b: the ODE's terms from E_lead (and E_(lead+1) at high resolution), normalised so that the
 * highest derivative has coefficient 1 (dividing by its full coefficient and re-truncating).
 */
function normalisedTerms(
  a: Attempt,
  E: VectorSeries,
  keys: string[],
  lead: number,
  R: number,
): { terms: Record<string, string>; order: number } {
  const { naming, ts } = a;
  const leadTerms = keys.filter((k) => !C.isZero(coefAt(E.terms.get(k)!, lead)));
  // X(t) itself at the next order spoils the high-resolution ODE as well (reported as a term "X").
  const top = Math.max(...leadTerms.map((k) => derivativeOrder(k) ?? -1));
  const topKey = derivativeKey(top);
  const truncated = (k: string): Series => {
    const s = E.terms.get(k);
    const coefs: string[] = [];
    for (let i = 0; i <= R; i++) coefs.push(s ? coefAt(s, lead + i) : '0');
    return { val: 0, coefs, prec: R + 1 };
  };
  const norm = truncated(topKey);
  const termKeys = orderedKeys(
    keys.filter((k) => {
      for (let i = 0; i <= R; i++) if (!C.isZero(coefAt(E.terms.get(k)!, lead + i))) return true;
      return false;
    }),
  );
  const hInternal = internalText(ts.hText, naming);
  const terms: Record<string, string> = {};
  let order = 0;
  const finalKeys = new Set<string>(termKeys);
  for (let j = 1; j <= top; j++) finalKeys.add(derivativeKey(j));
  finalKeys.add('grad');
  finalKeys.add("hess*X'");
  for (const k of orderedKeys([...finalKeys])) {
    let coef = '0';
    if (termKeys.includes(k)) {
      const s = k === topKey ? constant('1') : divS(truncated(k), norm, R + 1);
      const pieces: string[] = [];
      let poly = '0';
      for (let i = 0; i <= R; i++) {
        const c = coefAt(s, i);
        if (C.isZero(c)) continue;
        const hi = i === 0 ? '1' : C.canon(`(${hInternal})^${i}`);
        poly = C.add(poly, C.mul(c, hi));
        const ct = toSpecText(c, naming, 2);
        const ht = i === 0 ? '' : compact(parse(toSpecText(hi, naming, 0)).toString());
        if (i === 0) pieces.push(ct);
        else if (ct === '1' || ct === '-1') pieces.push(`${ct === '-1' ? '-' : ''}${ht}`);
        else pieces.push(`${/^[A-Za-z0-9_.]+$/.test(ct) || /^[^+-]*$/.test(ct) ? ct : `(${ct})`}*${ht}`);
      }
      if (C.isZero(poly)) coef = '0';
      else {
        const joined = pieces.join(' + ').replace(/\+ -/g, '- ');
        const onlyConstant = pieces.length === 1 && C.isZero(C.sub(poly, coefAt(s, 0)));
        const whole = onlyConstant ? joined : toSpecText(poly, naming);
        coef = whole.length < joined.length && C.numericallyEqual(whole, joined) ? whole : joined;
      }
    }
    terms[k] = coef;
    const j = derivativeOrder(k);
    if (j !== null && coef !== '0') order = Math.max(order, j);
  }
  return { terms, order };
}

/** The trace of a successful attempt: time scale, leading orders E_lead, E_(lead+1), steps. */
function derivationTrace(
  a: Attempt,
  coefs: CoefficientSeries,
  E: VectorSeries,
  keys: string[],
  lead: number,
  withSteps: boolean,
): DerivationTrace {
  const { naming, ts } = a;
  const prec = precisionV(E);
  const hNaming: Naming = { ...naming, toSpec: new Map([...naming.toSpec, ['h', 'h']]) };
  const orders: DerivationTrace['orders'] = [];
  for (let i = 0; i <= 1 && lead + i < prec; i++) {
    const rec: Record<string, string> = {};
    for (const k of orderedKeys(keys)) {
      const c = coefAt(E.terms.get(k)!, lead + i);
      if (!C.isZero(c)) rec[k] = toSpecText(c, naming, withSteps ? 2 : 0);
    }
    orders.push({ power: lead + i, terms: rec });
  }
  const kText = toSpecText(
    C.add(C.mul(coefAt(coefs.kSeries, -1), 'h^(-1)'), coefAt(coefs.kSeries, 0)),
    hNaming,
    0,
  );
  return {
    h: ts.hText,
    t0: ts.t0Text,
    stepInH: [
      ts.stepParam,
      toSpecText(C.mul(coefAt(coefs.stepSeries, ts.stepPower), `h^${ts.stepPower}`), hNaming, 0),
    ],
    k: kText,
    lead,
    orders,
    steps: a.steps,
  };
}

/**
 * One derivation with series truncated at h^cap, along the five steps of the module comment. Null
 * when the truncation is too short to see the leading order (deriveOdeWithTrace retries with a
 * larger cap).
 */
function attempt(
  parsed: ParsedSpec,
  resolution: 'low' | 'high',
  R: number,
  cap: number,
  withSteps: boolean,
): DerivedOdeWithTrace | null {
  const spec = parsed.spec;
  // 1. time scale (h, t0, the step as a power of h) and 4. coefficients as series in h
  const a = newAttempt(parsed, cap, withSteps);
  const coefs = coefficientSeries(a);
  // 2–3. x[k+j] as Taylor series, auxiliaries substituted (or inverted), gradients expanded
  const eqByTarget = new Map<string, ParsedEquation>();
  for (const eq of parsed.equations) if (eq.shift === 0) eqByTarget.set(eq.target, eq);
  const xEq = parsed.equations[parsed.equations.length - 1];
  const inverted = selfRecursiveInversion(parsed, eqByTarget, xEq);
  const { seqValue, rhsValue } = sequenceSeries(a, coefs, eqByTarget, xEq, inverted);
  // 5. E = x[k+1] − RHS (or v[k] − RHS_v for an eliminated self-recursive auxiliary v) = Σ_n h^n E_n
  const mainEq = inverted ? eqByTarget.get(inverted.name)! : xEq;
  const lhs = inverted ? seqValue(inverted.name, 0) : taylorShift(1, cap);
  const E = addV(lhs, negV(rhsValue(mainEq, 0)), cap);
  a.record(inverted ? `${inverted.name}[k] − RHS` : 'x[k+1] − RHS', () => a.vText(E, 4));
  const where = `equation ${mainEq.index + 1} '${mainEq.text}'`;
  const keys = [...E.terms.keys()].filter((k) => !isZeroSeries(E.terms.get(k)!));
  const lead = leadingOrder(a, E, keys, R, where);
  if (lead === null) return null;
  const { terms, order } = normalisedTerms(a, E, keys, lead, R);
  return {
    method: spec.name,
    time: spec.time,
    h: a.ts.hText,
    resolution,
    terms,
    ode: formatOde(terms, 'X'),
    latex: formatLatex(terms, 'X'),
    order,
    trace: derivationTrace(a, coefs, E, keys, lead, withSteps),
  };
}

/**
 * A time with a higher power of the step than the spec's: k*step when the time is not that already,
 * else k*step² (sqrt(x)² written as x) — the suggestion of the "increments too large" error.
 */
function largerPowerTime(spec: { time: string; step: string }): string {
  const flat = (x: string) => x.replace(/\s+/g, '');
  if (flat(spec.time) !== flat(`k*${spec.step}`) && flat(spec.time) !== flat(`k*(${spec.step})`))
    return `k*${spec.step}`;
  const root = /^sqrt\((.*)\)$/.exec(flat(spec.step));
  return root ? `k*${root[1]}` : `k*(${spec.step})^2`;
}
