/**
 * `dynview/vitest`: rate claims and proofs as vitest tests, after the conventions of
 * @fast-check/vitest (a test per property, `.skip`/`.only`, a fixed seed by default, and a failure
 * message that prints the shrunk counterexample with the seed and path that replay it).
 *
 *   import { claimTest, proofTest } from 'dynview/vitest';
 *   claimTest({ id: 'gd-flow', method: 'gd', regime: 'ode',
 *               assert: { kind: 'linear', rate: '2*lambda0' } }, { runs: 5 });
 *   claimTest.refuted({ ...the same, id: 'gd-flow-3', assert: { kind: 'linear', rate: '3*lambda0' } });
 *   claimTest('claims/my-claim.json');     // a claim file (its path goes into the replay line)
 *   proofTest(proof);                       // holds, and every false twin is refuted
 *   await expect(claim).toHold({ runs: 5 }); // the same as a matcher (and .toBeRefuted())
 *
 * Runs and seed: the options, else DYNVIEW_RUNS / DYNVIEW_SEED from the environment, else the
 * claim's own instances.runs and seed 1. An inconclusive verdict (a hypothesis failed on the
 * sampled instances) fails the test unless `allowInconclusive` is set.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkRun, type CheckOptions, type ClaimJson } from './api/check.ts';
import { formatClaimResult } from './claims/format.ts';
import { proofFailures, runProof, type Proof, type ProofResult } from './claims/proof.ts';
import type { ClaimRun } from './claims/runner.ts';

export { fc };
export type { ClaimJson };

export interface ClaimTestOptions extends Omit<CheckOptions, 'replayCommand' | 'onProgress'> {
  /** Test timeout in ms (default 120 000: claims train or integrate on every instance). */
  timeout?: number;
  /** Let an inconclusive verdict pass (default false). */
  allowInconclusive?: boolean;
  /** The claim's file, for the command-line replay line (default CLAIM.json). */
  file?: string;
}

export interface ProofTestOptions {
  runs?: number;
  seed?: number;
  timeout?: number;
  allowInconclusive?: boolean;
}

const DEFAULT_TIMEOUT = 120_000;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const v = Number(raw);
  return Number.isInteger(v) && v >= 0 ? v : undefined;
}

/** A claim given inline, or the path of a claim file (read when the test runs; named in the replay line). */
export type ClaimSource = ClaimJson | string;

function claimId(claim: ClaimSource): string {
  if (typeof claim === 'string') return basename(claim).replace(/\.json$/, '');
  const id: unknown = claim.id;
  return typeof id === 'string' ? id : '(claim without id)';
}

/** Run a claim with the options and environment defaults. */
async function runFor(source: ClaimSource, o: ClaimTestOptions): Promise<ClaimRun> {
  const claim = typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8')) as ClaimJson) : source;
  const file = typeof source === 'string' ? source : o.file;
  const params = Object.entries(o.params ?? {}).map(([k, v]) => ` --param ${k}=${v}`);
  return checkRun(claim, {
    runs: o.runs ?? envInt('DYNVIEW_RUNS'),
    seed: o.seed ?? envInt('DYNVIEW_SEED') ?? 1,
    path: o.path,
    params: o.params,
    replayCommand: `dynview check ${file ?? 'CLAIM.json'}${params.join('')}`,
  });
}

/** The failure message: what was expected, the report with counterexample and replay lines. */
function claimMessage(r: ClaimRun, expected: string): string {
  const lines = [
    `claim '${r.id}' is ${r.verdict.toUpperCase()} (expected ${expected})`,
    formatClaimResult(r),
  ];
  const c = r.counterexample;
  if (c && c.instance !== null)
    lines.push(`replay in vitest: claimTest(claim, { seed: ${c.seed}, path: ${JSON.stringify(c.path)} })`);
  return lines.join('\n');
}

function holds(r: ClaimRun, allowInconclusive: boolean): boolean {
  return (
    r.verdict === 'proved' || r.verdict === 'supported' || (allowInconclusive && r.verdict === 'inconclusive')
  );
}

type Register = (name: string, fn: () => Promise<void>, timeout?: number) => void;

