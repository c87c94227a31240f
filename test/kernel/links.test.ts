// Links against the live kernel, with `ip -j -d link show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, NetlinkError, ArgumentError, unmodelledKind, type Link } from '../../src/index.js';
import { ktest, withNetns, ipJson, ip, sh, createNs, destroyNs, madeLinks, FALLBACK_TUNNELS } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  address?: string;
  master?: string;
  txqlen?: number;
  ifalias?: string;
  operstate?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_data?: Record<string, unknown> };
  altnames?: string[];
  link_index?: number;
  link_netnsid?: number;
}

/** Compare what the library lists with `ip -j -d link show` for the namespace. */
function compareWithIp(ns: string, links: Link[]): void {
  const oracle = ipJson<IpLink[]>(ns, '-d', 'link', 'show');
  assert.equal(links.length, oracle.length, 'same number of links');
  const byIndex = new Map(oracle.map((o) => [o.ifindex, o]));
  for (const l of links) {
    const o = byIndex.get(l.index);
    assert.ok(o, `ip knows ifindex ${l.index} (${l.name})`);
    assert.equal(l.name, o!.ifname, `name of ${l.index}`);
    assert.equal(l.mtu, o!.mtu, `mtu of ${l.name}`);
    // the kernel's fallback tunnels (VM lane, once a tunnel test ran): ip prints their 4-byte link
    // addresses as IPv4, the tunnel kinds' own tests compare them; here name, index and mtu suffice
    if (FALLBACK_TUNNELS.has(l.name)) continue;
    assert.equal(l.address ?? undefined, o!.address ?? undefined, `mac of ${l.name}`);
    assert.equal(l.kind, o!.linkinfo?.info_kind, `kind of ${l.name}`);
    assert.equal(l.slaveKind, o!.linkinfo?.info_slave_kind, `slave kind of ${l.name}`);
    const masterName = l.master ? links.find((x) => x.index === l.master)?.name : undefined;
    assert.equal(masterName, o!.master, `master of ${l.name}`);
    // ip prints the IFF_* flags it knows; every one must be set in ours
    const FLAG_BITS: Record<string, number> = { UP: 1, BROADCAST: 2, LOOPBACK: 8, POINTOPOINT: 0x10, NOARP: 0x80, PROMISC: 0x100, ALLMULTI: 0x200, MASTER: 0x400, SLAVE: 0x800, MULTICAST: 0x1000, LOWER_UP: 0x10000, DORMANT: 0x20000, 'M-DOWN': -1, NO_CARRIER: -1 };
    for (const f of o!.flags) {
      const bit = FLAG_BITS[f];
      if (bit === undefined || bit < 0) continue;
      assert.ok((l.flags & bit) !== 0, `${l.name}: ip says ${f}, library flags 0x${l.flags.toString(16)}`);
    }
    if (o!.txqlen !== undefined) assert.equal(l.txQueueLen, o!.txqlen, `txqlen of ${l.name}`);
    if (o!.operstate !== undefined) assert.equal(String(l.operState).toUpperCase(), o!.operstate, `operstate of ${l.name}`);
    assert.equal(l.propList?.altNames ?? [], o!.altnames ?? [], `altnames of ${l.name}`);
  }
}

/**
 * The kernel sets a link's operstate from its linkwatch work, up to a second
 * after the link goes up or its carrier changes (meanwhile it reads UNKNOWN):
 * wait until ip shows no UNKNOWN one (at most 5 s) before comparing snapshots.
 */
async function operstatesSettled(ns: string): Promise<void> {
  const end = Date.now() + 5000;
  while (Date.now() < end && ipJson<IpLink[]>(ns, 'link', 'show').some((l) => l.operstate === 'UNKNOWN')) {
    await new Promise((res) => setTimeout(res, 100));
  }
}

