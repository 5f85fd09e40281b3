/** `dynview reproduce` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerReproduce(program: Command): Command {
  return program
    .command('reproduce')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview reproduce is not built yet');
    });
}
