/**
 * The one way dynview reads input files and writes output files (docs/security.md):
 *
 * - inputs are read with a size bound (`/dev/zero` or a 10 GB file is refused, not read forever);
 * - every output path is checked before the long run starts (`planOutputs`): its directory exists
 *   and is writable, it is a regular file (or new, or /dev/null), it is not one of the inputs — the
 *   comparison is on resolved paths and on device/inode, so `./s.json`, a symlink or a hard link to
 *   the spec all count — and no two outputs are the same file;
 * - outputs are written atomically (`writeOutput`: a temporary file in the same directory, then a
 *   rename), so an interrupted or failed write never leaves half a file where a good one was.
 *
 * Failures are InputFileError / OutputError: one line, exit code 2.
 */
import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkInputSize, inputByteLimit } from './limits.ts';
import { quote } from './quote.ts';

/** An input file that cannot be read (missing, a directory, too large, not UTF-8 text). */
export class InputFileError extends Error {
  override name = 'InputFileError';
}

/** An output path that cannot be used or written (exit 2). */
export class OutputError extends Error {
  override name = 'OutputError';
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message ?? 'error';
}

/**
 * Read a text input file with the size bound of DYNVIEW_MAX_INPUT_MB: regular files by their size
 * first, anything else (devices, pipes) by reading at most the bound plus one byte.
 */
export function readInputText(path: string, what: string): string {
  return readInputBytes(path, what).toString('utf8');
}

export function readInputBytes(path: string, what: string): Buffer {
  const cap = inputByteLimit();
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new InputFileError(`cannot read ${what} ${quote(path)} (${errCode(err)})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputFileError(`${what} ${quote(path)} is a directory`);
    if (st.isFile()) checkInputSize(`${what} ${quote(path)} (${st.size} bytes)`, st.size);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new InputFileError(`cannot read ${what} ${quote(path)} (${errCode(err)})`);
      }
      if (got === 0) break;
      total += got;
      if (total > cap) checkInputSize(`${what} ${quote(path)}`, total);
      chunks.push(Buffer.from(chunk.subarray(0, got)));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** A file's identity: its resolved path and, when it exists, device and inode. */
interface Identity {
  path: string;
  ino: string | null;
}

function identity(path: string): Identity {
  let st: Stats | null = null;
  try {
    st = statSync(path);
  } catch {
    st = null;
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    // A new file: resolve its directory (which may itself be a symlink).
    try {
      real = join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      real = resolve(path);
    }
  }
  return { path: real, ino: st ? `${st.dev}:${st.ino}` : null };
}

function sameFile(a: Identity, b: Identity): boolean {
  return a.path === b.path || (a.ino !== null && a.ino === b.ino);
}

/** One output of a command: the flag that names it and the path ('-' = stdout, never checked). */
export interface OutputTarget {
  flag: string;
  path: string;
  /** 'dir' for an output directory (created if missing). Default 'file'. */
  kind?: 'file' | 'dir';
}

/** /dev/null is accepted as an output file: writing to it is a no-op. */
export const DEV_NULL = '/dev/null';

/**
 * Check every output before any work: writable, not an input, no two the same. `inputs` are the
 * files the command reads (spec, claim, data, shard files); missing or non-file inputs are ignored.
 */
export function planOutputs(outputs: OutputTarget[], inputs: string[]): void {
  const ins = inputs.filter((p) => p !== '' && p !== '-').map((p) => ({ p, id: identity(p) }));
  const seen: Array<{ flag: string; id: Identity }> = [];
  for (const o of outputs) {
    if (o.path === '-') continue;
    if (o.path === '') throw new OutputError(`${o.flag}: empty path`);
    if (o.kind !== 'dir' && o.path === DEV_NULL) continue;
    const id = identity(o.path);
    for (const i of ins) {
      if (sameFile(id, i.id))
        throw new OutputError(
          `${o.flag} ${quote(o.path)} is an input of this command (${quote(i.p)}); refusing to overwrite it`,
        );
    }
    for (const s of seen) {
      if (sameFile(id, s.id))
        throw new OutputError(`${o.flag} and ${s.flag} name the same file ${quote(o.path)}`);
    }
    seen.push({ flag: o.flag, id });
    if (o.kind === 'dir') checkDir(o);
    else checkFile(o);
  }
}

function checkFile(o: OutputTarget): void {
  let st: Stats | null = null;
  try {
    st = statSync(o.path);
  } catch (err) {
    if (errCode(err) === 'ENOTDIR')
      throw new OutputError(`${o.flag} ${quote(o.path)}: a parent of it is not a directory`);
    if (errCode(err) !== 'ENOENT') throw new OutputError(`${o.flag} ${quote(o.path)}: ${errCode(err)}`);
  }
  if (st && !st.isFile())
    throw new OutputError(
      `${o.flag} ${quote(o.path)} is ${st.isDirectory() ? 'a directory' : 'not a regular file'}`,
    );
  const dir = dirname(resolve(o.path));
  let dst: Stats;
  try {
    dst = statSync(dir);
  } catch {
    throw new OutputError(`${o.flag} ${quote(o.path)}: directory ${quote(dir)} does not exist`);
  }
  if (!dst.isDirectory())
    throw new OutputError(`${o.flag} ${quote(o.path)}: ${quote(dir)} is not a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    if (st) accessSync(o.path, constants.W_OK);
  } catch {
    throw new OutputError(`${o.flag} ${quote(o.path)} is not writable`);
  }
}

