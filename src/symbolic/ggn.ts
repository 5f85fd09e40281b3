/**
 * The ODE limit of a method that steps along the Gram–Gauss–Newton direction ggn(x, ε) =
 * Jᵀ(JJᵀ + εI)⁻¹(f(x) − y) instead of the gradient ∇f(x) = Jᵀ(f(x) − y).
 *
 * The symbolic expansion (src/symbolic/derive.ts) treats a ggn call exactly like a grad call: both
 * are one vector field evaluated at a linear combination of iterates, so the weight-space ODE is the
 * same with ∇f(X) replaced by ggn(X) (and ∇²f(X)Ẋ by the derivative of ggn along Ẋ at high
 * resolution). The difference appears in output space: with u = f(X), u̇ = J Ẋ and
 *
 *   J·∇f(X)  = JJᵀ e            = H e,
 *   J·ggn(X) = JJᵀ(JJᵀ + εI)⁻¹ e = H(H + εI)⁻¹ e  → e  (ε → 0),
 *
 * so each eigenmode λ of H sees λ_ε = λ/(λ + ε) where a gradient method sees λ; at ε = 0 every mode
 * sees 1: the limit of x[k+1] = x[k] − η ggn(x[k]) (t = kη) is ė = −e, a rate 1 per unit time that
 * does not depend on H (λ0, κ). The characteristic polynomial is the gradient method's with λ → 1.
 */
import { parse, simplify, type MathNode } from 'mathjs';
import { SpecError } from '../spec/errors.ts';
import type { ParsedSpec } from '../spec/types.ts';
import type { CharacteristicPolynomial } from './characteristic.ts';
import type { DerivedOde, OutputSpaceOde } from './types.ts';

/** 'ggn' when every call of the spec is ggn, 'grad' when none is; a mix is refused. */
export function directionKind(parsed: ParsedSpec): 'grad' | 'ggn' {
  const calls = parsed.equations.flatMap((eq) => eq.grads);
  const ggn = calls.filter((g) => g.op === 'ggn').length;
  if (ggn === 0) return 'grad';
  if (ggn < calls.length)
    throw new SpecError(
      `method '${parsed.spec.name}' calls both grad and ggn: its output-space limit mixes H e and e and is not derived`,
    );
  return 'ggn';
}

/**
 * What a mode λ of H sees in place of λ when the method steps along ggn: λ/(λ + ε) (the text of a
 * factor in `lambda`), '1' undamped; null for a grad method. Throws SpecError when the ggn calls use
 * different dampings (one factor per mode is then not defined).
 */
export function ggnModeFactor(parsed: ParsedSpec): string | null {
  if (directionKind(parsed) !== 'ggn') return null;
  const eps = dampings(parsed);
  if (eps.length !== 1)
    throw new SpecError(
      `method '${parsed.spec.name}': its ggn calls use different dampings (${eps.join(', ')}): no single per-mode factor λ/(λ + ε)`,
    );
  return eps[0] === '0' ? '1' : `(lambda/(lambda + (${eps[0]})))`;
}

/** The damping texts ε of the spec's ggn calls ('0' when not given). */
function dampings(parsed: ParsedSpec): string[] {
  return [...new Set(parsed.equations.flatMap((eq) => eq.grads.map((g) => g.damping ?? '0')))];
}

/** Statements of what the GGN output-space limit neglects. */
export function ggnNeglected(parsed: ParsedSpec): string[] {
  const eps = dampings(parsed);
  const damped = eps.some((e) => e !== '0');
  return [
    damped
      ? `J·ggn = H(H + εI)⁻¹e, ε = ${eps.join(', ')}: mode λ sees λ/(λ + ε), taken as 1 here (exact ` +
        `only for ε ≪ λ0; the factor is 1 − ε/(λ + ε))`
      : 'J·ggn = JJᵀ(JJᵀ)⁻¹e = e exactly whenever H(t) = JJᵀ is non-singular: no kernel-drift term (H(t) is inverted at every step)',
    'the linearisation of f along one step, O(‖Δθ‖²): the source of quadratic (not exact) convergence at η = 1 on a real net',
  ];
}

function substituteLambda(text: string): string {
  try {
    const node = parse(text).transform((n: MathNode) =>
      n.type === 'SymbolNode' && (n as unknown as { name: string }).name === 'lambda' ? parse('1') : n,
    );
    return simplify(node).toString();
  } catch {
    return text;
  }
}

/**
 * The GGN form of a derivation made with grad in place of ggn: weight-space texts with ggn(X),
 * output-space texts with e in place of H e (and ė in place of H ė), neglected terms restated, the
 * characteristic polynomial with λ → 1 (every mode alike).
 */
export function ggnLimit(
  parsed: ParsedSpec,
  ode: DerivedOde,
  out: OutputSpaceOde,
  chr: CharacteristicPolynomial,
): { ode: DerivedOde; out: OutputSpaceOde; chr: CharacteristicPolynomial } {
  const weight = (s: string): string =>
    s
      .replace(/grad f\(X\(t\)\)/g, 'ggn(X(t))')
      .replace(/hess f\(X\(t\)\) X'\(t\)/g, "Dggn(X(t))[X'(t)]")
      .replace(/\\nabla\^2 f\(X\(t\)\)\\,\\dot\{X\}\(t\)/g, '\\mathrm{Dggn}(X(t))[\\dot{X}(t)]')
      .replace(/\\nabla f\(X\(t\)\)/g, '\\mathrm{ggn}(X(t))');
  const output = (s: string): string =>
    s
      .replace(/H e'\(t\)/g, "e'(t)")
      .replace(/H e\(t\)/g, 'e(t)')
      .replace(/H\\,\\dot\{e\}\(t\)/g, '\\dot{e}(t)')
      .replace(/H e\(t\)/g, 'e(t)');
  const coefficients = chr.coefficients.map(substituteLambda);
  const poly: string[] = [];
  for (let j = coefficients.length - 1; j >= 0; j--) {
    const c = coefficients[j];
    if (c === '0') continue;
    const zj = j === 0 ? '' : j === 1 ? 'z' : `z^${j}`;
    poly.push(zj === '' ? c : c === '1' ? zj : `(${c})*${zj}`);
  }
  return {
    ode: { ...ode, ode: weight(ode.ode), latex: weight(ode.latex) },
    out: {
      ...out,
      ode: output(out.ode),
      latex: output(out.latex),
      neglected: [...ggnNeglected(parsed)],
    },
    chr: { ...chr, coefficients, polynomial: poly.join(' + ') || '0' },
  };
}

/**
 * For a ggn method at parameter values `scope` (resolved params): the map λ ↦ λ/(λ + ε) from an
 * eigenvalue of H to what the mode sees (null for a gradient method). Every ggn call must have the
 * same ε (else the output-space ODE has no single per-mode form and this throws SpecError).
 */
export function ggnModeMap(
  parsed: ParsedSpec,
  scope: Record<string, number>,
): ((lambda: number) => number) | null {
  if (directionKind(parsed) !== 'ggn') return null;
  const eps = dampings(parsed).map(
    (text) =>
      parse(text)
        .compile()
        .evaluate({ ...scope }) as number,
  );
  if (eps.some((e) => typeof e !== 'number' || !Number.isFinite(e) || e < 0))
    throw new SpecError(`method '${parsed.spec.name}': the ggn damping must be a finite number ≥ 0`);
  if (eps.some((e) => e !== eps[0]))
    throw new SpecError(`method '${parsed.spec.name}': ggn calls with different dampings ε`);
  const e = eps[0];
  return (lambda) => (lambda === 0 ? 0 : lambda / (lambda + e));
}
