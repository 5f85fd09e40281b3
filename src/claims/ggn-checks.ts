/**
 * Numeric properties on real training for the Gauss–Newton and both-layer claims (shared by proofs/ggn-*.ts and
 * proofs/both-layers.ts): Gram–Gauss–Newton's κ-independent per-step factor 1 − η, its quadratic
 * convergence at η = 1 (src/claims/quadratic.ts), and GD / heavy ball / NAG-SC with both layers
 * trained, whose rates follow the spectrum of the SUMMED kernel H∞_W + K1 (src/ntk/both-layers.ts).
 *
 * Instances: unit-norm sphere data, n ∈ [4, 12], d ∈ [3, 8], a seeded network; every sample is one
 * real training run (direct model loop, src/train/both-layers.ts).
 */
import fc from 'fast-check';
import { loadData } from '../data/load.ts';
import type { Dataset } from '../data/types.ts';
import { Matrix } from 'ml-matrix';
import { companionMatrix, spectralRadius, worstDiscreteRate } from '../dynamics/discrete.ts';
import {
  augmentBias,
  empiricalNtkModel,
  gramInfinityModel,
  ntkSpectrumModel,
  relativeFrobenius,
} from '../ntk/both-layers.ts';
import { initNetwork } from '../train/network.ts';
import type { MethodSpec } from '../spec/types.ts';
import { dataKey, memo, trainOnce } from './memo.ts';
import { integerIn, seedArbitrary } from './arbitraries.ts';
import { realNetRuns } from './network-checks.ts';
import { sampledProperty, type NumericProperty } from './proof.ts';
import { runQuadraticCheck } from './quadratic.ts';
import { logSlopeAbove } from '../util/fit.ts';
import { Rng } from '../util/rng.ts';

/** Gram–Gauss–Newton, x[k+1] = x[k] − η·ggn(x[k]) (the spec of examples/methods/ggn.json). */
export const GGN_SPEC: MethodSpec = {
  name: 'ggn',
  description: 'Gram–Gauss–Newton (Cai et al. 2019): x[k+1] = x[k] − η Jᵀ(JJᵀ)⁻¹(f(x[k]) − y).',
  params: ['eta'],
  step: 'eta',
  time: 'k*eta',
  update: ['x[k+1] = x[k] - eta*ggn(x[k])'],
};

export interface NetSample {
  n: number;
  d: number;
  seed: number;
}
export const netSample: fc.Arbitrary<NetSample> = fc.record({
  n: integerIn([4, 12]),
  d: integerIn([3, 8]),
  seed: seedArbitrary,
});

function sampleData(s: NetSample): Dataset {
  return loadData(`sphere:n=${s.n},d=${s.d},seed=${s.seed}`, { normalize: true });
}

/**
 * The sample with random ±1 targets (seeded): the sphere targets are a smooth function of one
 * projection and can carry almost no weight on the slowest NTK mode, so a finite run would show a
 * faster mode's rate; random signs put weight O(1/√n) on every mode.
 */
function sampleDataRandomTargets(s: NetSample): Dataset {
  const data = sampleData(s);
  const rng = new Rng(s.seed ^ 0x5bd1e995);
  const y = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) y[i] = rng.sign();
  return { ...data, y, notes: [...data.notes, 'targets: random ±1'] };
}

/**
 * GGN on a real net (width m): the per-step factor (‖e_K‖/‖e_1‖)^(1/(K−1)) equals `claimed(η, λ0, λmax)`
 * within `tolerance` relative (true claim: 1 − η whatever κ; a false twin passes GD's 1 − ηλ0).
 */
