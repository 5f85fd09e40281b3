/**
 * The per-mode model of a method in a linear regime, built from the one method spec (never a table
 * per method name), as expressions in `lambda` (the eigenvalue of H), the method's parameters and
 * its `let` symbols:
 * - ode: the derived output-space ODE (src/symbolic), Σ_j c_j e^(j) + c_h λ ė + c_g λ e = 0, gives
 *   p_λ(z) = Σ_j c_j z^j + c_h λ z + c_g λ. Coefficients that depend on t are split exactly as
 *   L + B/t: the shape a e'' + (B/t) e' + g λ e = 0 is solved by Bessel functions (loss envelope
 *   ∝ t^(−B/a) exactly); other t-dependent shapes are judged by their limit polynomial.
 * - discrete: the companion matrix T(λ) of one step, from the parsed update equations interpreted on
 *   symbolic state vectors (checked against the compiled Stepper's numeric companion matrix);
 *   k-dependent coefficients are replaced by their limits as k → ∞ (Poincaré–Perron).
 */
import { parse, simplify, type MathNode } from 'mathjs';
import { companionMatrix, stateLayout, toParsed, type MethodRef } from '../dynamics/discrete.ts';
import { parseTermKey } from '../dynamics/modes.ts';
import { resolveMethod, resolveParams } from '../spec/compile.ts';
import { ggnModeFactor } from '../symbolic/ggn.ts';
import type { MethodSpec, ParsedSpec } from '../spec/types.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import { limitAtInfinity, splitInverse } from './rational-in.ts';
import type { ModeModel } from './types.ts';

export class ModelError extends Error {
  override name = 'ModelError';
}

function usesSymbol(text: string, v: string): boolean {
  let found = false;
  parse(text).traverse((n) => {
    if (n.type === 'SymbolNode' && (n as unknown as { name: string }).name === v) found = true;
  });
  return found;
}

/** k → 0 in an expression tree (mathjs transform callback). */
function atK0(n: MathNode): MathNode {
  return n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'k' ? parse('0') : n;
}

/** Whether `text` takes the same value at k = 0, 1, 3, 17, 1000 (other symbols at fixed positive values). */
function constantInK(text: string): boolean {
  const node = parse(text);
  const scope: Record<string, number> = {};
  let i = 0;
  node.traverse((n) => {
    const name = (n as unknown as { name?: string }).name;
    if (n.type === 'SymbolNode' && name && name !== 'k' && !(name in scope)) scope[name] = 0.37 + 0.11 * i++;
  });
  const f = node.compile();
  try {
    const v0 = f.evaluate({ ...scope, k: 0 }) as unknown;
    if (typeof v0 !== 'number' || !Number.isFinite(v0)) return false;
    return [1, 3, 17, 1000].every((k) => {
      const v = f.evaluate({ ...scope, k }) as unknown;
      return typeof v === 'number' && Math.abs(v - v0) <= 1e-12 * Math.max(1, Math.abs(v0));
    });
  } catch {
    return false;
  }
}

function sumTerms(parts: string[]): string {
  const kept = parts.filter((p) => p !== '0' && p !== '(0)');
  if (kept.length === 0) return '0';
  return kept.join(' + ');
}

function tidy(text: string): string {
  try {
    return simplify(parse(text)).toString();
  } catch {
    return text;
  }
}

const odeCache = new Map<string, ModeModel>();

