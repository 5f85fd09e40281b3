/** `dynview ntk` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerNtk(program: Command): Command {
  return program
    .command('ntk')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview ntk is not built yet');
    });
}
