/**
 * Claims, instances and verdicts: the shared vocabulary of src/claims, proofs/ and the CLI
 * (`dynview check`, `dynview verify`). The JSON form of a claim is documented in docs/claims.md.
 */
import type { MethodSpec } from '../spec/types.ts';
import type { DecayClassification } from './rate-fit.ts';
import type { Certificate } from '../certify/types.ts';
import type { ModelOptions } from '../ntk/both-layers.ts';

/** Where a numeric obligation is evaluated. */
export type Regime = 'ode' | 'discrete' | 'network';

export type Verdict = 'proved' | 'supported' | 'refuted' | 'inconclusive';

/** A closed interval [lo, hi] (lo ≤ hi) or a single value. */
export type Range = [number, number];

export type Horizon = { t: number } | { steps: number };

export interface InstanceRanges {
  /** Data kind ('sphere': unit vectors uniform on S^{d−1}, targets ±1 … see instance.ts). */
  data: string;
  n: Range;
  d: Range;
  /** Network width m (network regime; recorded otherwise). */
  width: Range;
  /** Step size η (discrete and network regimes); null = 0.5/λmax(H∞) of each instance. */
  eta: Range | null;
  /** Number of sampled instances. */
  runs: number;
  /** Null = a default per regime (enough time constants of the slowest mode). */
  horizon: Horizon | null;
}

/**
 * `form`: 'asymptotic' (default) asserts the asymptotic rate (lim sup (1/t) ln L ≤ −rate; a double root
 * at exactly that rate still satisfies it); 'bound' asserts L(t) ≤ C·exp(−rate·t) with a finite C.
 */
export type RateForm = 'asymptotic' | 'bound';

export type Assertion =
  | { kind: 'linear'; rate: string; tolerance: number; form: RateForm }
  | { kind: 'sublinear'; exponent: string; tolerance: number; form: RateForm }
  | { kind: 'ode'; terms: Record<string, string>; resolution: 'low' | 'high'; space: 'weight' | 'output' };

export interface Claim {
  id: string;
  statement: string;
  latex?: string;
  reference?: string;
  method: string | MethodSpec;
  /**
   * Method parameters: a value, a range sampled per instance, or an expression in lambda0,
   * lambdaMax, n, d, eta evaluated per instance (e.g. gamma = "2*sqrt(lambda0)", mu = "lambda0").
   */
  params: Record<string, number | Range | string>;
  regime: Regime;
  assert: Assertion;
  instances: InstanceRanges;
  /** Network regime: the largest ‖H(t) − H(0)‖₂/λ0 under which the NTK hypothesis holds (default 0.25). */
  driftBound: number;
  /** Smallest λ0 the claim accepts (hypothesis λ0 > 0, default 1e-6). */
  lambda0Min: number;
  /**
   * The model (claim fields `train`, `bias`; default first layer only, no bias): the kernel whose
   * λ0, λmax the ode/discrete regimes use (H∞_W, + K1 with both layers, on (x, 1) with a bias) and
   * the network regime's trainer options.
   */
  model: ModelOptions;
  /** The claim as written (JSON), carried into certificates. */
  raw?: Record<string, unknown>;
}

/** One sampled instance (what fast-check generates; printed with the counterexample). */
export interface Instance {
  data: string;
  n: number;
  d: number;
  seed: number;
  width: number;
  /** Step size η; null = the regime's default 0.5/λmax(H∞) of the instance. */
  eta: number | null;
  params: Record<string, number>;
}

/** Result of one instance. */
export interface InstanceOutcome {
  status: 'pass' | 'fail' | 'inconclusive';
  /** Why (always set for fail and inconclusive). */
  reason: string;
  instance: Instance;
  lambda0: number;
  lambdaMax: number;
  /** The claimed value (rate or exponent) evaluated on this instance. */
  claimed?: number;
  /** The measured value (rate or exponent). */
  measured?: number;
  decay?: DecayClassification;
  /** The regime and the limit the trajectory lives in, in words. */
  regimeNote: string;
  /** Extra numbers (η used, horizon, drift, …). */
  numbers: Record<string, number>;
}

export interface Counterexample {
  /** The shrunk instance (null for a symbolic counterexample). */
  instance: Instance | null;
  /** fast-check seed and path that replay the shrunk counterexample. */
  seed: number;
  path: string;
  reason: string;
  /** The replay command line. */
  replay: string;
}

export interface ObligationResult {
  name: string;
  /** symbolic: exact identity; certified: decided exactly with a certificate; numeric: measured. */
  kind: 'symbolic' | 'certified' | 'numeric';
  status: 'pass' | 'fail' | 'inconclusive';
  detail: string;
  /** Computed value next to the theory value, when there are numbers to show. */
  computed?: number | string;
  theory?: number | string;
}

export interface ClaimResult {
  id: string;
  statement: string;
  verdict: Verdict;
  regime: Regime;
  runs: number;
  seed: number;
  counterexample: Counterexample | null;
  inconclusive: { count: number; reasons: string[] };
  obligations: ObligationResult[];
  /** Evidence: summary numbers (measured vs claimed), per-instance outcomes (first few). */
  evidence: {
    summary: string;
    claimed?: string;
    measured?: { min: number; max: number; median: number } | null;
    instances: InstanceOutcome[];
  };
  seconds: number;
  /** ode/discrete regimes: one certificate per decided instance (the counterexample's first). */
  certificates?: Certificate[];
}
