// Addresses against the live kernel, with `ip -j address show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, addrFlagNames, type Address } from '../../src/index.js';
import { ktest, withNetns, ipJson } from '../helpers.js';
import { rejectsA } from '../expect.js';

interface IpAddrInfo {
  family: string;
  local: string;
  address?: string;
  prefixlen: number;
  broadcast?: string;
  scope: string;
  label?: string;
  metric?: number;
  valid_life_time: number;
  preferred_life_time: number;
  [flag: string]: unknown;
}
interface IpAddrLink {
  ifindex: number;
  ifname: string;
  addr_info: IpAddrInfo[];
}

const IP_FLAG_KEYS = ['secondary', 'temporary', 'nodad', 'optimistic', 'dadfailed', 'home', 'deprecated', 'tentative', 'mngtmpaddr', 'noprefixroute', 'autojoin', 'stable-privacy'];

/** Flags as iproute2 shows them: booleans per name, 'dynamic' for !permanent, 'temporary' for IPv6 secondary. */
function ipStyleFlags(a: Address): string[] {
  const out = new Set<string>();
  for (const n of addrFlagNames(a.flags)) {
    if (n === 'permanent') continue;
    out.add(n === 'secondary' && a.family === 10 ? 'temporary' : n);
  }
  if (!(a.flags & 0x80)) out.add('dynamic');
  return [...out].sort();
}

/** Every address the library lists must be what ip shows, and vice versa. */
function compareWithIp(ns: string, addrs: Address[], ...ipArgs: string[]): void {
  const fam = ipArgs.filter((a) => a === '-4' || a === '-6');
  const rest = ipArgs.filter((a) => a !== '-4' && a !== '-6');
  const oracle = ipJson<IpAddrLink[]>(ns, ...fam, 'address', 'show', ...rest);
  const expected: Array<IpAddrInfo & { ifindex: number }> = oracle.flatMap((l) => l.addr_info.map((i) => ({ ...i, ifindex: l.ifindex })));
  assert.equal(addrs.length, expected.length, `same number of addresses (library ${addrs.map((a) => a.cidr).join(' ')})`);
  for (const o of expected) {
    const local = o.local;
    const a = addrs.find((x) => x.index === o.ifindex && (x.local ?? x.address) === local && x.prefixLen === o.prefixlen);
    assert.ok(a, `library lists ${local}/${o.prefixlen} on ifindex ${o.ifindex}`);
    assert.equal(a!.family, o.family === 'inet' ? 2 : 10, `family of ${local}`);
    assert.equal(String(a!.scope), o.scope, `scope of ${local}`);
    assert.equal(a!.label, o.label, `label of ${local}`);
    assert.equal(a!.broadcast, o.broadcast, `broadcast of ${local}`);
    assert.equal(a!.metric, o.metric, `metric of ${local}`);
    if (o.address !== undefined) assert.equal(a!.address, o.address, `peer of ${local}`);
    const ipFlags = [...IP_FLAG_KEYS, 'dynamic'].filter((k) => o[k] === true).sort();
    assert.equal(ipStyleFlags(a!), ipFlags, `flags of ${local}`);
    // lifetimes count down; allow for the time between the two reads
    const near = (x: number, y: number): boolean => x === y || (x !== 0xffffffff && y !== 0xffffffff && Math.abs(x - y) <= 3);
    assert.ok(near(a!.cacheInfo!.valid, o.valid_life_time), `valid lft of ${local}: ${a!.cacheInfo!.valid} vs ${o.valid_life_time}`);
    assert.ok(near(a!.cacheInfo!.preferred, o.preferred_life_time), `preferred lft of ${local}: ${a!.cacheInfo!.preferred} vs ${o.preferred_life_time}`);
  }
}

async function withRtnl(fn: (r: Rtnl, ns: string) => Promise<void>): Promise<void> {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await fn(r, ns);
    } finally {
      await r.close();
    }
  }, 'addr');
}

