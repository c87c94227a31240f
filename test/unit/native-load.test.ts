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

test.run();
