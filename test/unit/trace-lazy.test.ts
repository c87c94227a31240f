// Tracing through the `debug` package costs nothing unless DEBUG is set:
// importing the package does not load `debug` then; with DEBUG set, the
// rtnetlink:* tracers print through it. Runs in its own process (test/run.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import '../../src/index.js';

test('the debug package is loaded only when DEBUG is set', () => {
  const req = createRequire(import.meta.url);
  const loaded = Object.keys(req.cache).some((f) => /[\\/]node_modules[\\/]debug[\\/]/.test(f));
  assert.is(loaded, Boolean(process.env.DEBUG), `debug loaded: ${loaded}, DEBUG=${process.env.DEBUG ?? ''}`);
});

test('with DEBUG set, rtnetlink:* tracers print through debug; without, nothing', () => {
  const mod = new URL('../../src/netlink/debug.js', import.meta.url).href;
  const code = `const { tracer } = await import(${JSON.stringify(mod)}); const t = tracer('rtnetlink:probe'); t('hello %d', 42); console.log(t.enabled, tracer('other:ns').enabled);`;
  const on = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, DEBUG: 'rtnetlink:*', DEBUG_COLORS: '0' } });
  assert.is(on.status, 0, on.stderr);
  assert.match(on.stderr, /rtnetlink:probe hello 42/);
  assert.is(on.stdout.trim(), 'true false');
  const env = { ...process.env };
  delete env.DEBUG;
  const off = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
  assert.is(off.status, 0, off.stderr);
  assert.is(off.stderr, '');
  assert.is(off.stdout.trim(), 'false false');
});

test.run();
