/**
 * y = A x on several threads: the mat-vec of Lanczos at large n is bound by streaming A from memory,
 * and two cores stream about twice as fast as one. The main thread takes the first block of rows,
 * each worker thread one further block; A, x and y live in SharedArrayBuffers (A is copied there
 * once unless it already is one). Synchronisation is by Atomics.wait/notify on a small control
 * array, no messages. Every y_i is the same four-row inner product as in matVec (dense.ts), summed
 * in the same order whatever thread computes it, so results are bit-identical to the serial
 * matVec for any thread count (DYNVIEW_THREADS=1 gives the serial path).
 *
 * Use: const mv = ParallelMatVec.create(A, n); … mv.apply(x, y) …; mv.close(). create() returns null
 * when one thread is asked for or n is too small for the threads to pay off.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { matVecRows } from './dense.ts';

/** Below this order a worker's start-up (~30 ms) outweighs what it saves. */
const MIN_PARALLEL_N = 1200;

/** Threads for the mat-vec: DYNVIEW_THREADS when set, else the machine's cores, at most 4. */
export function matVecThreads(): number {
  const env = process.env.DYNVIEW_THREADS;
  if (env !== undefined && env.trim() !== '') {
    const t = Number(env);
    if (Number.isInteger(t) && t >= 1) return Math.min(t, 4);
  }
  return Math.min(availableParallelism(), 4);
}

// The worker body as plain JavaScript (no TypeScript loader needed in the worker). It must compute
// exactly what matVecRows computes; test/linalg/parallel-matvec.test.ts checks the bits.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { A, x, y, ctrl, n, r0, r1, slot, readyAt } = workerData;
const c = new Int32Array(ctrl);
const kernel = KERNEL;
(() => {
  // Claim the slot: 0 → 1 (running). The main thread sets 2 (abandoned) if we start too late.
  if (Atomics.compareExchange(c, readyAt + slot, 0, 1) !== 0) return;
  Atomics.notify(c, readyAt + slot);
  let gen = 0;
  for (;;) {
    Atomics.wait(c, 0, gen);
    gen = Atomics.load(c, 0);
    if (Atomics.load(c, 1) === 1) return;
    kernel(A, n, x, y, r0, r1);
    Atomics.store(c, 2 + slot, gen);
    Atomics.notify(c, 2 + slot);
  }
})();
`;

export class ParallelMatVec {
  private readonly workers: Worker[] = [];
  private gen = 0;
  private closed = false;
  /** Row ranges of the workers, and whether each has failed (its rows then run here). */
  private readonly ranges: Array<[number, number]> = [];
  private readonly failed: boolean[] = [];

  private constructor(
    private readonly A: Float64Array,
    private readonly n: number,
    private readonly x: Float64Array,
    private readonly y: Float64Array,
    private readonly ctrl: Int32Array,
    private readonly mainRows: number,
    private readonly readyAt: number,
  ) {}

  static create(A: Float64Array, n: number, threads = matVecThreads()): ParallelMatVec | null {
    if (threads < 2 || n < MIN_PARALLEL_N) return null;
    let shared = A;
    if (!(A.buffer instanceof SharedArrayBuffer) || A.byteOffset !== 0) {
      shared = new Float64Array(new SharedArrayBuffer(8 * n * n));
      shared.set(A.subarray(0, n * n));
    }
    const x = new Float64Array(new SharedArrayBuffer(8 * n));
    const y = new Float64Array(new SharedArrayBuffer(8 * n));
    // ctrl: [0] generation, [1] stop, [2 + s] done generation of worker s, [readyAt + s] its state
    // (0 not started, 1 running, 2 abandoned by the main thread).
    const readyAt = 2 + threads;
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * (2 + 2 * threads)));
    // Row blocks of equal size, multiples of 4 so every block keeps the four-row grouping.
    const per = Math.ceil(n / threads / 4) * 4;
    const self = new ParallelMatVec(shared, n, x, y, ctrl, Math.min(per, n), readyAt);
    const source = WORKER_SOURCE.replace('KERNEL', matVecRows.toString());
    for (let t = 1; t < threads; t++) {
      const r0 = Math.min(n, t * per);
      const r1 = Math.min(n, (t + 1) * per);
      if (r0 >= r1) break;
      const w = new Worker(source, {
        eval: true,
        workerData: { A: shared, x, y, ctrl: ctrl.buffer, n, r0, r1, slot: t - 1, readyAt },
      });
      w.unref();
      self.workers.push(w);
      self.ranges.push([r0, r1]);
      self.failed.push(false);
    }
    return self;
  }

  /** Number of worker threads running (a worker that failed is not counted; its rows run here). */
  get workerCount(): number {
    return this.failed.filter((f) => !f).length;
  }

  /** y ← A x. */
  apply(xIn: Float64Array, yOut: Float64Array): void {
    if (this.closed) throw new Error('ParallelMatVec: used after close()');
    this.x.set(xIn);
    const gen = ++this.gen;
    for (let s = 0; s < this.workers.length; s++) Atomics.store(this.ctrl, 2 + s, gen - 1);
    Atomics.store(this.ctrl, 0, gen);
    Atomics.notify(this.ctrl, 0);
    matVecRows(this.A, this.n, this.x, this.y, 0, this.mainRows);
    for (let s = 0; s < this.workers.length; s++) {
      if (!this.failed[s] && !this.started(s)) this.failed[s] = true;
      if (this.failed[s]) {
        // A worker that never started (source not evaluable, or no thread within 2 s): its rows,
        // here, same bits. It was marked abandoned first, so it can never write into y.
        matVecRows(this.A, this.n, this.x, this.y, this.ranges[s][0], this.ranges[s][1]);
        continue;
      }
      while (Atomics.load(this.ctrl, 2 + s) !== gen) Atomics.wait(this.ctrl, 2 + s, gen - 1, 100);
    }
    yOut.set(this.y);
  }

  /** Whether worker s is running; waits up to 2 s for it to start, else abandons it (state 2). */
  private started(s: number): boolean {
    const at = this.readyAt + s;
    if (Atomics.load(this.ctrl, at) === 1) return true;
    Atomics.wait(this.ctrl, at, 0, 2000);
    return Atomics.compareExchange(this.ctrl, at, 0, 2) === 1 || Atomics.load(this.ctrl, at) === 1;
  }

  /** Stop the workers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, 1, 1);
    Atomics.store(this.ctrl, 0, ++this.gen);
    Atomics.notify(this.ctrl, 0);
    for (const w of this.workers) void w.terminate();
  }
}
