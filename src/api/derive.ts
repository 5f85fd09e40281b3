/**
 * `derive()`: the continuous-time (ODE) limit of a method, derived symbolically from its update
 * rule, with its output-space form and characteristic polynomial; returns the object
 * `dynview derive --json --output-space` prints.
 */
import { resolveMethod } from '../spec/compile.ts';
import type { MethodSpec } from '../spec/types.ts';
import { characteristicPolynomial, type CharacteristicPolynomial } from '../symbolic/characteristic.ts';
import { deriveOdeWithTrace, type DerivedOdeWithTrace } from '../symbolic/derive.ts';
import { toOutputSpace } from '../symbolic/output-space.ts';
import { directionKind, ggnLimit } from '../symbolic/ggn.ts';
import type { DerivedOde, OutputSpaceOde } from '../symbolic/types.ts';

export interface DeriveOptions {
  /** A built-in method name or a method spec object. */
  method: string | MethodSpec;
  /** low: leading order in h; high: keep the next order (Shi, Du, Jordan & Su). Default low. */
  resolution?: 'low' | 'high';
  /** Include the output-space ODE (default true; the CLI's --output-space). */
  outputSpace?: boolean;
}

/**
 * The derived ODE (src/symbolic DerivedOde without its order): `time` is the spec's ODE time of
 * iterate k (e.g. "k*sqrt(s)"), `h` = time(k+1) − time(k), `terms` maps "X''", "X'", "grad",
 * "hess*X'" to coefficients in t and the params. `direction` is 'ggn' for a method stepping along
 * ggn(x, ε) (src/symbolic/ggn.ts): in output space every mode λ sees λ/(λ + ε) → 1 instead of λ,
 * so the characteristic polynomial is λ-free; absent for grad. `outputSpace` is the output-space
 * ODE (without its method/resolution, which are above) and its characteristic polynomial.
 */
export type DeriveResult = Omit<DerivedOde, 'order'> & {
  direction?: 'ggn';
  outputSpace?: Omit<OutputSpaceOde, 'method' | 'resolution'> & { characteristic: CharacteristicPolynomial };
};

/** The derivation with its trace (the command line prints steps from it). */
export function deriveRun(opts: DeriveOptions & { steps?: boolean }): {
  ode: DerivedOdeWithTrace;
  out: OutputSpaceOde;
  chr: CharacteristicPolynomial;
  result: DeriveResult;
} {
  const resolution = opts.resolution ?? 'low';
  if (resolution !== 'low' && resolution !== 'high')
    throw new RangeError(`resolution must be low or high, got '${String(resolution)}'`);
  const parsed = resolveMethod(opts.method); // validate the spec before loading the computer algebra
  const kind = directionKind(parsed);
  let ode = deriveOdeWithTrace(opts.method, { resolution, steps: opts.steps === true });
  let out = toOutputSpace(ode);
  let chr = characteristicPolynomial(out);
  if (kind === 'ggn') {
    const g = ggnLimit(parsed, ode, out, chr);
    ode = { ...ode, ode: g.ode.ode, latex: g.ode.latex };
    out = g.out;
    chr = g.chr;
  }
  const result: DeriveResult = {
    method: ode.method,
    time: ode.time,
    h: ode.h,
    resolution: ode.resolution,
    terms: ode.terms,
    ode: ode.ode,
    latex: ode.latex,
    ...(kind === 'ggn' ? { direction: 'ggn' as const } : {}),
  };
  if (opts.outputSpace !== false)
    result.outputSpace = {
      terms: out.terms,
      ode: out.ode,
      latex: out.latex,
      neglected: out.neglected,
      characteristic: chr,
    };
  return { ode, out, chr, result };
}

/** Derive the ODE limit of a method; the object `dynview derive --json --output-space` prints. */
export async function derive(opts: DeriveOptions): Promise<DeriveResult> {
  return deriveRun(opts).result;
}
