import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { registerBench } from '../../src/cli/bench.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { loadData } from '../../src/data/load.ts';
import {
  runNumpy,
  runNumpyJobs,
  runDynviewFast,
  formatBench,
  BENCH_CASES,
  BenchError,
  cpuModel,
  type BenchCase,
  type BenchReport,
} from '../../bench/run.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { initNetwork } from '../../src/train/network.ts';

const tiny = loadData('sphere:n=6,d=3,seed=2');
const tinyCase = (method: string, params: Record<string, number>): BenchCase => ({
  id: 't',
  title: 'tiny',
  data: tiny.source,
  width: 40,
  method,
  params,
  steps: 3,
  quickSteps: 3,
  directSteps: 2,
  quickDirectSteps: 2,
});

describe('numpy reference loop (bench/reference.py)', () => {
  it("is the same loop as dynview: fed dynview's W0 and a, its losses are the direct engine's (1e-10)", () => {
    const methods = [
      ['gd', { eta: 0.3 }],
      ['hb', { eta: 0.2, gamma: 1 }],
      ['hb-fixed', { eta: 0.2, beta: 0.5 }],
      ['nag-c', { s: 0.2 }],
      ['nag-sc', { s: 0.2, mu: 0.1 }],
      ['hm', { eta: 0.2, beta1: 0.2, beta2: 0.1 }],
    ] as const;
    const net = initNetwork(tiny.d, 40, 1);
    const steps = 6;
    const results = runNumpyJobs(
      tiny,
      methods.map(([method, params]) => ({
        c: tinyCase(method, params),
        steps,
        W0: net.W0,
        a: net.a,
        warmup: 0,
      })),
    );
    methods.forEach(([method, params], j) => {
      const r = results[j];
      expect(r.stepsPerSecond).toBeGreaterThan(0);
      expect(r.losses).toHaveLength(steps);
      // nag-c takes its gradient (and the reference its loss) at y[k], not at x[k].
      if (method === 'nag-c') return;
      const d = runDirect({ data: tiny, width: 40, method, params, steps, seed: 1, probeEvery: 0 });
      for (let k = 0; k < steps; k++)
        expect(Math.abs(r.losses[k] - d.loss[k]) / d.loss[k]).toBeLessThan(1e-10);
    });
  });

  it('false twin: an unknown method is an error, not a number', () => {
    expect(() => runNumpy(tiny, tinyCase('nope', { eta: 0.1 }), 2)).toThrow(BenchError);
  });
});

describe('bench report', () => {
  it('times the fast engine and formats the table with the machine line', () => {
    const f = runDynviewFast(tiny, tinyCase('hb', { eta: 0.2, gamma: 1 }), 5);
    expect(f.stepsPerSecond).toBeGreaterThan(0);
    const report: BenchReport = {
      machine: { cpu: cpuModel(), cores: 2, node: process.version, numpy: '2.0', loadAverage: 1 },
      quick: true,
      rows: [
        {
          id: 't',
          title: 'tiny',
          steps: 5,
          numpyStepsPerSecond: 10,
          dynviewStepsPerSecond: 25,
          ratio: 2.5,
          engine: 'fast',
          directStepsPerSecond: 12,
          directSteps: 2,
          numpyFinalLoss: 1,
          dynviewFinalLoss: 1,
          fast: f.stats,
        },
      ],
    };
    const text = formatBench(report);
    expect(text).toContain('2.50×');
    expect(text).toMatch(/machine: .*node v\d+/);
    expect(BENCH_CASES.map((c) => c.id)).toEqual(['sphere-hb', 'mnist-hb']);
  });

  it('an unknown case is a usage error (exit 2, one line, via UsageError)', async () => {
    const program = (): Command => {
      const p = new Command().exitOverride();
      registerBench(p).exitOverride();
      return p;
    };
    await expect(program().parseAsync(['bench', '--case', 'nope'], { from: 'user' })).rejects.toThrow(
      UsageError,
    );
    await expect(program().parseAsync(['bench', '--case', 'nope'], { from: 'user' })).rejects.toThrow(
      "unknown bench case 'nope'",
    );
  });
});
