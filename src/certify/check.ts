/**
 * The independent certificate checker (`dynview certificate check FILE`). It imports nothing from
 * the prover: only the interval arithmetic (interval.ts), the interval polynomial tests (poly.ts)
 * and mathjs' parser/simplifier. From the claim inside the certificate it re-derives the test
 * (threshold = (1 − tolerance)·rate, or r − (1 − tolerance)·exponent), checks that the certificate's
 * constants, box and definitions are the claim's own, walks the subdivision (every split strictly
 * inside its box, so the leaves cover the domain [λ0, λmax] × box), recomputes every condition of
 * every leaf (and of the witness) and compares value and sign with what the certificate records.
 *
 * Trusted inputs, stated in the certificate: the enclosures of λ0 and λmax (with their provenance).
 * The per-mode model is re-derived from the claim's method with `model: true` (the CLI's default):
 * the companion matrix by interpreting the update equations here, the ODE coefficients from the
 * derivation engine (src/symbolic) — not with the prover's model builder. Every sign after that is
 * re-derived here.
 */
import { parse, parse as mathParse, simplify } from 'mathjs';
import { resolveMethod } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import {
  decimal,
  div,
  evalInterval,
  exp,
  iv,
  mul,
  neg,
  sub,
  type Interval,
  type IntervalScope,
} from './interval.ts';
import { hurwitzConditions, schurConditionsPoly, shiftPoly, type SignCondition } from './poly.ts';
import type { Cell, Certificate, Condition, Pair } from './types.ts';

export interface CheckReport {
  ok: boolean;
  /** One line per problem (empty when ok). */
  problems: string[];
  /** What the certificate shows, when accepted. */
  summary: string;
  leaves: number;
  tight: number;
}

class Reject extends Error {}

function need(cond: unknown, msg: string): asserts cond {
  if (!cond) throw new Reject(msg);
}

function pairOk(p: unknown): p is Pair {
  return (
    Array.isArray(p) &&
    p.length === 2 &&
    p.every((x) => typeof x === 'number' && !Number.isNaN(x)) &&
    p[0] <= p[1]
  );
}

function toIv(p: unknown, where: string): Interval {
  need(pairOk(p), `${where} must be an interval [lo, hi]`);
  return iv(p[0], p[1]);
}

function same(a: Interval, p: Pair): boolean {
  return Object.is(a.lo, p[0]) && Object.is(a.hi, p[1]);
}

/** Check a certificate object; never throws (problems are returned). */
export function checkCertificate(
  cert: unknown,
  claimFile?: unknown,
  opts: { model?: boolean } = {},
): CheckReport {
  const stats = { leaves: 0, tight: 0 };
  try {
    const summary = run(cert as Certificate, claimFile, stats);
    if (opts.model) {
      const problems = checkModelAgainstMethod(cert as Certificate);
      if (problems.length > 0) return { ok: false, problems, summary: '', ...stats };
    }
    return {
      ok: true,
      problems: [],
      summary: opts.model ? `${summary}; model re-derived from the method` : summary,
      ...stats,
    };
  } catch (err) {
    const msg = err instanceof Reject ? err.message : `cannot check: ${(err as Error).message}`;
    return { ok: false, problems: [msg], summary: '', ...stats };
  }
}

