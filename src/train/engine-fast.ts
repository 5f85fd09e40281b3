/**
 * Fast engine: the same contract as the direct engine (src/train/engine-direct.ts) — same network,
 * same method stepper, same loss per step, same probes, same divergence rule — computed in dual
 * frames (src/train/fast-frame.ts, src/train/fast-loop.ts): far rows, whose activation patterns
 * provably cannot flip, cost O(n²) together per gradient evaluation; rows near a flip are kept
 * explicit. Exact: it follows the direct loop to rounding (tests: 1e-10 relative), probes are taken
 * on materialised weights with the direct engine's probe function.
 */
import type { TrainConfig, Trajectory, Probe } from './types.ts';
import { createProbeContext, probe } from './probes.ts';
import { assembleTrajectory } from './trajectory.ts';
import { isDiverged } from '../util/divergence.ts';
import { isProbeStep } from './engine-direct.ts';
import { ntkSpectrum } from '../ntk/gram.ts';
import { compileMethod } from '../spec/compile.ts';
import { runFastLoop, type FastLoopStats } from './fast-loop.ts';
import { initNetwork } from './network.ts';

/** Train with the fast engine (the trajectory only; runFastWithStats also returns its statistics). */
export function runFast(config: TrainConfig): Trajectory {
  return runFastWithStats(config).trajectory;
}

/** The fast engine's trajectory and its statistics (frames, near rows, redone steps). */
export function runFastWithStats(config: TrainConfig): { trajectory: Trajectory; stats: FastLoopStats } {
  const t0 = performance.now();
  const { data, width: m, steps } = config;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`width must be an integer >= 1, got ${m}`);
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`steps must be an integer >= 0, got ${steps}`);
  const compiled = compileMethod(config.method, config.params);
  const spectrum = ntkSpectrum(data);
  // The probe context needs W0 and a before the run: the same draw the loop makes.
  const net = initNetwork(data.d, m, config.seed, config.initScale ?? 1);
  const ctx = createProbeContext(net, data);
  const probes: Probe[] = [];
  const every = Math.max(1, Math.floor(steps / 200));
  const result = runFastLoop({
    data,
    width: m,
    method: compiled.parsed,
    compiled,
    params: config.params,
    steps,
    seed: config.seed,
    initScale: config.initScale,
    net,
    isProbeStep: (k) => isProbeStep(k, steps, config.probeEvery),
    onProbe: (k, W, e) => probes.push(probe(ctx, k, W, e)),
    diverged: isDiverged,
    onProgress: config.onProgress
      ? (done, total) => {
          if (done % every === 0) config.onProgress!(done, total);
        }
      : undefined,
  });
  config.onProgress?.(result.steps, steps);
  const trajectory = assembleTrajectory({
    status: result.divergedAt === null ? 'ok' : 'diverged',
    steps: result.steps,
    divergedAt: result.divergedAt,
    loss: result.loss,
    errNorm: result.errNorm,
    probes,
    lambda0: spectrum.lambda0,
    lambdaMax: spectrum.lambdaMax,
    seconds: (performance.now() - t0) / 1000,
    engine: 'fast',
    method: compiled.parsed.spec.name,
    params: compiled.params,
    width: m,
    seed: config.seed,
    finalW: result.finalW,
  });
  return { trajectory, stats: result.stats };
}
