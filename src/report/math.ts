/**
 * LaTeX typeset on the server with KaTeX, for the HTML reports: `renderMath` turns TeX into HTML
 * (with MathML for screen readers), `mathCss` is KaTeX's stylesheet with its fonts inlined as data
 * URIs, so a report opens offline and renders the same everywhere (no network at view time).
 * A formula KaTeX cannot parse is shown as its TeX source in red (never an exception).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';

/** TeX → HTML. `display`: a centred block ($$ … $$) rather than inline ($ … $). */
export function renderMath(tex: string, display = true): string {
  return katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
    strict: 'ignore',
    trust: false,
  });
}

let css: string | null = null;

/** KaTeX's CSS with every woff2 font inlined (about 350 kB); the woff/ttf fallbacks are dropped. */
export function mathCss(): string {
  if (css !== null) return css;
  const require = createRequire(import.meta.url);
  const file = require.resolve('katex/dist/katex.min.css');
  const fonts = join(dirname(file), 'fonts');
  css = readFileSync(file, 'utf8').replace(
    /src:url\(fonts\/([A-Za-z0-9_-]+)\.woff2\) format\("woff2"\)[^;}]*/g,
    (_m, name: string) =>
      `src:url(data:font/woff2;base64,${readFileSync(join(fonts, `${name}.woff2`)).toString('base64')}) format("woff2")`,
  );
  return css;
}
