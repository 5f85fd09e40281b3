/**
 * Run a claim: symbolic obligations through the derivation engine, numeric ones as a fast-check
 * property over sampled instances, run with fc.check({ seed, path, numRuns }) so the same seed (and
 * the printed path) replays a counterexample exactly. See verdict.ts for the semantics.
 */
import fc from 'fast-check';
import { parse } from 'mathjs';
import { resolveMethod, stepSymbol } from '../spec/compile.ts';
import { isStepDependent } from '../dynamics/discrete.ts';
import { instanceArbitrary } from './arbitraries.ts';
import { buildInstance } from './instance.ts';
import { classifyDecay } from './rate-fit.ts';
import { defaultEta, discreteRegime, networkRegime, odeRegime, type RegimeTrajectory } from './regimes.ts';
import { certifyInstance } from './certified.ts';
import { ClaimError } from './claim-file.ts';
import type { Certificate } from '../certify/types.ts';
import { checkOdeTerms } from './symbolic.ts';
import type {
  Claim,
  ClaimResult,
  Counterexample,
  Instance,
  InstanceOutcome,
  ObligationResult,
} from './types.ts';
import { combineVerdict, judgeDecay } from './verdict.ts';
import { sig } from '../util/format.ts';

export interface RunOptions {
  /** Sampled instances (default: the claim's instances.runs). */
  runs?: number;
  /** fast-check seed (default 1). */
  seed?: number;
  /** fast-check path of a counterexample to replay. */
  path?: string;
  /** Called after each instance. */
  onProgress?: (done: number, total: number) => void;
  /** Command prefix of the replay line, e.g. "dynview check claim.json". */
  replayCommand?: string;
  /** Keep the trajectories of the first instances (for plots). */
  keepTrajectories?: number;
}

export interface ClaimRun extends ClaimResult {
  /** Trajectories of the first instances, when asked for (not serialised). */
  trajectories?: Array<{ instance: Instance; t: Float64Array; loss: Float64Array }>;
}

/** Values of the claim's parameters on an instance (ranges sampled, expressions evaluated). */
export function instanceParams(
  claim: Claim,
  inst: Instance,
  scope: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(claim.params)) {
    if (typeof v === 'number') out[k] = v;
    else if (Array.isArray(v)) out[k] = inst.params[k];
  }
  for (const [k, v] of Object.entries(claim.params)) {
    if (typeof v === 'string')
      out[k] = parse(v)
        .compile()
        .evaluate({ ...scope }) as number;
  }
  return out;
}

