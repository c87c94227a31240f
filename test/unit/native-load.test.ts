/**
 * The native addon loads on this Node line and architecture, and works: the
 * file chosen by the loader is an ELF for this machine, and a syscall through
 * it (an AF_NETLINK socket, no privilege needed) succeeds. With
 * RTNL_EXPECT_ADDON set (the arm64 lane under qemu sets it to the arm64
 * prebuild), the loader must have chosen that file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { native, nativePath } from '../../src/netlink/native.js';

const EM: Record<string, number> = { x64: 62, arm64: 183, ia32: 3, arm: 40 };

test('the addon loads, is an ELF for this architecture, and a syscall through it works', () => {
  const n = native();
  const file = nativePath();
  assert.ok(file, 'nativePath() names the loaded file');
  console.log(`addon: ${file} (${process.arch}, node ${process.version})`);
  const head = readFileSync(file!).subarray(0, 20);
  assert.is(head.readUInt32BE(0), 0x7f454c46, 'ELF magic');
  assert.is(head.readUInt16LE(18), EM[process.arch], `e_machine of ${file} is ${process.arch}'s`);
  const fd = n.socket(16 /* AF_NETLINK */, 3 /* SOCK_RAW */, 0 /* NETLINK_ROUTE */);
  assert.ok(fd >= 0, `socket(AF_NETLINK) returned ${fd}`);
  assert.is(n.bindNl(fd, 0, 0), 0, 'bind');
  assert.ok(n.getsocknameNl(fd) > 0, 'the kernel assigned a port id');
  assert.is(n.close(fd), 0, 'close');
  const expected = process.env.RTNL_EXPECT_ADDON;
  if (expected) assert.ok(file!.endsWith(expected), `loaded ${file}, expected ${expected}`);
});

test('the shipped binary (or a build) loads without node-gyp-build: it is asked only when neither loads', () => {
  const url = new URL('../../src/netlink/native.js', import.meta.url).href;
  const code = `import { createRequire } from 'node:module'; const m = await import(${JSON.stringify(url)}); m.native(); console.log(JSON.stringify({ file: m.nativePath(), ngb: Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('node-gyp-build')) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, RTNETLINK_NATIVE: '' } });
  assert.is(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as { file: string; ngb: boolean };
  assert.ok(/\/(build\/(Release|Debug)\/rtnl_native|prebuilds\/linux-[a-z0-9]+\/rtnetlink\.napi\.glibc)\.node$/.test(got.file), got.file);
  assert.is(got.ngb, false, 'node-gyp-build was not loaded');
  // control: the check sees node-gyp-build when it is loaded
  const c = spawnSync(process.execPath, ['--input-type=module', '-e', `import { createRequire } from 'node:module'; const req = createRequire(${JSON.stringify(url)}); req('node-gyp-build'); console.log(Object.keys(req.cache).some((f) => f.includes('node-gyp-build')));`], { encoding: 'utf8' });
  assert.is(c.stdout.trim(), 'true', c.stderr);
});

test.run();
