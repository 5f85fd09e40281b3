import { afterEach, describe, expect, it } from 'vitest';
import { matVec } from '../../src/linalg/dense.ts';
import { extremeEigenEnclosure } from '../../src/linalg/enclosure.ts';
import { fastExtremes } from '../../src/linalg/extremes.ts';
import { lanczosExtremes } from '../../src/linalg/lanczos.ts';
import { ParallelMatVec } from '../../src/linalg/parallel-matvec.ts';
import { randomSymmetric } from './random-matrix.ts';
import { Rng } from '../../src/util/rng.ts';

describe('parallel mat-vec (worker threads, shared memory)', () => {
  const saved = process.env.DYNVIEW_THREADS;
  afterEach(() => {
    if (saved === undefined) delete process.env.DYNVIEW_THREADS;
    else process.env.DYNVIEW_THREADS = saved;
  });

  it('gives the same bits as the serial matVec for 2 and 3 threads (n = 1203, not a multiple of 4)', () => {
    const n = 1203;
    const A = randomSymmetric(n, 4);
    const x = new Rng(5).fillNormal(new Float64Array(n));
    const serial = new Float64Array(n);
    matVec(A, n, x, serial);
    for (const threads of [2, 3]) {
      const pm = ParallelMatVec.create(A, n, threads)!;
      expect(pm).not.toBeNull();
      const y = new Float64Array(n);
      for (let rep = 0; rep < 3; rep++) {
        pm.apply(x, y);
        expect(Array.from(y)).toEqual(Array.from(serial));
      }
      expect(pm.workerCount).toBe(threads - 1);
      pm.close();
    }
  });

  it('Lanczos gives the same bits with DYNVIEW_THREADS=1 and 2', () => {
    const n = 1300;
    const A = randomSymmetric(n, 6);
    process.env.DYNVIEW_THREADS = '1';
    const one = lanczosExtremes(A, n, { maxIter: 40 });
    process.env.DYNVIEW_THREADS = '2';
    const two = lanczosExtremes(A, n, { maxIter: 40 });
    expect(two.min.value).toBe(one.min.value);
    expect(two.max.value).toBe(one.max.value);
    expect(Array.from(two.min.vector)).toEqual(Array.from(one.min.vector));
  });

  it('extremes (Lanczos + shift-and-invert with the threaded Cholesky) and the proof: same bits for 1 and 2 threads', () => {
    const n = 1240;
    const A = randomSymmetric(n, 8);
    const run = (threads: string): number[] => {
      process.env.DYNVIEW_THREADS = threads;
      const ext = fastExtremes(A, n, { switchAfter: 30 }); // 30 plain steps, then shift-and-invert
      const enc = extremeEigenEnclosure(A, n, { which: 'min', extremes: ext });
      expect(ext.min.method).toBe('shift-invert');
      return [ext.min.value, ext.max.value, enc.lambdaMin.lo, enc.lambdaMin.hi];
    };
    expect(run('2')).toEqual(run('1'));
  });

  it('is not used for small n or one thread', () => {
    expect(ParallelMatVec.create(new Float64Array(100), 10, 2)).toBeNull();
    expect(ParallelMatVec.create(new Float64Array(1300 * 1300), 1300, 1)).toBeNull();
  });
});