/** The ODE-regime model (low-resolution output-space ODE of the method). */
export function odeModel(method: string | MethodSpec): ModeModel {
  const key = typeof method === 'string' ? method : JSON.stringify(method);
  const hit = odeCache.get(key);
  if (hit) return hit;
  const out = toOutputSpace(deriveOde(method, { resolution: 'low' }));
  // The derivation treats ggn(x) like grad(x); in output space a mode λ sees λ/(λ + ε) (1 undamped)
  // in place of λ (J·ggn = H(H + εI)⁻¹e): the same factor as the discrete model's.
  const modeFactor = ggnModeFactor(resolveMethod(method)) ?? 'lambda';
  const deriv: string[][] = [];
  const hess: string[] = [];
  const grad: string[] = [];
  for (const [k, text] of Object.entries(out.terms)) {
    const kind = parseTermKey(k);
    if (kind.kind === 'deriv') (deriv[kind.order] ??= []).push(`(${text})`);
    else if (kind.kind === 'hess') hess.push(`(${text})`);
    else grad.push(`(${text})`);
  }
  const order = deriv.length - 1;
  const c = (j: number) => tidy(sumTerms(deriv[j] ?? []));
  const ch = tidy(sumTerms(hess));
  const cg = tidy(sumTerms(grad));
  const coefs: string[] = [];
  for (let j = 0; j <= order; j++) {
    const parts = [j === 0 ? '0' : c(j)];
    if (j === 1 && ch !== '0') parts.push(`(${ch})*${modeFactor}`);
    if (j === 0 && cg !== '0') parts.push(`(${cg})*${modeFactor}`);
    coefs.push(sumTerms(parts));
  }
  while (coefs.length > 1 && coefs[coefs.length - 1] === '0') coefs.pop();
  const source = `derived output-space ODE ${out.ode} (per eigenmode λ of H)`;
  const tDep = [...coefs].some((t) => usesSymbol(t, 't'));
  let model: ModeModel;
  if (!tDep) {
    model = { kind: 'polynomial', regime: 'ode', coefficients: coefs, limit: false, source };
  } else {
    // exact split of every coefficient as L + B/t
    const a2 = order === 2 ? splitInverse(c(2), 't') : null;
    const a1 = order === 2 ? splitInverse(c(1), 't') : null;
    const g = splitInverse(cg, 't');
    const besselShape =
      a2 && a1 && g && a2.tail === '0' && a1.limit === '0' && g.tail === '0' && ch === '0' && a1.tail !== '0';
    if (besselShape) {
      model = {
        kind: 'bessel',
        regime: 'ode',
        lead: a2.limit,
        damping: a1.tail,
        restoring: g.limit,
        source: `${source}: ${a2.limit}·e'' + (${a1.tail})/t·e' + ${g.limit}·λ·e = 0, solved by e(t) = e(0)Γ(ν+1)(2/(ωt))^ν J_ν(ωt), ν = (r−1)/2, r = (${a1.tail})/(${a2.limit}), ω² = ${g.limit}·λ/(${a2.limit}); |J_ν(x)| ~ √(2/(πx)) so the loss envelope is ∝ t^(−r)`,
      };
    } else {
      const limits = coefs.map((t) => limitAtInfinity(t, 't'));
      if (limits.some((l) => l === null))
        throw new ModelError(`the ODE ${out.ode} has t-dependent coefficients without a limit as t → ∞`);
      model = {
        kind: 'polynomial',
        regime: 'ode',
        coefficients: limits.map((l) => tidy(l!)),
        limit: true,
        source: `${source}; coefficients replaced by their limits as t → ∞ (asymptotic rate only; polynomial factors t^α may sit on top)`,
      };
    }
  }
  odeCache.set(key, model);
  return model;
}

type Form = string[]; // a linear form over the state entries (expression per entry)

function scaleForm(f: Form, c: string): Form {
  return f.map((e) =>
    e === '0' || c === '0' ? '0' : c === '1' ? e : e === '1' ? `(${c})` : `(${c})*(${e})`,
  );
}
function addForm(a: Form, b: Form): Form {
  return a.map((e, i) => (e === '0' ? b[i] : b[i] === '0' ? e : `${e} + ${b[i]}`));
}

/**
 * The companion matrix T(λ) of one step of the parsed spec, entries as expressions in lambda, the
 * parameters, let symbols and k (the step counter), from the update equations: every sequence value
 * is a linear form over the state (x[k], …, x[k−Lx], aux[k−1], …); grad(z) is λ·z.
 */
export function companionExpressions(parsed: ParsedSpec): { layout: string[]; matrix: string[][] } {
  const layout = stateLayout(parsed);
  const D = layout.length;
  const unit = (i: number): Form => layout.map((_, j) => (i === j ? '1' : '0'));
  const index = (name: string, back: number) => layout.findIndex((e) => e.name === name && e.back === back);
  const current = new Map<string, Form>(); // auxiliaries defined at k during this step
  let xNext: Form | null = null;
  const valueOf = (name: string, lag: number): Form => {
    if (lag === 0 && current.has(name)) return current.get(name)!;
    const i = index(name, lag);
    if (i < 0) throw new ModelError(`state entry ${name}[k-${lag}] is not in the method's state`);
    return unit(i);
  };
  for (const eq of parsed.equations) {
    let f: Form = new Array(D).fill('0');
    for (const t of eq.terms) {
      if (t.ref.kind === 'seq') f = addForm(f, scaleForm(valueOf(t.ref.seq.name, t.ref.seq.lag), t.coef));
      else {
        const id = t.ref.id;
        const g = eq.grads.find((gc) => gc.id === id);
        if (!g) throw new ModelError(`gradient call ${id} not found in '${eq.text}'`);
        let arg: Form = new Array(D).fill('0');
        for (const a of g.arg) {
          if (a.ref.kind !== 'seq') throw new ModelError('nested gradient calls are not linear');
          arg = addForm(arg, scaleForm(valueOf(a.ref.seq.name, a.ref.seq.lag), a.coef));
        }
        // ggn(z, ε) (Gram–Gauss–Newton) acts on mode λ as λ/(λ + ε): exactly 1 at ε = 0.
        const mult =
          g.op === 'ggn' ? ((g.damping ?? '0') === '0' ? '1' : `lambda/(lambda + (${g.damping}))`) : 'lambda';
        f = addForm(f, scaleForm(scaleForm(arg, mult), t.coef));
      }
    }
    if (eq.shift === 1) xNext = f;
    else current.set(eq.target, f);
  }
  if (!xNext) throw new ModelError('the update has no x[k+1] equation');
  const rows: Form[] = layout.map((e) => {
    if (e.name === 'x') return e.back === 0 ? xNext : unit(index('x', e.back - 1));
    if (e.back === 1) {
      const f = current.get(e.name);
      if (!f) throw new ModelError(`auxiliary ${e.name} is not defined at k`);
      return f;
    }
    return unit(index(e.name, e.back - 1));
  });
  return { layout: layout.map((e) => `${e.name}[k-${e.back}]`), matrix: rows };
}

