#!/usr/bin/env node
// rtnl-dump: see docs/cli.md. Exit codes: 0 ok, 1 runtime error, 2 bad usage.
// process.getBuiltinModule (Node >= 20.16), not an ES module import of node:fs:
// that import makes Node build fs's ES module facade, whose lazy getters load
// the fs streams (a few ms of every start; scripts/bundle.mjs does the same).
const module = process.getBuiltinModule('node:module');
const { existsSync } = process.getBuiltinModule('node:fs');
// V8's compile cache (Node >= 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it off):
// a second start reuses the compiled code of the CLI and the library.
try {
  module.enableCompileCache?.();
} catch {
  /* no cache: start as without it */
}
// stdout is written by the CLI itself (src/cli/main.ts, fdLineWriter: EPIPE
// from `rtnl-dump ... | head` is not an error); process.stdout is not
// touched here: creating it loads Node's stream modules (start-up).
// The CLI bundle (scripts/bundle.mjs: a few files instead of ~50
// modules, for start-up); a tree built by tsc alone has no dist/bundle/, and
// then the modules of dist/src/ run (silently: the same program, slower to
// start). Never both: the bundle holds its own copy of every class.
const bundle = new URL('../dist/bundle/rtnl-dump.js', import.meta.url);
import(existsSync(bundle) ? bundle.href : '../dist/src/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    console.error(`rtnl-dump: ${e && e.message ? e.message : e}`);
    process.exitCode = 1;
  });