ktest(test, 'add IPv4/IPv6 with label, broadcast, lifetimes, metric, nodad, peer; list equals ip -j addr show', async () => {
  await withRtnl(async (r, ns) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    await r.links.set('lo', { up: true });
    await r.addrs.add('veth0', '10.0.1.1/24', { broadcast: '+', label: 'veth0:web', validLft: 300, preferredLft: 200, metric: 5 });
    await r.addrs.add('veth0', '10.0.1.2/24'); // becomes a secondary
    await r.addrs.add({ dev: 'veth0', address: '10.9.0.1', peer: '10.9.0.2/32' });
    await r.addrs.add('veth0', '192.168.7.9/16', { broadcast: '192.168.255.254', scope: 'link' });
    await r.addrs.add('veth0', '2001:db8::1/64', { flags: ['nodad', 'noprefixroute'] });
    await r.addrs.add('veth0', '2001:db8:1::1/64', { flags: ['nodad'], validLft: 1000, preferredLft: 0 }); // deprecated at once
    await r.addrs.add('veth0', '2001:db8:2::1/64'); // tentative: DAD never completes on a down link
    await r.addrs.add('lo', '127.0.0.2/8');
    const all = await r.addrs.list();
    compareWithIp(ns, all);
    const web = all.find((a) => a.cidr === '10.0.1.1/24')!;
    assert.equal(web.broadcast, '10.0.1.255');
    assert.equal(web.label, 'veth0:web');
    assert.equal(web.metric, 5);
    assert.ok(web.cacheInfo!.valid <= 300 && web.cacheInfo!.valid >= 295);
    const lo2 = all.find((a) => a.cidr === '127.0.0.2/8')!;
    assert.equal(lo2.scope, 'host', '127/8 defaults to scope host like ip');
    const sec = all.find((a) => a.cidr === '10.0.1.2/24')!;
    assert.ok(addrFlagNames(sec.flags).includes('secondary'));
    const v6 = all.find((a) => a.cidr === '2001:db8::1/64')!;
    assert.equal(addrFlagNames(v6.flags).filter((n) => n !== 'permanent').sort(), ['nodad', 'noprefixroute']);
    assert.ok(v6.flags > 0xff, 'IFA_F_NOPREFIXROUTE only fits in IFA_FLAGS (u32), not ifa_flags (u8)');
    assert.equal(v6.ifaFlags, v6.flags & 0xff);
    const dep = all.find((a) => a.cidr === '2001:db8:1::1/64')!;
    assert.ok(addrFlagNames(dep.flags).includes('deprecated'));
    assert.ok(addrFlagNames(all.find((a) => a.cidr === '2001:db8:2::1/64')!.flags).includes('tentative'));
  });
});

ktest(test, 'list filters by dev and family in the kernel, same as ip -4 / -6 ... dev', async () => {
  await withRtnl(async (r, ns) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    await r.addrs.add('veth0', '10.0.1.1/24');
    await r.addrs.add('veth1', '10.0.2.1/24');
    await r.addrs.add('veth1', '2001:db8::2/64', { flags: ['nodad'] });
    await r.links.set('lo', { up: true });
    compareWithIp(ns, await r.addrs.list({ dev: 'veth1' }), 'dev', 'veth1');
    compareWithIp(ns, await r.addrs.list({ family: 'inet' }), '-4');
    const v6 = await r.addrs.list({ family: 'inet6' });
    assert.ok(v6.every((a) => a.family === 10));
    const oracle = ipJson<IpAddrLink[]>(ns, '-6', 'address', 'show');
    compareWithIp(ns, v6, '-6');
    assert.equal(v6.length, oracle.flatMap((l) => l.addr_info).length);
    const idx = (await r.links.get('veth0')).index;
    compareWithIp(ns, await r.addrs.list({ dev: idx, family: 'inet' }), '-4', 'dev', 'veth0');
    const streamed: Address[] = [];
    for await (const a of r.addrs.dump({ dev: 'veth1' })) streamed.push(a);
    compareWithIp(ns, streamed, 'dev', 'veth1');
    // an alternative name (> 15 bytes) works wherever a device is named
    await r.links.addAltNames('veth1', ['veth1-long-alternative-name']);
    await r.addrs.add('veth1-long-alternative-name', '10.0.3.1/24');
    compareWithIp(ns, await r.addrs.list({ dev: 'veth1-long-alternative-name' }), 'dev', 'veth1');
  });
});

ktest(test, 'replace updates lifetimes and metric; replace creates when absent', async () => {
  await withRtnl(async (r, ns) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    await r.addrs.add('veth0', '10.0.1.1/24', { validLft: 100, preferredLft: 50 });
    await r.addrs.replace('veth0', '10.0.1.1/24', { validLft: 1000, preferredLft: 900, metric: 7 });
    await r.addrs.replace({ dev: 'veth0', address: '2001:db8::5/64', flags: ['nodad'], validLft: 600 });
    await r.addrs.replace({ dev: 'veth0', address: '2001:db8::5/64', flags: ['nodad'], validLft: 'forever' });
    const list = await r.addrs.list({ dev: 'veth0' });
    compareWithIp(ns, list, 'dev', 'veth0');
    const a = list.find((x) => x.cidr === '10.0.1.1/24')!;
    assert.ok(a.cacheInfo!.valid > 990, `valid lifetime raised to ~1000, got ${a.cacheInfo!.valid}`);
    assert.equal(a.metric, 7);
    const b = list.find((x) => x.cidr === '2001:db8::5/64')!;
    assert.equal(b.cacheInfo!.valid, 0xffffffff);
    assert.ok(addrFlagNames(b.flags).includes('permanent'));
  });
});

