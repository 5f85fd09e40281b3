/** `dynview train` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerTrain(program: Command): Command {
  return program
    .command('train')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview train is not built yet');
    });
}
