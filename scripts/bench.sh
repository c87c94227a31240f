#!/usr/bin/env bash
# `npm run bench [-- NAME...]`: build (native addon if missing, TypeScript),
# then run every benchmark entry point (bench/*.ts, compiled to
# dist/bench/*.js) or only the named ones, e.g. `npm run bench -- tun`.
# Benches print a table and write JSON results to bench/results/ (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/Release/rtnl_native.node ]; then npm run build; fi
npx --no-install tsc -p tsconfig.json
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in dist/bench/*.js; do [ -e "$f" ] && names+=("$(basename "$f" .js)"); done
fi
if [ ${#names[@]} -eq 0 ]; then echo "no benchmarks found in dist/bench/"; exit 0; fi
status=0
for n in "${names[@]}"; do
  n=$(basename "${n%.ts}"); n=${n%.js}
  echo "=== bench $n"
  node "dist/bench/$n.js" || status=1
done
exit $status