/** Evaluate one instance of a numeric (linear/sublinear) claim. */
export async function evaluateInstance(
  claim: Claim,
  inst: Instance,
): Promise<{ outcome: InstanceOutcome; trajectory: RegimeTrajectory | null }> {
  const a = claim.assert;
  if (a.kind === 'ode') throw new Error('evaluateInstance: an ode claim has no instances');
  const data = buildInstance(inst, claim.model);
  const { lambda0, lambdaMax } = data;
  const base = { instance: inst, lambda0, lambdaMax };
  if (!(lambda0 > claim.lambda0Min)) {
    return {
      outcome: {
        ...base,
        status: 'inconclusive',
        reason: `hypothesis λ0 > ${claim.lambda0Min} failed: λ0 = ${lambda0.toExponential(2)} (nearly parallel inputs)`,
        regimeNote: claim.regime,
        numbers: {},
      },
      trajectory: null,
    };
  }
  const stepName = stepSymbol(resolveMethod(claim.method).spec);
  // A step set in params wins (it is evaluated below); else instances.eta, else the default.
  const stepInParams = stepName !== null && stepName in claim.params;
  let eta = inst.eta ?? defaultEta(lambdaMax);
  const scope: Record<string, number> = { lambda0, lambdaMax, n: inst.n, d: data.data.d, eta, m: inst.width };
  if (stepName) scope[stepName] = eta;
  let params: Record<string, number>;
  try {
    params = instanceParams(claim, inst, scope);
    if (stepInParams && stepName) {
      eta = params[stepName];
      scope.eta = eta;
      scope[stepName] = eta;
    }
  } catch (err) {
    return {
      outcome: {
        ...base,
        status: 'inconclusive',
        reason: `parameters could not be evaluated: ${(err as Error).message}`,
        regimeNote: claim.regime,
        numbers: {},
      },
      trajectory: null,
    };
  }
  // The claimed value first: undefined on this instance, there is nothing to run for.
  const claimedText = a.kind === 'linear' ? a.rate : a.exponent;
  const claimed = parse(claimedText)
    .compile()
    .evaluate({ ...params, ...scope }) as unknown;
  if (typeof claimed !== 'number' || !Number.isFinite(claimed))
    return {
      outcome: {
        ...base,
        status: 'inconclusive',
        reason: `the claimed ${a.kind === 'linear' ? 'rate' : 'exponent'} is not a finite number on this instance: ${claimedText} = ${String(claimed)}`,
        regimeNote: claim.regime,
        numbers: {},
      },
      trajectory: null,
    };
  let traj: RegimeTrajectory;
  try {
    if (claim.regime === 'ode') traj = odeRegime(claim.method, params, data, claim.instances.horizon);
    else if (claim.regime === 'discrete')
      traj = discreteRegime(claim.method, params, data, eta, claim.instances.horizon);
    else
      traj = await networkRegime(
        claim.method,
        params,
        data,
        inst.width,
        inst.seed + 1,
        eta,
        claim.instances.horizon,
        claim.driftBound,
        claim.model,
      );
  } catch (err) {
    return {
      outcome: {
        ...base,
        status: 'inconclusive',
        reason: `the ${claim.regime} run failed: ${(err as Error).message.split('\n')[0]}`,
        regimeNote: claim.regime,
        numbers: {},
      },
      trajectory: null,
    };
  }
  const numbers = {
    ...traj.numbers,
    ...Object.fromEntries(Object.entries(params).map(([k, v]) => [`param.${k}`, v])),
  };
  if (traj.status !== 'ok') {
    return {
      outcome: {
        ...base,
        status: 'inconclusive',
        reason:
          traj.status === 'diverged' ? `divergence: ${traj.reason}` : `hypothesis failed: ${traj.reason}`,
        claimed,
        regimeNote: traj.regimeNote,
        numbers,
      },
      trajectory: traj,
    };
  }
  const decay = classifyDecay(traj.t, traj.loss, { floor: traj.floor });
  const j = finiteWidthExcuse(
    a,
    refuteBeyondSpread(a, judgeDecay(a, decay, claimed), traj, claimed),
    traj,
    (lambda0, lambdaMax) =>
      parse(claimedText)
        .compile()
        .evaluate({ ...params, ...scope, lambda0, lambdaMax }) as number,
  );
  return {
    outcome: {
      ...base,
      status: j.status,
      reason: j.reason,
      claimed,
      measured: j.measured,
      decay,
      regimeNote: traj.regimeNote,
      numbers,
    },
    trajectory: traj,
  };
}

/** Reasons that say the claim's own expressions are undefined on an instance (not a hypothesis). */
const NOT_EVALUABLE =
  /^(parameters could not be evaluated|the claim cannot be evaluated on the domain|the claimed (rate|exponent) is not a finite number)/;

/** Late windows on which a measured rate is re-fitted to estimate the fit's own spread. */
const SPREAD_WINDOWS = [0.125, 0.25, 0.5];

/**
 * Network regime (a measurement): a failing judgement stands only when every window of the fit
 * fails and the shortfall exceeds the spread of the fitted values across the windows; otherwise the
 * instance is inconclusive, with the reason.
 */
function refuteBeyondSpread(
  a: Extract<Claim['assert'], { kind: 'linear' | 'sublinear' }>,
  j: ReturnType<typeof judgeDecay>,
  traj: RegimeTrajectory,
  claimed: number,
): ReturnType<typeof judgeDecay> {
  if (j.status !== 'fail') return j;
  const fits = SPREAD_WINDOWS.map((w) =>
    classifyDecay(traj.t, traj.loss, { floor: traj.floor, windowStart: w }),
  );
  const judged = fits.map((d) => judgeDecay(a, d, claimed));
  if (judged.some((x) => x.status !== 'fail'))
    return {
      status: 'inconclusive',
      reason: `the fit does not fail on every window (${judged.map((x, i) => `from ${SPREAD_WINDOWS[i]}·T: ${x.status}`).join(', ')}): ${j.reason}`,
    };
  const values = judged
    .map((x) => x.measured)
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === judged.length && values.length > 0) {
    const spread = Math.max(...values) - Math.min(...values);
    const shortfall = (1 - a.tolerance) * claimed - Math.max(...values);
    if (!(shortfall > spread))
      return {
        status: 'inconclusive',
        reason: `the violation (${sig(shortfall)}) is within the fit's spread across windows (${sig(spread)}): ${j.reason}`,
      };
  }
  return { ...j, reason: `${j.reason} (on every window; beyond the fit's spread)` };
}

