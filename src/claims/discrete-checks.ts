/**
 * Discrete-regime properties shared by proof files: where NAG-C's fixed-step run turns linear.
 * The rate fit's crossover (t_c = p/c of ln L ≈ A − c t − p ln t, in steps t_c/√s) is compared with the
 * slope crossover k* = p/(−ln ρ∞) of src/dynamics/discrete.ts (crossoverStep, ρ∞ = √(1 − sλ0)).
 */
import fc from 'fast-check';
import { crossoverStep, discreteRate, worstDiscreteRate } from '../dynamics/discrete.ts';
import { integerIn, seedArbitrary } from './arbitraries.ts';
import { buildInstance } from './instance.ts';
import { checkProperty, type NumericProperty } from './proof.ts';
import { classifyDecay } from './rate-fit.ts';
import { defaultEta, discreteRegime } from './regimes.ts';

/** The fitted crossover step against factor × k* (relative tolerance `tolerance`). */
export function nagCrossoverProperty(name: string, factor = 1, tolerance = 0.25): NumericProperty {
  return {
    name,
    check: ({ runs, seed }) =>
      checkProperty(
        name,
        fc.record({
          n: integerIn([4, 10]),
          d: integerIn([3, 8]),
          seed: seedArbitrary,
          r: fc.constantFrom(3, 4, 5),
        }),
        async ({ n, d, seed: s, r }) => {
          const inst = buildInstance({ data: 'sphere', n, d, seed: s, width: 1000, eta: null, params: {} });
          const step = defaultEta(inst.lambdaMax);
          const run = discreteRegime('nag-c', { r }, inst, step, null);
          if (run.status !== 'ok') return { status: 'inconclusive', detail: `discrete run: ${run.reason}` };
          const decay = classifyDecay(run.t, run.loss, { floor: run.floor });
          if (decay.kind !== 'linear' || decay.crossover === undefined) {
            return {
              status: 'fail',
              detail: `the fixed-step run is ${decay.kind} on its window (${decay.reason}), no crossover to linear`,
            };
          }
          const fitted = decay.crossover / Math.sqrt(step);
          const predicted = factor * crossoverStep('nag-c', { s: step, r }, inst.lambda0, r / 2).predicted;
          const ok = Math.abs(fitted - predicted) <= tolerance * predicted;
          return {
            status: ok ? 'pass' : 'fail',
            computed: fitted,
            theory: predicted,
            detail: `r = ${r}, s = ${step.toPrecision(3)}: the run turns linear (rate ${decay.rate!.toPrecision(4)}) after a crossover at step ${fitted.toFixed(1)}; ${factor === 1 ? '' : `${factor} × `}k* = r/(−ln(1 − sλ0)) = ${predicted.toFixed(1)}`,
          };
        },
        { runs, seed },
      ),
  };
}

/**
 * The linearised iteration's measured per-step loss rate against the exact one, −2 ln max_i ρ(T(λ_i))
 * over the eigenvalues of H∞ (companion matrices of src/dynamics/discrete.ts, run through the same
 * compiled stepper), within `tolerance`. A false twin passes factor ≠ 1.
 */