/** The discrete-regime model: T(λ) (limit as k → ∞ for k-dependent coefficients) and h per step. */
export function discreteModel(method: MethodRef): ModeModel {
  const parsed = toParsed(method);
  const kDep = parsed.equations.some(
    (eq) =>
      eq.terms.some((t) => usesSymbol(t.coef, 'k')) ||
      eq.grads.some((g) => g.arg.some((t) => usesSymbol(t.coef, 'k'))),
  );
  const limitCoef = (coef: string): string => {
    if (!usesSymbol(coef, 'k')) return coef;
    const l = limitAtInfinity(coef, 'k');
    if (l === null) throw new ModelError(`coefficient ${coef} of ${parsed.spec.name} has no limit as k → ∞`);
    return tidy(l);
  };
  // k-dependent coefficients are replaced by their limits in the equations themselves
  const limitParsed: ParsedSpec = kDep
    ? {
        ...parsed,
        equations: parsed.equations.map((eq) => ({
          ...eq,
          terms: eq.terms.map((t) => ({ ...t, coef: limitCoef(t.coef) })),
          grads: eq.grads.map((g) => ({ ...g, arg: g.arg.map((t) => ({ ...t, coef: limitCoef(t.coef) })) })),
        })),
      }
    : parsed;
  const { layout, matrix } = companionExpressions(limitParsed);
  let m = matrix;
  m = m.map((row) => row.map(tidy));
  const time = parsed.spec.time;
  const kp1 = parse(time).transform((n) =>
    n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'k' ? parse('(k+1)') : n,
  );
  let h = tidy(`(${kp1.toString()}) - (${time})`);
  // mathjs's simplify does not always cancel k (decimal coefficients: (k + 1)*0.1 − k*0.1); the
  // increment is constant when it takes one value at several k for fixed values of the other symbols.
  if (usesSymbol(h, 'k') && constantInK(h)) h = tidy(parse(h).transform(atK0).toString());
  if (usesSymbol(h, 'k'))
    throw new ModelError(`the time ${time} of ${parsed.spec.name} does not advance by a constant per step`);
  return {
    kind: 'companion',
    regime: 'discrete',
    layout,
    matrix: m,
    timeStep: h,
    limit: kDep,
    source:
      `companion matrix of one step of ${parsed.spec.name} (${parsed.spec.update.join('; ')}) on the state (${layout.join(', ')}) with ∇ = λ·` +
      (kDep
        ? '; k-dependent coefficients replaced by their limits as k → ∞ (Poincaré–Perron: the asymptotic rate of the limit matrix; polynomial factors k^α on top)'
        : ''),
  };
}

/**
 * Cross-check of the symbolic companion matrix against the compiled Stepper's numeric one at a
 * parameter point (the Stepper is the one implementation of update rules). Throws on disagreement.
 */
export function checkCompanionAgainstStepper(
  method: MethodRef,
  model: Extract<ModeModel, { kind: 'companion' }>,
  values: Record<string, number>,
  lambda: number,
): void {
  const parsed = toParsed(method);
  const user: Record<string, number> = {};
  const letKeys = Object.keys(parsed.spec.let ?? {});
  for (const [k, v] of Object.entries(values))
    if (parsed.spec.params.includes(k) || letKeys.includes(k)) user[k] = v;
  const resolved = resolveParams(parsed, user);
  const T = companionMatrix(parsed, user, lambda, model.limit ? 1e12 : undefined);
  const scope: Record<string, number> = { ...resolved, lambda, k: 1e12 };
  const D = model.matrix.length;
  for (let i = 0; i < D; i++)
    for (let j = 0; j < D; j++) {
      const a = parse(model.matrix[i][j])
        .compile()
        .evaluate({ ...scope }) as number;
      const b = T.get(i, j);
      if (!(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b))))
        throw new ModelError(
          `companion matrix of ${parsed.spec.name}: entry (${i}, ${j}) is ${a} from the equations but ${b} from the stepper`,
        );
    }
}