/**
 * Network regime, linear claims: λ0 and λmax in a claimed rate are those of H∞, the infinite-width
 * kernel; the net trains with its own H(t), whose spectrum differs by O(1/√m) (at initialisation
 * already, before any drift). A shortfall that disappears when the claim is read on the run's own
 * kernel (λ0 → any λ_min(H(t)) of the probes, λmax → any λ_max(H(t)), the most lenient corner) is the
 * finite width, not the claim: inconclusive, with both readings. A claim that fails on the run's own
 * kernel too stays refuted.
 */
function finiteWidthExcuse(
  a: Extract<Claim['assert'], { kind: 'linear' | 'sublinear' }>,
  j: ReturnType<typeof judgeDecay>,
  traj: RegimeTrajectory,
  claimedAt: (lambda0: number, lambdaMax: number) => number,
): ReturnType<typeof judgeDecay> {
  if (j.status !== 'fail' || a.kind !== 'linear' || j.measured === undefined) return j;
  const n = traj.numbers;
  if (n.kernelLambdaMinLow === undefined || n.kernelLambdaMaxLow === undefined) return j;
  let lenient = Infinity;
  let at = [0, 0];
  for (const l0 of [n.kernelLambdaMinLow, n.kernelLambdaMinHigh])
    for (const lm of [n.kernelLambdaMaxLow, n.kernelLambdaMaxHigh]) {
      const c = claimedAt(l0, lm);
      if (Number.isFinite(c) && c < lenient) {
        lenient = c;
        at = [l0, lm];
      }
    }
  if (!(j.measured >= (1 - a.tolerance) * lenient)) return j;
  return {
    status: 'inconclusive',
    measured: j.measured,
    reason: `finite width: on the run's own kernel (λ_min(H(t)) = ${sig(at[0])}, λ_max(H(t)) = ${sig(at[1])} in place of H∞'s λ0, λmax) the claim asks for ${sig(lenient)} and the run measures ${sig(j.measured)}, so the shortfall is the width, not the claim: ${j.reason}`,
  };
}

/** evaluateInstance with any unexpected error reported as an inconclusive outcome (never a counterexample). */
async function evaluateInstanceSafely(
  claim: Claim,
  inst: Instance,
): Promise<{ outcome: InstanceOutcome; trajectory: RegimeTrajectory | null }> {
  try {
    return await evaluateInstance(claim, inst);
  } catch (err) {
    return { outcome: errorOutcome(claim, inst, err), trajectory: null };
  }
}

/** An unexpected error while evaluating `inst`, as an inconclusive outcome (never a counterexample). */
function errorOutcome(claim: Claim, inst: Instance, err: unknown): InstanceOutcome {
  return {
    instance: inst,
    lambda0: Number.NaN,
    lambdaMax: Number.NaN,
    status: 'inconclusive',
    reason: `error: ${(err as Error).message.split('\n')[0]}`,
    regimeNote: claim.regime,
    numbers: {},
  };
}

function describeInstance(i: Instance): string {
  const p = Object.entries(i.params)
    .map(([k, v]) => `${k}=${sig(v)}`)
    .join(',');
  return `${i.data} n=${i.n} d=${i.d} seed=${i.seed} m=${i.width}${i.eta !== null ? ` eta=${sig(i.eta)}` : ''}${p ? ` ${p}` : ''}`;
}

export { describeInstance };

