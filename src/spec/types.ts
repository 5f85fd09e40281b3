/**
 * A method spec: an optimizer's update rule as data. The single definition of a method, read by the
 * symbolic derivation (src/symbolic) and compiled to a numeric stepper (src/spec/compile.ts).
 *
 * Conventions (documented in docs/methods.md):
 * - `update` equations run in order at each iteration k. Auxiliary sequences (y, v, z, ...) are
 *   defined once, at index k, from x at k, k−1, … and auxiliaries defined above (their own earlier
 *   values, e.g. z[k-1], are allowed). The last equation defines x[k+1].
 * - The first step computes x[start+1] from x[start] with k = start (start = 0 unless given).
 *   Every sequence before the start equals its value at the start ("starts at rest").
 * - `grad(z)` is the gradient of the objective at z; z is a linear combination of sequence values.
 */
export interface MethodSpec {
  name: string;
  description?: string;
  /** Symbols the user may set. */
  params: string[];
  /** Default values for some params (used when the user sets none). */
  defaults?: Record<string, number>;
  /** The step-size expression (the trainer's --eta sets this symbol when it is a single symbol). */
  step: string;
  /** ODE time of iterate k (e.g. "k*sqrt(eta)"). */
  time: string;
  /** Scaling laws substituted before expansion, e.g. {"beta": "1 - gamma*sqrt(eta)"}. */
  let?: Record<string, string>;
  update: string[];
  /** First value of k (default 0). */
  start?: number;
}

/** A reference to a sequence value name[k - lag] (lag ≥ 0), or to x[k+1] as a target. */
export interface SeqRef {
  name: string;
  lag: number;
}

/** One term coef · V of a linear form; V is a sequence value or a gradient call. */
export interface LinearTerm {
  /** Scalar coefficient as mathjs-parsable text in k, params and let symbols. */
  coef: string;
  ref: { kind: 'seq'; seq: SeqRef } | { kind: 'grad'; id: number };
}

/** grad(arg): arg is itself a linear form in sequence values (no nested grad). */
export interface GradCall {
  id: number;
  arg: LinearTerm[];
  /** Set when the argument is exactly one sequence value with coefficient 1 (cacheable). */
  pure: SeqRef | null;
  text: string;
  /**
   * 'ggn' for a Gram–Gauss–Newton call ggn(z) or ggn(z, ε): Jᵀ(JJᵀ + εI)⁻¹(f(z) − y) at z
   * (src/train/ggn.ts). Absent for grad(z).
   */
  op?: 'ggn';
  /** ε of a ggn call as scalar expression text in the params ('0' when not given). */
  damping?: string;
}

export interface ParsedEquation {
  /** Source text of the equation. */
  text: string;
  /** Index of the equation in `update` (0-based). */
  index: number;
  /** Target sequence name ('x' for the last equation). */
  target: string;
  /** 1 for x[k+1], 0 for auxiliaries defined at k. */
  shift: 0 | 1;
  /** Right-hand side source text. */
  rhs: string;
  terms: LinearTerm[];
  grads: GradCall[];
}

export interface ParsedSpec {
  spec: MethodSpec;
  /** Auxiliary sequence names in definition order (x excluded). */
  auxiliaries: string[];
  equations: ParsedEquation[];
  /** Largest lag per sequence name (x and auxiliaries), i.e. how much history the method needs. */
  maxLag: Record<string, number>;
  /** Scalar symbols the update uses (params and let symbols actually referenced, plus k if used). */
  scalarSymbols: string[];
  start: number;
}
