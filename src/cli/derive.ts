/** `dynview derive` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerDerive(program: Command): Command {
  return program
    .command('derive')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview derive is not built yet');
    });
}