ktest(test, 'list in a fresh namespace matches ip (lo only)', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const links = await r.links.list();
      assert.equal(madeLinks(links.map((l) => l.name)), ['lo']);
      compareWithIp(ns, links);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'veth pair and bridge: add, enslave, list all compare with ip -j -d', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1', mtu: 1450, address: '02:00:00:00:00:11' } });
      await r.links.add({ name: 'br0', kind: 'bridge', mtu: 1400 });
      await r.links.set('veth0', { master: 'br0', up: true, mtu: 1400 });
      await r.links.set('br0', { up: true });
      await operstatesSettled(ns);
      const links = await r.links.list();
      assert.equal(madeLinks(links.map((l) => l.name)).sort(), ['br0', 'lo', 'veth0', 'veth1']);
      compareWithIp(ns, links);
      const v1 = links.find((l) => l.name === 'veth1')!;
      assert.equal(v1.mtu, 1450);
      assert.equal(v1.address, '02:00:00:00:00:11');
      const v0 = links.find((l) => l.name === 'veth0')!;
      assert.equal(v0.link, v1.index, 'IFLA_LINK of a veth is its peer');
      assert.equal(v0.master, links.find((l) => l.name === 'br0')!.index);
      // filtered dumps (kernel-side filtering)
      const ports = await r.links.list({ master: 'br0' });
      assert.equal(ports.map((l) => l.name), ['veth0']);
      const veths = await r.links.list({ kind: 'veth' });
      assert.equal(veths.map((l) => l.name).sort(), ['veth0', 'veth1']);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'get by name and by index; ENODEV for a missing link', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      const byName = await r.links.get('veth0');
      const byIndex = await r.links.get(byName.index);
      assert.equal(byIndex.name, 'veth0');
      const oracle = ipJson<IpLink[]>(ns, 'link', 'show', 'veth0')[0]!;
      assert.equal(byName.index, oracle.ifindex);
      const e = await rejectsA(r.links.get('nope0'), NetlinkError);
      assert.equal(e.code, 'ENODEV');
      assert.equal(e.request?.typeName, 'RTM_GETLINK');
      assert.equal(await r.links.exists('veth0'), true);
      assert.equal(await r.links.exists('nope0'), false);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'set: up/down, mtu, name, address, txqlen, alias, nomaster; del', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      await r.links.add({ name: 'br0', kind: 'bridge' });
      await r.links.set('veth0', { mtu: 1280, address: '02:aa:bb:cc:dd:01', txQueueLen: 77, alias: 'uplink port', master: 'br0', up: true });
      let o = ipJson<IpLink[]>(ns, '-d', 'link', 'show', 'veth0')[0]!;
      assert.equal(o.mtu, 1280);
      assert.equal(o.address, '02:aa:bb:cc:dd:01');
      assert.equal(o.txqlen, 77);
      assert.equal(o.ifalias, 'uplink port');
      assert.equal(o.master, 'br0');
      assert.ok(o.flags.includes('UP'));
      // Kernels before 6.? refuse to rename a link that is up (EBUSY), even in the same
      // request that sets it down (the rename is applied first), exactly as with
      // `ip link set veth0 down name port0`: take it down first.
      await r.links.set('veth0', { master: null, up: false });
      await r.links.set('veth0', { name: 'port0' });
      o = ipJson<IpLink[]>(ns, '-d', 'link', 'show', 'port0')[0]!;
      assert.equal(o.master, undefined);
      assert.not.ok(o.flags.includes('UP'));
      const idx = o.ifindex;
      await r.links.set(idx, { name: 'port1' });
      assert.equal(ipJson<IpLink[]>(ns, 'link', 'show', 'port1')[0]!.ifindex, idx);
      await r.links.del('port1'); // deleting one end of a veth removes both
      const names = madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((x) => x.ifname)).sort();
      assert.equal(names, ['br0', 'lo']);
      await r.links.del('br0');
      assert.equal(madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((x) => x.ifname)), ['lo']);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'veth with the peer created in another namespace; move a link to a namespace by name, fd, pid', async () => {
  await withNetns(3, async (a, b, c) => {
    const r = await Rtnl.open({ netns: a });
    try {
      await r.links.add({ name: 'va', kind: 'veth', peer: { name: 'vb', netns: b } });
      assert.equal(ipJson<IpLink[]>(b, 'link', 'show', 'vb')[0]!.ifname, 'vb');
      const va = await r.links.get('va');
      assert.ok(va.linkNetnsId !== undefined, 'the peer is in another namespace: IFLA_LINK_NETNSID is set');
      // move by name (and rename in the same request)
      await r.links.set('va', { netns: c, name: 'vc' });
      assert.equal(ipJson<IpLink[]>(c, 'link', 'show', 'vc')[0]!.ifname, 'vc');
      assert.equal(madeLinks(ipJson<IpLink[]>(a, 'link', 'show').map((x) => x.ifname)), ['lo']);
      // move back by fd
      const { openSync, closeSync } = await import('node:fs');
      const rc = await Rtnl.open({ netns: c });
      const fd = openSync(`/run/netns/${a}`, 'r');
      try {
        await rc.links.set('vc', { netns: { fd } });
      } finally {
        closeSync(fd);
        await rc.close();
      }
      assert.equal(ipJson<IpLink[]>(a, 'link', 'show', 'vc')[0]!.ifname, 'vc');
      // move by pid: a process living in namespace b
      const { spawn } = await import('node:child_process');
      const sleeper = spawn('ip', ['netns', 'exec', b, 'sleep', '30'], { stdio: 'ignore' });
      try {
        // wait until the child has entered the namespace
        let pid = 0;
        for (let i = 0; i < 100 && !pid; i++) {
          await new Promise((res) => setTimeout(res, 20));
          const out = ip(undefined, 'netns', 'pids', b).trim();
          if (out) pid = Number(out.split('\n')[0]);
        }
        assert.ok(pid > 0, 'found a pid in namespace b');
        await r.links.set('vc', { netns: { pid } });
        assert.ok(ipJson<IpLink[]>(b, 'link', 'show').some((x) => x.ifname === 'vc'));
      } finally {
        sleeper.kill('SIGKILL');
      }
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'alternative names: add, get by altname, del (IFLA_PROP_LIST)', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      await r.links.addAltNames('veth0', ['a-very-long-alternative-name-0', 'alt0']);
      const o = ipJson<IpLink[]>(ns, 'link', 'show', 'veth0')[0]!;
      assert.equal(o.altnames, ['a-very-long-alternative-name-0', 'alt0']);
      const l = await r.links.get('a-very-long-alternative-name-0');
      assert.equal(l.name, 'veth0');
      assert.equal(l.propList?.altNames, ['a-very-long-alternative-name-0', 'alt0']);
      await r.links.delAltNames('veth0', ['alt0']);
      assert.equal(ipJson<IpLink[]>(ns, 'link', 'show', 'veth0')[0]!.altnames, ['a-very-long-alternative-name-0']);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'kernel errors are NetlinkError with errno name, request and extack message', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const e1 = await rejectsA(r.links.add({ name: 'x0', kind: unmodelledKind('no-such-kind') }), NetlinkError);
      assert.equal(e1.code, 'EOPNOTSUPP');
      assert.equal(e1.extack.message, 'Unknown device type');
      assert.equal(e1.request?.typeName, 'RTM_NEWLINK');
      assert.match(e1.message, /Unknown device type/);
      await r.links.add({ name: 'br0', kind: 'bridge' });
      const e2 = await rejectsA(r.links.add({ name: 'br0', kind: 'bridge' }), NetlinkError);
      assert.equal(e2.code, 'EEXIST');
      const e3 = await rejectsA(r.links.set('br0', { master: 'br0' }), NetlinkError);
      assert.ok(e3.errno > 0);
      const e4 = await rejectsA(r.links.set('br0', { mtu: 100000 }), NetlinkError);
      assert.equal(e4.code, 'EINVAL');
      // the kernel names the attribute: the offset is mapped back onto our request
      if (e4.extack.offset !== undefined) assert.equal(e4.extack.attributePath, 'IFLA_MTU');
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'list()/get() leave the IPv6 counters out by default (RTEXT_FILTER_SKIP_STATS, as ip link show); { stats: true } brings them, equal to /proc/net/dev_snmp6', async () => {
  await withNetns(1, async (ns) => {
    ip(ns, 'link', 'set', 'lo', 'up');
    sh('ip', ['netns', 'exec', ns, 'ping', '-6', '-c', '3', '-i', '0.2', '-q', '::1']);
    const r = await Rtnl.open({ netns: ns });
    try {
      // the kernel's own text view of the same counters (read before and after: they must bracket ours)
      const snmp6 = (): Record<string, bigint> =>
        Object.fromEntries(
          sh('ip', ['netns', 'exec', ns, 'cat', '/proc/net/dev_snmp6/lo'])
            .trim()
            .split('\n')
            .map((l) => l.trim().split(/\s+/))
            .map(([k, v]) => [k!, BigInt(v!)]),
        );
      const before = snmp6();
      const [full] = await r.links.list({ stats: true });
      const after = snmp6();
      const inet6 = full!.afSpec && 'inet6' in full!.afSpec ? full!.afSpec.inet6 : undefined;
      assert.ok(inet6?.stats && inet6.icmp6stats, 'a full dump carries IFLA_INET6_STATS and ICMP6STATS');
      const st = inet6!.stats as Record<string, bigint>;
      const ic = inet6!.icmp6stats as Record<string, bigint>;
      assert.ok(before.Ip6InReceives! >= 6n, `ping sent traffic over ::1 (${before.Ip6InReceives})`);
      for (const [ours, theirs] of [[st.inReceives, 'Ip6InReceives'], [st.outRequests, 'Ip6OutRequests'], [ic.inMsgs, 'Icmp6InMsgs'], [ic.outMsgs, 'Icmp6OutMsgs']] as const) {
        assert.ok(ours! >= before[theirs]! && ours! <= after[theirs]!, `${theirs}: ${before[theirs]} <= ${ours} <= ${after[theirs]}`);
      }
      const [brief] = await r.links.list();
      const bInet6 = brief!.afSpec && 'inet6' in brief!.afSpec ? brief!.afSpec.inet6 : undefined;
      assert.ok(bInet6?.conf, 'devconf is still there');
      assert.is(bInet6!.stats, undefined, 'no IPv6 counters');
      assert.is(bInet6!.icmp6stats, undefined, 'no ICMPv6 counters');
      assert.is(brief!.mtu, full!.mtu);
      const one = await r.links.get('lo');
      assert.is(one.afSpec && 'inet6' in one.afSpec ? one.afSpec.inet6?.stats : 'absent', undefined, 'get() leaves them out by default');
      const oneFull = await r.links.get('lo', { stats: true });
      assert.ok(oneFull.afSpec && 'inet6' in oneFull.afSpec && oneFull.afSpec.inet6?.stats, 'get() with stats: true has them');
      const [explicit] = await r.links.list({ stats: false });
      assert.is(explicit!.afSpec && 'inet6' in explicit!.afSpec ? explicit!.afSpec.inet6?.stats : 'absent', undefined, 'stats: false is the default, spelt out');
      // every link of the dump without counters (in the VM lane the kernel's fallback
      // tunnels are there too, some without IPv6 at all); lo with IPv6 and no counters
      const dumped = new Map<string, unknown>();
      for await (const l of r.links.dump()) dumped.set(l.name, l.afSpec && 'inet6' in l.afSpec ? l.afSpec.inet6?.stats : 'absent');
      assert.equal(madeLinks([...dumped.keys()]), ['lo'], 'the namespace holds lo (and at most the fallback tunnels)');
      assert.is(dumped.get('lo'), undefined, 'dump() leaves them out by default');
      for (const [name, v] of dumped) assert.ok(v === undefined || v === 'absent', `${name}: no IPv6 counters in a default dump`);
      await rejectsEachBeforeSending(r.socket, [
        [() => r.links.list({ stats: 'no' } as never), 'filter.stats'],
        [() => r.links.get('lo', { stats: 1 } as never), 'opts.stats'],
        [() => r.links.get('lo', { counters: false } as never), 'opts.counters'],
      ]);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'bad input is an ArgumentError thrown before anything is sent', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'sixteen-chars-xx', kind: 'veth' }), 'name'],
        [() => r.links.add({ name: 'a/b', kind: 'veth' }), 'name'],
        [() => r.links.add({ name: 'ok0', kind: '' } as never), 'kind'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', address: '02:00:00:00:00' } as never), 'address'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', mtu: -1 }), 'mtu'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', bridge: { stpState: 1, nope: 2 } as never }), 'bridge.nope'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', whatever: 1 } as never), 'whatever'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', peer: 'x' } as never), 'peer'],
        [() => r.links.add({ name: 'ok0', kind: 'veth', peer: { name: 'much-too-long-peer' } }), 'peer.name'],
        [() => r.links.add({ name: 'ok0', kind: 'bridge', stats64: {} } as never), 'stats64'],
        [() => r.links.set('veth0', { up: 'yes' } as never), 'up'],
        [() => r.links.set('', { up: true }), 'link'],
        [() => r.links.set(0, { up: true }), 'link'],
        [() => r.links.get(-3), 'link'],
        [() => r.links.del('x y'), 'link'],
        [() => r.links.add(null as never), 'options'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'a link created with netns set lands in that namespace (ip link add ... netns X)', async () => {
  await withNetns(2, async (a, b) => {
    const r = await Rtnl.open({ netns: a });
    try {
      await r.links.add({ name: 'v1', kind: 'veth', netns: b, peer: { name: 'v2', netns: b } });
      assert.equal(madeLinks(ipJson<IpLink[]>(b, 'link', 'show').map((x) => x.ifname)).sort(), ['lo', 'v1', 'v2']);
      assert.equal(madeLinks(ipJson<IpLink[]>(a, 'link', 'show').map((x) => x.ifname)), ['lo']);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'delGroup removes exactly the links of one interface group (ip link del group)', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      for (let i = 0; i < 5; i++) await r.links.add({ name: `g${i}`, kind: 'veth', peer: `q${i}`, group: 7 });
      await r.links.add({ name: 'keep0', kind: 'veth', peer: 'keep1', group: 8 });
      await r.links.add({ name: 'br0', kind: 'bridge' });
      const groups = ipJson<Array<{ ifname: string; group: string }>>(ns, '-d', 'link', 'show');
      assert.equal(groups.filter((l) => l.group === '7').map((l) => l.ifname).sort(), ['g0', 'g1', 'g2', 'g3', 'g4']);
      await r.links.delGroup(7);
      // the peers (group 0) went with their veth ends
      assert.equal(madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((x) => x.ifname)).sort(), ['br0', 'keep0', 'keep1', 'lo']);
      const before = r.socket.stats.datagramsOut;
      await rejectsA(r.links.delGroup(0), ArgumentError);
      await rejectsA(r.links.delGroup(1.5), ArgumentError);
      assert.equal(r.socket.stats.datagramsOut, before);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'opening in a missing namespace fails clearly and leaks nothing', async () => {
  const ns = createNs('gone');
  destroyNs(ns);
  const e = await rejectsA(Rtnl.open({ netns: ns }), NetlinkError);
  assert.equal(e.code, 'ENOENT');
  assert.match(e.message, new RegExp(ns));
});

test.run();