function makeClaimTest(register: Register) {
  const holdsTest = (claim: ClaimSource, opts: ClaimTestOptions = {}): void => {
    register(
      `${claimId(claim)} holds`,
      async () => {
        const r = await runFor(claim, opts);
        if (!holds(r, opts.allowInconclusive === true))
          throw new Error(claimMessage(r, opts.allowInconclusive ? 'not refuted' : 'proved or supported'));
      },
      opts.timeout ?? DEFAULT_TIMEOUT,
    );
  };
  const refutedTest = (claim: ClaimSource, opts: ClaimTestOptions = {}): void => {
    register(
      `${claimId(claim)} is refuted`,
      async () => {
        const r = await runFor(claim, opts);
        if (r.verdict !== 'refuted') throw new Error(claimMessage(r, 'refuted: it is a false twin'));
      },
      opts.timeout ?? DEFAULT_TIMEOUT,
    );
  };
  return Object.assign(holdsTest, { refuted: refutedTest });
}

/**
 * `claimTest(claim, options?)`: one vitest test that passes when the claim is proved or supported
 * and fails with the verdict, the shrunk counterexample and its replay lines otherwise.
 * `claimTest.refuted(twin)` passes only when the claim is refuted (a false twin).
 * `.skip` and `.only` as in vitest.
 */
export const claimTest = Object.assign(
  makeClaimTest((n, f, t) => test(n, f, t)),
  {
    skip: makeClaimTest((n, f, t) => test.skip(n, f, t)),
    only: makeClaimTest((n, f, t) => test.only(n, f, t)),
  },
);

function proofMessage(r: ProofResult): string {
  const replays = [
    ...r.claims.flatMap((c) => (c.counterexample ? [`  ${c.id}: replay: ${c.counterexample.replay}`] : [])),
  ];
  return [
    `proof '${r.id}': verdict ${r.verdict.toUpperCase()}, false twins ${r.twinsRefuted ? 'all refuted' : 'NOT all refuted'}`,
    proofFailures(r),
    ...replays,
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function makeProofTest(register: Register) {
  return (proof: Proof, opts: ProofTestOptions = {}): void => {
    describe(proof.title, () => {
      register(
        `${proof.id}: holds and every false twin is refuted`,
        async () => {
          const r = await runProof(proof, {
            runs: opts.runs ?? envInt('DYNVIEW_RUNS'),
            seed: opts.seed ?? envInt('DYNVIEW_SEED') ?? 1,
          });
          const ok =
            r.verdict === 'proved' ||
            r.verdict === 'supported' ||
            (opts.allowInconclusive === true && r.verdict === 'inconclusive');
          if (!ok || !r.twinsRefuted) throw new Error(proofMessage(r));
        },
        opts.timeout ?? DEFAULT_TIMEOUT,
      );
    });
  };
}

/**
 * `proofTest(proof, options?)`: a describe block with one test: the proof holds (proved or
 * supported) and every false twin is refuted; the failure lists what failed with replay lines.
 * `.skip` and `.only` as in vitest.
 */
export const proofTest = Object.assign(
  makeProofTest((n, f, t) => test(n, f, t)),
  {
    skip: makeProofTest((n, f, t) => test.skip(n, f, t)),
    only: makeProofTest((n, f, t) => test.only(n, f, t)),
  },
);

interface DynviewMatchers<R = unknown> {
  /** The claim (JSON form) is proved or supported; the failure message carries the counterexample and replay line. */
  toHold(opts?: ClaimTestOptions): Promise<R>;
  /** The claim is refuted (a false twin). */
  toBeRefuted(opts?: ClaimTestOptions): Promise<R>;
}

declare module 'vitest' {
  // The declaration must repeat vitest's own (`T = any`) to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends DynviewMatchers<T> {}
}

/** The matchers, registered on import; also exported for `expect.extend` in other runners. */
export const dynviewMatchers = {
  async toHold(received: unknown, opts: ClaimTestOptions = {}) {
    const r = await runFor(received as ClaimSource, opts);
    const pass = holds(r, opts.allowInconclusive === true);
    return {
      pass,
      message: () =>
        pass
          ? `claim '${r.id}' is ${r.verdict} (expected it not to hold)`
          : claimMessage(r, 'proved or supported'),
    };
  },
  async toBeRefuted(received: unknown, opts: ClaimTestOptions = {}) {
    const r = await runFor(received as ClaimSource, opts);
    const pass = r.verdict === 'refuted';
    return {
      pass,
      message: () => (pass ? claimMessage(r, 'not refuted') : claimMessage(r, 'refuted: it is a false twin')),
    };
  },
};

expect.extend(dynviewMatchers);
