/** The list of dynview commands; each module registers its own subcommand. */
import type { Command } from 'commander';
import { registerTrain } from './train.ts';
import { registerNtk } from './ntk.ts';
import { registerDerive } from './derive.ts';
import { registerCheck } from './check.ts';
import { registerVerify } from './verify.ts';
import { registerRates } from './rates.ts';
import { registerReproduce } from './reproduce.ts';
import { registerBench } from './bench.ts';

export const COMMANDS: Array<(program: Command) => Command> = [
  registerVerify,
  registerCheck,
  registerTrain,
  registerNtk,
  registerDerive,
  registerRates,
  registerReproduce,
  registerBench,
];
