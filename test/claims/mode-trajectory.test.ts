import { describe, expect, it } from 'vitest';
import type { CompiledModeOde, ModeCoefficients } from '../../src/dynamics/modes.ts';
import { solveMode } from '../../src/claims/mode-trajectory.ts';

function ode(order: number, at: (t: number) => ModeCoefficients, tDependent: boolean): CompiledModeOde {
  return { order, tDependent, at };
}

const times = Array.from({ length: 60 }, (_, i) => i * 0.5);

describe('solveMode', () => {
  for (const [name, b, lambda] of [
    ['underdamped', 0.3, 1],
    ['critical', 2, 1],
    ['overdamped', 3, 1],
  ] as const) {
    it(`heavy ball ë + ${b}ė + λe = 0 (${name}): closed form agrees with the odex integration`, () => {
      const c = { deriv: [0, b, 1], hess: 0, grad: 1 };
      const closed = solveMode(
        ode(2, () => c, false),
        lambda,
        times,
      );
      // declaring the same ODE t-dependent forces the numerical path (an independent check)
      const numeric = solveMode(
        ode(2, () => c, true),
        lambda,
        times,
      );
      expect(closed.solver).toBe('closed-form');
      expect(numeric.solver).toBe('odex');
      for (let i = 0; i < times.length; i++)
        expect(Math.abs(closed.values[i] - numeric.values[i])).toBeLessThan(1e-7);
      expect(closed.values[0]).toBe(1);
    });
  }

  it('gradient flow ė + λe = 0 is exp(−λt)', () => {
    const r = solveMode(
      ode(1, () => ({ deriv: [0, 1], hess: 0, grad: 2 }), false),
      0.5,
      times,
    );
    for (let i = 0; i < times.length; i++) expect(r.values[i]).toBeCloseTo(Math.exp(-times[i]), 14);
  });

  it('ë + (3/t)ė + λe = 0 uses the Bessel solution 2J₁(√λt)/(√λt), which odex reproduces from near rest', () => {
    const at = (t: number) => ({ deriv: [0, 3 / t, 1], hess: 0, grad: 1 });
    const bessel = solveMode(ode(2, at, true), 2, times);
    expect(bessel.solver).toBe('bessel');
    // force odex: add a vanishing Hessian term so the Bessel shape check does not apply
    const numeric = solveMode(
      ode(2, (t) => ({ ...at(t), hess: 1e-300 }), true),
      2,
      times,
    );
    expect(numeric.solver).toBe('odex');
    for (let i = 1; i < times.length; i++)
      expect(Math.abs(bessel.values[i] - numeric.values[i])).toBeLessThan(1e-4);
  });
});
