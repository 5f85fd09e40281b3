import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { registerBench } from '../../src/cli/bench.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { loadData } from '../../src/data/load.ts';
import {
  runNumpyJobs,
  runDynview,
  formatBench,
  benchData,
  numpyEnv,
  BENCH_CASES,
  CASE_IDS,
  BenchError,
  cpuModel,
  type BenchCase,
  type BenchReport,
} from '../../src/cli/bench-run.ts';
import { runDirect } from '../../src/train/engine-direct.ts';
import { initNetwork } from '../../src/train/network.ts';

/** The numpy side needs python3 with numpy; without it those tests are skipped, saying why. */
const numpyCheck = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = !numpyCheck.error && numpyCheck.status === 0;
if (!hasNumpy)
  console.warn('test/bench: python3 with numpy not found — the numpy reference tests are skipped');

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
});

describe.skipIf(!hasNumpy)('numpy reference loop (bench/reference.py; skipped without python3+numpy)', () => {
  it("is the same loop as dynview: fed dynview's W0 and a, its losses are the direct engine's (1e-10)", () => {
    const methods = [
      ['gd', { eta: 0.3 }],
      ['hb', { eta: 0.2, gamma: 1 }],
      ['hb', { eta: 0.2, beta: 0.5 }],
      ['hb-fixed', { eta: 0.2, beta: 0.5 }],
      ['nag-c', { s: 0.2 }],
      ['nag-sc', { s: 0.2, mu: 0.1 }],
      ['hm', { eta: 0.2, beta1: 0.2, beta2: 0.1 }],
    ] as const;
    const net = initNetwork(tiny.d, 40, 1);
    const steps = 6;
    const results = runNumpyJobs(
      tiny,
      methods.map(([method, params]) => ({ c: tinyCase(method, params), steps, W0: net.W0, a: net.a })),
    );
    methods.forEach(([method, params], j) => {
      const r = results[j];
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.losses).toHaveLength(steps);
      // nag-c takes its gradient (and the reference its loss) at y[k], not at x[k].
      if (method === 'nag-c') return;
      const d = runDirect({ data: tiny, width: 40, method, params, steps, seed: 1, probeEvery: 0 });
      for (let k = 0; k < steps; k++)
        expect(Math.abs(r.losses[k] - d.loss[k]) / d.loss[k]).toBeLessThan(1e-10);
    });
  });

  it('false twin: an unknown method is an error, not a number', () => {
    expect(() => runNumpyJobs(tiny, [{ c: tinyCase('nope', { eta: 0.1 }), steps: 2 }])).toThrow(BenchError);
  });
});

describe('bench report', () => {
  it('times dynview and formats every case with its ratio and load', () => {
    const dv = runDynview(tiny, tinyCase('hb', { eta: 0.2, gamma: 1 }), 5);
    expect(dv.seconds).toBeGreaterThan(0);
    const report: BenchReport = {
      machine: {
        cpu: cpuModel(),
        cores: 2,
        node: process.version,
        numpy: '2.0',
        threads: 2,
        loadAverage: [1, 1, 1],
      },
      quick: true,
      rows: [
        {
          id: 't',
          title: 'tiny',
          steps: 5,
          numpySeconds: 2.5,
          dynviewSeconds: 1,
          ratio: 2.5,
          dynviewStepsPerSecond: 5,
          numpyStepsPerSecond: 2,
          representation: dv.representation,
          numpyFinalLoss: 1,
          dynviewFinalLoss: dv.finalLoss,
          loadBefore: 1.25,
          loadAfter: 3.5,
        },
      ],
      spectra: null,
    };
    const text = formatBench(report);
    expect(text).toContain('2.50×');
    expect(text).toContain('1.3→3.5');
    expect(text).toMatch(/machine: .*node v\d+/);
    expect(BENCH_CASES.map((c) => c.id)).toEqual([
      'sphere-hb',
      'gauss-gd',
      'sphere-wide-gd',
      'mnist-hb',
      'readme-hb',
    ]);
    expect(CASE_IDS).toContain('hinf-2000');
  });

  it('Gaussian rows are made from their seed; numpy runs without the OpenBLAS core-type override', () => {
    const a = benchData('gaussian:n=4,d=3,seed=5');
    const b = benchData('gaussian:n=4,d=3,seed=5');
    expect(a.X).toEqual(b.X);
    expect(a.n * a.d).toBe(12);
    expect(benchData('gaussian:n=4,d=3,seed=6').X).not.toEqual(a.X);
    process.env.OPENBLAS_CORETYPE = 'Haswell';
    try {
      expect(numpyEnv().OPENBLAS_CORETYPE).toBeUndefined();
    } finally {
      delete process.env.OPENBLAS_CORETYPE;
    }
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
