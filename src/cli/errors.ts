/**
 * Errors the command line reports as one line. A UsageError (bad flag, bad value, bad input file)
 * exits with code 2; anything else is an internal error (exit 1). No stack trace unless
 * DYNVIEW_DEBUG=1.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Bad input data or spec: same treatment as a usage error (exit 2, one line). */
export class InputError extends UsageError {
  override name = 'InputError';
}

export function reportAndExit(err: unknown): never {
  const debug = process.env.DYNVIEW_DEBUG === '1';
  const msg = err instanceof Error ? err.message : String(err);
  const oneLine = msg.split('\n')[0];
  if (err instanceof UsageError || isCommanderUsage(err)) {
    process.stderr.write(`dynview: error: ${oneLine}\n`);
    if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(2);
  }
  process.stderr.write(`dynview: internal error: ${oneLine}\n`);
  if (debug && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
}

function isCommanderUsage(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'code' in err &&
    typeof (err as { code: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('commander.')
  );
}
