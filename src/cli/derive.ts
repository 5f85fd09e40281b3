/** `dynview derive`: the ODE limit of a method (built-in name or spec file), derived from its spec. */
import type { Command } from 'commander';
import { readFileSync, existsSync } from 'node:fs';
import { UsageError, InputError } from './errors.ts';
import { parseKeyValues, parseNumber, parsePositive } from './options.ts';
import type { MethodSpec } from '../spec/types.ts';

interface DeriveFlags {
  method: string;
  resolution: string;
  outputSpace?: boolean;
  json?: boolean;
  latex?: boolean;
  params?: string;
  lambda0?: string;
  lambdaMax?: string;
  steps?: boolean;
}

/** A built-in name, or a path to a spec JSON file (read and parsed here; validated by the spec parser). */
export function readMethodArg(arg: string): string | MethodSpec {
  if (arg.endsWith('.json') || (arg.includes('/') && existsSync(arg))) {
    let text: string;
    try {
      text = readFileSync(arg, 'utf8');
    } catch (err) {
      throw new InputError(
        `cannot read method spec '${arg}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    try {
      return JSON.parse(text) as MethodSpec;
    } catch (err) {
      throw new InputError(`method spec '${arg}' is not valid JSON: ${(err as Error).message}`);
    }
  }
  return arg;
}

export function registerDerive(program: Command): Command {
  return program
    .command('derive')
    .description(
      'derive the continuous-time (ODE) limit of a method from its update rule, its output-space form and characteristic equation',
    )
    .requiredOption(
      '--method <name|file.json>',
      'built-in method (gd, hb, hb-fixed, nag-c, nag-sc, hm) or a method spec file',
    )
    .option(
      '--resolution <low|high>',
      'low: leading order in h; high: keep the next order (Shi, Du, Jordan & Su)',
      'low',
    )
    .option('--output-space', 'include the output-space (prediction error) ODE in --json output')
    .option('--json', 'print one JSON object')
    .option('--latex', 'print the LaTeX forms')
    .option('--steps', 'print the intermediate steps of the derivation (series in h)')
    .option('--params <k=v,...>', 'parameter values for a numeric rate (e.g. gamma=2,eta=1e-4)')
    .option('--lambda0 <x>', 'smallest eigenvalue of H for the numeric rate')
    .option('--lambda-max <x>', 'largest eigenvalue of H for the numeric rate (default lambda0)')
    .action(async (flags: DeriveFlags) => {
      if (flags.resolution !== 'low' && flags.resolution !== 'high') {
        throw new UsageError(`--resolution must be low or high, got '${flags.resolution}'`);
      }
      const resolution = flags.resolution;
      const method = readMethodArg(flags.method);
      const params: Record<string, number> = {};
      for (const [k, v] of Object.entries(parseKeyValues('--params', flags.params ?? '')))
        params[k] = parseNumber(`--params ${k}`, v);
      const lambda0 = flags.lambda0 !== undefined ? parsePositive('--lambda0', flags.lambda0) : undefined;
      const lambdaMax =
        flags.lambdaMax !== undefined ? parsePositive('--lambda-max', flags.lambdaMax) : lambda0;
      if (lambda0 !== undefined && lambdaMax !== undefined && lambdaMax < lambda0)
        throw new UsageError('--lambda-max must be at least --lambda0');

      const { SpecError } = await import('../spec/parse.ts');
      const { resolveMethod } = await import('../spec/compile.ts');
      try {
        resolveMethod(method); // validate before loading the computer algebra
      } catch (err) {
        if (err instanceof SpecError) throw new InputError(err.message);
        throw err;
      }
      const { deriveOdeWithTrace } = await import('../symbolic/derive.ts');
      const { toOutputSpace } = await import('../symbolic/output-space.ts');
      const { characteristicPolynomial, rootsFormula } = await import('../symbolic/characteristic.ts');
      let ode;
      try {
        ode = deriveOdeWithTrace(method, { resolution, steps: flags.steps === true });
      } catch (err) {
        if (err instanceof SpecError) throw new InputError(err.message);
        throw err;
      }
      const out = toOutputSpace(ode);
      const chr = characteristicPolynomial(out);
      if (flags.json) {
        const obj: Record<string, unknown> = {
          method: ode.method,
          time: ode.time,
          h: ode.h,
          resolution: ode.resolution,
          terms: ode.terms,
          ode: ode.ode,
          latex: ode.latex,
        };
        if (flags.outputSpace) {
          obj.outputSpace = {
            terms: out.terms,
            ode: out.ode,
            latex: out.latex,
            neglected: out.neglected,
            characteristic: chr,
          };
        }
        process.stdout.write(`${JSON.stringify(obj)}\n`);
        return;
      }
      const lines: string[] = [];
      if (flags.steps) {
        const tr = ode.trace;
        lines.push(
          `h = time(k+1) − time(k) = ${tr.h};  t0 = time(0) = ${tr.t0};  k = ${tr.k};  ${tr.stepInH[0]} = ${tr.stepInH[1]}`,
        );
        for (const st of tr.steps) lines.push(`${st.what} = ${st.value}`);
        for (const o of tr.orders) {
          lines.push(
            `order h^${o.power}: ${
              Object.entries(o.terms)
                .map(([k, c]) => `(${c})*${k}`)
                .join(' + ') || '0'
            }`,
          );
        }
      }
      lines.push(
        `method ${ode.method}: time ${ode.time}, h = ${ode.h}, ${resolution} resolution (leading order h^${ode.trace.lead})`,
      );
      if (flags.latex) {
        lines.push(`ODE:            ${ode.latex}`);
        lines.push(`output space:   ${out.latex}`);
      } else {
        lines.push(`ODE:            ${ode.ode}`);
        lines.push(`output space:   ${out.ode}   (e = u − y; per eigenmode λ of H)`);
      }
      lines.push(`neglected:      ${out.neglected.length === 0 ? 'nothing' : out.neglected[0]}`);
      for (const n of out.neglected.slice(1)) lines.push(`                ${n}`);
      lines.push(
        `characteristic: ${chr.polynomial} = 0   (mode λ = lambda, e ∝ exp(z t)${chr.timeDependent ? ', coefficients frozen at t' : ''})`,
      );
      const roots = rootsFormula(chr);
      if (roots) lines.push(`roots:          ${roots}`);
      lines.push(`rate:           ${await rateLine(out, chr.timeDependent, params, lambda0, lambdaMax)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

async function rateLine(
  out: import('../symbolic/types.ts').OutputSpaceOde,
  timeDependent: boolean,
  params: Record<string, number>,
  lambda0: number | undefined,
  lambdaMax: number | undefined,
): Promise<string> {
  const symbolic = timeDependent
    ? 'damping depends on t: the decay is not exponential (give --params to get the envelope exponent)'
    : 'ρ(λ) = −max Re z per mode, worst mode over [λ0, λmax] (give --params and --lambda0 to evaluate)';
  if (Object.keys(params).length === 0) return symbolic;
  const modes = await import('../dynamics/modes.ts');
  try {
    if (timeDependent) {
      const p = modes.envelopeExponent(out, params, lambda0 ?? 1);
      if (p !== null) return `sublinear: ‖e(t)‖ envelope ∝ t^(−${fmt(p)}) (loss ∝ t^(−${fmt(2 * p)}))`;
      if (lambda0 === undefined)
        return 'time-dependent coefficients that do not vanish like r/t (give --lambda0 for the rate of the t → ∞ coefficients)';
      const late = modes.compileModeOde(out, params).at(1e8);
      const worst = modes.worstMode((lam) => modes.modeRate(late, lam), lambda0, lambdaMax ?? lambda0);
      return `asymptotically linear (coefficients at t → ∞): ‖e(t)‖ ~ exp(−${fmt(worst.rate)} t), worst mode λ = ${fmt(worst.lambda)} of [${fmt(lambda0)}, ${fmt(lambdaMax ?? lambda0)}]`;
    }
    if (lambda0 === undefined) return symbolic;
    const ode = modes.compileModeOde(out, params);
    const c = ode.at(0);
    const worst = modes.worstMode((lam) => modes.modeRate(c, lam), lambda0, lambdaMax ?? lambda0);
    return `linear: ‖e(t)‖ ≤ C·exp(−${fmt(worst.rate)} t), worst mode λ = ${fmt(worst.lambda)} of [${fmt(lambda0)}, ${fmt(lambdaMax ?? lambda0)}]`;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}
