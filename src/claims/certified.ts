/**
 * Certified linear regimes: a `linear` or `sublinear` claim in the `ode` or `discrete` regime is
 * decided exactly per sampled data set, never by fitting a curve:
 * 1. H∞ of the data and certified enclosures of λ0 and λmax (src/linalg/enclosure.ts);
 * 2. the per-mode model from the method spec (src/certify/model.ts: derived ODE or companion matrix);
 * 3. the claim's parameters as a box (ranges), constants (numbers) and definitions (expressions);
 * 4. the prover (src/certify/prove.ts): proved or refuted for every λ ∈ [λ0, λmax] and every point of
 *    the box, with a certificate that `dynview certificate check` re-checks.
 */
import { loadData } from '../data/load.ts';
import { extremeEigenEnclosure } from '../linalg/enclosure.ts';
import { gramInfinityModel } from '../ntk/both-layers.ts';
import { checkCompanionAgainstStepper, discreteModel, odeModel } from '../certify/model.ts';
import { decimal, evalInterval, iv, mid, type Interval } from '../certify/interval.ts';
import { proveClaim, type ProveResult } from '../certify/prove.ts';
import type { Certificate, ModeModel } from '../certify/types.ts';
import { determinant } from 'ml-matrix';
import { companionMatrix } from '../dynamics/discrete.ts';
import { resolveMethod, stepSymbol } from '../spec/compile.ts';
import { SpecError } from '../spec/errors.ts';
import { dataSource } from './instance.ts';
import type { Claim, Instance, InstanceOutcome } from './types.ts';

/** Default step size when neither the claim's params nor its instances set one: 1/(2 λmax(H∞)). */
export function defaultStep(lambdaMax: number): number {
  return 0.5 / lambdaMax;
}

/** The claim's step value on an instance: params (the step symbol) first, then instances.eta, then the default. */
function stepSpec(claim: Claim): { name: string | null; fromParams: boolean } {
  const name = stepSymbol(resolveMethod(claim.method).spec);
  return { name, fromParams: name !== null && name in claim.params };
}

function numberInterval(v: number): Interval {
  return decimal(String(v));
}

export interface CertifiedOutcome {
  outcome: InstanceOutcome;
  certificate: Certificate | null;
  result: ProveResult | null;
}

const modelCache = new WeakMap<Claim, ModeModel>();

function modelOf(claim: Claim): ModeModel {
  let m = modelCache.get(claim);
  if (!m) {
    m = claim.regime === 'ode' ? odeModel(claim.method) : discreteModel(claim.method);
    modelCache.set(claim, m);
  }
  return m;
}

