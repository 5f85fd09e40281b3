/**
 * Exit codes and the one-line error report of the command line (docs/security.md).
 *
 * The exit code is a contract every command keeps, so CI can act on it:
 *
 * | code | meaning |
 * |---|---|
 * | 0 | pass: proved / supported / done |
 * | 1 | refuted (a claim is false, or a false twin was not refuted) — nothing else |
 * | 2 | bad input: an unknown flag or value, a malformed spec, claim, data or shard file, a request
 *       beyond a resource limit, an unusable output path |
 * | 3 | inconclusive (a hypothesis failed, too little evidence) |
 * | 70 | internal error: a bug in dynview (EX_SOFTWARE); please report it |
 *
 * Errors are one line on stderr, control characters escaped and long text shortened; no stack
 * trace unless DYNVIEW_DEBUG=1.
 */
import { oneLine } from '../util/quote.ts';

export const EXIT = {
  PASS: 0,
  REFUTED: 1,
  BAD_INPUT: 2,
  INCONCLUSIVE: 3,
  INTERNAL: 70,
} as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input data or spec: same treatment as a usage error (exit 2, one line). */
export class InputError extends UsageError {
  override name = 'InputError';
}

/**
 * Error classes (by name, so the CLI need not load their modules) that mean bad input or an
 * unusable output path: exit 2.
 */
const INPUT_ERRORS = new Set([
  'UsageError',
  'InputError',
  'InputFileError',
  'OutputError',
  'LimitError',
  'SpecError',
  'DataError',
  'ClaimError',
  'VerifyInputError',
  'GridError',
  'SchemaError',
]);

/** True when `err` is the user's fault (exit 2) rather than dynview's (exit 70). */
export function isInputError(err: unknown): boolean {
  if (isCommanderUsage(err)) return true;
  return err instanceof Error && INPUT_ERRORS.has(err.name);
}

/** The exit code for an error that reached the top. */
export function exitCodeFor(err: unknown): number {
  return isInputError(err) ? EXIT.BAD_INPUT : EXIT.INTERNAL;
}

/** The line printed for an error (without the trailing newline). */
export function errorLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return isInputError(err) ? `dynview: error: ${oneLine(msg)}` : `dynview: internal error: ${oneLine(msg)}`;
}

export function reportAndExit(err: unknown): never {
  const debug = process.env.DYNVIEW_DEBUG === '1';
  process.stderr.write(`${errorLine(err)}\n`);
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(exitCodeFor(err));
}

function isCommanderUsage(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    typeof err.code === 'string' &&
    (err as { code: string }).code.startsWith('commander.')
  );
}

/**
 * Errors that escape the command's promise (a throw in a callback, an unhandled rejection) get the
 * same one-line report and exit code instead of Node's default exit 1, which would read "refuted".
 */
export function installErrorHandlers(): void {
  process.on('uncaughtException', (err) => reportAndExit(err));
  process.on('unhandledRejection', (err) => reportAndExit(err));
}
