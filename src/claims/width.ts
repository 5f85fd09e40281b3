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

/** Least-squares slope of ln y against ln m. */
export function widthExponent(widths: number[], values: number[]): number {
  return fitLine(widths.map(Math.log), values.map(Math.log)).slope;
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
          for (const m of opts.widths) {
            if (opts.kind === 'init-kernel') values.push(initKernelError(sample, m));
            else {
              // two initial networks per width (the drift of one draw is noisy at small n)
              let v = 0;
              for (const draw of [0, 1]) {
                const dr = await trainingDrift(
                  { ...sample, seed: sample.seed + 7919 * draw },
                  m,
                  opts.steps ?? 150,
                );
                v += (opts.kind === 'kernel-drift' ? dr.kernel : dr.weight) / 2;
              }
              values.push(v);
            }
          }
          if (!values.every((v) => v > 0 && Number.isFinite(v)))
            return { status: 'inconclusive', detail: `a drift is zero or not finite (${values.join(', ')})` };
          const slope = widthExponent(opts.widths, values);
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
          const ok =
            sense === 'two-sided'
              ? Math.abs(slope - opts.claimedExponent) <= tol
              : slope <= opts.claimedExponent + tol;
          return {
            status: ok ? 'pass' : 'fail',
            computed: slope,
            theory: opts.claimedExponent,
            detail: `ln(${opts.kind}) against ln m has slope ${slope.toFixed(3)} (claimed ${sense === 'two-sided' ? `${opts.claimedExponent} ± ${tol}` : `≤ ${opts.claimedExponent} + ${tol}`}) over m ∈ {${opts.widths.join(', ')}}`,
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