/** Run a claim (symbolic or numeric) and return its verdict with evidence. */
export async function runClaim(claim: Claim, opts: RunOptions = {}): Promise<ClaimRun> {
  const started = performance.now();
  const seed = opts.seed ?? 1;
  const a = claim.assert;
  if (a.kind === 'ode') {
    const { obligations, derivedOde } = checkOdeTerms(
      claim.method,
      a.terms,
      a.resolution,
      a.space,
      claim.params,
    );
    const verdict = combineVerdict(obligations);
    const failed = obligations.find((o) => o.status === 'fail');
    const counterexample: Counterexample | null = failed
      ? {
          instance: null,
          seed,
          path: '',
          reason: failed.detail,
          replay: `${opts.replayCommand ?? 'dynview check CLAIM.json'} (symbolic: no sampling)`,
        }
      : null;
    return {
      id: claim.id,
      statement: claim.statement,
      verdict,
      regime: claim.regime,
      runs: 0,
      seed,
      counterexample,
      inconclusive: { count: 0, reasons: [] },
      obligations,
      evidence: {
        summary: `derived: ${derivedOde}`,
        claimed: Object.entries(a.terms)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', '),
        measured: null,
        instances: [],
      },
      seconds: (performance.now() - started) / 1000,
    };
  }
  const runs = opts.runs ?? claim.instances.runs;
  const outcomes: InstanceOutcome[] = [];
  const trajectories: Array<{ instance: Instance; t: Float64Array; loss: Float64Array }> = [];
  let mainPhase = true;
  let done = 0;
  // ode / discrete regimes: decided exactly per instance (certified); network: measured.
  const certified = claim.regime !== 'network';
  const certificates = new Map<string, Certificate>();
  const keyOf = (i: Instance) => JSON.stringify([i.data, i.n, i.d, i.seed, i.eta]);
  let simulated = 0;
  const evaluate = async (
    inst: Instance,
  ): Promise<{ outcome: InstanceOutcome; trajectory: RegimeTrajectory | null }> => {
    if (!certified) return evaluateInstanceSafely(claim, inst);
    try {
      const r = certifyInstance(claim, claim.raw ?? {}, inst);
      if (r.certificate) certificates.set(keyOf(inst), r.certificate);
      // Plots only (never the verdict): the simulated trajectory of the first few instances.
      let trajectory: RegimeTrajectory | null = null;
      if (simulated < (opts.keepTrajectories ?? 0)) {
        simulated++;
        trajectory = (await evaluateInstanceSafely(claim, inst)).trajectory;
      }
      return { outcome: r.outcome, trajectory };
    } catch (err) {
      return { outcome: errorOutcome(claim, inst, err), trajectory: null };
    }
  };
  const prop = fc.asyncProperty(instanceArbitrary(claim), async (inst) => {
    const { outcome, trajectory } = await evaluate(inst);
    if (mainPhase) {
      outcomes.push(outcome);
      if (trajectory && trajectories.length < (opts.keepTrajectories ?? 0))
        trajectories.push({ instance: inst, t: trajectory.t, loss: trajectory.loss });
      done++;
      opts.onProgress?.(Math.min(done, runs), runs);
    }
    if (outcome.status === 'fail') mainPhase = false; // shrinking starts after the first failure
    return outcome.status !== 'fail';
  });
  // A certified refutation is exact: shrinking the data set would only cost time.
  const details = await fc.check(prop, { seed, numRuns: runs, path: opts.path, endOnFailure: certified });
  let counterexample: Counterexample | null = null;
  if (details.failed && details.counterexample) {
    const inst = details.counterexample[0];
    const replayed = await evaluate(inst);
    const path = details.counterexamplePath ?? '';
    counterexample = {
      instance: inst,
      seed: details.seed,
      path,
      reason: replayed.outcome.reason,
      replay: `${opts.replayCommand ?? 'dynview check CLAIM.json'} --seed ${details.seed} --path ${path}`,
    };
    outcomes.push({ ...replayed.outcome, reason: `shrunk counterexample: ${replayed.outcome.reason}` });
  }
  const inconclusive = outcomes.filter((o) => o.status === 'inconclusive');
  // A claim whose own parameters or rate cannot be evaluated on ANY of its instances (a division by
  // zero, a step outside its domain, …) is malformed input, not an open question: exit 2.
  if (
    counterexample === null &&
    outcomes.length > 0 &&
    inconclusive.length === outcomes.length &&
    outcomes.every((o) => NOT_EVALUABLE.test(o.reason))
  )
    throw new ClaimError(
      `the claim cannot be evaluated on any of its ${outcomes.length} instances: ${outcomes[0].reason}`,
    );
  const reasons = [
    ...new Set(inconclusive.map((o) => o.reason.replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/g, '#'))),
  ]
    .slice(0, 5)
    .map(
      (r) => inconclusive.find((o) => o.reason.replace(/[-+]?\d+(\.\d+)?(e[-+]?\d+)?/g, '#') === r)!.reason,
    );
  const measured = outcomes
    .filter((o) => o.measured !== undefined && Number.isFinite(o.measured))
    .map((o) => o.measured!)
    .sort((x, y) => x - y);
  const claimedVals = outcomes.filter((o) => o.claimed !== undefined).map((o) => o.claimed!);
  const numeric: ObligationResult = {
    name: `${a.kind} decay in the ${claim.regime} regime (${a.kind === 'linear' ? `rate ≥ ${a.rate}` : `exponent ≥ ${a.exponent}`}, tolerance ${a.tolerance}, ${a.form})`,
    kind: certified ? 'certified' : 'numeric',
    status: counterexample ? 'fail' : inconclusive.length > 0 ? 'inconclusive' : 'pass',
    detail: counterexample
      ? `counterexample (${describeInstance(counterexample.instance!)}): ${counterexample.reason}`
      : inconclusive.length > 0
        ? `${inconclusive.length} of ${outcomes.length} instances inconclusive: ${reasons.join('; ')}`
        : `${outcomes.length} instances, 0 counterexamples`,
    computed: measured.length > 0 ? `${sig(measured[0])}…${sig(measured[measured.length - 1])}` : undefined,
    theory:
      claimedVals.length > 0
        ? `${sig(Math.min(...claimedVals))}…${sig(Math.max(...claimedVals))}`
        : undefined,
  };
  const crossovers = outcomes
    .map((o) => o.decay?.crossover)
    .filter((c): c is number => c !== undefined && Number.isFinite(c))
    .sort((x, y) => x - y);
  // A crossover is reported for methods with step-dependent coefficients (NAG-C's (k−1)/(k+r−1)):
  // their fixed-step runs leave a polynomial regime; for the others p/c only measures mode mixing.
  const stepDependent = isStepDependent(claim.method);
  if (
    claim.regime !== 'ode' &&
    stepDependent &&
    crossovers.length > 0 &&
    outcomes.some((o) => o.decay?.kind === 'linear' && o.decay.crossover !== undefined)
  ) {
    numeric.detail += `; polynomial-to-linear crossover t* = p/c at median t = ${sig(crossovers[Math.floor(crossovers.length / 2)])}`;
  }
  const obligations = [numeric];
  const verdict = combineVerdict(obligations);
  const mainRuns = counterexample ? details.numRuns : outcomes.length;
  const median = measured.length > 0 ? measured[Math.floor(measured.length / 2)] : Number.NaN;
  return {
    id: claim.id,
    statement: claim.statement,
    verdict,
    regime: claim.regime,
    runs: mainRuns,
    seed,
    counterexample,
    inconclusive: { count: inconclusive.length, reasons },
    obligations,
    evidence: {
      summary: `${verdict}: ${numeric.detail}`,
      claimed: a.kind === 'linear' ? `rate ${a.rate}` : `exponent ${a.exponent}`,
      measured: measured.length > 0 ? { min: measured[0], max: measured[measured.length - 1], median } : null,
      instances: outcomes.slice(0, 8).concat(outcomes.length > 8 ? outcomes.slice(-1) : []),
    },
    seconds: (performance.now() - started) / 1000,
    trajectories: opts.keepTrajectories ? trajectories : undefined,
    certificates: certified
      ? orderedCertificates(certificates, counterexample?.instance ?? null, keyOf)
      : undefined,
  };
}

/** The counterexample's certificate first, then the others in instance order. */
function orderedCertificates(
  all: Map<string, Certificate>,
  cex: Instance | null,
  keyOf: (i: Instance) => string,
): Certificate[] {
  const out = [...all.values()];
  if (!cex) return out;
  const c = all.get(keyOf(cex));
  return c ? [c, ...out.filter((x) => x !== c)] : out;
}
