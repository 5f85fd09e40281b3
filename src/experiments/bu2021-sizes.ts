/**
 * Sizes of the bu2021 reproduction: the paper's (`--full`), the default (finishes in minutes on a
 * 2-core machine) and a tiny one for tests. Stated on every plot subtitle and in summary.md.
 *
 * Scaling rule of the default: in the authors' parameterisation the tangent kernel at initialisation
 * grows ∝ m (the W-gradient term Σ_r a_r² 1{z>0}(x·x′+1) dominates), so the dynamics of a width-m net
 * at learning rate η resemble the paper's width at η·(paper width / m). The default keeps η·m at
 * the paper's value and says so.
 */

export const FIGURE_NAMES = ['hb-epoch', 'nag-epoch', 'hm', 'hb-width', 'nag-width'] as const;
export type FigureName = (typeof FIGURE_NAMES)[number];

export function isFigureName(s: string): s is FigureName {
  return (FIGURE_NAMES as readonly string[]).includes(s);
}

export interface StandardSizes {
  /** MNIST digits (round-robin classes), labels as targets. */
  digits: number;
  /** Epoch figures: width, learning rate, epochs. */
  width: number;
  lr: number;
  epochs: number;
  /** Width figures: learning rate, epoch at which the loss is read, widths. */
  widthLr: number;
  widthEpochs: number;
  hbWidths: number[];
  nagWidths: number[];
  seeds: number;
}

export interface NtkSizes {
  /** Data source for loadData(…, {normalize: true}). */
  data: string;
  width: number;
  /** η = etaTimesLambdaMax / λ_max(H∞). */
  etaTimesLambdaMax: number;
  steps: number;
  widths: number[];
  widthSteps: number;
  seeds: number;
}

export interface Bu2021Sizes {
  label: 'paper (--full)' | 'default' | 'tiny';
  standard: StandardSizes;
  ntk: NtkSizes;
}

const range = (from: number, to: number, step: number): number[] => {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
};

export const PAPER_SIZES: Bu2021Sizes = {
  label: 'paper (--full)',
  standard: {
    digits: 600,
    width: 3000,
    lr: 1e-4,
    epochs: 5000,
    widthLr: 5e-5,
    widthEpochs: 200,
    hbWidths: range(2000, 8000, 1000),
    nagWidths: range(1000, 8000, 1000),
    seeds: 3,
  },
  ntk: {
    data: 'mnist:n=100',
    width: 1000,
    etaTimesLambdaMax: 0.2,
    steps: 1000,
    widths: [250, 500, 1000, 2000, 4000],
    widthSteps: 200,
    seeds: 3,
  },
};

export const DEFAULT_SIZES: Bu2021Sizes = {
  label: 'default',
  standard: {
    digits: 40,
    width: 500,
    lr: 6e-4,
    epochs: 300,
    widthLr: 4e-4,
    widthEpochs: 200,
    hbWidths: [125, 250, 500, 1000],
    nagWidths: [125, 250, 500, 1000],
    seeds: 1,
  },
  ntk: {
    data: 'sphere:n=60,d=20,seed=1',
    width: 500,
    etaTimesLambdaMax: 0.2,
    steps: 300,
    widths: [100, 300, 1000, 3000],
    widthSteps: 100,
    seeds: 1,
  },
};

export const TINY_SIZES: Bu2021Sizes = {
  label: 'tiny',
  standard: {
    digits: 20,
    width: 60,
    lr: 5e-3,
    epochs: 40,
    widthLr: 2.5e-3,
    widthEpochs: 20,
    hbWidths: [40, 80],
    nagWidths: [40, 80],
    seeds: 1,
  },
  ntk: {
    data: 'sphere:n=12,d=5,seed=1',
    width: 60,
    etaTimesLambdaMax: 0.2,
    steps: 40,
    widths: [40, 80],
    widthSteps: 20,
    seeds: 1,
  },
};
