/**
 * Runtime of the WebAssembly SIMD kernels (source: assembly/kernels.ts, built by `npm run build:wasm`
 * into src/kernels/kernels.wasm next to this file).
 *
 * - One shared WebAssembly.Memory for the process. Buffers are handed out by a stack allocator:
 *   `mark()` before a computation, `alloc*()` during it, `release(mark)` after (nested use is fine).
 * - Threads: the kernels run on the main thread plus `threads() − 1` worker threads, each with its
 *   own instance of the module on the same memory. A call `run(name, args, units)` splits the work
 *   units [0, units) into contiguous ranges, one per thread; every kernel writes only the outputs of
 *   its range and every sum inside a unit has a fixed order, so the bits never depend on the number
 *   of threads or their timing (DYNVIEW_THREADS=1 gives the same results as 2).
 * - Synchronisation: Atomics.wait/notify on a control block in the shared memory (no messages).
 */
import { readFileSync, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';

const WASM_URL = new URL('./kernels.wasm', import.meta.url);

/** The .wasm has not been built (a source checkout before `npm run build:wasm`). */
export class KernelsMissingError extends Error {
  override name = 'KernelsMissingError';
}

/** Names of the exported kernels (the index is the job id the workers read). */
const KERNELS = [
  'forwardDense',
  'forwardFromZ',
  'forwardCsr',
  'transposeRows',
  'untransposeRows',
  'gradientDense',
  'gradientCsr',
  'zeroRange',
  'packMaskBits',
  'maskedGramProduct',
  'maskedCoefficients',
  'matmulRows',
  'matmulCsrRows',
  'matmulCsrBlocks',
  'coActivation',
  'combine',
] as const;
export type KernelName = (typeof KERNELS)[number];

type KernelFn = (...args: number[]) => void;

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
/** Control block: [0] generation, [1] kernel id, [2] arg count, [3] error flag, ranges at 8 + 2t, done flags at 32 + t. */
const CTRL_INTS = 64;
const MAX_ARGS = 32;
const MAX_THREADS = 16;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrlPtr, argsPtr, index, names, gen0 } = workerData;
const inst = new WebAssembly.Instance(module, { env: { memory } });
const ctrl = new Int32Array(memory.buffer, ctrlPtr, ${CTRL_INTS});
const args = new Float64Array(memory.buffer, argsPtr, ${MAX_ARGS});
let seen = gen0;
for (;;) {
  Atomics.wait(ctrl, 0, seen);
  const gen = Atomics.load(ctrl, 0);
  if (gen === seen) continue;
  seen = gen;
  const id = ctrl[1];
  if (id < 0) break;
  const lo = ctrl[8 + 2 * index], hi = ctrl[9 + 2 * index];
  if (hi > lo) {
    try {
      const a = [];
      for (let k = 0; k < ctrl[2]; k++) a.push(args[k]);
      a.push(lo, hi, index);
      inst.exports[names[id]](...a);
    } catch (err) {
      Atomics.store(ctrl, 3, 1);
    }
  }
  Atomics.store(ctrl, 32 + index, gen);
  Atomics.notify(ctrl, 32 + index);
}
`;

class Runtime {
  readonly memory: WebAssembly.Memory;
  readonly fns: Record<KernelName, KernelFn>;
  readonly nThreads: number;
  private readonly module: WebAssembly.Module;
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly ctrlPtr: number;
  private readonly argsPtr: number;
  private workers: Worker[] = [];
  private top: number;

  constructor(bytes: Uint8Array<ArrayBuffer>, nThreads: number) {
    // Optimised code from the first call: V8's baseline wasm compiler (Liftoff) is 1.5–2× slower,
    // and a long one-off kernel call (Z0 = W0 Xᵀ at start-up) never leaves it (no on-stack
    // replacement for wasm). Same bits either way (wasm arithmetic is exact IEEE, nothing fused).
    setFlagsFromString('--no-liftoff');
    this.module = new WebAssembly.Module(bytes);
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
    const inst = new WebAssembly.Instance(this.module, { env: { memory: this.memory } });
    const ex = inst.exports as Record<string, unknown>;
    const fns = {} as Record<KernelName, KernelFn>;
    for (const k of KERNELS) {
      const f = ex[k];
      if (typeof f !== 'function')
        throw new KernelsMissingError(
          `kernels.wasm has no export '${k}': rebuild it with \`npm run build:wasm\``,
        );
      fns[k] = f as KernelFn;
    }
    this.fns = fns;
    // The module has no data segments; keep the first page free all the same.
    this.top = PAGE;
    this.ctrlPtr = this.allocRaw(CTRL_INTS * 4);
    this.argsPtr = this.allocRaw(MAX_ARGS * 8);
    this.ctrl = new Int32Array(this.memory.buffer, this.ctrlPtr, CTRL_INTS);
    this.args = new Float64Array(this.memory.buffer, this.argsPtr, MAX_ARGS);
    this.nThreads = Math.max(1, Math.min(MAX_THREADS, nThreads));
  }

  private allocRaw(bytes: number): number {
    const p = (this.top + 15) & ~15;
    const end = p + bytes;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE);
      if (have / PAGE + pages > MAX_PAGES)
        throw new RangeError(
          `kernels: ${(end / 2 ** 30).toFixed(1)} GiB needed, above the 4 GiB of WebAssembly memory`,
        );
      this.memory.grow(pages);
    }
    this.top = end;
    return p;
  }

  alloc(bytes: number): number {
    return this.allocRaw(Math.max(bytes, 16));
  }

  mark(): number {
    return this.top;
  }

  release(mark: number): void {
    if (mark > this.top) throw new Error('kernels: release of a mark above the stack top');
    this.top = mark;
  }

  private startWorkers(): void {
    if (this.workers.length > 0 || this.nThreads === 1) return;
    for (let t = 1; t < this.nThreads; t++) {
      const w = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          module: this.module,
          memory: this.memory,
          ctrlPtr: this.ctrlPtr,
          argsPtr: this.argsPtr,
          index: t,
          names: KERNELS,
          gen0: Atomics.load(this.ctrl, 0),
        },
      });
      w.unref();
      this.workers.push(w);
    }
  }

  /**
   * Run kernel `name` over work units [0, units): args, then (lo, hi, thread index). Spread over the
   * threads when `work` (a rough operation count) is large enough to pay for the wake-up.
   */
  run(name: KernelName, args: number[], units: number, work = Infinity): void {
    const T = work >= 2e5 ? Math.min(this.nThreads, units) : 1;
    if (T <= 1) {
      if (units > 0) this.fns[name](...args, 0, units, 0);
      return;
    }
    this.startWorkers();
    const ctrl = this.ctrl;
    if (args.length > MAX_ARGS) throw new Error('kernels: too many arguments');
    for (let k = 0; k < args.length; k++) this.args[k] = args[k];
    ctrl[1] = KERNELS.indexOf(name);
    ctrl[2] = args.length;
    ctrl[3] = 0;
    const bound = (t: number): number => Math.floor((units * t) / T);
    for (let t = 0; t < MAX_THREADS; t++) {
      ctrl[8 + 2 * t] = t < T ? bound(t) : 0;
      ctrl[9 + 2 * t] = t < T ? bound(t + 1) : 0;
    }
    const gen = Atomics.add(ctrl, 0, 1) + 1;
    Atomics.notify(ctrl, 0);
    this.fns[name](...args, bound(0), bound(1), 0);
    for (let t = 1; t < this.nThreads; t++) {
      for (;;) {
        const v = Atomics.load(ctrl, 32 + t);
        if (v === gen) break;
        Atomics.wait(ctrl, 32 + t, v);
      }
    }
    if (Atomics.load(ctrl, 3) !== 0) throw new Error(`kernels: ${name} failed in a worker thread`);
  }

  /** Stop the worker threads (the runtime stays usable on one thread). */
  close(): void {
    for (const w of this.workers) void w.terminate();
    this.workers = [];
    (this as { nThreads: number }).nThreads = 1;
  }

  f64(ptr: number, len: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, len);
  }

  i32(ptr: number, len: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, len);
  }

  u8(ptr: number, len: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, len);
  }

  /** Copy a Float64Array into a fresh buffer; returns its address. */
  putF64(src: ArrayLike<number>, len = src.length): number {
    const p = this.alloc(len * 8);
    const v = this.f64(p, len);
    if (src instanceof Float64Array) v.set(src.length > len ? src.subarray(0, len) : src);
    else for (let k = 0; k < len; k++) v[k] = src[k];
    return p;
  }

  putI32(src: Int32Array): number {
    const p = this.alloc(src.length * 4);
    this.i32(p, src.length).set(src);
    return p;
  }
}

