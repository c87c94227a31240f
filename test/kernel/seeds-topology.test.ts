// The seed articles' topologies built entirely through the library (namespaces,
// veth pairs, bridge, addresses, routes); iproute2's ping and `ip -j` only check the result.
//   seed 000 (/work/shared/seeds/000_f36e6ce78a8cf1d2.txt): two namespaces joined by a veth pair;
//            then net0 / net1 / bridge with renamed, moved veth ends and a bridge `br`.
//   seed 001 (/work/shared/seeds/001_239ef8673059aeda.txt): two "containers" on a bridge in a
//            "host" namespace with 172.27.0.1/16, default route via 172.27.0.1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, netns } from '../../src/index.js';
import { ktest, ipJson, sh, track, untrack, uniqueName, madeLinks } from '../helpers.js';

/** Namespaces made with the library's netns.add, always removed. */
async function withLibNetns(names: string[], fn: (...ns: string[]) => Promise<void>): Promise<void> {
  const made: string[] = [];
  try {
    for (const n of names) {
      const name = uniqueName(n);
      await netns.add(name);
      track(name);
      made.push(name);
    }
    await fn(...made);
  } finally {
    for (const n of made) {
      await netns.del(n).catch(() => undefined);
      untrack(n);
    }
  }
}

async function withHandles(names: string[], fn: (...r: Rtnl[]) => Promise<void>): Promise<void> {
  const hs: Rtnl[] = [];
  try {
    for (const n of names) hs.push(await Rtnl.open({ netns: n }));
    await fn(...hs);
  } finally {
    for (const h of hs) await h.close();
  }
}

function ping(ns: string, addr: string): { ok: boolean; out: string } {
  const out = sh('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '2', addr], { allowFail: true });
  return { ok: /1 received/.test(out), out };
}

ktest(test, 'seed 000, scenario 1: ip netns add net0/net1, veth pair moved into them, 10.0.1.1/24 and 10.0.1.2/24, ping', async () => {
  // The article creates the pair in the root namespace and moves the ends; we stand a scratch
  // namespace in for the root one so nothing is created on the host.
  await withLibNetns(['net0', 'net1', 'stage'], async (net0, net1, stage) => {
    await withHandles([stage, net0, net1], async (st, r0, r1) => {
      await st.links.add({ kind: 'veth', name: 'veth0', peer: 'veth1' }); //     ip link add type veth
      await st.links.set('veth0', { netns: net0 }); //                            ip link set veth0 netns net0
      await st.links.set('veth1', { netns: net1 }); //                            ip link set veth1 netns net1
      assert.equal(madeLinks((await st.links.list()).map((l) => l.name)), ['lo'], 'both ends left the staging namespace');
      await r0.links.set('veth0', { up: true }); //                               ip netns exec net0 ip link set veth0 up
      await r0.addrs.add('veth0', '10.0.1.1/24'); //                              ip netns exec net0 ip address add 10.0.1.1/24 dev veth0
      await r1.links.set('veth1', { up: true });
      await r1.addrs.add('veth1', '10.0.1.2/24');
      const p = ping(net0, '10.0.1.2'); //                                        ip netns exec net0 ping -c 3 10.0.1.2
      assert.ok(p.ok, p.out);
      // what the article shows with `ip ad` inside net0, checked with ip
      const shown = ipJson<Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number }> }>>(net0, 'address', 'show', 'dev', 'veth0')[0]!;
      assert.ok(shown.addr_info.some((a) => a.local === '10.0.1.1' && a.prefixlen === 24));
    });
  });
}, ['veth']);

ktest(test, 'seed 000, scenario 1 (direct): veth created with its peer already in net1', async () => {
  await withLibNetns(['net0', 'net1'], async (net0, net1) => {
    await withHandles([net0, net1], async (r0, r1) => {
      await r0.links.add({ kind: 'veth', name: 'veth0', peer: { name: 'veth1', netns: net1 } });
      await r0.links.set('veth0', { up: true });
      await r0.addrs.add('veth0', '10.0.1.1/24');
      await r1.links.set('veth1', { up: true });
      await r1.addrs.add('veth1', '10.0.1.2/24');
      const p = ping(net0, '10.0.1.2');
      assert.ok(p.ok, p.out);
    });
  });
}, ['veth']);