function run(c: Certificate, claimFile: unknown, stats: { leaves: number; tight: number }): string {
  need(typeof c === 'object' && c !== null, 'not a certificate object');
  need(
    c.dynview === 'certificate' && c.version === 1,
    "not a dynview certificate (dynview: 'certificate', version: 1)",
  );
  need(c.verdict === 'proved' || c.verdict === 'refuted', "verdict must be 'proved' or 'refuted'");
  const claim = c.claim;
  need(typeof claim === 'object' && claim !== null, 'the certificate carries no claim');
  if (claimFile !== undefined)
    need(
      JSON.stringify(claimFile) === JSON.stringify(claim),
      'the certificate is about a different claim than the one given',
    );
  const a = claim.assert as Record<string, unknown>;
  need(
    a && (a.kind === 'linear' || a.kind === 'sublinear'),
    'the claim must assert a linear rate or a sublinear exponent',
  );
  const tol = a.tolerance === undefined ? 0.05 : (a.tolerance as number);
  need(typeof tol === 'number' && tol >= 0 && tol < 1, 'tolerance must be in [0, 1)');
  const form = (a.form as string | undefined) ?? 'asymptotic';
  const claimed = String(a.kind === 'linear' ? a.rate : a.exponent);
  const scaled = tol === 0 ? `(${claimed})` : `(1 - ${tol})*(${claimed})`;

  // the scope: enclosures, constants, box, definitions — and they must be the claim's own
  const lambda0 = toIv(c.enclosures?.lambda0, 'enclosures.lambda0');
  const lambdaMax = toIv(c.enclosures?.lambdaMax, 'enclosures.lambdaMax');
  need(lambda0.lo <= lambdaMax.hi, 'λ0 enclosure above λmax enclosure');
  const constants: Record<string, Interval> = {};
  for (const [k, v] of Object.entries(c.constants ?? {})) constants[k] = toIv(v, `constants.${k}`);
  const box: Record<string, Interval> = {};
  for (const [k, v] of Object.entries(c.box ?? {})) box[k] = toIv(v, `box.${k}`);
  const defs = c.definitions ?? [];
  need(
    Array.isArray(defs) &&
      defs.every(
        (d) => Array.isArray(d) && d.length === 2 && typeof d[0] === 'string' && typeof d[1] === 'string',
      ),
    'definitions must be [name, expression] pairs',
  );
  const reserved = new Set(['lambda', 'lambda0', 'lambdaMax']);
  for (const name of [...Object.keys(constants), ...Object.keys(box), ...defs.map((d) => d[0])])
    need(!reserved.has(name), `'${name}' may not be redefined`);
  const params = (claim.params ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'number') {
      const want = decimal(String(v));
      need(
        constants[k] && constants[k].lo <= want.lo && constants[k].hi >= want.hi,
        `params.${k} = ${v} is not the certificate's constant ${k}`,
      );
    } else if (Array.isArray(v)) {
      const lo = decimal(String(v[0]));
      const hi = decimal(String(v[1]));
      need(
        box[k] && box[k].lo <= lo.lo && box[k].hi >= hi.hi,
        `params.${k} range [${v[0]}, ${v[1]}] is not covered by the certificate's box`,
      );
    } else {
      need(
        defs.some(([n, e]) => n === k && e === v),
        `params.${k} = '${String(v)}' is not among the certificate's definitions`,
      );
    }
  }
  const scopeOf = (b: Record<string, Interval>): IntervalScope => {
    const s: IntervalScope = { lambda0, lambdaMax, ...constants, ...b };
    for (const [n, e] of defs) s[n] = evalInterval(e, s);
    return s;
  };

  const m = c.model;
  need(m && typeof m === 'object', 'no model');
  const test = c.test;
  need(test && typeof test === 'object', 'no test');

  // --- the conditions of one box, re-derived here ---
  let conditionsOf: (b: Record<string, Interval>) => SignCondition[];
  let dims: string[];
  let root: Record<string, Interval>;
  let leafHolds: (conds: SignCondition[]) => boolean;
  let leafFails: (conds: SignCondition[]) => boolean;
  let what: string;
  if (m.kind === 'bessel') {
    need(test.kind === 'exponent', 'a Bessel model is judged by its exponent');
    const rExpr = `(${m.damping})/(${m.lead})`;
    const main = a.kind === 'sublinear' ? simplifyDifference(rExpr, scaled) : null; // linear: −(1 − τ)·rate ≥ 0
    conditionsOf = (b) => {
      const s = scopeOf(b);
      return [
        { name: 'λ0', value: s.lambda0 },
        { name: 'restoring/lead', value: evalInterval(`(${m.restoring})/(${m.lead})`, s) },
        { name: 'main', value: main ? evalInterval(main, s) : neg(evalInterval(scaled, s)) },
      ];
    };
    dims = Object.keys(box);
    root = { ...box };
    leafHolds = (cs) => cs[0].value.lo > 0 && cs[1].value.lo > 0 && cs[2].value.lo >= 0;
    leafFails = (cs) => cs[0].value.lo > 0 && cs[1].value.lo > 0 && cs[2].value.hi < 0;
    what =
      a.kind === 'sublinear'
        ? `loss exponent r = ${rExpr} ≥ ${scaled}`
        : 'polynomial decay: no positive rate';
  } else {
    need(
      m.kind === 'polynomial' || m.kind === 'companion',
      `unknown model kind '${String((m as { kind: unknown }).kind)}'`,
    );
    let threshold: string;
    if (test.kind === 'rate') {
      need(a.kind === 'linear', 'a rate test needs a linear claim');
      threshold = scaled;
    } else {
      need(test.kind === 'polynomial-decay' && a.kind === 'sublinear', 'unknown test');
      need(
        typeof test.epsilon === 'number' && test.epsilon > 0 && c.verdict === 'refuted',
        'exponential decay needs ε > 0 and refutes',
      );
      threshold = String(test.epsilon);
    }
    const shifted = m.kind === 'polynomial' ? shiftSymbolic(m.coefficients, threshold, defs) : [];
    conditionsOf = (b) => {
      const s = scopeOf(b);
      if (m.kind === 'polynomial') return hurwitzConditions(shifted.map((e) => evalInterval(e, s)));
      const cc = evalInterval(threshold, s);
      const eps = sub(iv(1), exp(neg(div(mul(cc, evalInterval(m.timeStep, s)), iv(2)))));
      return schurConditionsPoly(
        m.matrix,
        defs,
        dims,
        dims.map((d) => b[d]),
        eps,
        s,
      );
    };
    dims = ['lambda', ...Object.keys(box)];
    root = { lambda: iv(lambda0.lo, lambdaMax.hi), ...box };
    // > 0 everywhere; or degree ≤ 2 (closed half-plane ⟺ coefficients ≥ 0), lead > 0, the rest ≥ 0,
    // and for a bound with a constant not two touching 0 (a double root on the boundary)
    leafHolds = (cs) =>
      cs.every((x) => x.value.lo > 0) ||
      (cs.length <= 3 &&
        cs[0].value.lo > 0 &&
        cs.every((x) => x.value.lo >= 0) &&
        (form === 'asymptotic' || cs.slice(1).filter((x) => !(x.value.lo > 0)).length < 2));
    leafFails = (cs) => cs[0].value.lo > 0 && cs.some((x) => x.value.hi < 0);
    what = `every mode's loss rate ≥ ${threshold}`;
  }

  const compare = (recorded: Condition[], fresh: SignCondition[], where: string) => {
    need(
      Array.isArray(recorded) && recorded.length === fresh.length,
      `${where}: ${fresh.length} conditions expected, ${Array.isArray(recorded) ? recorded.length : 0} recorded`,
    );
    fresh.forEach((f, i) => {
      const r = recorded[i];
      need(
        pairOk(r.value) && same(f.value, r.value),
        `${where}: condition ${i} (${r.name}) recorded as [${String(r.value)}], recomputed [${f.value.lo}, ${f.value.hi}]`,
      );
      const sign = f.value.lo > 0 ? '>0' : f.value.hi < 0 ? '<0' : f.value.lo >= 0 ? '>=0' : '~0';
      const okSign =
        r.sign === sign || (r.sign === '>=0' && f.value.lo >= 0) || (r.sign === '>0' && f.value.lo > 0);
      need(
        okSign,
        `${where}: condition ${i} (${r.name}) claims ${r.sign} but its enclosure [${f.value.lo}, ${f.value.hi}] shows ${sign}`,
      );
    });
  };

  const walk = (b: Record<string, Interval>, cell: Cell, path: string) => {
    if ('split' in cell) {
      need(dims.includes(cell.split), `${path}: split on unknown dimension '${cell.split}'`);
      const x = b[cell.split];
      need(
        typeof cell.at === 'number' && cell.at > x.lo && cell.at < x.hi,
        `${path}: split point outside its box`,
      );
      walk({ ...b, [cell.split]: iv(x.lo, cell.at) }, cell.below, `${path}0`);
      walk({ ...b, [cell.split]: iv(cell.at, x.hi) }, cell.above, `${path}1`);
      return;
    }
    need(cell.leaf === 'holds' || cell.leaf === 'tight', `${path}: unknown leaf`);
    const fresh = conditionsOf(b);
    compare(cell.conditions, fresh, `box ${path || 'root'}`);
    stats.leaves++;
    if (cell.leaf === 'holds')
      need(
        leafHolds(fresh),
        `box ${path || 'root'}: recorded as holding, but a condition is not certainly satisfied`,
      );
    else {
      // tight: the claimed value equals the exact one within the enclosures — only in narrow boxes
      // (relative width ≤ 1e-9) whose centre (a point) is itself undecided, or at the finest width
      const rel = (x: Interval) => (x.hi - x.lo) / Math.max(Math.abs(x.lo), Math.abs(x.hi), 1e-300);
      const finest = dims.every((d) => rel(b[d]) <= 1e-12);
      if (!finest) {
        need(
          dims.every((d) => rel(b[d]) <= 1e-9),
          `box ${path}: a tight box must be narrow (relative width ≤ 1e-9)`,
        );
        const centre = Object.fromEntries(
          Object.entries(b).map(([k, x]) => [k, iv(x.lo + (x.hi - x.lo) / 2)]),
        );
        const cc = conditionsOf(centre);
        need(!leafHolds(cc) && !leafFails(cc), `box ${path}: recorded as tight but its centre is decided`);
      }
      need(!fresh.some((x) => x.value.hi < 0), `box ${path}: recorded as tight but a condition is violated`);
      if (form === 'bound' && m.kind !== 'bessel') {
        need(
          m.kind === 'polynomial' && m.coefficients.length <= 3 && !m.limit,
          `box ${path}: a bound with a constant at a tight box needs a multiplicity argument (degree ≤ 2, constant coefficients)`,
        );
        if (m.coefficients.length === 3) {
          const s = scopeOf(b);
          const cc = evalInterval(scaled, s);
          const q = shiftPoly(
            m.coefficients.map((e) => evalInterval(e, s)),
            div(cc, iv(2)),
          );
          const disc = sub(mul(q[1], q[1]), mul(iv(4), mul(q[2], q[0])));
          need(
            disc.lo > 0 || disc.hi < 0,
            `box ${path}: a double root at the claimed rate cannot be excluded (bound form)`,
          );
        }
      }
      stats.tight++;
    }
  };

  if (c.verdict === 'proved' || test.kind === 'polynomial-decay') {
    need(c.tree, 'a proof needs its subdivision tree');
    walk(root, c.tree, '');
    const base = `${what} on ${dims.length ? dims.join(' × ') : 'the claim'}: ${stats.leaves} boxes re-checked${stats.tight ? ` (${stats.tight} tight: equal within the enclosure)` : ''}`;
    return c.verdict === 'proved'
      ? `PROVED: ${base}`
      : `REFUTED: ${base} — exponential decay, so not polynomial`;
  }
  // refuted by a witness box inside the domain
  const w = c.witness;
  need(w && typeof w === 'object', 'a refutation needs a witness');
  const wb: Record<string, Interval> = {};
  for (const [k, v] of Object.entries(w.box)) wb[k] = toIv(v, `witness.box.${k}`);
  for (const d of dims) need(wb[d], `witness box has no '${d}'`);
  for (const [k, x] of Object.entries(box))
    need(wb[k].lo >= x.lo && wb[k].hi <= x.hi, `witness ${k} outside the claim's box`);
  if (m.kind !== 'bessel') {
    const l = wb.lambda;
    const isL0 = l.lo === lambda0.lo && l.hi === lambda0.hi;
    const isLmax = l.lo === lambdaMax.lo && l.hi === lambdaMax.hi;
    need(
      isL0 || isLmax || (l.lo >= lambda0.hi && l.hi <= lambdaMax.lo),
      'witness λ is not certainly in [λ0, λmax]',
    );
  }
  const fresh = conditionsOf(wb);
  compare(w.conditions, fresh, 'witness');
  need(leafFails(fresh), 'witness: no condition is certainly violated');
  return `REFUTED: ${what} fails at the witness (${w.mode})`;
}

