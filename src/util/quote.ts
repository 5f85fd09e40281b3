/**
 * Text from the user (file contents, expressions, paths) quoted into one-line error messages:
 * terminal control characters escaped (a CSV cell cannot move the cursor or recolour the terminal)
 * and long text shortened (a parse error does not echo a 400 KB expression).
 */

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Control characters written as \n, \t, \r or \xNN / \uNNNN. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Escaped and shortened to at most about `max` characters (the length is said when cut). */
export function shorten(text: string, max = 80): string {
  const head = text.length > max ? text.slice(0, max) : text;
  const escaped = escapeControl(head);
  if (text.length <= max) return escaped;
  return `${escaped}… (${text.length} characters)`;
}

/** `'text'`, escaped and shortened: how user text appears inside a message. */
export function quote(text: string, max = 80): string {
  return `'${shorten(text, max)}'`;
}

/** One line for stderr: the first line of `message`, control characters escaped, at most `max` chars. */
export function oneLine(message: string, max = 400): string {
  const first = message.split('\n')[0];
  return shorten(first, max);
}