export function ggnRateProperty(
  name: string,
  claimed: (eta: number, lambda0: number, lambdaMax: number) => number,
  opts: { eta?: number; width?: number; train?: 'first' | 'both'; tolerance?: number } = {},
): NumericProperty {
  const eta = opts.eta ?? 0.5;
  const width = opts.width ?? 8000;
  const tol = opts.tolerance ?? 0.02;
  return sampledProperty(name, netSample, realNetRuns, async (s) => {
    const data = sampleData(s);
    const sp = ntkSpectrumModel(data, { train: opts.train ?? 'first', bias: false });
    // Steps while ‖e‖ stays 8 orders above the float64 floor.
    const K = Math.max(3, Math.min(40, Math.floor(18 / -Math.log(Math.abs(1 - eta)))));
    const traj = trainOnce({
      data,
      width,
      method: GGN_SPEC,
      params: { eta },
      steps: K,
      seed: s.seed + 1,
      probeEvery: 1,
      train: opts.train,
    });
    if (traj.status !== 'ok') return { status: 'inconclusive', detail: `diverged at ${traj.divergedAt}` };
    const measured = (traj.errNorm[K] / traj.errNorm[1]) ** (1 / (K - 1));
    const theory = claimed(eta, sp.lambda0, sp.lambdaMax);
    // The hypothesis on this run: each step is linear to within s = stepResidual (‖R‖ ≤ s‖Δe‖), so a
    // per-step factor obeys |‖e_k‖/‖e_{k−1}‖ − (1 − η)| ≤ ηs/(1 − s) for GGN at ε = 0. A run whose
    // steps are further from linear than the tolerance allows is out of the linearised regime.
    const residual = Math.max(0, ...traj.probes.filter((p) => p.step >= 2).map((p) => p.stepResidual ?? 0));
    const allowed = (tol * (1 - eta)) / (eta + tol * (1 - eta));
    if (!(residual <= allowed))
      return {
        status: 'inconclusive',
        computed: measured,
        theory,
        detail: `width ${width}, η = ${eta}, κ = ${sp.kappa.toPrecision(4)}: hypothesis failed on this run — a step's linearisation remainder is ${(residual * 100).toFixed(2)}% of its output change (> ${(allowed * 100).toFixed(2)}%, what the ${tol * 100}% tolerance allows): outside the linearised regime at this width (per-step factor ${measured.toPrecision(5)})`,
      };
    const ok = Math.abs(measured - theory) <= tol * theory;
    return {
      status: ok ? 'pass' : 'fail',
      computed: measured,
      theory,
      detail: `width ${width}, η = ${eta}, κ = ${sp.kappa.toPrecision(4)}: per-step ‖e‖ factor ${measured.toPrecision(5)} vs claimed ${theory.toPrecision(5)} (tolerance ${tol * 100}%)`,
    };
  });
}

/**
 * `quadratic` on a real net: ‖e_{k+1}‖ ≤ C‖e_k‖² near the solution (src/claims/quadratic.ts) for
 * `method` at params(λ0, λmax). True for GGN at η = 1; false twins: GD, GGN at η < 1.
 */
export function quadraticProperty(
  name: string,
  method: string | MethodSpec,
  params: (lambda0: number, lambdaMax: number) => Record<string, number>,
  opts: {
    /** The constant, or a function of the instance (n, λ0 of the model's H∞, width m). */
    C: number | ((inst: { n: number; lambda0: number; width: number }) => number);
    steps: number;
    width?: number;
    train?: 'first' | 'both';
  },
): NumericProperty {
  const width = opts.width ?? 8000;
  return sampledProperty(name, netSample, realNetRuns, async (s) => {
    const data = sampleData(s);
    const sp = ntkSpectrumModel(data, { train: opts.train ?? 'first', bias: false });
    const C = typeof opts.C === 'number' ? opts.C : opts.C({ n: data.n, lambda0: sp.lambda0, width });
    const r = runQuadraticCheck({
      data,
      width,
      method,
      params: params(sp.lambda0, sp.lambdaMax),
      steps: opts.steps,
      seed: s.seed + 1,
      C,
      train: opts.train,
    });
    return {
      status: r.status,
      computed: r.computed,
      theory: r.theory,
      detail: `width ${width}, ${opts.train === 'both' ? 'both layers, ' : ''}${r.detail}`,
    };
  });
}

/**
 * The per-step factor that the window [from, to] of the linearised run of one mode λ shows: exp of the
 * least-squares slope of ln‖T(λ)^k‖_F over the window (T the method's companion matrix). Equal to
 * ρ(T(λ)) for well-separated roots; slower, by the polynomial factor, for a (nearly) defective mode.
 */
