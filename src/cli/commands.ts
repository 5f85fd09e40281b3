/**
 * The dynview commands. Each command module imports what it needs statically; this table is the one
 * place that loads them lazily (a dynamic import per command), so that a command pays only for its
 * own dependencies — `dynview --help` loads none of mathjs, nerdamer, vega or the MNIST files, and
 * `dynview ntk` never loads the computer algebra. Keep `summary` in step with the module's own
 * description (the top-level help shows it without loading the module).
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  summary: string;
  /** Load the command's module and return its register function. */
  load: () => Promise<(program: Command) => Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'verify',
    summary: 'run the built-in proofs (or given proof files / claim JSON files) and print a verdict table',
    load: async () => (await import('./verify.ts')).registerVerify,
  },
  {
    name: 'check',
    summary:
      'check one claim given as JSON (exit 0 proved/supported, 1 refuted, 3 inconclusive, 2 bad input)',
    load: async () => (await import('./check.ts')).registerCheck,
  },
  {
    name: 'certificate',
    summary: 're-check proof certificates with the independent checker (exit 0 accepted, 1 rejected)',
    load: async () => (await import('./certificate.ts')).registerCertificate,
  },
  {
    name: 'train',
    summary:
      'train a wide two-layer ReLU net (first layer only) and report loss, rate, NTK spectrum and drift',
    load: async () => (await import('./train.ts')).registerTrain,
  },
  {
    name: 'ntk',
    summary: 'λ0, λ_max and κ of the infinite-width NTK H∞ of a data set; with --width also H(W0)',
    load: async () => (await import('./ntk.ts')).registerNtk,
  },
  {
    name: 'derive',
    summary:
      'derive the ODE limit of a method from its update rule, its output-space form and characteristic equation',
    load: async () => (await import('./derive.ts')).registerDerive,
  },
  {
    name: 'rates',
    summary: 'convergence-rate table: ODE-limit, exact discrete and measured rates per method and setting',
    load: async () => (await import('./rates.ts')).registerRates,
  },
  {
    name: 'reproduce',
    summary: "reproduce a paper's figures offline (bu2021)",
    load: async () => (await import('./reproduce.ts')).registerReproduce,
  },
  {
    name: 'bench',
    summary: 'speed against the numpy reference (needs python3 with numpy)',
    load: async () => (await import('./bench.ts')).registerBench,
  },
];
