/**
 * The fast engine's training loop: the method's compiled Stepper runs in dual-frame coordinates
 * (src/train/fast-frame.ts). Every gradient evaluation is certified (no far row can have flipped);
 * a step that reaches an uncertified point is undone (Stepper.snapshot/restore) and redone after a
 * rebuild of the frame at the current iterate, so the trajectory is the direct loop's, exactly up
 * to rounding. Frames are rebuilt when the flip bound nears the smallest far margin, after a fixed
 * number of steps (to bound rounding drift), and as an all-near frame ages.
 */
import { compileMethod, stepSymbol, type CompiledMethod, type Stepper } from '../spec/compile.ts';
import type { Dataset } from '../data/types.ts';
import type { MethodSpec, ParsedSpec } from '../spec/types.ts';
import type { ParamValues } from '../spec/compile.ts';
import { initNetwork } from './network.ts';
import type { Network } from './types.ts';
import { fastProblem, type FastProblem } from './fast-problem.ts';
import type { DualFrame, FramePolicy } from './fast-frame.ts';
import { buildFrame, type HeldWeights } from './fast-frame-build.ts';
import { NearRows } from './fast-near.ts';
import { MarginLedger } from './fast-margins.ts';
import { isDiverged } from '../util/divergence.ts';

export interface FastLoopOptions {
  data: Dataset;
  width: number;
  method: string | MethodSpec | ParsedSpec;
  /** The method already compiled with `params` (saves compiling it again). */
  compiled?: CompiledMethod;
  params: ParamValues;
  steps: number;
  seed: number;
  initScale?: number;
  /** The network to train (default: initNetwork(d, width, seed, initScale)). */
  net?: Network;
  /** Steps at which onProbe is called (materialised weights). */
  isProbeStep?: (k: number) => boolean;
  onProbe?: (k: number, W: Float64Array, e: Float64Array) => void;
  /** Divergence rule on the loss at step k given the initial loss. */
  diverged?: (loss: number, initialLoss: number) => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Rebuild at least this often (rounding drift of the dual coordinates); default 2000. */
  maxFrameSteps?: number;
  /**
   * Rows are refreshed when the bound comes within this many steps' drift of their margin
   * (default 2). 0 lets steps reach uncertified points and be redone (tests use it).
   */
  refreshAhead?: number;
}

export interface FastLoopStats {
  frames: number;
  /** Steps redone after reaching an uncertified point. */
  redoneSteps: number;
  /** Steps run in all-near frames (direct cost). */
  allNearSteps: number;
  /** Mean number of near rows over steps. */
  meanNearRows: number;
  gradEvals: number;
  rebuildSeconds: number;
  /** Far rows whose margin was recomputed exactly at a later iterate. */
  refreshedRows: number;
}

export interface FastLoopResult {
  steps: number;
  divergedAt: number | null;
  loss: Float64Array;
  errNorm: Float64Array;
  finalW: Float64Array;
  net: Network;
  stats: FastLoopStats;
}

export function runFastLoop(opts: FastLoopOptions): FastLoopResult {
  const { data, width: m } = opts;
  const net = opts.net ?? initNetwork(data.d, m, opts.seed, opts.initScale ?? 1);
  const p: FastProblem = fastProblem(net, data);
  // The near rows' kernels hold WebAssembly memory for the run.
  const nearRows = new NearRows(p);
  try {
    return fastLoop(opts, net, p, nearRows);
  } finally {
    nearRows.dispose();
  }
}