/** Decide a linear/sublinear claim on one sampled data set (ode or discrete regime). */
export function certifyInstance(
  claim: Claim,
  claimRaw: Record<string, unknown>,
  inst: Instance,
): CertifiedOutcome {
  const a = claim.assert;
  if (a.kind === 'ode') throw new Error('certifyInstance: an ode-terms claim is symbolic');
  const data = loadData(dataSource(inst), { normalize: true });
  const n = data.n;
  const H = gramInfinityModel(data, claim.model); // H∞_W (+ K1 with both layers; (x, 1) with a bias)
  const enc = extremeEigenEnclosure(H, n);
  const lambda0 = iv(enc.lambdaMin.lo, enc.lambdaMin.hi);
  const lambdaMax = iv(enc.lambdaMax.lo, enc.lambdaMax.hi);
  const base = {
    instance: inst,
    lambda0: enc.lambdaMin.value,
    lambdaMax: enc.lambdaMax.value,
  };
  const kernelName =
    (claim.model.train === 'both' ? 'H∞ = H∞_W + K1 (both layers)' : 'H∞') +
    (claim.model.bias ? ' on (x, 1) (hidden bias)' : '');
  const regimeNote =
    claim.regime === 'ode'
      ? `ode regime: every eigenmode λ ∈ [λ0, λmax] of ${kernelName} of the sampled data, decided exactly (per-mode characteristic polynomial / Bessel closed form), no simulation`
      : `discrete regime: the linearised NTK iteration, every eigenmode λ ∈ [λ0, λmax] of ${kernelName} decided exactly through the companion matrix T(λ), no simulation`;
  const inconclusive = (reason: string): CertifiedOutcome => ({
    outcome: { ...base, status: 'inconclusive', reason, regimeNote, numbers: {} },
    certificate: null,
    result: null,
  });
  if (!(enc.lambdaMin.lo > claim.lambda0Min))
    return inconclusive(
      `hypothesis λ0 > ${claim.lambda0Min} failed: λ0 ∈ [${enc.lambdaMin.lo.toExponential(3)}, ${enc.lambdaMin.hi.toExponential(3)}] (${claim.lambda0Min <= 1e-6 ? 'nearly parallel inputs' : "below the claim's lambda0Min"})`,
    );
  let model: ModeModel;
  try {
    model = modelOf(claim);
  } catch (err) {
    return inconclusive(`no per-mode model: ${(err as Error).message}`);
  }
  // scope: constants, box, definitions
  const parsed = resolveMethod(claim.method);
  const spec = parsed.spec;
  const step = stepSpec(claim);
  const constants: Record<string, Interval> = {
    n: iv(n),
    d: iv(data.d),
    m: iv(inst.width),
  };
  const box: Record<string, Interval> = {};
  const definitions: Array<[string, string]> = [];
  let stepValue: number | null = null;
  if (!step.fromParams) {
    stepValue = inst.eta ?? defaultStep(enc.lambdaMax.value);
    constants.eta = iv(stepValue);
    if (step.name && step.name !== 'eta') constants[step.name] = iv(stepValue);
  }
  for (const [k, v] of Object.entries(claim.params)) {
    if (typeof v === 'number') constants[k] = numberInterval(v);
    else if (Array.isArray(v)) box[k] = iv(numberInterval(v[0]).lo, numberInterval(v[1]).hi);
  }
  for (const [k, v] of Object.entries(claim.params)) if (typeof v === 'string') definitions.push([k, v]);
  if (step.fromParams && step.name && step.name !== 'eta') definitions.push(['eta', step.name]);
  for (const [k, v] of Object.entries(spec.defaults ?? {}))
    if (!(k in claim.params) && !(k in constants)) constants[k] = numberInterval(v);
  const known = new Set([
    'lambda0',
    'lambdaMax',
    'lambda',
    ...Object.keys(constants),
    ...Object.keys(box),
    ...definitions.map(([k]) => k),
  ]);
  for (const [k, expr] of Object.entries(spec.let ?? {})) {
    if (known.has(k)) continue;
    definitions.push([k, expr]);
    known.add(k);
  }
  const claimed = a.kind === 'linear' ? a.rate : a.exponent;
  // the step value actually used (for the numbers and the replay)
  const scopeMid = (): Record<string, number> => {
    const s: Record<string, Interval> = { lambda0, lambdaMax, ...constants };
    for (const [k, v] of Object.entries(box)) s[k] = iv(mid(v));
    for (const [k, e] of definitions) {
      try {
        s[k] = evalInterval(e, s);
      } catch {
        /* a let symbol the method does not need here */
      }
    }
    return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, mid(v)]));
  };
  let mids: Record<string, number>;
  try {
    mids = scopeMid();
  } catch (err) {
    return inconclusive(`parameters could not be evaluated: ${(err as Error).message}`);
  }
  if (model.kind === 'companion') {
    try {
      const user: Record<string, number> = {};
      for (const p of spec.params) if (p in mids) user[p] = mids[p];
      checkCompanionAgainstStepper(claim.method, model, user, mids.lambda0);
    } catch (err) {
      // A parameter outside its domain (η ≤ 0, β ∉ [0, 1), …) is the claim's, not an internal fault.
      if (err instanceof SpecError) return inconclusive(`parameters could not be evaluated: ${err.message}`);
      return inconclusive(`internal check failed: ${(err as Error).message}`);
    }
  }
  const result = proveClaim({
    claim: claimRaw,
    instance: { data: dataSource(inst), n, d: data.d, seed: inst.seed, width: inst.width, eta: stepValue },
    assert: { ...a, form: a.form },
    model,
    lambda0,
    lambdaMax,
    enclosureMethod: `${enc.method} (src/linalg/enclosure.ts): λ0 ∈ [lo, hi], λmax ∈ [lo, hi] rigorous, outward-rounded`,
    constants,
    box,
    definitions,
  });
  // Poincaré–Perron states the exponential rate of the limit matrix; the polynomial factor on top
  // comes from det T(k) ≈ det T∞·(1 + α/k): with D roots of one modulus each carries k^(α/D).
  if (model.kind === 'companion' && model.limit && result.certificate) {
    try {
      const user: Record<string, number> = {};
      for (const p of spec.params) if (p in mids) user[p] = mids[p];
      const K = 1e6;
      const dk = determinant(companionMatrix(claim.method, user, mids.lambda0, K));
      const dInf = determinant(companionMatrix(claim.method, user, mids.lambda0, 1e15));
      const alpha = K * (dk / dInf - 1);
      const D = model.matrix.length;
      const note = `polynomial factor: det T(k) ≈ det T∞·(1 ${alpha < 0 ? '−' : '+'} ${Math.abs(alpha).toPrecision(3)}/k) at λ = λ0, so ‖e_k‖ carries about k^(${(alpha / D).toPrecision(3)}) on top of the limit rate (when the ${D} roots share one modulus)`;
      result.certificate.notes.push(note);
      result.reason += `; ${note}`;
    } catch {
      /* the factor is informational */
    }
  }
  const numbers: Record<string, number> = {
    lambda0Lo: enc.lambdaMin.lo,
    lambda0Hi: enc.lambdaMin.hi,
    lambdaMaxLo: enc.lambdaMax.lo,
    lambdaMaxHi: enc.lambdaMax.hi,
  };
  if (stepValue !== null) numbers.eta = stepValue;
  else if (step.name && step.name in mids) numbers.eta = mids[step.name];
  for (const [k, v] of Object.entries(result.worst ?? {})) numbers[`worst.${k}`] = v;
  const status =
    result.verdict === 'proved' ? 'pass' : result.verdict === 'refuted' ? 'fail' : 'inconclusive';
  return {
    outcome: {
      ...base,
      status,
      reason: result.reason,
      claimed: result.claimed,
      measured: result.exact,
      regimeNote: `${regimeNote}; model: ${model.source}; claimed ${a.kind === 'linear' ? 'rate' : 'exponent'} ${claimed}`,
      numbers,
    },
    certificate: result.certificate,
    result,
  };
}
