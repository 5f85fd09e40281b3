/**
 * The three regimes a numeric obligation is evaluated in, each producing the loss ½‖e‖² against the
 * method's ODE time t (the spec's `time` expression):
 * - 'ode': the limiting output-space ODE on H∞ of the sampled data, derived by the symbolic engine
 *   (src/symbolic/derive.ts) and solved per eigenmode of H∞ (closed forms / Bessel / odex);
 * - 'discrete': the linearised NTK iteration at step η: the method's own compiled stepper on the
 *   prediction error with gradient oracle e ↦ H∞e (run in the eigenbasis of H∞, where it is diagonal);
 * - 'network': real training of the two-layer ReLU net at the sampled width (src/train).
 * Each result says which limit it lives in (regimeNote).
 */
import { parse } from 'mathjs';
import { compileModeOde, odeRate, type OdeRateResult } from '../dynamics/modes.ts';
import { compileMethod, diagonalGgnOracle, resolveMethod, stepSymbol } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';
import { deriveOde } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import { FIRST_LAYER, type InstanceData } from './instance.ts';
import type { ModelOptions } from '../ntk/both-layers.ts';
import { solveMode, type ModeSolver } from './mode-trajectory.ts';
import type { Horizon } from './types.ts';
import { isDiverged } from '../util/divergence.ts';
import { train } from '../train/trainer.ts';

export interface RegimeTrajectory {
  t: Float64Array;
  loss: Float64Array;
  status: 'ok' | 'diverged' | 'hypothesis-failed';
  /** Why the hypothesis failed (status 'hypothesis-failed') or where it diverged. */
  reason?: string;
  regimeNote: string;
  numbers: Record<string, number>;
  /** The theory's rate for the ODE regime (odeRate, src/dynamics/modes.ts), when it has one. */
  theory?: OdeRateResult;
  /** Relative loss under which points are numerical noise (the rate fit's floor). */
  floor: number;
}

/**
 * Relative noise floors per regime: the ODE's closed forms and the linearised iteration on e keep
 * full relative precision far down (no u − y cancellation), real training does not (u − y ~ 1e-16·|y|).
 */
export const FLOOR = { ode: 1e-24, closedForm: 1e-150, discrete: 1e-150, network: 1e-24 } as const;

/** Relative loss at which a discrete run stops (well above underflow). */
export const LOSS_FLOOR_RELATIVE = 1e-160;
/** Most steps a discrete run takes. */
export const MAX_DISCRETE_STEPS = 200_000;
/** Points on the ODE time grid. */
export const ODE_GRID_POINTS = 4000;

/** The spec's ODE time t(k) at fixed parameter values. */
export function timeOfStep(spec: MethodSpec, params: Record<string, number>): (k: number) => number {
  const fn = parse(spec.time).compile();
  return (k: number) => fn.evaluate({ ...params, k }) as number;
}

const METHOD_LIMIT_NOTES: Record<string, string> = {
  'hb-fixed':
    'fixed β with small η: the limit is the rescaled gradient flow Ẋ = −∇L/(1 − β) in t = kη, not the second-order ODE',
  hm: 'fixed β1, β2 with small η: the limit is the rescaled gradient flow Ẋ = −∇L/(1 − β1 − β2) in t = kη',
  'nag-c': 'momentum (k−1)/(k+r−1): the ODE Ẍ + (r/t)Ẋ + ∇L = 0 in t = k√s',
  hb: 'β = 1 − γ√η with t = k√η: the second-order limit Ẍ + γẊ + ∇L = 0',
};

function methodName(method: string | MethodSpec): string {
  return typeof method === 'string' ? method : method.name;
}

