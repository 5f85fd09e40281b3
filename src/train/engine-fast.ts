/**
 * Fast engine (owned by H2; stub until built): same contract as the direct engine.
 */
import type { TrainConfig, Trajectory } from './types.ts';

export const FAST_ENGINE_AVAILABLE = false;

export function runFast(_config: TrainConfig): Trajectory {
  throw new Error('the fast engine is not built yet; use engine "direct"');
}
