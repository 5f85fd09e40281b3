/**
 * The result of deriving a method's ODE limit (src/symbolic). `terms` maps each term of
 *   Σ_j c_j(t) X^{(j)} + c_grad(t) ∇f(X) + c_hess(t) ∇²f(X) Ẋ = 0
 * to its coefficient, as a string mathjs can parse, in t and the spec's params. Keys: "X'", "X''",
 * "X'''", …, "grad", "hess*X'". Normalised so the highest derivative of the low-resolution ODE has
 * coefficient 1.
 */
export interface DerivedOde {
  method: string;
  /** The spec's time expression, e.g. "k*sqrt(s)". */
  time: string;
  /** Expansion parameter h = time(k+1) − time(k), e.g. "sqrt(s)". */
  h: string;
  resolution: 'low' | 'high';
  terms: Record<string, string>;
  /** Human form, e.g. "X''(t) + (r/t)*X'(t) + grad f(X(t)) = 0". */
  ode: string;
  latex: string;
  /** Order of the ODE (highest derivative with a non-zero coefficient). */
  order: number;
}

/**
 * The output-space ODE for e = u − y in the NTK regime: per eigenmode λ of H it reads
 *   Σ_j c_j(t) e^{(j)} + (c_hess(t) λ) ė + c_grad(t) λ e = 0.
 */
export interface OutputSpaceOde {
  method: string;
  resolution: 'low' | 'high';
  /** Same keys as DerivedOde.terms, with H in place of ∇²f and H e in place of ∇f. */
  terms: Record<string, string>;
  ode: string;
  latex: string;
  /** What the mapping neglects (e.g. "J̇Ẇ, (H(t) − H∞) terms"), stated for the user. */
  neglected: string[];
}
