import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerDerive } from '../../src/cli/derive.ts';
import { UsageError } from '../../src/cli/errors.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
function dynview(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/dynview.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}
const dir = mkdtempSync(join(tmpdir(), 'dynview-derive-'));
function specFile(name: string, spec: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof spec === 'string' ? spec : JSON.stringify(spec));
  return p;
}

/** Run the derive command in process (no spawn: mathjs alone takes seconds to load). */
async function inProcess(...args: string[]): Promise<{ out: string; error: Error | null }> {
  const program = new Command().exitOverride();
  registerDerive(program).exitOverride();
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string) => {
    out += chunk;
    return true;
  };
  let error: Error | null = null;
  try {
    await program.parseAsync(['derive', ...args], { from: 'user' });
  } catch (err) {
    error = err as Error;
  } finally {
    process.stdout.write = write;
  }
  return { out, error };
}

describe('dynview derive (end to end)', () => {
  it('--json prints exactly one object with the documented keys', () => {
    const r = dynview('derive', '--method', 'nag-c', '--json');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').length).toBe(1);
    const obj = JSON.parse(r.out);
    expect(Object.keys(obj)).toEqual(['method', 'time', 'h', 'resolution', 'terms', 'ode', 'latex']);
    expect(obj).toMatchObject({ method: 'nag-c', time: 'k*sqrt(s)', h: 'sqrt(s)', resolution: 'low' });
    expect(obj.terms).toEqual({ "X''": '1', "X'": 'r/t', "hess*X'": '0', grad: '1' });
    expect(obj.ode).toBe("X''(t) + (r/t)*X'(t) + grad f(X(t)) = 0");
  });

  it('--output-space adds the output-space ODE; a user spec file derives like a built-in (in process)', async () => {
    const spec = {
      name: 'mine',
      params: ['s', 'mu'],
      step: 's',
      time: 'k*sqrt(s)',
      let: { beta: '(1 - sqrt(mu*s))/(1 + sqrt(mu*s))' },
      update: ['z[k] = x[k] - s*grad(x[k])', 'x[k+1] = z[k] + beta*(z[k] - z[k-1])'],
    };
    const r = await inProcess(
      '--method',
      specFile('mine.json', spec),
      '--resolution',
      'high',
      '--json',
      '--output-space',
    );
    expect(r.error).toBeNull();
    const obj = JSON.parse(r.out);
    expect(obj.method).toBe('mine');
    expect(obj.terms["hess*X'"]).toBe('sqrt(s)');
    expect(obj.outputSpace.ode).toContain("H e'(t)");
    expect(obj.outputSpace.neglected.length).toBeGreaterThan(0);
    expect(obj.outputSpace.characteristic.coefficients.length).toBe(3);
  });

  it('--latex prints the LaTeX forms (in process)', async () => {
    const r = await inProcess('--method', 'gd', '--latex');
    expect(r.error).toBeNull();
    expect(r.out).toContain('\\dot{X}(t) + \\nabla f(X(t)) = 0');
    expect(r.out).toContain('\\dot{e}(t) + H e(t) = 0');
  });

  it('human output: ODE, output space, characteristic equation and rate', () => {
    const r = dynview(
      'derive',
      '--method',
      'hb',
      '--params',
      'gamma=2',
      '--lambda0',
      '1',
      '--lambda-max',
      '4',
    );
    expect(r.code).toBe(0);
    expect(r.out).toContain("ODE:            X''(t) + gamma*X'(t) + grad f(X(t)) = 0");
    expect(r.out).toContain("output space:   e''(t) + gamma*e'(t) + H e(t) = 0");
    expect(r.out).toContain('characteristic: z^2 + gamma*z + lambda = 0');
    expect(r.out).toMatch(/rate: +linear: .*exp\(−1 t\)/);
  });

  // Spawns cost seconds each (tsx + mathjs + nerdamer): two bad inputs end to end (exit 2, one
  // line), the others in process (the same UsageError that main turns into exit 2).
  const bad: Array<[string, string[], RegExp]> = [
    [
      'unknown sequence',
      [
        '--method',
        specFile('u.json', {
          name: 'u',
          params: ['eta'],
          step: 'eta',
          time: 'k*eta',
          update: ['x[k+1] = w[k] - eta*grad(x[k])'],
        }),
      ],
      /equation 1 'x\[k\+1\] = w\[k\] .*unknown sequence 'w'/,
    ],
    [
      'trivial limit (found by the derivation)',
      [
        '--method',
        specFile('f.json', {
          name: 'f',
          params: ['eta'],
          step: 'eta',
          time: 'k*sqrt(eta)',
          update: ['x[k+1] = x[k] - eta*grad(x[k])'],
        }),
      ],
      /equation 1 .*X does not move on this time scale/,
    ],
  ];
  const badInProcess: Array<[string, string[], RegExp]> = [
    ['unknown method', ['--method', 'adam'], /unknown method 'adam'/],
    ['bad resolution', ['--method', 'gd', '--resolution', 'medium'], /--resolution must be low or high/],
    ['file not JSON', ['--method', specFile('broken.json', '{ nope')], /not valid JSON/],
    [
      'time not increasing',
      [
        '--method',
        specFile('d.json', {
          name: 'd',
          params: ['eta'],
          step: 'eta',
          time: '-k*eta',
          update: ['x[k+1] = x[k] - eta*grad(x[k])'],
        }),
      ],
      /time '-k\*eta' must increase/,
    ],
    ['bad --params', ['--method', 'hb', '--params', 'gamma'], /expected key=value/],
  ];
  for (const [what, args, re] of badInProcess) {
    it(`bad input → UsageError with one line: ${what}`, async () => {
      const r = await inProcess(...args);
      expect(r.out).toBe('');
      expect(r.error).toBeInstanceOf(UsageError);
      expect(r.error!.message).toMatch(re);
      expect(r.error!.message.includes('\n')).toBe(false);
    });
  }
  for (const [what, args, re] of bad) {
    it(`bad input → one line, exit 2: ${what}`, () => {
      const r = dynview('derive', ...args);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      const lines = r.err.trim().split('\n');
      expect(lines.length).toBe(1);
      expect(lines[0]).toMatch(/^dynview: error: /);
      expect(lines[0]).toMatch(re);
    });
  }
});