function fastLoop(opts: FastLoopOptions, net: Network, p: FastProblem, nearRows: NearRows): FastLoopResult {
  const { width: m, steps } = opts;
  const method: CompiledMethod = opts.compiled ?? compileMethod(opts.method, opts.params);
  const { n, d } = p;
  const diverged = opts.diverged ?? isDiverged;
  const maxFrameSteps = opts.maxFrameSteps ?? 2000;
  const start = method.parsed.start;
  const ahead = opts.refreshAhead ?? 2;

  const stepName = stepSymbol(method.parsed.spec);
  const eta =
    stepName !== null && Number.isFinite(method.params[stepName]) ? Math.abs(method.params[stepName]) : 1e-2;
  /** Growth of the flip bound per step (measured on the last step; first from one plain step of size η at W0). */
  let drift = 1;
  const firstDrift = (u0: Float64Array): void => {
    let e0norm = 0;
    for (let i = 0; i < n; i++) e0norm += (u0[i] - p.y[i]) ** 2;
    drift = Math.max(eta * p.xSpectralBound * Math.sqrt(e0norm) * p.invSqrtM, 1e-300);
  };
  let evalsPerStep = 1;

  const stats: FastLoopStats = {
    frames: 0,
    redoneSteps: 0,
    allNearSteps: 0,
    meanNearRows: 0,
    gradEvals: 0,
    rebuildSeconds: 0,
    refreshedRows: 0,
  };
  let frame!: DualFrame;
  let ledger!: MarginLedger;
  let frameStart = start;
  let frameLimit = maxFrameSteps;
  let allNearSpan = 8;
  let nearAtBuild = 0;
  /** Drift per step when the frame was built. */
  let driftAtBuild = 0;
  let excessCost = 0;

  /** A frame at base weights with its ledger (the base's coordinates are e_0). */
  const makeFrame = (
    base: HeldWeights,
    others: HeldWeights[],
    allNear: boolean,
    first = false,
  ): ((index: number) => Float64Array) => {
    const policy = (uBase: Float64Array): FramePolicy => {
      if (first) firstDrift(uBase);
      return { nearTau: 3 * drift, allNear };
    };
    const built = buildFrame(p, base, others, policy, frame ?? null, nearRows);
    frame = built.frame;
    ledger = new MarginLedger(frame);
    if (!frame.allNear) {
      const rows: number[] = [];
      const margins: number[] = [];
      for (let r = 0; r < m; r++) {
        if (frame.nearIndex[r] >= 0) continue;
        rows.push(r);
        margins.push(frame.safeMargin(frame.margin[r]));
      }
      const ref = new Float64Array(frame.offNear);
      ref[0] = 1;
      ledger.add(ref, rows, margins);
    }
    nearAtBuild = frame.near.length;
    driftAtBuild = drift;
    excessCost = 0;
    if (frame.allNear) {
      frameLimit = allNearSpan;
      allNearSpan = Math.min(allNearSpan * 2, 256);
    } else {
      frameLimit = maxFrameSteps;
      allNearSpan = 8;
    }
    stats.frames++;
    return built.encode;
  };

  const stepper: Stepper = method.stepper(makeFrame({ W: net.W0, kappa: 1 }, [], false, true)(0));

  const loss = new Float64Array(steps + 1);
  const errNorm = new Float64Array(steps + 1);
  const u = new Float64Array(n);
  const e = new Float64Array(n);
  const uTmp = new Float64Array(n);
  const eTmp = new Float64Array(n);
  const wBuf = new Float64Array(d);
  let xNearMask = new Uint8Array(0);
  let cacheRef: Float64Array | null = null;
  let failed = false;
  let failExtra = 0;
  let xRef = new Float64Array(0);
  let xPrev = new Float64Array(0);
  let evalsThisStep = 0;

  const certifies = (z: Float64Array): boolean => frame.allNear || ledger.slack(z) > 0;

  const oracle = (z: Float64Array, out: Float64Array): void => {
    evalsThisStep++;
    if (z === cacheRef) {
      frame.gradient(e, out, xNearMask);
      return;
    }
    if (!certifies(z)) {
      failed = true;
      failExtra = Math.max(failExtra, frame.boundBetween(z, xRef));
      out.fill(0);
      return;
    }
    frame.outputs(z, uTmp);
    for (let i = 0; i < n; i++) eTmp[i] = uTmp[i] - p.y[i];
    frame.gradient(eTmp, out, frame.nearMask);
  };

  /** Rebuild the frame at the current iterate x[k] from every vector the stepper holds. */
  const fullRebuild = (k: number, allNear: boolean): void => {
    const t0 = performance.now();
    const held = stepper.heldVectors();
    const qi = held.indexOf(stepper.x);
    const mats: HeldWeights[] = held.map((v) => ({ W: frame.materialise(v), kappa: v[0] }));
    const order = [qi, ...held.map((_, i) => i).filter((i) => i !== qi)];
    const encode = makeFrame(
      mats[qi],
      order.slice(1).map((i) => mats[i]),
      allNear,
    );
    const slotOf = new Map<Float64Array, number>();
    order.forEach((hi, slot) => slotOf.set(held[hi], slot));
    stepper.remap(frame.dim, (v) => encode(slotOf.get(v)!));
    frameStart = k;
    cacheRef = null;
    stats.rebuildSeconds += (performance.now() - t0) / 1000;
  };

  /**
   * Refresh, at x[k], every far row whose certified margin the bound (plus `extra`) has reached:
   * exact margin at x[k] (a new ledger group), or near when it is below 3 × drift or flipped.
   */
  const refresh = (extra: number): void => {
    if (frame.allNear) return;
    const x = stepper.x;
    const due = ledger.takeDue(x, extra);
    if (due.length === 0) return;
    stats.refreshedRows += due.length;
    excessCost += 1.5 * due.length;
    const keep: number[] = [];
    const keepMargins: number[] = [];
    const toNear: number[] = [];
    const nearTau = 3 * drift + extra;
    for (const r of due) {
      const mu = frame.exactMargin(x, r, wBuf);
      if (mu < 0 || mu <= nearTau) toNear.push(r);
      else {
        keep.push(r);
        keepMargins.push(frame.safeMargin(mu));
      }
    }
    ledger.add(x, keep, keepMargins);
    if (toNear.length > 0) {
      const mapped = frame.makeNear(toNear, stepper.heldVectors());
      stepper.remap(frame.dim, (v) => mapped.get(v)!);
      cacheRef = null;
    }
  };

  /** Outputs and error at x[k] (certified), kept for the gradient at the same point. */
  const evalX = (): void => {
    const x = stepper.x;
    frame.outputs(x, u);
    for (let i = 0; i < n; i++) e[i] = u[i] - p.y[i];
    if (xNearMask.length !== frame.nearMask.length) xNearMask = new Uint8Array(frame.nearMask.length);
    xNearMask.set(frame.nearMask);
    cacheRef = x;
  };

  const allFinite = (z: Float64Array): boolean => {
    for (let i = 0; i < z.length; i++) if (!Number.isFinite(z[i])) return false;
    return true;
  };

  let divergedAt: number | null = null;
  let done = 0;
  let nearSum = 0;
  const gradEvals0 = stepper.gradEvals;
  const every = Math.max(1, Math.floor(steps / 200));
  for (let k = start, step = 0; ; k++, step++) {
    if (!allFinite(stepper.x)) {
      loss[step] = NaN;
      errNorm[step] = NaN;
      divergedAt = step;
      done = step;
      break;
    }
    // Rebuild when the near rows and refreshes since the last rebuild cost more than one, or when the
    // drift has fallen well below the one the near set was chosen for (3 × drift at the rebuild) and
    // the near rows cost more than a rebuild over the next 32 steps.
    const rebuildCost = (2 * frame.slots + 3) * m;
    let rebuildNow = k - frameStart >= frameLimit || excessCost > rebuildCost;
    if (!rebuildNow && !frame.allNear && (k - frameStart) % 8 === 7 && drift < driftAtBuild / 4) {
      rebuildNow = 2 * frame.near.length * evalsPerStep * 32 > rebuildCost;
    }
    if (rebuildNow) fullRebuild(k, false);
    refresh(ahead * drift);
    // After the refresh every far row is certified at x[k] by construction; checked all the same.
    if (!certifies(stepper.x)) fullRebuild(k, false);
    evalX();
    let l = 0;
    for (let i = 0; i < n; i++) l += e[i] * e[i];
    loss[step] = 0.5 * l;
    errNorm[step] = Math.sqrt(l);
    done = step;
    if (diverged(loss[step], loss[0])) {
      divergedAt = step;
      break;
    }
    if (opts.isProbeStep?.(step) && opts.onProbe)
      opts.onProbe(step, frame.materialise(stepper.x), Float64Array.from(e));
    if (step === steps) break;
    let attempt = 0;
    let rebuilt = false;
    evalsThisStep = 0;
    for (;;) {
      xRef = Float64Array.from(stepper.x.subarray(0, frame.offNear));
      if (frame.allNear) xPrev = Float64Array.from(stepper.x);
      // An all-near frame certifies every point: no snapshot needed.
      const snap = frame.allNear ? null : stepper.snapshot();
      failed = false;
      failExtra = 0;
      stepper.step(oracle);
      if (!failed) break;
      stepper.restore(snap!);
      stats.redoneSteps++;
      attempt++;
      if (attempt === 1) refresh(2 * failExtra + 2 * drift);
      else {
        fullRebuild(k, attempt >= 3);
        rebuilt = true;
      }
      evalX();
    }
    if (!rebuilt && !frame.allNear) {
      const moved = frame.boundBetween(stepper.x, xRef);
      drift = Math.max(moved, 0.7 * drift, 1e-300);
    } else if (!rebuilt && frame.allNear) {
      // No far rows to measure on: the largest row move of the step, doubled.
      drift = Math.max(2 * frame.maxNearMove(stepper.x, xPrev), 1e-300);
    }
    evalsPerStep = 0.9 * evalsPerStep + 0.1 * Math.max(1, evalsThisStep / (attempt + 1));
    excessCost += 2 * Math.max(0, frame.near.length - nearAtBuild) * evalsPerStep;
    if (frame.allNear) stats.allNearSteps++;
    nearSum += frame.near.length;
    cacheRef = null;
    if (opts.onProgress && (step + 1) % every === 0) opts.onProgress(step + 1, steps);
  }
  const finalW = frame.materialise(stepper.x);
  stats.gradEvals = stepper.gradEvals - gradEvals0;
  stats.meanNearRows = done > 0 ? nearSum / done : frame.near.length;
  return {
    steps: done,
    divergedAt,
    loss: loss.subarray(0, done + 1),
    errNorm: errNorm.subarray(0, done + 1),
    finalW,
    net,
    stats,
  };
}
