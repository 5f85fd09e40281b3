import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { deriveRun } from '../../src/api/derive.ts';
import type { MethodSpec } from '../../src/spec/types.ts';

const spec = (f: string): MethodSpec =>
  JSON.parse(readFileSync(new URL(`../../examples/methods/${f}`, import.meta.url), 'utf8')) as MethodSpec;

describe('derive: the ODE limit of ggn methods', () => {
  it('GGN: Ẋ + ggn(X) = 0, output space ė + e = 0, characteristic z + 1 (no λ), neglected terms stated', () => {
    const { result } = deriveRun({ method: spec('ggn.json') });
    expect(result.direction).toBe('ggn');
    expect(result.ode).toBe("X'(t) + ggn(X(t)) = 0");
    expect(result.outputSpace!.ode).toBe("e'(t) + e(t) = 0");
    expect(result.outputSpace!.characteristic.polynomial).toBe('z + 1');
    expect(result.outputSpace!.characteristic.coefficients.join(' ')).not.toMatch(/lambda/);
    expect(result.outputSpace!.neglected.join(' ')).toMatch(/linearisation/);
  });
  it('false twin: GD keeps λ (z + λ), so its rate depends on H', () => {
    const { result } = deriveRun({ method: 'gd' });
    expect(result.direction).toBeUndefined();
    expect(result.outputSpace!.characteristic.polynomial).toBe('z + lambda');
  });
  it('GGN + momentum: the heavy-ball polynomial with λ → 1; damped GGN states the ε it drops', () => {
    const m = deriveRun({ method: spec('ggn-momentum.json') }).result;
    expect(m.outputSpace!.characteristic.coefficients.join(' ')).not.toMatch(/lambda/);
    expect(m.outputSpace!.ode).toMatch(/e\(t\) = 0$/);
    const d = deriveRun({ method: spec('ggn-damped.json') }).result;
    expect(d.outputSpace!.neglected[0]).toMatch(/λ\/\(λ \+ ε\)/);
  });
  it('a spec mixing grad and ggn is refused', () => {
    const mixed = { ...spec('ggn.json'), update: ['x[k+1] = x[k] - eta*ggn(x[k]) - eta*grad(x[k])'] };
    expect(() => deriveRun({ method: mixed })).toThrow(/both grad and ggn/);
  });
});
