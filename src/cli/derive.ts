/** `dynview derive`: the ODE limit of a method (built-in name or spec file), derived from its spec. */
import type { Command } from 'commander';
import { UsageError, InputError } from './errors.ts';
import {
  collect,
  parseKeyValues,
  parseNumber,
  parseParamFlags,
  parsePositive,
  readMethodOption,
} from './options.ts';
import { deriveRun } from '../api/derive.ts';
import { methodParams } from '../api/params.ts';
import { SpecError } from '../spec/parse.ts';
import { fixedLetsMessage, resolveMethod, withFixedLets } from '../spec/compile.ts';
import { rootsFormula } from '../symbolic/characteristic.ts';
import * as modes from '../dynamics/modes.ts';
import type { OutputSpaceOde } from '../symbolic/types.ts';
import { sig } from '../util/format.ts';

interface DeriveFlags {
  method: string;
  resolution: string;
  outputSpace?: boolean;
  json?: boolean;
  latex?: boolean;
  params?: string;
  param?: string[];
  lambda0?: string;
  lambdaMax?: string;
  steps?: boolean;
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
    .option(
      '--param <name=value>',
      'value of a symbol the spec declares, for a numeric rate (repeatable, e.g. --param gamma=2 --param eta=1e-4)',
      collect,
    )
    .option('--params <k=v,...>', 'the same as one list (gamma=2,eta=1e-4)')
    .option('--lambda0 <x>', 'smallest eigenvalue of H for the numeric rate')
    .option('--lambda-max <x>', 'largest eigenvalue of H for the numeric rate (default lambda0)')
    .action(async (flags: DeriveFlags) => {
      if (flags.resolution !== 'low' && flags.resolution !== 'high') {
        throw new UsageError(`--resolution must be low or high, got '${flags.resolution}'`);
      }
      const resolution = flags.resolution;
      const method = readMethodOption('--method', flags.method);
      const listed: Record<string, number> = {};
      for (const [k, v] of Object.entries(parseKeyValues('--params', flags.params ?? '')))
        listed[k] = parseNumber(`--params ${k}`, v);
      const named = parseParamFlags(flags.param);
      for (const k of Object.keys(named))
        if (k in listed) throw new UsageError(`parameter '${k}' given twice (--params and --param ${k})`);
      const lambda0 = flags.lambda0 !== undefined ? parsePositive('--lambda0', flags.lambda0) : undefined;
      const lambdaMax =
        flags.lambdaMax !== undefined ? parsePositive('--lambda-max', flags.lambdaMax) : lambda0;
      if (lambda0 !== undefined && lambdaMax !== undefined && lambdaMax < lambda0)
        throw new UsageError('--lambda-max must be at least --lambda0');

      let run;
      let params: Record<string, number>;
      try {
        params = methodParams(method, { ...listed, ...named });
        // A value for a `let` symbol (hb's beta) overrides its law: derive with the symbol fixed.
        const spec = resolveMethod(method).spec;
        const fixed = Object.keys({ ...listed, ...named }).filter((k) => Object.hasOwn(spec.let ?? {}, k));
        try {
          run = deriveRun({
            method: withFixedLets(spec, fixed),
            resolution,
            outputSpace: flags.outputSpace === true,
            steps: flags.steps === true,
          });
        } catch (err) {
          if (err instanceof SpecError && fixed.length > 0)
            throw new SpecError(fixedLetsMessage(spec, fixed, err));
          throw err;
        }
      } catch (err) {
        if (err instanceof SpecError) throw new InputError(err.message);
        throw err;
      }
      const { ode, out, chr } = run;
      if (flags.json) {
        const obj = run.result;
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
      if (run.result.direction === 'ggn')
        // Every mode sees λ/(λ + ε) → 1: evaluate the per-mode rate at λ = 1, whatever H is.
        lines.push(
          `rate:           ${Object.keys(params).length === 0 ? 'ρ = −max Re z of the λ-free polynomial, the same for every mode (independent of λ0 and κ)' : `${(await rateLine(out, chr.timeDependent, params, 1, 1)).replace(/, worst mode λ = .*$/, '')} in every mode (independent of λ0 and κ)`}`,
        );
      else
        lines.push(`rate:           ${await rateLine(out, chr.timeDependent, params, lambda0, lambdaMax)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

async function rateLine(
  out: OutputSpaceOde,
  timeDependent: boolean,
  params: Record<string, number>,
  lambda0: number | undefined,
  lambdaMax: number | undefined,
): Promise<string> {
  const symbolic = timeDependent
    ? 'damping depends on t: the decay is not exponential (give --params to get the envelope exponent)'
    : 'ρ(λ) = −max Re z per mode, worst mode over [λ0, λmax] (give --params and --lambda0 to evaluate)';
  if (Object.keys(params).length === 0) return symbolic;
  try {
    if (timeDependent) {
      const p = modes.envelopeExponent(out, params, lambda0 ?? 1);
      if (p !== null) return `sublinear: ‖e(t)‖ envelope ∝ t^(−${sig(p, 6)}) (loss ∝ t^(−${sig(2 * p, 6)}))`;
      if (lambda0 === undefined)
        return 'time-dependent coefficients that do not vanish like r/t (give --lambda0 for the rate of the t → ∞ coefficients)';
      const late = modes.compileModeOde(out, params).at(1e8);
      const worst = modes.worstMode((lam) => modes.modeRate(late, lam), lambda0, lambdaMax ?? lambda0);
      return `asymptotically linear (coefficients at t → ∞): ‖e(t)‖ ~ exp(−${sig(worst.rate, 6)} t), worst mode λ = ${sig(worst.lambda, 6)} of [${sig(lambda0, 6)}, ${sig(lambdaMax ?? lambda0, 6)}]`;
    }
    if (lambda0 === undefined) return symbolic;
    const ode = modes.compileModeOde(out, params);
    const c = ode.at(0);
    const worst = modes.worstMode((lam) => modes.modeRate(c, lam), lambda0, lambdaMax ?? lambda0);
    return `linear: ‖e(t)‖ ≤ C·exp(−${sig(worst.rate, 6)} t), worst mode λ = ${sig(worst.lambda, 6)} of [${sig(lambda0, 6)}, ${sig(lambdaMax ?? lambda0, 6)}]`;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
