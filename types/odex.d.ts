/**
 * Type declarations for the `odex` package (Hairer's ODEX ported by Colin Smith). The package ships
 * its TypeScript source next to the compiled JavaScript without declarations; tsc would type-check
 * that source under our strict settings, so tsconfig.check.json maps 'odex' here instead.
 */
export interface Derivative {
  (x: number, y: number[]): number[];
}

export interface OutputFunction {
  (
    nr: number,
    xold: number,
    x: number,
    y: number[],
    dense?: (c: number, x: number) => number,
  ): boolean | void;
}

export enum Outcome {
  Converged,
  MaxStepsExceeded,
  EarlyReturn,
}

export class Solver {
  constructor(n: number);
  n: number;
  uRound: number;
  maxSteps: number;
  initialStepSize: number;
  maxStepSize: number;
  maxExtrapolationColumns: number;
  stepSizeSequence: number;
  stabilityCheckCount: number;
  stabilityCheckTableLines: number;
  denseOutput: boolean;
  denseOutputErrorEstimator: boolean;
  denseComponents: number[] | undefined;
  interpolationFormulaDegree: number;
  stepSizeReductionFactor: number;
  stepSizeFac1: number;
  stepSizeFac2: number;
  stepSizeFac3: number;
  stepSizeFac4: number;
  stepSafetyFactor1: number;
  stepSafetyFactor2: number;
  relativeTolerance: number | number[];
  absoluteTolerance: number | number[];
  debug: boolean;
  grid(dt: number, out: (xOut: number, yOut: number[]) => unknown): OutputFunction;
  solve(
    f: Derivative,
    x: number,
    y0: number[],
    xEnd: number,
    solOut?: OutputFunction,
  ): {
    y: number[];
    outcome: Outcome;
    nStep: number;
    xEnd: number;
    nAccept: number;
    nReject: number;
    nEval: number;
  };
}

const odex: { Solver: typeof Solver; Outcome: typeof Outcome };
export default odex;
