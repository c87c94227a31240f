#!/usr/bin/env bash
# `npm test`: install what the tests need, build, run the lanes, and end with
# one combined line: `N passed, N failed[, N skipped]`.
#
# Lanes (docs/testing.md):
#   host      unit + kernel tests on this machine's Node (as root; as a non-root
#             user inside a user + network + mount namespace, labelled non-root)
#   node22    the same on Node 22 }  official binaries from the npm registry
#   node24    the same on Node 24 }  (scripts/nodes.json, cached by scripts/node-bin.mjs)
#   arm64     unit tests on an arm64 Node under qemu-user, loading the arm64 prebuild
#   package   npm pack, then installs of the tarball into throw-away projects with
#             no compiler, no network, a fresh HOME, scripts ignored (test/package)
#   vm        kernel tests inside a VM on Debian's stock kernel (root only)
#
#   extra arguments are test file filters, e.g. `npm test -- kernel/links`;
#     with filters only the host and vm lanes run (unless RTNL_LANES says otherwise)
#   RTNL_LANES="host node22 ..."  the lanes to run (default: all; with filters: host vm)
#   RTNL_SKIP_VM=1                do not run the VM lane
#   RTNL_VM_TIMEOUT               seconds for the whole VM lane (boot + tests; default 3600)
#   RTNL_RESULTS_DIR              keep each lane's JSON summary there (.ci/run adds its own lanes)
#   RTNL_REQUIRE_LANES=1          a lane that cannot run counts as failed, not skipped (CI)
#   RTNL_HOST_LABEL               name of the host lane in the summary (default host, or non-root)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ ! -d node_modules ]; then npm install --no-audit --no-fund || exit 1; fi

