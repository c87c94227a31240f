#!/usr/bin/env node
// rtnl-dump: see docs/cli.md. Exit codes: 0 ok, 1 runtime error, 2 bad usage.
import module from 'node:module';
// V8's compile cache (Node >= 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it off):
// a second start reuses the compiled code of the CLI and the library.
try {
  module.enableCompileCache?.();
} catch {
  /* no cache: start as without it */
}
process.stdout.on('error', (e) => {
  // `rtnl-dump pcap big.pcap | head`: the reader went away; that is not an error.
  if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
import('../dist/src/cli/main.js')
  .then((m) => m.main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((e) => {
    console.error(`rtnl-dump: ${e && e.message ? e.message : e}`);
    process.exitCode = 1;
  });
