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
import { worstDiscreteRate } from '../dynamics/discrete.ts';
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
      probeEvery: 0,
      train: opts.train,
    });
    if (traj.status !== 'ok') return { status: 'inconclusive', detail: `diverged at ${traj.divergedAt}` };
    const measured = (traj.errNorm[K] / traj.errNorm[1]) ** (1 / (K - 1));
    const theory = claimed(eta, sp.lambda0, sp.lambdaMax);
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
  opts: { C: number; steps: number; width?: number; train?: 'first' | 'both' },
): NumericProperty {
  const width = opts.width ?? 8000;
  return sampledProperty(name, netSample, realNetRuns, async (s) => {
    const data = sampleData(s);
    const sp = ntkSpectrumModel(data, { train: opts.train ?? 'first', bias: false });
    const r = runQuadraticCheck({
      data,
      width,
      method,
      params: params(sp.lambda0, sp.lambdaMax),
      steps: opts.steps,
      seed: s.seed + 1,
      C: opts.C,
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
 * Both layers trained (random ±1 targets): the measured per-step ‖e‖ factor of `method` on the late half of the run
 * against the exact discrete rate of its linearised iteration on [λ_min(H(t)), λ_max(H(t))] of the
 * SUMMED empirical kernel (last probe); params from the summed H∞'s λ0, λmax. With
 * `spectrum: 'first'` the claimed rate uses the first-layer kernel H∞_W alone (a false twin when the
 * step is set from it: η = 1.9/λmax(H∞_W) diverges once the second layer trains).
 */
export function bothLayersRateProperty(
  name: string,
  method: 'gd' | 'hb' | 'nag-sc',
  opts: {
    width?: number;
    tolerance?: number;
    etaFromFirstLayer?: number;
    claimFirstLayerSpectrum?: boolean;
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
    const steps = Math.min(2000, Math.max(20, Math.ceil(25 / -Math.log(Math.min(rho0, 0.999)))));
    const traj = trainOnce({
      data,
      width,
      method,
      params,
      steps,
      seed: s.seed + 1,
      probeEvery: Math.max(1, Math.floor(steps / 4)),
      train: 'both',
    });
    if (traj.status !== 'ok')
      return {
        status: opts.etaFromFirstLayer !== undefined ? 'fail' : 'inconclusive',
        detail: `training with both layers diverged at step ${traj.divergedAt} (η = ${eta.toPrecision(4)}, ηλmax(H∞_W + K1) = ${(eta * both.lambdaMax).toPrecision(4)}, ηλmax(H∞_W) = ${(eta * first.lambdaMax).toPrecision(4)})`,
        theory: rho0,
      };
    const last = traj.probes[traj.probes.length - 1];
    const theory =
      opts.etaFromFirstLayer !== undefined
        ? rho0
        : opts.claimFirstLayerSpectrum
          ? worstDiscreteRate(method, params, first.lambda0, first.lambdaMax).rate
          : worstDiscreteRate(method, params, last.lambdaMin, last.lambdaMax).rate;
    // Least-squares slope of ln‖e_k‖ over the late half (points above 1e-12‖e_0‖).
    const slope = logSlopeAbove(traj.errNorm, Math.floor(steps / 2), steps, 1e-12 * traj.errNorm[0]);
    if (slope === null)
      return { status: 'inconclusive', detail: 'too few steps above the floating-point floor' };
    const measured = Math.exp(slope);
    const gap = Math.log(measured) / Math.log(theory) - 1;
    const ok = Math.abs(gap) <= tol;
    return {
      status: ok ? 'pass' : 'fail',
      computed: measured,
      theory,
      detail: `${method}, both layers, width ${width}: per-step ‖e‖ factor ${measured.toPrecision(5)} vs ρ = ${theory.toPrecision(5)} (ln-gap ${(gap * 100).toFixed(2)}%; λ0 of H∞_W + K1 = ${both.lambda0.toPrecision(4)}, of H∞_W = ${first.lambda0.toPrecision(4)})`,
    };
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