function windowFactor(
  method: string,
  params: Record<string, number>,
  lambda: number,
  from: number,
  to: number,
): number {
  const T = companionMatrix(method, params, lambda);
  let P = Matrix.eye(T.rows);
  let logNorm = 0;
  let sk = 0;
  let sy = 0;
  let skk = 0;
  let sky = 0;
  let count = 0;
  for (let k = 1; k <= to; k++) {
    P = P.mmul(T);
    const nrm = P.norm('frobenius');
    if (!(nrm > 0) || !Number.isFinite(nrm)) return spectralRadius(T);
    logNorm += Math.log(nrm);
    P = P.div(nrm);
    if (k >= from) {
      sk += k;
      sy += logNorm;
      skk += k * k;
      sky += k * logNorm;
      count++;
    }
  }
  if (count < 2) return spectralRadius(T);
  return Math.exp((count * sky - sk * sy) / (count * skk - sk * sk));
}

/** Most steps a both-layer rate run takes (the model loop is the expensive part of `verify`). */
const BOTH_LAYERS_MAX_STEPS = 2000;
/** Decay e^DECAY_TARGET of the slowest mode: enough for it to dominate the late half of the run. */
const DECAY_TARGET = 25;

/**
 * Both layers trained (random ±1 targets): the measured per-step ‖e‖ factor of `method` on the late half of the run
 * against the exact discrete rate of its linearised iteration on [λ_min(H(t)), λ_max(H(t))] of the
 * SUMMED empirical kernel (last probe) — as the same window of the worst mode's own linearised run shows
 * it (windowFactor: ρ itself, or slower by the k·ρ^k transient of a defective mode such as heavy ball
 * at critical friction); params from the summed H∞'s λ0, λmax. False twins: `claimLossFactor`
 * claims the loss's per-step factor ρ² for ‖e‖; `etaFromFirstLayer` sets the step from the first-layer
 * kernel H∞_W alone (η = 1.9/λmax(H∞_W) diverges once the second layer trains).
 *
 * What a finite run can and cannot show (a sample is `inconclusive`, with the reason, not `fail`):
 * - The linearised rates assume the kernel stays near H(0). Checked on the run with Du et al.'s
 *   invariant (λ_min(H(t)) ≥ λ0/2 follows from ‖H(t) − H(0)‖₂ ≤ λ0/2 by Weyl): a larger drift is a
 *   failed hypothesis (width too small at this conditioning), for the claim and its twins alike.
 * - The run is capped at BOTH_LAYERS_MAX_STEPS. When the cap binds (the planned steps would not give
 *   the slowest mode e^25 of decay), the late half may still be dominated by faster modes: a measured
 *   factor FASTER than the claimed one is then no counterexample. A measured factor SLOWER than the
 *   claimed one beyond the tolerance is one whatever the length (no mode of the linearised iteration is
 *   slower than the worst one).
 * - The probe-based theory (true claims) is one number only if the kernel holds still over the measured
 *   window: when the worst-mode rates of the late-half probes' spectra differ by more than the tolerance
 *   (in ln ρ), the width is too small for a single linearised rate at this conditioning (the proof's
 *   hypothesis "H(t) stays near H(0)" fails on this sample).
 */
