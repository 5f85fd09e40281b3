/**
 * The certificate format (JSON): what `dynview check --certificate FILE` writes and
 * `dynview certificate check FILE` re-checks. Documented in docs/claims.md ("Certificates").
 * Intervals are [lo, hi] pairs of float64 numbers; expressions are mathjs text.
 */

/** The per-mode model of the method (src/certify/model.ts). */
export type ModeModel =
  /** p_λ(z) = Σ_j coefficients[j] z^j (ODE modes e ∝ e^{zt}); limit: coefficients are t → ∞ limits. */
  | { kind: 'polynomial'; regime: 'ode'; coefficients: string[]; limit: boolean; source: string }
  /** T(λ): one step on the state; timeStep: ODE time per step; limit: entries are k → ∞ limits. */
  | {
      kind: 'companion';
      regime: 'discrete';
      layout: string[];
      matrix: string[][];
      timeStep: string;
      limit: boolean;
      source: string;
    }
  /** lead·e'' + (damping/t)·e' + restoring·λ·e = 0: loss envelope ∝ t^(−damping/lead) exactly. */
  | { kind: 'bessel'; regime: 'ode'; lead: string; damping: string; restoring: string; source: string };

export type Pair = [number, number];

/** One verified sign: the enclosure of a named quantity and what it shows. */
export interface Condition {
  name: string;
  value: Pair;
  /** '>0' / '>=0' / '<0': certified by the enclosure; '~0': the enclosure contains 0 (tight). */
  sign: '>0' | '>=0' | '<0' | '~0' | '!=0';
}

/** The subdivision: a binary tree of boxes; leaves carry their conditions. */
export type Cell =
  | { split: string; at: number; below: Cell; above: Cell }
  | { leaf: 'holds' | 'tight'; conditions: Condition[] };

export type Box = Record<string, Pair>;

export interface Certificate {
  dynview: 'certificate';
  version: 1;
  /** The claim (JSON as given) this certificate is about. */
  claim: Record<string, unknown>;
  /** The instance the enclosures come from (data source, n, d, seed). */
  instance: Record<string, unknown>;
  verdict: 'proved' | 'refuted';
  /** What was shown, in words. */
  summary: string;
  /** Spectrum of H∞: λ0 ∈ lambda0, λmax ∈ lambdaMax; provenance in `method`. */
  enclosures: { lambda0: Pair; lambdaMax: Pair; method: string };
  /** Fixed values (η, n, d, m, numeric parameters) as enclosures. */
  constants: Record<string, Pair>;
  /** Ranged parameters: the box the claim quantifies over. */
  box: Box;
  /** name = expression, evaluated in order (claim's expression parameters, the method's let symbols). */
  definitions: Array<[string, string]>;
  model: ModeModel;
  /**
   * The test, re-derived by the checker from the claim and the model:
   * - 'rate': every λ ∈ [λ0, λmax] and parameter in the box: each mode's loss rate ≥ threshold
   *   (Routh–Hurwitz on p(w − c/2), or Schur via p(σ w), σ = exp(−c·h/2)); threshold = (1 − tolerance)·rate,
   *   or `epsilon` (a positive rate: exponential decay refutes a sublinear claim);
   * - 'exponent': the Bessel exponent r = damping/lead against (1 − tolerance)·exponent.
   */
  test: { kind: 'rate' | 'exponent' | 'polynomial-decay'; threshold: string; epsilon?: number };
  /** proved (or refuted via exponential decay): the subdivision covering the domain. */
  tree?: Cell;
  /** refuted: a box inside the domain where a condition is certainly violated. */
  witness?: { box: Box; mode: string; conditions: Condition[]; growth?: string };
  /** Informational (not checked): the worst point found and its numbers. */
  worst?: { point: Record<string, number>; exact: number; claimed: number; what: string };
  notes: string[];
}
