// netns.sysctl: network sysctls of another namespace, read and written
// without a child process; `ip netns exec NS sysctl -n KEY` is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { netns, ArgumentError } from '../../src/index.js';
import { ktest, withNetns, sh, threadNetnsInode, fdCount } from '../helpers.js';
import { rejectsA } from '../expect.js';

const oracle = (ns: string, key: string): string => sh('ip', ['netns', 'exec', ns, 'sysctl', '-n', key]).trim();

ktest(test, 'read: values of the namespace, not of the caller (ip netns exec sysctl agrees)', async () => {
  await withNetns(1, async (ns) => {
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.tcp_rmem=4096 87380 1048576']);
    assert.is(await netns.sysctl(ns, 'net.ipv4.ip_forward'), Number(oracle(ns, 'net.ipv4.ip_forward')));
    assert.is(await netns.sysctl(ns, 'net.ipv4.ip_forward'), 1);
    assert.equal(await netns.sysctl(ns, 'net.ipv4.tcp_rmem'), oracle(ns, 'net.ipv4.tcp_rmem').split(/\s+/).map(Number));
    assert.equal(await netns.sysctl(ns, 'net/ipv4/tcp_rmem'), [4096, 87380, 1048576], 'slash form');
    // a string value
    assert.is(await netns.sysctl(ns, 'net.ipv4.tcp_congestion_control'), oracle(ns, 'net.ipv4.tcp_congestion_control'));
  }, 'sysctl');
});

ktest(test, 'write: ip_forward set through the library is what sysctl reads in the namespace; the caller keeps its own', async () => {
  const mine = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  await withNetns(2, async (a, b) => {
    assert.is(oracle(a, 'net.ipv4.ip_forward'), '0');
    assert.is(await netns.sysctl(a, 'net.ipv4.ip_forward', 1), 1, 'returns the value read back');
    assert.is(oracle(a, 'net.ipv4.ip_forward'), '1');
    assert.is(oracle(b, 'net.ipv4.ip_forward'), '0', 'the other namespace is untouched');
    assert.is(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), mine, "the caller's namespace is untouched");
    await netns.sysctl(a, 'net.ipv4.ip_forward', 0);
    assert.is(oracle(a, 'net.ipv4.ip_forward'), '0');
    // arrays and booleans, and a per-device key with a dot-free name
    await netns.sysctl(b, 'net.ipv4.ip_local_port_range', [20000, 30000]);
    assert.equal(oracle(b, 'net.ipv4.ip_local_port_range').split(/\s+/), ['20000', '30000']);
    await netns.sysctl(b, 'net.ipv6.conf.lo.disable_ipv6', true);
    assert.is(oracle(b, 'net.ipv6.conf.lo.disable_ipv6'), '1');
    // by path and by pid-less { path } reference
    assert.is(await netns.sysctl({ path: `/run/netns/${b}` }, 'net.ipv6.conf.lo.disable_ipv6'), 1);
  }, 'sysctl');
});

ktest(test, 'slash form keeps dots of interface names (eth0.5)', async () => {
  await withNetns(1, async (ns) => {
    sh('ip', ['-n', ns, 'link', 'add', 'a.5', 'type', 'veth', 'peer', 'name', 'b']);
    await netns.sysctl(ns, 'net/ipv4/conf/a.5/forwarding', 1);
    assert.is(sh('ip', ['netns', 'exec', ns, 'cat', '/proc/sys/net/ipv4/conf/a.5/forwarding']).trim(), '1');
    assert.is(await netns.sysctl(ns, 'net/ipv4/conf/a.5/forwarding'), 1);
  }, 'sysctl');
});

ktest(test, 'errors: bad keys and values are ArgumentError before anything is opened; kernel refusals are typed with errno', async () => {
  await withNetns(1, async (ns) => {
    const fds = fdCount();
    const ino = threadNetnsInode();
    for (const [key, re] of [
      ['', /key/],
      ['kernel.hostname', /not a network sysctl/],
      ['net.ipv4..ip_forward', /empty/],
      ['net/ipv4/../../kernel/hostname', /"\.\."/],
      ['net.ipv4.ip forward', /characters/],
      ['net.ipv4.ip_forward\0', /characters/],
    ] as Array<[string, RegExp]>) {
      const e = await rejectsA(netns.sysctl(ns, key), ArgumentError, re);
      assert.is(e.field, 'key');
    }
    assert.is((await rejectsA(netns.sysctl(ns, 'net.ipv4.ip_forward', 1.5), ArgumentError)).field, 'value');
    assert.is((await rejectsA(netns.sysctl(ns, 'net.ipv4.ip_forward', 'a\nb'), ArgumentError)).field, 'value');
    assert.is((await rejectsA(netns.sysctl(ns, 'net.ipv4.ip_forward', {} as never), ArgumentError)).field, 'value');
    assert.is((await rejectsA(netns.sysctl('no/such', 'net.ipv4.ip_forward'), ArgumentError)).field, 'netns');
    const missing = await rejectsA(netns.sysctl(ns, 'net.ipv4.no_such_key'), netns.SysctlError, /no such sysctl/);
    assert.is(missing.code, 'ENOENT');
    assert.is(missing.key, 'net.ipv4.no_such_key');
    assert.is((await rejectsA(netns.sysctl(ns, 'net.ipv4'), netns.SysctlError)).code, 'EISDIR');
    const inval = await rejectsA(netns.sysctl(ns, 'net.ipv4.tcp_congestion_control', 'no-such-algorithm'), netns.SysctlError);
    assert.ok(['ENOENT', 'EINVAL'].includes(inval.code), inval.code);
    assert.is((await rejectsA(netns.sysctl(`${ns}-gone`, 'net.ipv4.ip_forward'), Error)).name, 'NetlinkError');
    assert.is(fdCount(), fds, 'no fd leaked');
    assert.is(threadNetnsInode(), ino, 'thread namespace restored');
  }, 'sysctl');
});

test.run();