export function bothLayersRateProperty(
  name: string,
  method: 'gd' | 'hb' | 'nag-sc',
  opts: {
    width?: number;
    tolerance?: number;
    etaFromFirstLayer?: number;
    claimLossFactor?: boolean;
  } = {},
): NumericProperty {
  const width = opts.width ?? 8000;
  const tol = opts.tolerance ?? 0.08;
  return sampledProperty(name, netSample, realNetRuns, async (s) => {
    const data = sampleDataRandomTargets(s);
    const both = ntkSpectrumModel(data, { train: 'both', bias: false });
    const first = ntkSpectrumModel(data, { train: 'first', bias: false });
    const eta =
      opts.etaFromFirstLayer !== undefined ? opts.etaFromFirstLayer / first.lambdaMax : 1 / both.lambdaMax;
    // HB at critical friction for λ0; NAG-SC with μ = λ0/2 (no defective worst mode).
    const params: Record<string, number> =
      method === 'gd'
        ? { eta }
        : method === 'hb'
          ? { eta, gamma: 2 * Math.sqrt(both.lambda0) }
          : { s: eta, mu: both.lambda0 / 2 };
    const spec0 = opts.etaFromFirstLayer !== undefined ? first : both;
    const rho0 = worstDiscreteRate(method, params, spec0.lambda0, spec0.lambdaMax).rate;
    // ‖e‖ falls by e^25 (the slowest mode dominates the late half), short of the float64 floor.
    const planned = Math.max(20, Math.ceil(DECAY_TARGET / -Math.log(Math.min(rho0, 0.999))));
    const steps = Math.min(BOTH_LAYERS_MAX_STEPS, planned);
    const capped = planned > steps;
    const traj = trainOnce({
      data,
      width,
      method,
      params,
      steps,
      seed: s.seed + 1,
      probeEvery: Math.max(1, Math.floor(steps / 8)),
      train: 'both',
    });
    if (traj.status !== 'ok')
      return {
        status: opts.etaFromFirstLayer !== undefined ? 'fail' : 'inconclusive',
        detail: `training with both layers diverged at step ${traj.divergedAt} (η = ${eta.toPrecision(4)}, ηλmax(H∞_W + K1) = ${(eta * both.lambdaMax).toPrecision(4)}, ηλmax(H∞_W) = ${(eta * first.lambdaMax).toPrecision(4)})`,
        theory: rho0,
      };
    const last = traj.probes[traj.probes.length - 1];
    const head = `${method}, both layers, width ${width}, ${steps} steps`;
    const lambdas = `λ0 of H∞_W + K1 = ${both.lambda0.toPrecision(4)}, of H∞_W = ${first.lambda0.toPrecision(4)}`;
    // The hypothesis on this run (Du et al.'s invariant λ_min(H(t)) ≥ λ0/2): ‖H(t) − H(0)‖₂ ≤ λ0/2.
    const drift = Math.max(...traj.probes.map((p) => p.kernelDrift));
    // The step-from-the-first-layer twin claims the linear convergence of the linearised iteration. When
    // that iteration is unstable on the run's own initial kernel (ηλ_max(H(0)) > 2, exactly known) and
    // the real loss rose above its initial value, the run is the catapult of an unstable step (the
    // loss grows until the kernel's λ_max falls below 2/η), not the convergence claimed: a
    // counterexample even though the kernel then moved.
    if (opts.etaFromFirstLayer !== undefined && method === 'gd') {
      const edge = eta * traj.probes[0].lambdaMax;
      let peak = 0;
      for (let k = 0; k < traj.loss.length; k++) peak = Math.max(peak, traj.loss[k] / traj.loss[0]);
      if (edge > 2 && peak > 1)
        return {
          status: 'fail',
          theory: rho0,
          detail: `${head}: the linearised step is unstable on the run's initial kernel (η·λ_max(H(0)) = ${edge.toPrecision(4)} > 2) and the loss rose to ${peak.toPrecision(3)}× its initial value before the kernel moved (kernel drift ${drift.toPrecision(3)}, λ_max(H(t)) ${traj.probes[0].lambdaMax.toPrecision(3)} → ${last.lambdaMax.toPrecision(3)}): a catapult, not the linear convergence at the first-layer rate claimed (${lambdas})`,
        };
    }
    if (!(drift <= both.lambda0 / 2))
      return {
        status: 'inconclusive',
        theory: rho0,
        detail: `${head}: hypothesis failed on this run — kernel drift max ‖H(t) − H(0)‖₂ = ${drift.toPrecision(3)} > λ0/2 = ${(both.lambda0 / 2).toPrecision(3)} (λ_min(H(t)) ${traj.probes[0].lambdaMin.toPrecision(3)} → ${last.lambdaMin.toPrecision(3)}): width ${width} too small for the linearised rate at this conditioning (${lambdas})`,
      };
    const fromProbes = opts.etaFromFirstLayer === undefined;
    // The worst mode of the last probe's spectrum, as the late half of THIS run shows it.
    const worst = worstDiscreteRate(method, params, last.lambdaMin, last.lambdaMax);
    const resolved = windowFactor(method, params, worst.lambda, Math.floor(steps / 2), steps);
    const theory =
      opts.etaFromFirstLayer !== undefined ? rho0 : opts.claimLossFactor ? resolved ** 2 : resolved;
    if (fromProbes) {
      // The worst-mode rate of each late-half probe's spectrum: one number only if the kernel holds still.
      const lnRates = traj.probes
        .filter((p) => p.step >= Math.floor(steps / 2))
        .map((p) => Math.log(worstDiscreteRate(method, params, p.lambdaMin, p.lambdaMax).rate));
      const spread = Math.min(...lnRates) / Math.max(...lnRates) - 1;
      if (!(spread <= tol))
        return {
          status: 'inconclusive',
          theory,
          detail: `${head}: the kernel moves during the measured window — worst-mode ln ρ over the late-half probes differs by ${(spread * 100).toFixed(1)}% (> tolerance ${tol * 100}%; kernel drift ‖H(t) − H(0)‖₂ = ${last.kernelDrift.toPrecision(3)} vs λ_min(H(t)) = ${last.lambdaMin.toPrecision(3)}): width ${width} too small for one linearised rate on this sample (${lambdas})`,
        };
    }
    // Least-squares slope of ln‖e_k‖ over the late half (points above 1e-12‖e_0‖).
    const slope = logSlopeAbove(traj.errNorm, Math.floor(steps / 2), steps, 1e-12 * traj.errNorm[0]);
    if (slope === null)
      return { status: 'inconclusive', detail: 'too few steps above the floating-point floor' };
    const measured = Math.exp(slope);
    // The kernel moves a little within the window (the spread check above bounds how much), and the
    // measured factor is an average over it: compare with the nearest end of the band of worst-mode
    // factors of the late-half probes' spectra, not with the last probe's alone. Pairs (r, i) pinned at
    // the ReLU kink during the window (they cross back and forth: a sliding mode) make the kernel the
    // dynamics sees uncertain by the probes' kinkShift in λ_min: the band spans λ_min ± kinkShift.
    let band = [theory, theory];
    let kinkBand: number[] | null = null;
    let kinkShift = 0;
    let kinkPairs = 0;
    if (fromProbes) {
      const late = traj.probes.filter((p) => p.step >= Math.floor(steps / 2));
      const factorAt = (lmin: number, lmax: number): number => {
        const w = worstDiscreteRate(method, params, lmin, lmax);
        const f = windowFactor(method, params, w.lambda, Math.floor(steps / 2), steps);
        return opts.claimLossFactor ? f * f : f;
      };
      const plain = late.map((p) => factorAt(p.lambdaMin, p.lambdaMax));
      band = [Math.min(theory, ...plain), Math.max(theory, ...plain)];
      const widened = late.flatMap((p) => {
        const sh = p.kinkShift ?? 0;
        kinkShift = Math.max(kinkShift, sh);
        kinkPairs = Math.max(kinkPairs, p.kinkCrossings ?? 0);
        return sh > 0
          ? [
              factorAt(Math.max(p.lambdaMin - sh, p.lambdaMin / 4), p.lambdaMax),
              factorAt(p.lambdaMin + sh, p.lambdaMax + sh),
            ]
          : [];
      });
      if (widened.length > 0) {
        kinkBand = [Math.min(band[0], ...widened), Math.max(band[1], ...widened)];
        band = kinkBand;
      }
    }
    const nearest = Math.min(Math.max(measured, band[0]), band[1]);
    // gap > 0: measured faster than claimed; gap < 0: slower (0 inside the band).
    const gap = measured === nearest ? 0 : Math.log(measured) / Math.log(nearest) - 1;
    const bandText =
      band[0] < band[1]
        ? ` (late-half probes${kinkBand ? `, λ_min ± kink shift ${kinkShift.toPrecision(3)}` : ''}: ${band[0].toPrecision(5)}…${band[1].toPrecision(5)})`
        : '';
    const numbers = `per-step ‖e‖ factor ${measured.toPrecision(5)} vs ρ = ${theory.toPrecision(5)}${bandText} (ln-gap ${(gap * 100).toFixed(2)}%; ${lambdas})`;
    if (gap > tol && capped)
      return {
        status: 'inconclusive',
        computed: measured,
        theory,
        detail: `${head}: ${numbers}; faster than claimed, but the step cap ${BOTH_LAYERS_MAX_STEPS} binds (the slowest mode decays only by e^${(-steps * Math.log(rho0)).toFixed(1)} < e^${DECAY_TARGET}, ${planned} steps planned): the late half need not have reached it — not a counterexample`,
      };
    // The band's width in ln ρ: wider than the tolerance, the prediction itself is not resolved.
    const kinkWidth = kinkBand === null ? 0 : Math.log(kinkBand[0]) / Math.log(kinkBand[1]) - 1;
    const kinkText = `${kinkPairs} activation pairs crossed the ReLU kink within a probe interval of the window (pinned there: a sliding mode), which moves λ_min of the kernel the dynamics sees by up to ${kinkShift.toPrecision(3)} to first order (λ_min(H(t)) = ${last.lambdaMin.toPrecision(4)})`;
    if (Math.abs(gap) <= tol && kinkWidth > tol)
      return {
        status: 'inconclusive',
        computed: measured,
        theory,
        detail: `${head}: ${numbers}; consistent, but ${kinkText}: the predicted factor spans ${(kinkWidth * 100).toFixed(1)}% in ln ρ (> tolerance ${tol * 100}%) — width ${width} too small to resolve the rate to the tolerance on this sample`,
      };
    if (Math.abs(gap) <= tol)
      return { status: 'pass', computed: measured, theory, detail: `${head}: ${numbers}` };
    // As in the network regime of rate claims: a violation counts only when it exceeds the spread of
    // the fit itself — the slopes of the two quarters of the late half must disagree by less than
    // the violation, or the window has not settled on one rate (a transient, a moving kernel).
    const mid = Math.floor((3 * steps) / 4);
    const floor = 1e-12 * traj.errNorm[0];
    const q1 = logSlopeAbove(traj.errNorm, Math.floor(steps / 2), mid, floor);
    const q2 = logSlopeAbove(traj.errNorm, mid, steps, floor);
    const spread = q1 === null || q2 === null ? Infinity : Math.abs(q1 - q2) / Math.abs(Math.log(nearest));
    if (!(Math.abs(gap) - tol > spread))
      return {
        status: 'inconclusive',
        computed: measured,
        theory,
        detail: `${head}: ${numbers}; the violation beyond the ${tol * 100}% tolerance is within the spread of the fit over the two quarters of the window (${(spread * 100).toFixed(1)}%) — not a counterexample`,
      };
    return { status: 'fail', computed: measured, theory, detail: `${head}: ${numbers}` };
  });
}