export function exactDiscreteRateProperty(
  name: string,
  method: string,
  params: (lambda0: number, lambdaMax: number, eta: number) => Record<string, number>,
  etaScale: number,
  factor = 1,
  tolerance = 0.05,
): NumericProperty {
  return {
    name,
    check: ({ runs, seed }) =>
      checkProperty(
        name,
        fc.record({ n: integerIn([4, 10]), d: integerIn([3, 8]), seed: seedArbitrary }),
        async ({ n, d, seed: s }) => {
          const inst = buildInstance({ data: 'sphere', n, d, seed: s, width: 1000, eta: null, params: {} });
          const eta = defaultEta(inst.lambdaMax) * etaScale;
          const p = params(inst.lambda0, inst.lambdaMax, eta);
          const run = discreteRegime(method, p, inst, eta, null);
          if (run.status !== 'ok') return { status: 'inconclusive', detail: `discrete run: ${run.reason}` };
          const steps = Float64Array.from(run.t, (_, k) => k);
          const decay = classifyDecay(steps, run.loss, { floor: run.floor });
          if (decay.kind !== 'linear')
            return { status: 'fail', detail: `the run is ${decay.kind} (${decay.reason})` };
          let rho = 0;
          const stepName = method === 'nag-sc' || method === 'nag-c' ? 's' : 'eta';
          for (let i = 0; i < inst.eigenvalues.length; i++) {
            if (Math.abs(inst.e0Modes[i]) < 1e-12) continue;
            rho = Math.max(rho, discreteRate(method, { ...p, [stepName]: eta }, inst.eigenvalues[i]));
          }
          const theory = -2 * Math.log(rho) * factor;
          const measured = decay.rate!;
          const ok = Math.abs(measured - theory) <= tolerance * theory;
          return {
            status: ok ? 'pass' : 'fail',
            computed: measured,
            theory,
            detail: `${method} at η = ${eta.toPrecision(3)}: measured per-step loss rate ${measured.toPrecision(4)} vs ${factor === 1 ? '' : `${factor} × `}−2 ln ρ = ${theory.toPrecision(4)} (ρ = ${rho.toPrecision(6)}, the largest companion-matrix spectral radius over the modes of e(0))`,
          };
        },
        { runs, seed },
      ),
  };
}

/**
 * NAG-SC against heavy ball with the same step s and momentum β = (1 − √(λ0 s))/(1 + √(λ0 s)) on the
 * linearised iteration: the ratio of measured per-step loss rates must be ≥ minRatio (the exact ratio of
 * −ln ρ from the companion matrices is reported beside it).
 */
export function nagScOverHbProperty(name: string, minRatio: number): NumericProperty {
  return {
    name,
    check: ({ runs, seed }) =>
      checkProperty(
        name,
        fc.record({ n: integerIn([4, 10]), d: integerIn([3, 8]), seed: seedArbitrary }),
        async ({ n, d, seed: s }) => {
          const inst = buildInstance({ data: 'sphere', n, d, seed: s, width: 1000, eta: null, params: {} });
          const step = defaultEta(inst.lambdaMax);
          const mu = inst.lambda0;
          const beta = (1 - Math.sqrt(mu * step)) / (1 + Math.sqrt(mu * step));
          const rateOf = (method: string, params: Record<string, number>) => {
            const run = discreteRegime(method, params, inst, step, null);
            const decay = classifyDecay(
              Float64Array.from(run.t, (_, k) => k),
              run.loss,
              { floor: run.floor },
            );
            return decay.kind === 'linear' ? decay.rate! : Number.NaN;
          };
          const rNag = rateOf('nag-sc', { mu });
          const rHb = rateOf('hb-fixed', { beta });
          if (!Number.isFinite(rNag) || !Number.isFinite(rHb))
            return { status: 'inconclusive', detail: 'a run could not be classified linear' };
          const exact =
            Math.log(worstDiscreteRate('nag-sc', { s: step, mu }, inst.lambda0, inst.lambdaMax).rate) /
            Math.log(worstDiscreteRate('hb-fixed', { eta: step, beta }, inst.lambda0, inst.lambdaMax).rate);
          const ratio = rNag / rHb;
          return {
            status: ratio >= minRatio ? 'pass' : 'fail',
            computed: ratio,
            theory: exact,
            detail: `s = ${step.toPrecision(3)}, β = ${beta.toPrecision(4)}: per-step loss rate NAG-SC ${rNag.toPrecision(4)} vs HB ${rHb.toPrecision(4)}, ratio ${ratio.toPrecision(4)} (claimed ≥ ${minRatio}; exact ratio over [λ0, λmax] ${exact.toPrecision(4)})`,
          };
        },
        { runs, seed },
      ),
  };
}
