/**
 * One parameter syntax for every command: `--param name=value` (repeatable) for any symbol a method
 * spec declares (its `params` and its `let` symbols), with the named flags (--eta, --beta, --gamma,
 * …) as shorthands for the same symbols. A symbol the spec does not declare, or one given twice, is
 * a SpecError (the CLI reports it as bad input, exit 2).
 */
import { resolveMethod, stepSymbol } from '../spec/compile.ts';
import { SpecError } from '../spec/parse.ts';
import { checkParamValue } from '../spec/domains.ts';
import type { MethodSpec, ParsedSpec } from '../spec/types.ts';

/** The symbols a user may set on a method: its params and let symbols. */
export function declaredSymbols(spec: MethodSpec): string[] {
  return [...new Set([...spec.params, ...Object.keys(spec.let ?? {})])];
}

/**
 * Merge parameter values given by name (`--param alpha=0.3`, or the API's `params`) with the
 * shorthand flags (`eta` sets the spec's step symbol, the others the same-named symbol). Every name
 * must be declared by the spec; a symbol set twice (e.g. --beta and --param beta=…) is an error.
 */
export function methodParams(
  method: string | MethodSpec | ParsedSpec,
  named: Record<string, number | undefined>,
  shorthands: Record<string, number | undefined> = {},
): Record<string, number> {
  const spec = typeof method === 'object' && 'equations' in method ? method.spec : resolveMethod(method).spec;
  const known = new Set(declaredSymbols(spec));
  const step = stepSymbol(spec);
  const out: Record<string, number> = {};
  const from: Record<string, string> = {};
  const takes = () => [...known].map((s) => (s === step ? `${s} (--eta)` : s)).join(', ') || 'no parameters';
  const set = (symbol: string, value: number, flag: string) => {
    if (!known.has(symbol))
      throw new SpecError(`method '${spec.name}' has no parameter '${symbol}' (it takes ${takes()})`);
    checkParamValue(symbol, value, flag); // finite, and inside its domain (beta in [0, 1), …)
    if (symbol in out) throw new SpecError(`parameter '${symbol}' given twice (${from[symbol]} and ${flag})`);
    out[symbol] = value;
    from[symbol] = flag;
  };
  for (const [key, v] of Object.entries(shorthands)) {
    if (v === undefined) continue;
    if (key === 'eta') {
      if (step === null)
        throw new SpecError(
          `method '${spec.name}': its step '${spec.step}' is not a single symbol, so --eta cannot set it`,
        );
      set(step, v, '--eta');
    } else set(key, v, `--${key}`);
  }
  for (const [key, v] of Object.entries(named)) if (v !== undefined) set(key, v, `--param ${key}`);
  return out;
}
