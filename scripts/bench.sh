#!/usr/bin/env bash
# `npm run bench [-- NAME...]`: build, then run every benchmark (each compiled
# dist/bench/NAME.js, or dist/bench/NAME/index.js for a benchmark kept in a
# folder), or only the ones named: `npm run bench -- links codec`.
# Files under bench/lib/ and files whose name starts with '_' are helpers.
# Results: bench/results/NAME.json (gitignored). Benchmarks are not part of
# `npm test`; most need root (they create namespaces).
#   BENCH_RUNS=N   repetitions per measurement (default 5; the median is reported)
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm install --no-audit --no-fund || exit 1; fi
# the addon: build/Release when built from source, else the prebuild (built from other sources: build from source)
if [ ! -f build/Release/rtnl_native.node ] && ! node scripts/prebuild.mjs --fresh >/dev/null 2>&1; then npx --no-install node-gyp rebuild >/dev/null 2>&1 || npm run build || exit 1; fi
npx --no-install tsc -p tsconfig.json || { echo "TypeScript build failed"; exit 1; }
node scripts/bundle.mjs || { echo "CLI bundle build failed"; exit 1; }
mkdir -p bench/results

declare -a targets=()
if [ $# -gt 0 ]; then
  for name in "$@"; do
    name=${name%.ts}; name=${name%.js}; name=${name#bench/}
    if [ -f "dist/bench/$name.js" ]; then targets+=("dist/bench/$name.js")
    elif [ -f "dist/bench/$name/index.js" ]; then targets+=("dist/bench/$name/index.js")
    else echo "no benchmark named '$name' (looked for bench/$name.ts and bench/$name/index.ts)"; exit 2; fi
  done
else
  for f in dist/bench/*.js dist/bench/*/index.js; do
    [ -f "$f" ] || continue
    case "$f" in dist/bench/lib/*|dist/bench/_*) continue ;; esac
    targets+=("$f")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "no benchmarks found under bench/"; exit 2; }

status=0
for f in "${targets[@]}"; do
  echo "=== ${f#dist/}"
  # --expose-gc: benchmarks force a collection before memory measurements.
  node --expose-gc "$f" || { echo "benchmark ${f#dist/} failed"; status=1; }
  echo
done
exit $status
