/** `dynview rates` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerRates(program: Command): Command {
  return program
    .command('rates')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview rates is not built yet');
    });
}
