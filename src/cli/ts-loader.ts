/**
 * A user's proof file written in TypeScript (`dynview verify my-proof.ts`). The installed package
 * is compiled JavaScript and compiles nothing at run time; a .ts file given by path needs a loader:
 * tsx, an optional peer dependency, registered here on demand (only when such a file is named).
 * Without tsx the message says what to install. In a source checkout the CLI already runs under
 * tsx and nothing is registered.
 */
import { UsageError } from './errors.ts';

const TS_FILE = /\.(ts|mts|cts)$/;
let registered = false;

export async function ensureTypeScriptLoader(targets: string[]): Promise<void> {
  const file = targets.find((t) => TS_FILE.test(t));
  if (file === undefined || registered || import.meta.url.endsWith('.ts')) return;
  let api: { register: () => unknown };
  try {
    api = await import('tsx/esm/api');
  } catch {
    throw new UsageError(
      `'${file}' is TypeScript: install the optional loader tsx (npm install --save-dev tsx), or compile the proof to .js`,
    );
  }
  api.register();
  registered = true;
}