/** ODE regime: the derived output-space ODE on H∞, solved per eigenmode. */
export function odeRegime(
  method: string | MethodSpec,
  params: Record<string, number>,
  inst: InstanceData,
  horizon: Horizon | null,
): RegimeTrajectory {
  const derived = deriveOde(method, { resolution: 'low' });
  const out = toOutputSpace(derived);
  const { lambda0, lambdaMax } = inst;
  const theory = odeRate(out, params, lambda0, lambdaMax);
  const ode = compileModeOde(out, params);
  // A rate is an asymptotic statement: the window reaches far enough into the slowest mode.
  let tAsym: number;
  // 120 time constants: a slow mode with a small share of e(0) must dominate the late window (its
  // knee can come late); closed forms keep relative precision that far (the floor below).
  if (theory.kind === 'linear' && theory.odeRate > 0) tAsym = 120 / theory.odeRate;
  else if (theory.kind === 'sublinear') tAsym = 200 / Math.sqrt(lambda0);
  else tAsym = 100 / lambda0;
  let T = tAsym;
  if (horizon && 't' in horizon) T = Math.max(horizon.t, tAsym);
  else if (horizon && 'steps' in horizon) {
    const spec = resolveMethod(method).spec;
    try {
      T = Math.max(timeOfStep(spec, params)(horizon.steps), tAsym);
    } catch {
      T = tAsym;
    }
  }
  const N = ODE_GRID_POINTS;
  const t = new Float64Array(N);
  for (let i = 0; i < N; i++) t[i] = (T * i) / (N - 1);
  const loss = new Float64Array(N);
  const solvers = new Set<ModeSolver>();
  for (let j = 0; j < inst.eigenvalues.length; j++) {
    const c = inst.e0Modes[j];
    if (c === 0) continue;
    const lam = Math.max(inst.eigenvalues[j], 0);
    const sol = solveMode(ode, lam, t);
    solvers.add(sol.solver);
    for (let i = 0; i < N; i++) loss[i] += 0.5 * (c * sol.values[i]) ** 2;
  }
  const bad = loss.findIndex((v) => !Number.isFinite(v));
  const limit = METHOD_LIMIT_NOTES[methodName(method)];
  const regimeNote =
    `ode regime: the limiting output-space ODE ${out.ode} on H∞ of the sampled data, ` +
    `solved per eigenmode (${[...solvers].join(', ')}) on t ∈ [0, ${T.toPrecision(4)}]` +
    (T > (horizon && 't' in horizon ? horizon.t : 0)
      ? " (horizon extended to reach the slowest mode's asymptotics)"
      : '') +
    (limit ? `; ${limit}` : '');
  const numbers: Record<string, number> = { horizonT: T };
  if (theory.kind === 'linear') numbers.theoryLossRate = 2 * theory.odeRate;
  if (theory.kind === 'sublinear') numbers.theoryLossExponent = 2 * theory.odeExponent;
  // Closed forms and the Bessel solution keep relative precision far down; odex has an absolute tolerance.
  const floor = solvers.has('odex') ? FLOOR.ode : FLOOR.closedForm;
  if (bad >= 0)
    return {
      t,
      loss,
      status: 'diverged',
      reason: `the mode solution is not finite at t = ${t[bad]}`,
      regimeNote,
      numbers,
      theory,
      floor,
    };
  return { t, loss, status: 'ok', regimeNote, numbers, theory, floor };
}

/** Default step size when the claim gives none: 1/(2 λmax(H∞)) (stable for every built-in). */
export function defaultEta(lambdaMax: number): number {
  return 0.5 / lambdaMax;
}

/**
 * Discrete regime: the linearised NTK iteration. In the eigenbasis of H∞ the gradient oracle
 * e ↦ H∞e is diagonal, so the method's stepper runs on the mode coordinates of e(0) with
 * grad_i(z) = λ_i z_i: the same iterates as on e itself, in O(n) per step.
 */
export function discreteRegime(
  method: string | MethodSpec,
  params: Record<string, number>,
  inst: InstanceData,
  eta: number,
  horizon: Horizon | null,
): RegimeTrajectory {
  const parsed = resolveMethod(method);
  const stepName = stepSymbol(parsed.spec);
  const user = { ...params };
  if (stepName) user[stepName] = eta;
  const compiled = compileMethod(parsed, user);
  const timeOf = timeOfStep(parsed.spec, compiled.params);
  const lam = inst.eigenvalues;
  const n = lam.length;
  const grad = (z: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = lam[i] * z[i];
  };
  const ggn = diagonalGgnOracle(lam);
  let K: number;
  if (horizon && 'steps' in horizon) K = horizon.steps;
  else if (horizon && 't' in horizon) {
    const h = timeOf(parsed.start + 1) - timeOf(parsed.start);
    K = Math.ceil((horizon.t - timeOf(parsed.start)) / h);
  } else K = Math.ceil(60 / (eta * inst.lambda0));
  // At least 2000 steps unless a horizon was given: fast instances stop at the floor anyway, and an
  // oscillating run needs enough periods for its envelope.
  K = Math.max(horizon ? 16 : 2000, Math.min(K, MAX_DISCRETE_STEPS));
  const stepper = compiled.stepper(Float64Array.from(inst.e0Modes));
  const loss: number[] = [];
  const t: number[] = [];
  const lossOf = (x: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i] * x[i];
    return 0.5 * s;
  };
  const L0 = lossOf(stepper.x);
  loss.push(L0);
  t.push(timeOf(stepper.k));
  let status: RegimeTrajectory['status'] = 'ok';
  let reason: string | undefined;
  for (let k = 0; k < K; k++) {
    stepper.step(grad, ggn);
    const L = lossOf(stepper.x);
    loss.push(L);
    t.push(timeOf(stepper.k));
    if (isDiverged(L, L0)) {
      status = 'diverged';
      reason = `loss ${Number.isFinite(L) ? L.toExponential(2) : L} at step ${stepper.k} (η = ${eta.toPrecision(3)}, ηλmax = ${(eta * inst.lambdaMax).toPrecision(3)})`;
      break;
    }
    if (L < LOSS_FLOOR_RELATIVE * L0) break;
  }
  const limit = METHOD_LIMIT_NOTES[parsed.spec.name];
  const regimeNote =
    `discrete regime: the linearised NTK iteration of ${parsed.spec.name} on e = u − y with ∇ = H∞e at ` +
    `${stepName ?? 'step'} = ${eta.toPrecision(3)} (ηλ0 = ${(eta * inst.lambda0).toPrecision(3)}, ηλmax = ${(eta * inst.lambdaMax).toPrecision(3)}), ` +
    `${loss.length - 1} steps, t = ${parsed.spec.time}` +
    (limit ? `; ${limit}` : '');
  return {
    t: Float64Array.from(t),
    loss: Float64Array.from(loss),
    status,
    reason,
    regimeNote,
    floor: FLOOR.discrete,
    numbers: { eta, steps: loss.length - 1, horizonT: t[t.length - 1] },
  };
}

