/**
 * The runs behind the bu2021 figures: a deduplicated job list (the GD curve is shared by three
 * figures), its cost estimate for the progress bar, and the runners for the two models:
 * - 'standard': the authors' model (src/train/mlp-standard.ts) via runStandard, plus its
 *   linearised (frozen tangent kernel) prediction;
 * - 'ntk': the theory's parameterisation via the shared trainer `train` (src/train/trainer.ts),
 *   plus its frozen-H∞ prediction.
 */
import type { Dataset } from '../data/types.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { ParamValues } from '../spec/compile.ts';
import { BU2021_METHODS, type Bu2021Method } from './specs.ts';
import { runStandard } from '../train/standard-run.ts';
import { kernelModes, linearisedLoss, type KernelModes } from './linearised.ts';
import { train } from '../train/trainer.ts';
import { initNetwork, forward } from '../train/network.ts';
import { gramInfinity } from '../ntk/gram.ts';

export type Model = 'standard' | 'ntk';

export interface Job {
  model: Model;
  method: Bu2021Method;
  /** Momentum parameters (beta / d / beta1, beta2), without the step. */
  momentum: Record<string, number>;
  eta: number;
  width: number;
  seed: number;
  epochs: number;
}

export interface JobResult {
  job: Job;
  status: 'ok' | 'diverged';
  loss: Float64Array;
  /** Frozen-kernel prediction of the same run (same init, same method). */
  linearised: Float64Array;
  modes: KernelModes;
  /** ‖K(T) − K(0)‖₂/‖K(0)‖₂ (standard) or ‖H(T) − H(0)‖₂/λmax(H(0)) (ntk); NaN when diverged. */
  relativeKernelDrift: number;
  seconds: number;
}

export function jobKey(j: Job): string {
  const mom = Object.entries(j.momentum)
    .sort()
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${j.model}|${j.method}|${mom}|eta=${j.eta}|m=${j.width}|seed=${j.seed}|E=${j.epochs}`;
}

/** Work units of a job (≈ multiply-adds per epoch × epochs), for progress and time estimates. */
export function jobCost(j: Job, ctx: RunContext): number {
  const perEpoch =
    j.model === 'standard' ? 2 * ctx.standardNnz * j.width : 2 * ctx.ntkData.n * ctx.ntkData.d * j.width;
  return perEpoch * j.epochs;
}

export interface RunContext {
  standardData: Dataset;
  standardNnz: number;
  ntkData: Dataset;
  /** H∞ of ntkData (n×n). */
  ntkGram: Float64Array;
}

export function methodSpec(method: Bu2021Method): MethodSpec {
  return BU2021_METHODS[method];
}

export function methodParams(j: Job): ParamValues {
  return { eta: j.eta, ...j.momentum };
}

export function runJob(j: Job, ctx: RunContext, onEpoch?: (done: number) => void): JobResult {
  const spec = methodSpec(j.method);
  const params = methodParams(j);
  if (j.model === 'standard') {
    const data = ctx.standardData;
    const r = runStandard({
      data,
      width: j.width,
      method: spec,
      params,
      epochs: j.epochs,
      seed: j.seed,
      kernel: true,
      onEpoch,
    });
    const e0 = new Float64Array(data.n);
    for (let i = 0; i < data.n; i++) e0[i] = r.u0![i] - data.y[i];
    const modes = kernelModes(r.kernel0!, data.n, e0, 2 / data.n, 1 / data.n);
    return {
      job: j,
      status: r.status,
      loss: r.loss,
      modes,
      linearised: linearisedLoss(spec, params, modes, j.epochs),
      relativeKernelDrift: r.relativeKernelDrift ?? Number.NaN,
      seconds: r.seconds,
    };
  }
  const data = ctx.ntkData;
  const t0 = performance.now();
  const traj = train({
    data,
    width: j.width,
    method: spec,
    params,
    steps: j.epochs,
    seed: j.seed,
    probeEvery: 0,
    onProgress: onEpoch ? (done) => onEpoch(done) : undefined,
  });
  const net = initNetwork(data.d, j.width, j.seed, 1);
  const u = new Float64Array(data.n);
  forward(net, net.W0, data, u);
  const e0 = new Float64Array(data.n);
  for (let i = 0; i < data.n; i++) e0[i] = u[i] - data.y[i];
  const modes = kernelModes(ctx.ntkGram, data.n, e0, 1, 0.5);
  const first = traj.probes[0];
  const last = traj.probes[traj.probes.length - 1];
  const drift =
    traj.status === 'ok' && last && first && last !== first ? last.kernelDrift / first.lambdaMax : Number.NaN;
  return {
    job: j,
    status: traj.status,
    loss: traj.loss.slice(0, traj.steps + 1),
    modes,
    linearised: linearisedLoss(spec, params, modes, j.epochs),
    relativeKernelDrift: drift,
    seconds: (performance.now() - t0) / 1000,
  };
}

export function ntkGramOf(data: Dataset): Float64Array {
  return gramInfinity(data);
}