ktest(test, 'del by dev+cidr, by spec, by listed object, IPv4 wildcard; flush', async () => {
  await withRtnl(async (r, ns) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    await r.addrs.add('veth0', '10.0.1.1/24');
    await r.addrs.add('veth0', '10.0.2.1/24');
    await r.addrs.add('veth0', '10.0.3.1/24');
    await r.addrs.add('veth0', '2001:db8::1/64', { flags: ['nodad'] });
    await r.addrs.add({ dev: 'veth0', address: '10.9.0.1', peer: '10.9.0.2/32' });
    await r.addrs.del('veth0', '10.0.1.1/24');
    await r.addrs.del({ dev: 'veth0', address: '10.9.0.1', peer: '10.9.0.2/32' });
    await r.addrs.del('veth0', '10.0.3.1'); // wildcard: any prefix length
    const v6 = (await r.addrs.list({ dev: 'veth0', family: 'inet6' })).find((a) => a.cidr === '2001:db8::1/64')!;
    await r.addrs.del(v6);
    let left = await r.addrs.list({ dev: 'veth0' });
    compareWithIp(ns, left, 'dev', 'veth0');
    assert.equal(left.map((a) => a.cidr), ['10.0.2.1/24']);
    await r.addrs.add('veth0', '10.0.2.2/24'); // secondary of 10.0.2.1
    await r.addrs.add('veth0', '2001:db8::9/64', { flags: ['nodad'] });
    const n = await r.addrs.flush({ dev: 'veth0' });
    assert.equal(n, 3);
    left = await r.addrs.list({ dev: 'veth0' });
    assert.equal(left, []);
    assert.equal(ipJson<IpAddrLink[]>(ns, 'address', 'show', 'dev', 'veth0')[0]!.addr_info, []);
  });
});

ktest(test, 'kernel errors are NetlinkError with code and extack: EEXIST, EADDRNOTAVAIL, ENODEV', async () => {
  await withRtnl(async (r) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    await r.addrs.add('veth0', '10.0.1.1/24');
    const e1 = await rejectsA(r.addrs.add('veth0', '10.0.1.1/24'), NetlinkError);
    assert.equal(e1.code, 'EEXIST');
    assert.equal(e1.request?.typeName, 'RTM_NEWADDR');
    // kernels since 6.3 explain ("ipv4: Address already assigned"); the message, when sent, is in the error text
    if (e1.extack.message) assert.ok(e1.message.includes(e1.extack.message));
    const e2 = await rejectsA(r.addrs.del('veth0', '10.0.7.1/24'), NetlinkError);
    assert.equal(e2.code, 'EADDRNOTAVAIL');
    assert.equal(e2.request?.typeName, 'RTM_DELADDR');
    const e3 = await rejectsA(r.addrs.del('veth0', '2001:db8::77/64'), NetlinkError);
    assert.equal(e3.code, 'EADDRNOTAVAIL');
    const e4 = await rejectsA(r.addrs.add('nosuchdev', '10.0.5.1/24'), NetlinkError);
    assert.equal(e4.code, 'ENODEV');
    assert.match(e4.message, /nosuchdev/);
  });
});

ktest(test, 'bad input is ArgumentError naming the field, with nothing sent', async () => {
  await withRtnl(async (r) => {
    await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
    const before = r.socket.stats.datagramsOut;
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => r.addrs.add('veth0', '10.0.1.300/24'), 'address'],
      [() => r.addrs.add('veth0', '10.0.1.1/33'), 'address'],
      [() => r.addrs.add('veth0', '2001:db8::1/129'), 'address'],
      [() => r.addrs.add('veth0', 'banana'), 'address'],
      [() => r.addrs.add('veth0', ''), 'address'],
      [() => r.addrs.add('veth0', 42 as unknown as string), 'address'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { flags: ['nosuchflag' as 'nodad'] }), 'flags[0]'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { scope: 'galaxy' as 'link' }), 'scope'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { colour: 'red' } as never), 'options.colour'],
      [() => r.addrs.add('veth0', '2001:db8::1/64', { label: 'veth0:x' }), 'label'],
      [() => r.addrs.add('veth0', '2001:db8::1/64', { broadcast: '+' }), 'broadcast'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { broadcast: '2001:db8::ff' }), 'broadcast'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { label: 'a-label-that-is-too-long' }), 'label'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { validLft: 10, preferredLft: 20 }), 'preferredLft'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { validLft: -1 }), 'validLft'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { peer: '2001:db8::2' }), 'peer'],
      [() => r.addrs.add('veth0', '10.0.1.1/24', { metric: 2 ** 32 }), 'metric'],
      [() => r.addrs.add('bad/name', '10.0.1.1/24'), 'dev'],
      [() => r.addrs.add({ dev: 'veth0' } as never), 'address'],
      [() => r.addrs.del('veth0', '10.0.0.0/99'), 'address'],
      [() => r.addrs.list({ family: 6 as never }), 'filter.family'],
      [() => r.addrs.list({ device: 'veth0' } as never), 'filter.device'],
    ];
    for (const [fn, field] of cases) {
      const e = await rejectsA(fn, ArgumentError);
      assert.equal(e.field, field, `${e.message}`);
    }
    assert.equal(r.socket.stats.datagramsOut, before, 'no datagram was sent for bad input');
  });
});

test.run();
