/**
 * Width laws: how ‖H(W0) − H∞‖₂ (at initialisation) and the training drifts sup_t ‖H(t) − H(0)‖₂,
 * max_r ‖w_r(t) − w_r(0)‖ shrink with the width m. The exponent is the least-squares slope of
 * ln(drift) against ln(m) over a geometric ladder of widths (theory: −1/2).
 */
import fc from 'fast-check';
import { loadData } from '../data/load.ts';
import { extremeEigenvalues, spectralNormSymmetric } from '../linalg/eigen.ts';
import { empiricalNtk, gramInfinity } from '../ntk/gram.ts';
import { initNetwork } from '../train/network.ts';
import { defaultEta } from './regimes.ts';
import { integerIn, seedArbitrary } from './arbitraries.ts';
import { checkProperty, type NumericProperty, type PlotSpec } from './proof.ts';
import { fitLine } from '../util/fit.ts';
import { train } from '../train/trainer.ts';

export type DriftKind = 'init-kernel' | 'kernel-drift' | 'weight-drift';

export interface WidthSample {
  n: number;
  d: number;
  seed: number;
}

export const widthSampleArbitrary = (n: [number, number], d: [number, number]): fc.Arbitrary<WidthSample> =>
  fc.record({ n: integerIn(n), d: integerIn(d), seed: seedArbitrary });

/** ‖H(W0) − H∞‖₂ averaged over `draws` initial networks of width m. */
export function initKernelError(sample: WidthSample, m: number, draws = 2): number {
  const data = loadData(`sphere:n=${sample.n},d=${sample.d},seed=${sample.seed}`, { normalize: true });
  const Hinf = gramInfinity(data);
  let s = 0;
  for (let k = 0; k < draws; k++) {
    const net = initNetwork(data.d, m, sample.seed * 7919 + k + 1);
    const H = empiricalNtk(net, net.W0, data);
    for (let i = 0; i < H.length; i++) H[i] -= Hinf[i];
    s += spectralNormSymmetric(H, data.n);
  }
  return s / draws;
}

/** sup_t ‖H(t) − H(0)‖₂ and max_r ‖w_r(t) − w_r(0)‖ of GD training at width m (η = 0.5/λmax, `steps` steps). */
export async function trainingDrift(
  sample: WidthSample,
  m: number,
  steps: number,
): Promise<{ kernel: number; weight: number }> {
  const data = loadData(`sphere:n=${sample.n},d=${sample.d},seed=${sample.seed}`, { normalize: true });
  const eta = defaultEta(extremeEigenvalues(gramInfinity(data), data.n).max);
  const traj = train({
    data,
    width: m,
    method: 'gd',
    params: { eta },
    steps,
    seed: sample.seed + 1,
    probeEvery: Math.max(1, Math.floor(steps / 5)),
  });
  return {
    kernel: Math.max(...traj.probes.map((p) => p.kernelDrift)),
    weight: Math.max(...traj.probes.map((p) => p.weightDrift)),
  };
}

/**
 * The property "drift ∝ m^claimedExponent": the measured slope must lie within ±tolerance of the
 * claimed exponent. With claimedExponent = −1/2 it is the theorem; with −1 it is a false twin.
 */
export function widthLawProperty(opts: {
  name: string;
  kind: DriftKind;
  claimedExponent: number;
  tolerance?: number;
  /** 'two-sided': slope = claimed ± tolerance; 'at-least': slope ≤ claimed + tolerance (an O(·) upper bound). */
  sense?: 'two-sided' | 'at-least';
  widths: number[];
  n: [number, number];
  d: [number, number];
  steps?: number;
}): NumericProperty {
  const tol = opts.tolerance ?? 0.2;
  return {
    name: opts.name,
    async check({ runs, seed }) {
      let plot: PlotSpec | undefined;
      const r = await checkProperty(
        opts.name,
        widthSampleArbitrary(opts.n, opts.d),
        async (sample) => {
          const values: number[] = [];
          // Every draw is a point of the fit (ln m, ln drift): its residuals give the slope's standard error.
          const lnM: number[] = [];
          const lnV: number[] = [];
          for (const m of opts.widths) {
            if (opts.kind === 'init-kernel') {
              const v = initKernelError(sample, m);
              values.push(v);
              lnM.push(Math.log(m));
              lnV.push(Math.log(v));
            } else {
              // two initial networks per width (the drift of one draw is noisy at small n)
              let v = 0;
              for (const draw of [0, 1]) {
                const dr = await trainingDrift(
                  { ...sample, seed: sample.seed + 7919 * draw },
                  m,
                  opts.steps ?? 150,
                );
                const one = opts.kind === 'kernel-drift' ? dr.kernel : dr.weight;
                v += one / 2;
                lnM.push(Math.log(m));
                lnV.push(Math.log(one));
              }
              values.push(v);
            }
          }
          if (!values.every((v) => v > 0 && Number.isFinite(v)) || !lnV.every(Number.isFinite))
            return { status: 'inconclusive', detail: `a drift is zero or not finite (${values.join(', ')})` };
          const fit = fitLine(lnM, lnV);
          const slope = fit.slope;
          if (!plot) {
            const c = values[0] * opts.widths[0] ** -opts.claimedExponent;
            plot = {
              title: `${opts.kind} against width`,
              subtitle: `sphere n=${sample.n} d=${sample.d} seed=${sample.seed}; fitted slope ${slope.toFixed(3)}`,
              x: { label: 'width m', scale: 'log' },
              y: {
                label:
                  opts.kind === 'weight-drift'
                    ? 'max_r ‖w_r(t) − w_r(0)‖'
                    : '‖H − H∞‖₂ or sup_t ‖H(t) − H(0)‖₂',
                scale: 'log',
              },
              series: [
                { name: 'measured', points: opts.widths.map((m, i) => [m, values[i]]), markers: true },
                {
                  name: `C·m^${opts.claimedExponent}`,
                  points: opts.widths.map((m) => [m, c * m ** opts.claimedExponent]),
                  dashed: true,
                },
              ],
            };
          }
          const sense = opts.sense ?? 'two-sided';
          // How far the slope lies outside the claimed band (≤ 0: inside).
          const excess =
            sense === 'two-sided'
              ? Math.abs(slope - opts.claimedExponent) - tol
              : slope - (opts.claimedExponent + tol);
          const se = fit.slopeStdError;
          const detail = `ln(${opts.kind}) against ln m has slope ${slope.toFixed(3)} ± ${se.toFixed(3)} (standard error over ${lnV.length} runs; claimed ${sense === 'two-sided' ? `${opts.claimedExponent} ± ${tol}` : `≤ ${opts.claimedExponent} + ${tol}`}) over m ∈ {${opts.widths.join(', ')}}`;
          // A finite ladder of widths measures the exponent only to within its standard error: a slope
          // outside the band by less than twice that error is no counterexample.
          if (excess > 0 && !(excess > 2 * se))
            return {
              status: 'inconclusive',
              computed: slope,
              theory: opts.claimedExponent,
              detail: `${detail}: outside the claimed band by ${excess.toFixed(3)}, within twice the standard error — not a counterexample`,
            };
          return {
            status: excess <= 0 ? 'pass' : 'fail',
            computed: slope,
            theory: opts.claimedExponent,
            detail,
          };
        },
        { runs, seed },
      );
      const { values: _v, ...ob } = r;
      void _v;
      return { ...ob, plot };
    },
  };
}
