#!/usr/bin/env bash
# Look at an HTML verify report the way a reader's browser shows it, in headless Chromium:
#   1. a screenshot of the top of the page (formulas typeset by KaTeX, the first plots),
#   2. a layout check: nothing wider than the page (plots, formulas, tables) at a desktop and at a
#      phone width, and every formula typeset (no raw $$ left). Exit 1 if either fails.
#
# Usage: scripts/screenshot-report.sh [REPORT.html] [OUT.png] [WIDTH]
#   defaults: docs/img/verify/report.html docs/img/verify/report.png 1024
# Needs Chromium (Debian: apt-get install -y chromium; or set CHROMIUM=/path/to/chrome).
# The browser runs without network access to anything: the report must be self-contained.
set -euo pipefail
cd "$(dirname "$0")/.."
report="${1:-docs/img/verify/report.html}"
out="${2:-docs/img/verify/report.png}"
width="${3:-1024}"
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}"
if [ -z "$chromium" ]; then
  echo "screenshot-report: no Chromium found (apt-get install -y chromium, or set CHROMIUM)" >&2
  exit 2
fi
[ -f "$report" ] || { echo "screenshot-report: no such report '$report'" >&2; exit 2; }

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
  --disable-sync --no-first-run --hide-scrollbars --force-device-scale-factor=1)
abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"

# 1. screenshot (the top 2400 px of the page)
"$chromium" "${flags[@]}" --window-size="$width,2400" --screenshot="$out" "file://$abs" 2>/dev/null
echo "screenshot-report: wrote $out ($width px wide)"

# 2. layout check: a copy of the report with a script that measures the page after layout and
#    writes the result into the DOM, which Chromium dumps.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
probe='<script>addEventListener("load",()=>{const w=document.documentElement.clientWidth;const wide=[...document.body.querySelectorAll("body>*,figure.plot svg")].filter(e=>e.getBoundingClientRect().right>w+1).map(e=>e.tagName.toLowerCase());document.body.insertAdjacentHTML("beforeend","<pre id=layout>LAYOUT "+JSON.stringify({width:w,scrollWidth:document.documentElement.scrollWidth,overflowing:wide,rawTex:document.body.innerText.includes("$$"),formulas:document.querySelectorAll(".katex-display").length,katexErrors:document.querySelectorAll(".katex-error").length})+"</pre>")});</script>'
sed "s#</body>#${probe//&/\\&}</body>#" "$report" > "$tmp/report.html"
status=0
for w in "$width" 500; do
  line="$("$chromium" "${flags[@]}" --window-size="$w,900" --dump-dom "file://$tmp/report.html" 2>/dev/null | grep -o 'LAYOUT {[^<]*}' || true)"
  echo "screenshot-report: at $w px: ${line#LAYOUT }"
  case "$line" in
    *'"overflowing":[]'*'"rawTex":false'*'"katexErrors":0}') ;;
    *) status=1 ;;
  esac
done
[ "$status" = 0 ] && echo "screenshot-report: layout ok" || echo "screenshot-report: layout problems above" >&2
exit "$status"