let instance: Runtime | null = null;

/** Number of threads the kernels use: DYNVIEW_THREADS, else the machine's cores (at most 16). */
export function defaultThreads(): number {
  const env = process.env.DYNVIEW_THREADS;
  if (env !== undefined && env.trim() !== '') {
    const t = Number(env);
    if (Number.isInteger(t) && t >= 1) return t;
  }
  return availableParallelism();
}

/** Path of the built module. */
export function wasmPath(): string {
  return fileURLToPath(WASM_URL);
}

/** The process-wide kernel runtime (loads the module on first use). */
export function kernels(): Runtime {
  if (instance) return instance;
  const path = wasmPath();
  if (!existsSync(path))
    throw new KernelsMissingError(
      `WebAssembly kernels not built (${path} is missing): run \`npm run build:wasm\``,
    );
  instance = new Runtime(readFileSync(path), defaultThreads());
  return instance;
}

/**
 * Run `f` with the kernels on `threads` threads (tests: thread count 1 vs 2 give the same bits).
 * Replaces the process-wide runtime for the duration of the call.
 */
export function withThreads<T>(threads: number, f: () => T): T {
  const saved = instance;
  instance = new Runtime(readFileSync(wasmPath()), threads);
  try {
    return f();
  } finally {
    instance.close();
    instance = saved;
  }
}

export type { Runtime };
