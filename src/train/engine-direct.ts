/**
 * The direct training loop: the method's compiled stepper (src/spec/compile.ts, the only
 * implementation of update rules) driven by an exact gradient oracle of the two-layer ReLU net,
 * computed by the WebAssembly kernels in the representation chosen per problem by its cost
 * (src/train/representation.ts: the weights, or the span of the data rows when d > n). Every step
 * records the loss ½‖u − y‖² and ‖e‖ at the iterate x[k]; for methods that take the gradient
 * elsewhere (nag-c at y[k]) that costs one extra forward pass, for the others the forward pass of the
 * gradient is reused. Probes at step 0, every probeEvery steps and at the last step. Divergence (the
 * rule of src/util/divergence.ts) stops the run with status 'diverged'.
 * Deterministic: the same config gives bit-identical trajectories.
 */
import { compileMethod, type CompiledMethod } from '../spec/compile.ts';
import type { Network, TrainConfig, Trajectory, Probe } from './types.ts';
import { initNetwork, errorAndLoss } from './network.ts';
import { chooseRepresentation, createRepresentation, type Representation } from './representation.ts';
import { createProbeContext, probe, type ProbeContext } from './probes.ts';
import { assembleTrajectory } from './trajectory.ts';
import { isDiverged } from '../util/divergence.ts';
import { ntkSpectrum } from '../ntk/gram.ts';

/** True when step k of the method evaluates grad(x[k]) itself (so the loss at x[k] comes for free). */
export function gradientAtIterate(parsed: {
  equations: Array<{ grads: Array<{ pure: { name: string; lag: number } | null }> }>;
}): boolean {
  return parsed.equations.some((eq) =>
    eq.grads.some((g) => g.pure !== null && g.pure.name === 'x' && g.pure.lag === 0),
  );
}

export function isProbeStep(k: number, steps: number, probeEvery: number): boolean {
  return k === 0 || k === steps || (probeEvery > 0 && k % probeEvery === 0);
}

export function runDirect(config: TrainConfig): Trajectory {
  const { data, width: m } = config;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`width must be an integer >= 1, got ${m}`);
  return runDirectOnNetwork(config, initNetwork(data.d, m, config.seed, config.initScale ?? 1));
}

/**
 * The direct loop from a given network (W0 and a); config.width, seed and initScale are taken from
 * `net` / only reported. Used by runDirect and by tests that set W0 by hand.
 */
export function runDirectOnNetwork(config: TrainConfig, net: Network): Trajectory {
  const t0 = performance.now();
  const { data, steps } = config;
  const m = net.m;
  if (net.d !== data.d) throw new RangeError(`network has d = ${net.d}, data has d = ${data.d}`);
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`steps must be an integer >= 0, got ${steps}`);
  const compiled = compileMethod(config.method, config.params);
  const rep = createRepresentation(chooseRepresentation(config.representation ?? 'auto', m, data), net, data);
  try {
    return directLoop(config, net, compiled, rep, t0);
  } finally {
    rep.dispose();
  }
}

function directLoop(
  config: TrainConfig,
  net: Network,
  compiled: CompiledMethod,
  rep: Representation,
  t0: number,
): Trajectory {
  const { data, steps, seed } = config;
  const { n } = data;
  const m = net.m;
  const stepper = compiled.stepper(rep.initial(), rep.vectors);
  const reuse = gradientAtIterate(compiled.parsed);
  const spectrum = ntkSpectrum(data);
  let ctx: ProbeContext | null = null;
  let lastW: { k: number; W: Float64Array } | null = null;

  const u = new Float64Array(n);
  const e = new Float64Array(n);
  const loss = new Float64Array(steps + 1);
  const errNorm = new Float64Array(steps + 1);
  const probes: Probe[] = [];
  /** Iteration whose forward pass (u, e, mask) is currently held, or −1. */
  let freshAt = -1;

  const evaluate = (z: Float64Array): number => {
    rep.forward(z, u);
    return errorAndLoss(u, data.y, e);
  };
  const record = (k: number, L: number): void => {
    loss[k] = L;
    let s = 0;
    for (let i = 0; i < n; i++) s += e[i] * e[i];
    errNorm[k] = Math.sqrt(s);
  };
  // The gradient oracle the stepper calls. At the iterate x[k] it reuses a forward pass already made
  // there (probe steps) or records the loss of x[k] from its own forward pass.
  // Steps are counted from 0 whatever the spec's first k (its `start`).
  const start = compiled.parsed.start;
  const oracle = (z: Float64Array, out: Float64Array): void => {
    const atIterate = z === stepper.x;
    const step = stepper.k - start;
    if (!(atIterate && freshAt === step)) {
      const L = evaluate(z);
      if (atIterate) {
        record(step, L);
        freshAt = step;
      } else freshAt = -1;
    }
    rep.gradient(e, out);
  };

  const probeEvery = config.probeEvery;
  const every = Math.max(1, Math.floor(steps / 200));
  let status: 'ok' | 'diverged' = 'ok';
  let divergedAt: number | null = null;
  let done = steps;
  for (let k = 0; k <= steps; k++) {
    const wantProbe = isProbeStep(k, steps, probeEvery);
    if (k === steps || !reuse || wantProbe) {
      record(k, evaluate(stepper.x));
      freshAt = k;
      if (isDiverged(loss[k], loss[0])) {
        status = 'diverged';
        divergedAt = k;
        done = k;
        break;
      }
      if (wantProbe) {
        // The context at step 0 takes the masks of W0 from the forward pass just made.
        ctx ??= createProbeContext(net, data, net.W0, k === 0 ? rep.mask : undefined);
        // W(x[k]) once per step (the last step's is also the run's final weights).
        lastW = { k, W: k === 0 ? Float64Array.from(net.W0) : rep.weights(stepper.x) };
        probes.push(probe(ctx, k, lastW.W, e, rep.mask));
      }
    }
    if (k === steps) break;
    stepper.step(oracle);
    freshAt = -1; // the held forward pass belongs to x[k], no longer the iterate
    if (reuse && isDiverged(loss[k], loss[0])) {
      status = 'diverged';
      divergedAt = k;
      done = k;
      break;
    }
    if (config.onProgress && (k + 1) % every === 0) config.onProgress(k + 1, steps);
  }
  config.onProgress?.(done, steps);
  return assembleTrajectory({
    status,
    steps: done,
    divergedAt,
    loss,
    errNorm,
    probes,
    lambda0: spectrum.lambda0,
    lambdaMax: spectrum.lambdaMax,
    seconds: (performance.now() - t0) / 1000,
    engine: 'direct',
    method: compiled.parsed.spec.name,
    params: compiled.params,
    width: m,
    seed,
    finalW: lastW?.k === done ? lastW.W : rep.weights(stepper.x),
    representation: rep.name,
  });
}
