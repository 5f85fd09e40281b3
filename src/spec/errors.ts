/** A malformed method spec or expression: one line, reported by the CLI as bad input (exit 2). */
export class SpecError extends Error {
  override name = 'SpecError';
}