ktest(test, 'seed 000, scenario 2: net0 / net1 / bridge, renamed + moved veth ends, bridge br, ping across it', async () => {
  await withLibNetns(['net0', 'net1', 'bridge', 'stage'], async (net0, net1, bridge, stage) => {
    await withHandles([stage, net0, net1, bridge], async (st, r0, r1, rb) => {
      await st.links.add({ kind: 'veth', name: 'veth0', peer: 'veth1' }); //               ip link add type veth
      await st.links.set('veth0', { name: 'net0-bridge', netns: net0 }); //                 ip link set dev veth0 name net0-bridge netns net0
      await st.links.set('veth1', { name: 'bridge-net0', netns: bridge }); //               ip link set dev veth1 name bridge-net0 netns bridge
      await st.links.add({ kind: 'veth', name: 'veth0', peer: 'veth1' });
      await st.links.set('veth0', { name: 'net1-bridge', netns: net1 });
      await st.links.set('veth1', { name: 'bridge-net1', netns: bridge });
      await rb.links.add({ kind: 'bridge', name: 'br' }); //                               brctl addbr br
      await rb.links.set('br', { up: true });
      await rb.links.set('bridge-net0', { up: true });
      await rb.links.set('bridge-net1', { up: true });
      await rb.links.set('bridge-net0', { master: 'br' }); //                              brctl addif br bridge-net0
      await rb.links.set('bridge-net1', { master: 'br' });
      await r0.links.set('net0-bridge', { up: true });
      await r0.addrs.add('net0-bridge', '10.0.1.1/24');
      await r1.links.set('net1-bridge', { up: true });
      await r1.addrs.add('net1-bridge', '10.0.1.2/24');
      const ports = ipJson<Array<{ ifname: string; master?: string }>>(bridge, 'link', 'show', 'master', 'br');
      assert.equal(ports.map((p) => p.ifname).sort(), ['bridge-net0', 'bridge-net1']);
      const p = ping(net0, '10.0.1.2');
      assert.ok(p.ok, p.out);
      // the bridge learned both ends' MACs (bridge fdb, read through the library)
      const macs = new Set((await rb.neighs.fdb.list({ master: 'br' })).map((n) => n.lladdr));
      assert.ok(macs.has((await r0.links.get('net0-bridge')).address!), 'net0 MAC learned on the bridge');
      assert.ok(macs.has((await r1.links.get('net1-bridge')).address!), 'net1 MAC learned on the bridge');
    });
  });
}, ['veth', 'bridge']);

ktest(test, 'seed 001: containers on a host bridge 172.27.0.1/16 with default route via 172.27.0.1, ping each other and the bridge', async () => {
  await withLibNetns(['host', 'ns1', 'ns2'], async (host, ns1, ns2) => {
    await withHandles([host, ns1, ns2], async (h, c1, c2) => {
      await h.links.add({ kind: 'bridge', name: 'br0' });
      await h.addrs.add('br0', '172.27.0.1/16');
      await h.links.set('br0', { up: true });
      const containers: Array<[Rtnl, string, string, string]> = [
        [c1, ns1, 'veth-c1', '172.27.0.2/16'],
        [c2, ns2, 'veth-c2', '172.27.0.3/16'],
      ];
      for (const [c, ns, hostEnd, cidr] of containers) {
        // the container's end is eth0, the host's end is enslaved to br0
        await h.links.add({ kind: 'veth', name: hostEnd, peer: { name: 'eth0', netns: ns } });
        await h.links.set(hostEnd, { master: 'br0', up: true });
        await c.links.set('lo', { up: true });
        await c.links.set('eth0', { up: true });
        await c.addrs.add('eth0', cidr);
        await c.routes.add({ dst: '0.0.0.0/0', gateway: '172.27.0.1' }); // route add -net 0.0.0.0 gw 172.27.0.1
        // the article's `route -n`: 172.27.0.0/16 on eth0, and 0.0.0.0 via 172.27.0.1
        const table = ipJson<Array<{ dst: string; gateway?: string; dev: string; scope?: string }>>(ns, 'route', 'show');
        assert.equal(
          table.map((t) => [t.dst, t.gateway ?? null, t.dev]).sort(),
          [['172.27.0.0/16', null, 'eth0'], ['default', '172.27.0.1', 'eth0']],
        );
        const mine = (await c.routes.list({ family: 'inet', table: 'main' })).map((r) => [r.dst, r.gateway ?? null, r.oif]).sort();
        const eth0 = (await c.links.get('eth0')).index;
        assert.equal(mine, [['172.27.0.0/16', null, eth0], ['default', '172.27.0.1', eth0]]);
        // anything off the bridge network goes to the gateway
        const out = await c.routes.get('8.8.8.8');
        assert.equal(out.gateway, '172.27.0.1');
        assert.equal(out.oif, eth0);
      }
      for (const [from, to] of [[ns1, '172.27.0.3'], [ns2, '172.27.0.2'], [ns1, '172.27.0.1'], [ns2, '172.27.0.1']] as const) {
        const p = ping(from, to);
        assert.ok(p.ok, `${from} -> ${to}: ${p.out}`);
      }
      // ARP entries the pings left behind, seen by the library and by ip
      const arp = await c1.neighs.list({ dev: 'eth0', family: 'inet' });
      const oracle = ipJson<Array<{ dst: string; lladdr?: string }>>(ns1, '-4', 'neigh', 'show', 'dev', 'eth0');
      for (const o of oracle) assert.equal(arp.find((n) => n.dst === o.dst)?.lladdr, o.lladdr, `ARP entry for ${o.dst}`);
      assert.ok(arp.some((n) => n.dst === '172.27.0.3'), 'ns1 resolved ns2');
    });
  });
}, ['veth', 'bridge']);

test.run();