# ---- the native addon the tests load ------------------------------------------
# The loader takes build/Release (a build from source) before prebuilds/, so
# the tests always run the current C code: rebuild build/Release when native/
# is newer, and build from source when prebuilds/ were made from other
# sources (the package lane then fails until `npm run prebuilds` is committed).
rebuild() {
  echo "$1"
  npx --no-install node-gyp rebuild >/dev/null 2>&1 || npx --no-install node-gyp rebuild || { echo "native build failed"; echo "0 passed, 1 failed"; exit 1; }
}
if [ -f build/Release/rtnl_native.node ]; then
  for f in native/* binding.gyp; do
    if [ "$f" -nt build/Release/rtnl_native.node ]; then rebuild "addon: $f is newer than build/Release: rebuilding from source"; break; fi
  done
elif ! node scripts/prebuild.mjs --fresh >/dev/null 2>&1; then
  rebuild "addon: prebuilds/ were built from other sources than native/ (run \`npm run prebuilds\`): the tests use a build from source"
fi
npx --no-install tsc -p tsconfig.json || { echo "TypeScript build failed"; echo "0 passed, 1 failed"; exit 1; }
# the CLI bundle bin/rtnl-dump.js loads (dist/bundle/, from dist/src/; test/unit/cli-bundle checks it is current)
node scripts/bundle.mjs || { echo "CLI bundle build failed"; echo "0 passed, 1 failed"; exit 1; }

# ---- where the lanes' summaries go --------------------------------------------
results=${RTNL_RESULTS_DIR:-}
if [ -z "$results" ]; then
  results=$(mktemp -d)
  trap 'rm -rf "$results"' EXIT
fi
mkdir -p "$results"

# ---- which lanes ---------------------------------------------------------------
if [ -n "${RTNL_LANES:-}" ]; then lanes=" ${RTNL_LANES//,/ } "
elif [ $# -gt 0 ]; then lanes=" host vm "
else lanes=" host node22 node24 arm64 package vm "; fi
[ "${RTNL_SKIP_VM:-}" = 1 ] && lanes=${lanes// vm / }
want() { [[ $lanes == *" $1 "* ]]; }
not_run() { # LANE REASON: a lane that cannot run is one named skip (a failure under RTNL_REQUIRE_LANES=1)
  echo "lane $1: not run ($2)"
  node scripts/combine-summary.mjs --not-run "$1" "$2" "$results/$1.json"
}

# ---- non-root: the tests run as root of a user + network + mount namespace ------
# (unshare -Urnm, /run on a tmpfs so `ip netns add` can mount there;
# --map-auto also maps the user's /etc/subuid range so tests can use uids
# 1000-5000; see docs/testing.md)
userns=()
if [ "$(id -u)" != 0 ]; then
  if unshare --user --map-root-user --map-auto true 2>/dev/null; then
    userns=(unshare --user --map-root-user --map-auto --net --mount)
  elif unshare --user --map-root-user true 2>/dev/null; then
    userns=(unshare --user --map-root-user --net --mount)
    echo "note: no subordinate uid range (newuidmap, /etc/subuid): only root is mapped, tests needing uids 1000-5000 will be skipped"
  else
    echo "note: user namespaces are not available to this user: kernel tests will be skipped (they need root)"
  fi
fi
run_tests() { # NODE ARGS...: run dist/test/run.js (as root, or in the user namespace)
  if [ ${#userns[@]} -gt 0 ]; then
    "${userns[@]}" -- sh -c 'mount -t tmpfs -o mode=0755 tmpfs /run && exec "$@"' sh "$@"
  else
    "$@"
  fi
}
summary_or_fail() { # LANE FILE: a lane whose run wrote no summary (a crash before the end) counts as failed
  [ -f "$2" ] || node scripts/combine-summary.mjs --from-output "$1" /dev/null "$2"
}
host_label=${RTNL_HOST_LABEL:-$([ "$(id -u)" = 0 ] && echo host || echo non-root)}

# ---- Node binaries for the other lines (fetched before any test runs) ----------
declare -A nodebin=()
for line in node22 node24 arm64; do
  if want "$line" || { want package && [ "$line" != arm64 ]; }; then
    if bin=$(node scripts/node-bin.mjs "$line" 2>"$results/.fetch-$line.err"); then nodebin[$line]=$bin
    else nodebin[$line]=""; fi
  fi
done

# ---- host lane -------------------------------------------------------------------
if want host; then
  echo
  echo "=== lane $host_label: unit + kernel tests on this machine's Node ($(node --version))"
  t0=$SECONDS
  run_tests node dist/test/run.js --lane host --label "$host_label" --json "$results/$host_label.json" "$@"
  summary_or_fail "$host_label" "$results/$host_label.json"
  echo "lane $host_label: $((SECONDS - t0)) s wall clock"
fi

# ---- other Node lines -------------------------------------------------------------
for line in node22 node24; do
  want "$line" || continue
  if [ -z "${nodebin[$line]}" ]; then not_run "$line" "no Node binary: $(tail -1 "$results/.fetch-$line.err")"; continue; fi
  echo
  echo "=== lane $line: unit + kernel tests on $("${nodebin[$line]}" --version)"
  label=$line; [ "$(id -u)" != 0 ] && label="$line-non-root"
  t0=$SECONDS
  run_tests "${nodebin[$line]}" dist/test/run.js --lane host --label "$label" --json "$results/$line.json" "$@"
  summary_or_fail "$label" "$results/$line.json"
  echo "lane $line: $((SECONDS - t0)) s wall clock"
done

# ---- arm64 under qemu-user ----------------------------------------------------------
# The arm64 Node runs under qemu-aarch64-static; its child processes (each test
# file, the CLI tests' rtnl-dump) are arm64 ELFs too, so qemu is registered
# with binfmt_misc, in a private binfmt_misc instance of a new user namespace
# (Linux 6.7+): nothing changes for the rest of the machine.
if want arm64; then
  pre=prebuilds/linux-arm64/rtnetlink.napi.glibc.node
  sysroot=/usr/aarch64-linux-gnu
  why=
  command -v qemu-aarch64-static >/dev/null || why="qemu-aarch64-static missing (package qemu-user-static; sudo bash scripts/setup.sh)"
  [ -z "$why" ] && [ ! -e $sysroot/lib/ld-linux-aarch64.so.1 ] && why="$sysroot/lib/ld-linux-aarch64.so.1 missing (package libc6-arm64-cross)"
  [ -z "$why" ] && [ ! -e $sysroot/lib/libstdc++.so.6 ] && why="$sysroot/lib/libstdc++.so.6 missing (package libstdc++6-arm64-cross)"
  [ -z "$why" ] && [ ! -f $pre ] && why="$pre missing (npm run prebuilds)"
  [ -z "$why" ] && [ -z "${nodebin[arm64]}" ] && why="no arm64 Node binary: $(tail -1 "$results/.fetch-arm64.err")"
  if [ -n "$why" ]; then
    not_run arm64 "$why"
  else
    echo
    echo "=== lane arm64: unit tests on an arm64 Node ($(basename "$(dirname "$(dirname "${nodebin[arm64]}")")")) under qemu-user, loading $pre"
    filters=("$@"); [ ${#filters[@]} -eq 0 ] && filters=(unit/)
    t0=$SECONDS
    # the fuzz tests' decoders are JavaScript, the same on every architecture: fewer cases under emulation
    RTNL_EXPECT_ADDON=$pre QEMU_LD_PREFIX=$sysroot RTNL_FUZZ_CASES=${RTNL_FUZZ_CASES:-1000} \
      unshare --user --map-root-user --mount --pid --fork --mount-proc -- sh -c '
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || exit 97
        printf "%s\n" ":rtnl-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$(command -v qemu-aarch64-static):F" >/proc/sys/fs/binfmt_misc/register || exit 98
        exec "$@"' sh "${nodebin[arm64]}" dist/test/run.js --lane host --label arm64 --json "$results/arm64.json" "${filters[@]}"
    rc=$?
    if [ $rc = 97 ] || [ $rc = 98 ]; then not_run arm64 "cannot register qemu with a private binfmt_misc (needs Linux 6.7+ and user namespaces)"; fi
    summary_or_fail arm64 "$results/arm64.json"
    echo "lane arm64: $((SECONDS - t0)) s wall clock"
  fi
fi

# ---- packaging ------------------------------------------------------------------
if want package; then
  echo
  echo "=== lane package: npm pack, installs without compiler, network or scripts (test/package)"
  t0=$SECONDS
  RTNL_NODE22=${nodebin[node22]:-} RTNL_NODE24=${nodebin[node24]:-} \
    node dist/test/run.js --lane package --label package --json "$results/package.json"
  summary_or_fail package "$results/package.json"
  echo "lane package: $((SECONDS - t0)) s wall clock"
fi

# ---- VM lane ----------------------------------------------------------------------
if want vm; then
  if [ ! -x test/vm/run ]; then
    not_run vm "test/vm/run missing"
  elif [ "$(id -u)" != 0 ]; then
    not_run vm "the VM lane needs root (RTNL_SKIP_VM=1 leaves it out)"
  elif [ $# -gt 0 ] && [ -z "$(node dist/test/run.js --lane vm --list "$@")" ]; then
    echo "VM lane: not run (no kernel test matches $*)"
  else
    echo
    echo "=== VM lane: kernel tests inside a VM (Debian stock kernel)"
    filters=("$@")
    [ ${#filters[@]} -eq 0 ] && filters=(kernel/)
    vm_start=$SECONDS
    test/vm/run --timeout "${RTNL_VM_TIMEOUT:-3600}" node dist/test/run.js --lane vm "${filters[@]}" 2>&1 | tee "$results/vm.out"
    echo "VM lane: $((SECONDS - vm_start)) s wall clock (boot included)"
    node scripts/combine-summary.mjs --from-output vm "$results/vm.out" "$results/vm.json"
  fi
fi

node scripts/combine-summary.mjs "$results"