/** Most steps a network run takes by default (real training is the expensive regime). */
export const MAX_NETWORK_STEPS = 4000;

/**
 * Network regime: real training of the two-layer ReLU net (src/train) at the sampled width from the
 * same initial network as the other regimes. The NTK hypothesis is checked on the run: the largest
 * kernel drift ‖H(t) − H(0)‖₂ must stay under driftBound·λ0, else the run says so (width too small).
 */
export async function networkRegime(
  method: string | MethodSpec,
  params: Record<string, number>,
  inst: InstanceData,
  width: number,
  seed: number,
  eta: number,
  horizon: Horizon | null,
  driftBound: number,
  model: ModelOptions = FIRST_LAYER,
): Promise<RegimeTrajectory> {
  const parsed = resolveMethod(method);
  const stepName = stepSymbol(parsed.spec);
  const user = { ...params };
  if (stepName) user[stepName] = eta;
  const compiled = compileMethod(parsed, user);
  const timeOf = timeOfStep(parsed.spec, compiled.params);
  let K: number;
  if (horizon && 'steps' in horizon) K = horizon.steps;
  else if (horizon && 't' in horizon) {
    const h = timeOf(parsed.start + 1) - timeOf(parsed.start);
    K = Math.ceil((horizon.t - timeOf(parsed.start)) / h);
  } else K = Math.min(MAX_NETWORK_STEPS, Math.ceil(30 / (eta * inst.lambda0)));
  K = Math.max(16, K);
  const traj = train({
    data: inst.data,
    width,
    method,
    params: user,
    steps: K,
    seed,
    probeEvery: Math.max(1, Math.floor(K / 8)),
    engine: 'auto',
    train: model.train,
    bias: model.bias,
  });
  const t = new Float64Array(traj.loss.length);
  for (let k = 0; k < t.length; k++) t[k] = timeOf(parsed.start + k);
  const drift = Math.max(0, ...traj.probes.map((p) => p.kernelDrift));
  const weightDrift = Math.max(0, ...traj.probes.map((p) => p.weightDrift));
  const limit = METHOD_LIMIT_NOTES[parsed.spec.name];
  const regimeNote =
    `network regime: real training of the two-layer ReLU net at width m = ${width} (${traj.engine} engine` +
    `${model.train === 'both' ? ', both layers trained' : ''}${model.bias ? ', hidden bias' : ''}), ` +
    `${stepName ?? 'step'} = ${eta.toPrecision(3)}, ${traj.steps} steps, t = ${parsed.spec.time}` +
    (limit ? `; ${limit}` : '');
  const lMin = traj.probes.map((p) => p.lambdaMin).filter(Number.isFinite);
  const lMax = traj.probes.map((p) => p.lambdaMax).filter(Number.isFinite);
  const numbers: Record<string, number> = {
    eta,
    steps: traj.steps,
    width,
    // The spectrum of the run's own kernel H(t) over its probes (the finite-width λ_min, λ_max).
    ...(lMin.length > 0
      ? { kernelLambdaMinLow: Math.min(...lMin), kernelLambdaMinHigh: Math.max(...lMin) }
      : {}),
    ...(lMax.length > 0
      ? { kernelLambdaMaxLow: Math.min(...lMax), kernelLambdaMaxHigh: Math.max(...lMax) }
      : {}),
    kernelDrift: drift,
    weightDrift,
    driftOverLambda0: drift / inst.lambda0,
    horizonT: t[t.length - 1],
  };
  if (traj.status === 'diverged') {
    return {
      t,
      loss: traj.loss,
      status: 'diverged',
      reason: `training diverged at step ${traj.divergedAt} (η = ${eta.toPrecision(3)})`,
      regimeNote,
      numbers,
      floor: FLOOR.network,
    };
  }
  if (drift > driftBound * inst.lambda0) {
    return {
      t,
      loss: traj.loss,
      status: 'hypothesis-failed',
      regimeNote,
      numbers,
      floor: FLOOR.network,
      reason: `NTK drift ‖H(t) − H(0)‖₂ = ${drift.toPrecision(3)} exceeds ${driftBound}·λ0 = ${(driftBound * inst.lambda0).toPrecision(3)}: width m = ${width} too small for the NTK regime`,
    };
  }
  return { t, loss: traj.loss, status: 'ok', regimeNote, numbers, floor: FLOOR.network };
}
