#!/usr/bin/env bash
# `npm test`: install what the tests need, build, run the host lane, then the
# VM lane (kernel tests inside a VM on Debian's stock kernel) when available,
# and end with one combined line: `N passed, N failed[, N skipped]`.
#   RTNL_SKIP_VM=1   do not run the VM lane
#   RTNL_VM_TIMEOUT  seconds for the whole VM lane (boot + tests; default 3600)
#   extra arguments are test file filters, e.g. `npm test -- kernel/links`
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -d node_modules ]; then npm install --no-audit --no-fund || exit 1; fi
if [ ! -f build/Release/rtnl_native.node ]; then npx --no-install node-gyp rebuild >/dev/null 2>&1 || npm run build || exit 1; fi
npx --no-install tsc -p tsconfig.json || { echo "TypeScript build failed"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node dist/test/run.js --lane host --json "$tmp/host.json" "$@"
vm_status=skipped
if [ "${RTNL_SKIP_VM:-}" = 1 ]; then
  echo "VM lane: not run (RTNL_SKIP_VM=1)"
elif [ ! -x test/vm/run ]; then
  echo "VM lane: not run (test/vm/run missing)"
elif [ "$(id -u)" != 0 ]; then
  echo "VM lane: not run (needs root)"
elif [ $# -gt 0 ] && [ -z "$(node dist/test/run.js --lane vm --list "$@")" ]; then
  echo "VM lane: not run (no kernel test matches $*)"
else
  echo
  echo "=== VM lane: kernel tests inside a VM (Debian stock kernel)"
  filters=("$@")
  [ ${#filters[@]} -eq 0 ] && filters=(kernel/)
  vm_start=$SECONDS
  test/vm/run --timeout "${RTNL_VM_TIMEOUT:-3600}" node dist/test/run.js --lane vm "${filters[@]}" 2>&1 | tee "$tmp/vm.out"
  echo "VM lane: $((SECONDS - vm_start)) s wall clock (boot included)"
  vm_status=ran
fi
node scripts/combine-summary.mjs "$tmp/host.json" "$([ $vm_status = ran ] && echo "$tmp/vm.out")"
