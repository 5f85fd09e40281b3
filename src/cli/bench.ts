/** `dynview bench` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerBench(program: Command): Command {
  return program
    .command('bench')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview bench is not built yet');
    });
}
