/**
 * The one way a method is named on the command line (`--method`, `--methods`, a claim's method):
 * a built-in name, or the path of a spec JSON file — read with the input size bound
 * (src/util/io.ts), parsed as JSON and checked against the spec schema. Errors are one line.
 */
import { BUILTIN_METHODS } from './builtins.ts';
import { SpecError } from './errors.ts';
import { validateSpecShape } from './schema.ts';
import type { MethodSpec } from './types.ts';
import { readInputText } from '../util/io.ts';
import { quote } from '../util/quote.ts';

/** True when `arg` names a spec file rather than a built-in method. */
export function isSpecPath(arg: string): boolean {
  return !Object.hasOwn(BUILTIN_METHODS, arg) && (arg.endsWith('.json') || arg.includes('/'));
}

/** Parse JSON text into a value; a syntax error is a SpecError naming the file. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SpecError(`${what} is not valid JSON (${quote((err as Error).message, 120)})`);
  }
}

/** Read and check a spec file (structure only; parseSpec checks the equations). */
export function readSpecFile(path: string): MethodSpec {
  const text = readInputText(path, 'method spec');
  return validateSpecShape(parseJsonText(text, `method spec ${quote(path)}`));
}

/** The file an argument names, if any (for the never-overwrite-an-input check). */
export function methodInputPath(arg: string): string | null {
  return isSpecPath(arg) ? arg : null;
}