/** p(w − c/2) coefficient by coefficient, definitions substituted, simplified (mathjs). */
function shiftSymbolic(coefs: string[], c: string, defs: Array<[string, string]>): string[] {
  const names = new Map(defs);
  const substitute = (text: string): string => {
    let node = parse(text);
    for (let pass = 0; pass < 8; pass++) {
      let changed = false;
      node = node.transform((x) => {
        const e = x.type === 'SymbolNode' ? names.get((x as unknown as { name: string }).name) : undefined;
        if (e === undefined) return x;
        changed = true;
        return parse(`(${e})`);
      });
      if (!changed) break;
    }
    return node.toString();
  };
  const n = coefs.length - 1;
  const choose = (a: number, b: number) => {
    let r = 1;
    for (let i = 1; i <= b; i++) r = (r * (a - i + 1)) / i;
    return r;
  };
  return coefs.map((_, j) => {
    const terms: string[] = [];
    for (let k = j; k <= n; k++)
      if (coefs[k] !== '0')
        terms.push(k === j ? `(${coefs[k]})` : `${choose(k, j)}*(${coefs[k]})*(-(${c})/2)^${k - j}`);
    const text = substitute(terms.length ? terms.join(' + ') : '0');
    try {
      const out = simplify(text).toString();
      parse(out);
      return out;
    } catch {
      return text;
    }
  });
}

