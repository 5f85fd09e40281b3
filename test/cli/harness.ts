/**
 * Run the dynview command line in-process, exactly as src/cli/main.ts does (the command's module
 * from the lazy table, commander errors and thrown errors mapped through exitCodeFor / errorLine),
 * with stdout and stderr captured. Modules stay loaded across calls, so a hostile-input case costs
 * milliseconds instead of a process start.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from '../../src/cli/commands.ts';
import { errorLine, exitCodeFor } from '../../src/cli/errors.ts';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const write = process.stdout.write.bind(process.stdout);
  const errWrite = process.stderr.write.bind(process.stderr);
  process.stdout.write = (chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  };
  process.stderr.write = (chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  };
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
    for (const entry of COMMANDS) {
      if (entry.name !== args[0]) continue;
      (await entry.load())(program)
        .exitOverride()
        .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    }
    await program.parseAsync(args, { from: 'user' });
    return { code: Number(process.exitCode ?? 0), out, err };
  } catch (e) {
    const error =
      e instanceof CommanderError
        ? Object.assign(new Error(e.message.replace(/^error:\s*/, '')), { code: e.code })
        : e;
    err += `${errorLine(error)}\n`;
    return { code: exitCodeFor(error), out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = errWrite;
    process.exitCode = before;
  }
}
