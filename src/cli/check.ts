/** `dynview check` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerCheck(program: Command): Command {
  return program
    .command('check')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview check is not built yet');
    });
}