function checkDir(o: OutputTarget): void {
  // The directory itself, or its nearest existing ancestor (mkdir -p creates the rest).
  let p = resolve(o.path);
  for (;;) {
    let st: Stats | null = null;
    try {
      st = statSync(p);
    } catch (err) {
      if (errCode(err) === 'ENOTDIR')
        throw new OutputError(`${o.flag} ${quote(o.path)}: a parent of it is not a directory`);
      if (errCode(err) !== 'ENOENT') throw new OutputError(`${o.flag} ${quote(o.path)}: ${errCode(err)}`);
    }
    if (st) {
      if (!st.isDirectory())
        throw new OutputError(`${o.flag} ${quote(o.path)}: ${quote(p)} is not a directory`);
      try {
        accessSync(p, constants.W_OK | constants.X_OK);
      } catch {
        throw new OutputError(`${o.flag} ${quote(o.path)}: directory ${quote(p)} is not writable`);
      }
      return;
    }
    const up = dirname(p);
    if (up === p) throw new OutputError(`${o.flag} ${quote(o.path)}: no existing parent directory`);
    p = up;
  }
}

/** Create an output directory checked by planOutputs (mkdir -p). */
export function makeOutputDir(flag: string, path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new OutputError(`${flag} ${quote(path)}: cannot create the directory (${errCode(err)})`);
  }
}

let tmpCounter = 0;

/**
 * Write an output file atomically: a temporary file beside it, then a rename over the target.
 * '-' writes to stdout; /dev/null discards. Any failure (disk full, permissions changed during the
 * run) is an OutputError and the target is left as it was.
 */
export function writeOutput(flag: string, path: string, data: string | Uint8Array): void {
  if (path === '-') {
    process.stdout.write(data);
    return;
  }
  if (path === DEV_NULL) return;
  let mode = 0o666;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new OutputError(`${flag} ${quote(path)} is not a regular file`);
    mode = st.mode & 0o777;
  } catch (err) {
    if (err instanceof OutputError) throw err;
  }
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.${tmpCounter++}.tmp`);
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was created
    }
    throw new OutputError(`cannot write ${flag} ${quote(path)} (${errCode(err)})`);
  }
}

/** Keys that hold wall-clock measurements in results (`seconds` of a run or a claim). */
const TIMING_KEYS = new Set(['seconds']);

/**
 * A copy of a JSON-ready value without wall-clock fields, so that the same seed gives the same
 * bytes (`--json` output is diffable in CI); commands put them back with `--timings`.
 */
export function withoutTimings<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutTimings(v)) as T;
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    if (!TIMING_KEYS.has(k)) out[k] = withoutTimings(v);
  return out as T;
}
