/** `dynview verify` (stub: not built yet). */
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

export function registerVerify(program: Command): Command {
  return program
    .command('verify')
    .description('(not built yet)')
    .allowUnknownOption(false)
    .action(() => {
      throw new UsageError('dynview verify is not built yet');
    });
}
