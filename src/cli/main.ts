/**
 * dynview command line: argument parsing and wiring only. Start-up is kept short (`dynview --help`
 * well under 0.3 s from the compiled package) by loading command modules on demand: only the module
 * of the command being run is imported (src/cli/commands.ts); the others are registered as stubs
 * that carry their name and summary for the top-level help. Inside a command module imports are
 * static.
 */
import { Command, CommanderError } from 'commander';
import { installErrorHandlers, reportAndExit } from './errors.ts';
import { COMMANDS } from './commands.ts';

/** The command the arguments name (`dynview train …`, `dynview help train`), if any. */
function invokedCommand(argv: string[]): string | undefined {
  const words = argv.filter((a) => !a.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

export async function buildProgram(argv: string[]): Promise<Command> {
  const program = new Command();
  program
    .name('dynview')
    .description('Symbolic-numeric checker for the training dynamics of wide two-layer ReLU networks')
    .version('0.1.0')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  const wanted = invokedCommand(argv);
  for (const entry of COMMANDS) {
    const cmd =
      entry.name === wanted
        ? (await entry.load())(program)
        : program.command(entry.name).description(entry.summary).allowUnknownOption();
    cmd.exitOverride().configureOutput({ writeErr: () => {} });
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        process.exit(0);
      }
      // commander's messages start with "error: "; keep one clean line.
      reportAndExit(Object.assign(new Error(err.message.replace(/^error:\s*/, '')), { code: err.code }));
    }
    reportAndExit(err);
  }
}

installErrorHandlers();
await main(process.argv.slice(2));