/**
 * The both-layer H∞ = H∞_W + K1 against the empirical NTK of the both-layer net at width m
 * (Monte Carlo over W0, a): relative Frobenius error ≤ bound. A false twin compares with the
 * first-layer kernel H∞_W alone (`kernel: 'first'`).
 */
export function bothLayersKernelProperty(
  name: string,
  opts: { width: number; bound: number; kernel?: 'both' | 'first'; bias?: boolean },
): NumericProperty {
  return sampledProperty(
    name,
    netSample,
    (runs) => runs,
    async (s) => {
      const data = sampleData(s);
      const seen = opts.bias ? augmentBias(data) : data;
      // The same kernel as a twin's (only the compared H∞ differs): computed once.
      const H = memo(`empiricalNtk:${dataKey(seen)}:${opts.width}:${s.seed + 1}`, () => {
        const net = initNetwork(seen.d, opts.width, s.seed + 1);
        return empiricalNtkModel(net.W0, net.a, opts.width, seen, 'both');
      });
      const Hinf = gramInfinityModel(data, { train: opts.kernel ?? 'both', bias: opts.bias === true });
      const err = relativeFrobenius(H, Hinf);
      return {
        status: err <= opts.bound ? 'pass' : 'fail',
        computed: err,
        theory: opts.bound,
        detail: `width ${opts.width}: ‖H(W0, a0) − H∞‖_F/‖H∞‖_F = ${err.toPrecision(3)} (bound ${opts.bound}; H∞ = ${opts.kernel === 'first' ? 'H∞_W only' : 'H∞_W + K1'}${opts.bias ? ', hidden bias' : ''})`,
      };
    },
  );
}
