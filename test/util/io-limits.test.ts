/** util/io (bounded reads, output checks, atomic writes), util/limits, util/decimal, cli/errors. */
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT, errorLine, exitCodeFor } from '../../src/cli/errors.ts';
import { parseDecimal } from '../../src/util/decimal.ts';
import { planOutputs, readInputText, withoutTimings, writeOutput } from '../../src/util/io.ts';
import { LimitError, checkCount, checkMemory, limit } from '../../src/util/limits.ts';
import { quote } from '../../src/util/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'dynview-io-'));
const p = (f: string) => join(dir, f);

afterEach(() => {
  delete process.env.DYNVIEW_MAX_INPUT_MB;
  delete process.env.DYNVIEW_MAX_STEPS;
});

describe('exit codes', () => {
  it('bad input is 2, anything else 70 (never 1, which means refuted)', () => {
    expect(exitCodeFor(new LimitError('x'))).toBe(EXIT.BAD_INPUT);
    expect(exitCodeFor(Object.assign(new Error('x'), { name: 'SpecError' }))).toBe(2);
    expect(exitCodeFor(new TypeError('bug'))).toBe(EXIT.INTERNAL);
    expect(EXIT.INTERNAL).toBe(70);
    expect(errorLine(new TypeError('bug'))).toMatch(/^dynview: internal error: bug$/);
  });
  it('error lines escape control characters and stay short', () => {
    const line = errorLine(new LimitError(`bad \u001b[31mred\u0007 ${'x'.repeat(5000)}`));
    // eslint-disable-next-line no-control-regex -- looking for raw control characters
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line).toContain('\\x1b');
    expect(line.length).toBeLessThan(500);
    expect(quote('a\nb')).toBe("'a\\nb'");
  });
});

describe('numbers and limits', () => {
  it('plain decimals only', () => {
    expect(parseDecimal(' 1.5e-3 ')).toBe(0.0015);
    for (const t of ['0x10', '0b11', '0o7', 'Infinity', 'NaN', '', '1e999', '1_0', '٣'])
      expect(parseDecimal(t), t).toBeNull();
  });
  it('limits name their variable; the variable raises them', () => {
    expect(() => checkCount('steps', 'steps', 1e8)).toThrow(/DYNVIEW_MAX_STEPS/);
    process.env.DYNVIEW_MAX_STEPS = '200000000';
    expect(() => checkCount('steps', 'steps', 1e8)).not.toThrow();
    expect(limit('steps')).toBe(2e8);
    process.env.DYNVIEW_MAX_STEPS = '0x10';
    expect(() => limit('steps')).toThrow(LimitError);
    expect(() => checkMemory('x', 1e15)).toThrow(/DYNVIEW_MAX_MEMORY_MB/);
    expect(() => checkMemory('x', Infinity)).toThrow(LimitError);
  });
});

describe('inputs and outputs', () => {
  it('bounded reads: /dev/zero and large files stop at the bound', () => {
    process.env.DYNVIEW_MAX_INPUT_MB = '1';
    expect(() => readInputText('/dev/zero', 'data file')).toThrow(/DYNVIEW_MAX_INPUT_MB/);
    writeFileSync(p('big.txt'), Buffer.alloc(2 * 1024 * 1024, 65));
    expect(() => readInputText(p('big.txt'), 'data file')).toThrow(LimitError);
    expect(() => readInputText(dir, 'data file')).toThrow(/directory/);
    expect(() => readInputText(p('missing'), 'data file')).toThrow(/ENOENT/);
  });

  it('an output may not be an input, by path, symlink-free relative path or hard link', () => {
    writeFileSync(p('in.json'), '{}');
    linkSync(p('in.json'), p('hard.json'));
    expect(() => planOutputs([{ flag: '--json', path: p('hard.json') }], [p('in.json')])).toThrow(/input/);
    expect(() =>
      planOutputs([{ flag: '--json', path: `${dir}/../${dir.split('/').pop()}/in.json` }], [p('in.json')]),
    ).toThrow(/input/);
    expect(() => planOutputs([{ flag: '--json', path: p('out.json') }], [p('in.json')])).not.toThrow();
    expect(() => planOutputs([{ flag: '--out', path: p('in.json'), kind: 'dir' }], [])).toThrow(
      /not a directory/,
    );
    expect(() => planOutputs([{ flag: '--out', path: p('new/deeper'), kind: 'dir' }], [])).not.toThrow();
  });

  it('writes are atomic: a failed write leaves the old file and no temporary file', () => {
    writeFileSync(p('keep.txt'), 'old');
    mkdirSync(p('sub'));
    writeOutput('--json', p('sub/a.json'), 'new');
    expect(readFileSync(p('sub/a.json'), 'utf8')).toBe('new');
    writeOutput('--json', p('keep.txt'), 'newer');
    expect(readFileSync(p('keep.txt'), 'utf8')).toBe('newer');
    rmSync(p('sub'), { recursive: true });
    expect(() => writeOutput('--json', p('sub/a.json'), 'x')).toThrow(/cannot write --json/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (process.getuid?.() !== 0) {
      mkdirSync(p('ro'));
      writeFileSync(p('ro/a.json'), 'old');
      chmodSync(p('ro'), 0o555);
      expect(() => planOutputs([{ flag: '--json', path: p('ro/b.json') }], [])).toThrow(/not writable/);
      expect(() => writeOutput('--json', p('ro/a.json'), 'x')).toThrow();
      expect(readFileSync(p('ro/a.json'), 'utf8')).toBe('old');
      chmodSync(p('ro'), 0o755);
    }
    writeOutput('--json', '/dev/null', 'discarded');
    expect(existsSync(p('sub'))).toBe(false);
  });

  it('withoutTimings drops wall-clock fields at every depth', () => {
    expect(withoutTimings({ a: 1, seconds: 2, b: [{ seconds: 3, c: 4 }] })).toEqual({ a: 1, b: [{ c: 4 }] });
  });
});
