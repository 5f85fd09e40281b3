/**
 * `ntk()`: the spectrum of the infinite-width NTK H∞ of a data set and, with a width, of the
 * empirical H(W0) at initialisation; returns the object `dynview ntk --json` prints.
 */
import { loadData } from '../data/load.ts';
import { checkTraining } from '../util/limits.ts';
import type { Dataset } from '../data/types.ts';
import { spectralNormSymmetric } from '../linalg/eigen.ts';
import { lambda0Statement } from '../ntk/degenerate.ts';
import { kernelSpectrum } from '../ntk/gram.ts';
import { empiricalNtkModel, gramInfinityModel, modelData, relativeFrobenius } from '../ntk/both-layers.ts';
import { initNetwork } from '../train/network.ts';
import { plainJson } from './json.ts';

export interface NtkOptions {
  /** Data source, as for train. */
  data: string;
  normalize?: boolean;
  /** Also draw W0 at this width and compare H(W0) with H∞. */
  width?: number;
  /** Seed of W0 (default 0). */
  seed?: number;
  initScale?: number;
  /** Trained layers: 'first' (default) or 'both' (H∞ adds the degree-1 arc-cosine kernel). */
  train?: 'first' | 'both';
  /** A trained hidden bias (kernels of the inputs augmented with a constant 1). */
  bias?: boolean;
}

export interface NtkResult {
  n: number;
  d: number;
  lambda0: number;
  lambdaMax: number;
  /** λ_max/λ0 (null when λ0 = 0). */
  kappa: number | null;
  empirical: {
    width: number;
    seed: number;
    lambdaMin: number;
    lambdaMax: number;
    /** ‖H(W0) − H∞‖₂ and the same over λ_max(H∞). */
    distance: number;
    relativeDistance: number;
    /** ‖H(W0) − H∞‖_F / ‖H∞‖_F. */
    relativeFrobenius: number;
  } | null;
  train: 'first' | 'both';
  bias: boolean;
  data: string;
  unitNorm: boolean;
  initScale: number;
  notes: string[];
}

/** The result with the loaded data set and the λ0 warning (for the command line's summary). */
export function ntkRun(opts: NtkOptions): { data: Dataset; degenerate: string | null; result: NtkResult } {
  const seed = opts.seed ?? 0;
  const initScale = opts.initScale ?? 1;
  if (opts.width !== undefined && !(Number.isInteger(opts.width) && opts.width >= 1))
    throw new RangeError(`width must be an integer >= 1, got ${opts.width}`);
  const data = loadData(opts.data, { normalize: opts.normalize === true });
  // width × n × d against the resource limits before W0 and H(W0) are allocated (LimitError, exit 2).
  if (opts.width !== undefined) checkTraining(data.n, data.d, opts.width, 0);
  const { n, d } = data;
  const model = { train: opts.train ?? 'first', bias: opts.bias === true } as const;
  const Hinf = gramInfinityModel(data, model);
  const spectrum = kernelSpectrum(Hinf, n);
  const degenerate = lambda0Statement(data, spectrum);
  let empirical: NtkResult['empirical'] = null;
  if (opts.width !== undefined) {
    const seen = modelData(data, model);
    const net = initNetwork(seen.d, opts.width, seed, initScale);
    const H0 = empiricalNtkModel(net.W0, net.a, opts.width, seen, model.train);
    const s0 = kernelSpectrum(H0, n);
    const D = new Float64Array(n * n);
    for (let p = 0; p < n * n; p++) D[p] = H0[p] - Hinf[p];
    const distance = spectralNormSymmetric(D, n);
    empirical = {
      width: opts.width,
      seed,
      lambdaMin: s0.lambda0,
      lambdaMax: s0.lambdaMax,
      distance,
      relativeDistance: distance / spectrum.lambdaMax,
      relativeFrobenius: relativeFrobenius(H0, Hinf),
    };
  }
  const result = plainJson<NtkResult>({
    n,
    d,
    lambda0: spectrum.lambda0,
    lambdaMax: spectrum.lambdaMax,
    kappa: Number.isFinite(spectrum.kappa) ? spectrum.kappa : null,
    empirical,
    train: model.train,
    bias: model.bias,
    data: data.source,
    unitNorm: data.unitNorm,
    initScale,
    notes: [...data.notes, ...(degenerate ? [degenerate] : [])],
  });
  return { data, degenerate, result };
}

/** λ0, λ_max, κ of H∞ (and H(W0) with a width); the object `dynview ntk --json` prints. */
export async function ntk(opts: NtkOptions): Promise<NtkResult> {
  return ntkRun(opts).result;
}
