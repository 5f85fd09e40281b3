/** Run one dynview command in-process (modules stay loaded across tests): stdout, exit code, or the thrown usage error. */
import { Command } from 'commander';
import { exitCodeFor } from '../../src/cli/errors.ts';

export async function runCommand(
  register: (p: Command) => Command,
  args: string[],
): Promise<{ out: string; code: number; error: Error | null }> {
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program).exitOverride();
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  process.stderr.write = () => true;
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await program.parseAsync(args, { from: 'user' });
    const code = Number(process.exitCode ?? 0);
    return { out, code, error: null };
  } catch (err) {
    // the exit code the CLI would give this error (2 bad input, 70 internal)
    return { out, code: exitCodeFor(err), error: err as Error };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
    process.exitCode = before;
  }
}