function simplifyDifference(a: string, b: string): string {
  const text = `(${a}) - (${b})`;
  try {
    return simplify(text).toString();
  } catch {
    return text;
  }
}

/**
 * Re-derive the per-mode model from the claim's method and compare it with the certificate's at a
 * few points (floats, relative 1e-7): the discrete companion matrix by interpreting the parsed update
 * equations here (not with the prover's model builder), the ODE coefficients from the derivation
 * engine's output-space ODE. Returns the problems (empty when the model is the method's).
 */
export function checkModelAgainstMethod(c: Certificate): string[] {
  const claim = c.claim;
  const method = claim.method as string | MethodSpec;
  const m = c.model;
  const problems: string[] = [];
  // a numeric scope: midpoints of the enclosures, constants and box, then the definitions
  const base: Record<string, number> = {
    lambda0: (c.enclosures.lambda0[0] + c.enclosures.lambda0[1]) / 2,
    lambdaMax: (c.enclosures.lambdaMax[0] + c.enclosures.lambdaMax[1]) / 2,
  };
  for (const [k, v] of Object.entries(c.constants)) base[k] = (v[0] + v[1]) / 2;
  for (const [k, v] of Object.entries(c.box)) base[k] = (v[0] + v[1]) / 2;
  const ev = (e: string, s: Record<string, number>) =>
    Number(
      mathParse(e)
        .compile()
        .evaluate({ ...s }),
    );
  for (const [k, e] of c.definitions) base[k] = ev(e, base);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(a), Math.abs(b));
  const lambdas = [base.lambda0, Math.sqrt(base.lambda0 * base.lambdaMax), base.lambdaMax];
  if (m.kind === 'companion') {
    const parsed = resolveMethod(method);
    const names = m.layout.map((l) => /^(\w+)\[k-(\d+)\]$/.exec(l));
    if (names.some((x) => !x)) return ['model: unreadable state layout'];
    const D = names.length;
    for (const lam of lambdas) {
      const s: Record<string, number> = { ...base, lambda: lam, k: m.limit ? 1e12 : 1 };
      const unit = (i: number) => Array.from({ length: D }, (_, j) => (i === j ? 1 : 0));
      const at = (name: string, back: number) =>
        names.findIndex((x) => x![1] === name && Number(x![2]) === back);
      const current = new Map<string, number[]>();
      const value = (name: string, lag: number): number[] => {
        if (lag === 0 && current.has(name)) return current.get(name)!;
        const i = at(name, lag);
        if (i < 0) throw new Error(`${name}[k-${lag}] not in the layout`);
        return unit(i);
      };
      let next: number[] = [];
      for (const eq of parsed.equations) {
        const f = new Array<number>(D).fill(0);
        for (const t of eq.terms) {
          const coef = ev(t.coef, s);
          let v: number[];
          if (t.ref.kind === 'seq') v = value(t.ref.seq.name, t.ref.seq.lag);
          else {
            const id = t.ref.id;
            const g = eq.grads.find((x) => x.id === id)!;
            v = new Array<number>(D).fill(0);
            // grad(z) = λz on a mode; ggn(z, ε) = λ/(λ + ε)·z
            const factor = g.op === 'ggn' ? lam / (lam + ev(g.damping ?? '0', s)) : lam;
            for (const a of g.arg) {
              if (a.ref.kind !== 'seq') throw new Error('nested gradient');
              const w = value(a.ref.seq.name, a.ref.seq.lag);
              const ca = ev(a.coef, s);
              for (let j = 0; j < D; j++) v[j] += factor * ca * w[j];
            }
          }
          for (let j = 0; j < D; j++) f[j] += coef * v[j];
        }
        if (eq.shift === 1) next = f;
        else current.set(eq.target, f);
      }
      names.forEach((x, i) => {
        const name = x![1];
        const back = Number(x![2]);
        const row =
          name === 'x'
            ? back === 0
              ? next
              : unit(at('x', back - 1))
            : back === 1
              ? current.get(name)!
              : unit(at(name, back - 1));
        row.forEach((want, j) => {
          const got = ev(m.matrix[i][j], s);
          if (!close(got, want))
            problems.push(
              `model: T[${i}][${j}] is ${got} in the certificate but ${want} from the method at λ = ${lam}`,
            );
        });
      });
    }
    return problems.slice(0, 3);
  }
  const out = toOutputSpace(deriveOde(method, { resolution: 'low' }));
  const coefAt = (t: number, lam: number): { deriv: number[]; hess: number; grad: number } => {
    const r = { deriv: [] as number[], hess: 0, grad: 0 };
    for (const [key, text] of Object.entries(out.terms)) {
      const v = ev(text, { ...base, t });
      const d = /^X('+)$/.exec(key);
      if (d) r.deriv[d[1].length] = (r.deriv[d[1].length] ?? 0) + v;
      else if (key === 'grad') r.grad += v;
      else if (key === "hess*X'") r.hess += v;
    }
    void lam;
    return r;
  };
  for (const lam of lambdas) {
    if (m.kind === 'polynomial') {
      const T = m.limit ? 1e12 : 1.7;
      const d = coefAt(T, lam);
      const want = m.coefficients.map(
        (_, j) => (d.deriv[j] ?? 0) + (j === 1 ? d.hess * lam : 0) + (j === 0 ? d.grad * lam : 0),
      );
      m.coefficients.forEach((e, j) => {
        const got = ev(e, { ...base, lambda: lam });
        if (
          !close(got, want[j]) &&
          !(m.limit && Math.abs(got - want[j]) <= 1e-6 * Math.max(1, Math.abs(got)))
        )
          problems.push(
            `model: coefficient of z^${j} is ${got} in the certificate but ${want[j]} from the derived ODE at λ = ${lam}`,
          );
      });
    } else {
      for (const t of [1.3, 7.9]) {
        const d = coefAt(t, lam);
        const lead = ev(m.lead, base);
        const damping = ev(m.damping, base) / t;
        const restoring = ev(m.restoring, base);
        if (
          !close(lead, d.deriv[2] ?? 0) ||
          !close(damping, (d.deriv[1] ?? 0) + d.hess * lam) ||
          !close(restoring, d.grad)
        )
          problems.push(
            `model: the Bessel form (${m.lead}, ${m.damping}/t, ${m.restoring}) is not the derived ODE ${out.ode} at t = ${t}`,
          );
      }
    }
  }
  return problems.slice(0, 3);
}
