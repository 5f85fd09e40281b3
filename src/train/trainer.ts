/**
 * Training entry point: dispatches a TrainConfig to an engine and maps user-facing flags to the
 * parameters of a method spec.
 *
 * Engines: 'direct' (src/train/engine-direct.ts: the WebAssembly kernels, in the weights or in the
 * span of the data rows, whichever costs less), 'fast' (src/train/engine-fast.ts: dual frames for
 * rows that cannot flip, same contract; pays in long lazy runs), 'auto' (the default: direct, which
 * measured fastest on the benchmark cases, docs/performance.md).
 */
import { resolveMethod, stepSymbol, type ParamValues } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import type { MethodSpec } from '../spec/types.ts';
import type { Engine, TrainConfig, Trajectory } from './types.ts';
import { runDirect } from './engine-direct.ts';
import { runFast } from './engine-fast.ts';
import { runModelDirect } from './both-layers.ts';
import { usesGgn } from '../spec/compile.ts';
import { checkTraining } from '../util/limits.ts';

/**
 * Why a config needs the model loop of src/train/both-layers.ts (both layers trained, a hidden
 * bias, a method calling ggn), or null for the paper's model run by the direct/fast engines.
 */
export function modelLoopReason(config: Pick<TrainConfig, 'train' | 'bias' | 'method'>): string | null {
  if (config.train === 'both') return 'both layers trained (--train both)';
  if (config.bias === true) return 'a hidden bias (--bias)';
  if (usesGgn(resolveMethod(config.method))) return 'the method calls ggn(…)';
  return null;
}

/** The engine a choice resolves to ('auto': direct). */
export function resolveEngine(engine: Engine = 'auto'): 'direct' | 'fast' {
  return engine === 'fast' ? 'fast' : 'direct';
}

/** Train the two-layer net with config.method; engine per config.engine (default 'auto'). */
export function train(config: TrainConfig): Trajectory {
  // Resource limits (width × n × d, steps) before anything is allocated: LimitError, exit 2.
  checkTraining(config.data.n, config.data.d, config.width, config.steps);
  const reason = modelLoopReason(config);
  if (reason !== null) {
    if (config.engine === 'fast')
      throw new SpecError(`the fast engine does not support ${reason}; use --engine direct (or auto)`);
    return runModelDirect(config);
  }
  const engine = resolveEngine(config.engine ?? 'auto');
  return engine === 'fast' ? runFast(config) : runDirect(config);
}

/** Flags the trainer maps to same-named spec symbols. */
export const MOMENTUM_FLAGS = ['beta', 'gamma', 'r', 'mu', 'beta1', 'beta2'] as const;
export type TrainingFlags = Partial<Record<(typeof MOMENTUM_FLAGS)[number], number>>;

/**
 * Spec parameter values from user flags: η sets the spec's step symbol (eta for gd/hb/hm, s for the
 * Nesterov methods); --beta/--gamma/--r/--mu/--beta1/--beta2 set the same-named symbols. Throws
 * SpecError when η is not positive and finite, when the spec's step is not a single symbol, or when a
 * flag names a symbol the method does not have.
 */
export function trainingParams(
  method: string | MethodSpec,
  eta: number,
  flags: TrainingFlags = {},
): ParamValues {
  const parsed = resolveMethod(method);
  const spec = parsed.spec;
  if (!(Number.isFinite(eta) && eta > 0))
    throw new SpecError(`--eta must be a positive finite number, got ${eta}`);
  const step = stepSymbol(spec);
  if (step === null)
    throw new SpecError(
      `method '${spec.name}': its step '${spec.step}' is not a single symbol, so --eta cannot set it`,
    );
  const params: ParamValues = { [step]: eta };
  const known = new Set([...spec.params, ...Object.keys(spec.let ?? {})]);
  for (const key of MOMENTUM_FLAGS) {
    const v = flags[key];
    if (v === undefined) continue;
    if (!Number.isFinite(v)) throw new SpecError(`--${key} must be a finite number`);
    if (!known.has(key)) {
      throw new SpecError(
        `method '${spec.name}' has no parameter '${key}' (it takes ${[...known].map((s) => (s === step ? '--eta' : `--${s}`)).join(', ')})`,
      );
    }
    params[key] = v;
  }
  return params;
}
