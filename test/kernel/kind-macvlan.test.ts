// macvlan and macvtap against the live kernel, `ip -j -d link show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kindData, type MacvlanOptions } from '../../src/index.js';
import { ktest, sh, withNetns } from '../helpers.js';
import { assertRoundTrip, compareData, ipLink, libLink, openTapped } from '../kinds-support.js';

const macvlanMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  mode: (d) => d.mode,
  nopromisc: (d) => ((d.flags as number) & 1) !== 0,
  nodst: (d) => ((d.flags as number) & 2) !== 0,
  bcqueuelen: (d) => d.bcQueueLen,
  usedbcqueuelen: (d) => d.bcQueueLenUsed,
  bclim: (d) => d.bcCutoff,
  macaddr_count: (d) => d.macaddrCount,
  macaddr_data: (d) => d.macaddrData,
};

ktest(
  test,
  'macvlan and macvtap in private, vepa, bridge and passthru modes on a parent: ip and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.add({ name: 'eth1', kind: 'veth', peer: 'eth1p' });
        await r.links.add({ name: 'eth2', kind: 'veth', peer: 'eth2p' });
        const made: Array<[string, 'macvlan' | 'macvtap', MacvlanOptions, string]> = [
          ['mvpriv', 'macvlan', { mode: 'private', bcQueueLen: 321 }, 'eth0'],
          ['mvvepa', 'macvlan', { mode: 'vepa' }, 'eth0'],
          ['mvbr', 'macvlan', { mode: 'bridge' }, 'eth0'],
          ['mtbr', 'macvtap', { mode: 'bridge', bcQueueLen: 77 }, 'eth0'],
          ['mvpt', 'macvlan', { mode: 'passthru', nopromisc: true }, 'eth1'],
          ['mtpt', 'macvtap', { mode: 'passthru' }, 'eth2'],
        ];
        for (const [name, kind, opts, link] of made) {
          await r.links.add({ name, kind, link, [kind]: opts });
        }
        // passthru puts the parent in promiscuous mode when the macvlan opens, unless nopromisc
        await r.links.set('mvpt', { up: true });
        await r.links.set('mtpt', { up: true });
        const links = await r.links.list();
        for (const [name, kind, opts, link] of made) {
          const o = ipLink(ns, name);
          assert.equal(o.linkinfo?.info_kind, kind, `${name} kind`);
          assert.equal(o.link, link, `${name} parent`);
          const id = o.linkinfo!.info_data!;
          assert.equal(id.mode, opts.mode, `${name} mode`);
          if (opts.bcQueueLen !== undefined) assert.equal(id.bcqueuelen, opts.bcQueueLen, `${name} bcqueuelen`);
          if (opts.nopromisc) assert.equal(id.nopromisc, true, `${name} nopromisc`);
          const l = links.find((x) => x.name === name)!;
          assert.equal(l.link, links.find((x) => x.name === link)!.index, `${name}: IFLA_LINK is the parent`);
          compareData(name, id, kindData(l, kind) as Record<string, unknown>, macvlanMap);
        }
        assert.equal(links.find((x) => x.name === 'eth1')!.promiscuity, 0);
        assert.ok(links.find((x) => x.name === 'eth2')!.promiscuity! > 0);
        // change the mode of a live macvlan
        await r.links.set('mvvepa', { macvlan: { mode: 'private' } });
        assert.equal(ipLink(ns, 'mvvepa').linkinfo!.info_data!.mode, 'private');
        assert.equal(kindData(await libLink(r, 'mvvepa'), 'macvlan')!.mode, 'private');
        assert.ok(assertRoundTrip(t.inbound, 'macvlan') >= 10);
        for (const [name] of made) await r.links.del(name);
        assert.equal((await r.links.list()).filter((l) => l.kind === 'macvlan' || l.kind === 'macvtap'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['macvlan', 'macvtap'],
);

ktest(
  test,
  'macvlan source mode: the source MAC list set on add, then add/del/flush (IFLA_MACVLAN_MACADDR_MODE/DATA), nodst',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.add({
          name: 'mvsrc',
          kind: 'macvlan',
          link: 'eth0',
          macvlan: { mode: 'source', nodst: true, macaddrMode: 'set', macaddrData: ['02:00:00:00:00:0a', '02:00:00:00:00:0b'] },
        });
        const sorted = (a: unknown): string[] => [...(a as string[])].sort();
        let id = ipLink(ns, 'mvsrc').linkinfo!.info_data!;
        assert.equal(id.mode, 'source');
        assert.equal(id.nodst, true);
        assert.equal(id.macaddr_count, 2);
        assert.equal(sorted(id.macaddr_data), ['02:00:00:00:00:0a', '02:00:00:00:00:0b']);
        let d = kindData(await libLink(r, 'mvsrc'), 'macvlan')!;
        compareData('mvsrc', id, d as Record<string, unknown>, macvlanMap);

        await r.links.set('mvsrc', { macvlan: { macaddrMode: 'add', macaddr: '02:00:00:00:00:0c' } });
        await r.links.set('mvsrc', { macvlan: { macaddrMode: 'del', macaddr: '02:00:00:00:00:0a' } });
        id = ipLink(ns, 'mvsrc').linkinfo!.info_data!;
        assert.equal(sorted(id.macaddr_data), ['02:00:00:00:00:0b', '02:00:00:00:00:0c']);
        d = kindData(await libLink(r, 'mvsrc'), 'macvlan')!;
        assert.equal(sorted(d.macaddrData), ['02:00:00:00:00:0b', '02:00:00:00:00:0c']);
        compareData('mvsrc after add/del', id, d as Record<string, unknown>, macvlanMap);

        await r.links.set('mvsrc', { macvlan: { macaddrMode: 'flush' } });
        id = ipLink(ns, 'mvsrc').linkinfo!.info_data!;
        assert.equal(id.macaddr_count, 0);
        d = kindData(await libLink(r, 'mvsrc'), 'macvlan')!;
        assert.equal(d.macaddrCount, 0);
        assert.equal(d.macaddrData, undefined);
        assert.ok(assertRoundTrip(t.inbound, 'macvlan-source') >= 4);
      } finally {
        await t.close();
      }
    });
  },
  ['macvlan'],
);

ktest(
  test,
  'seed 003: two bridge-mode macvlans on one parent, moved into two namespaces, ping each other',
  async () => {
    // # ip link add macvlan1 link eth0 type macvlan mode bridge
    // # ip link add macvlan2 link eth0 type macvlan mode bridge
    // # ip netns add net1; ip netns add net2
    // # ip link set macvlan1 netns net1; ip link set macvlan2 netns net2
    await withNetns(3, async (host, net1, net2) => {
      const t = await openTapped(host);
      const t1 = await openTapped(net1);
      const t2 = await openTapped(net2);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.set('eth0', { up: true });
        await r.links.set('eth0p', { up: true });
        await r.links.add({ name: 'macvlan1', kind: 'macvlan', link: 'eth0', macvlan: { mode: 'bridge' } });
        await r.links.add({ name: 'macvlan2', kind: 'macvlan', link: 'eth0', macvlan: { mode: 'bridge' } });
        await r.links.set('macvlan1', { netns: net1 });
        await r.links.set('macvlan2', { netns: net2 });
        assert.equal((await r.links.list()).filter((l) => l.kind === 'macvlan'), [], 'both moved out of the host namespace');
        for (const [x, addr] of [[t1, '10.3.0.1/24'], [t2, '10.3.0.2/24']] as const) {
          const l = await libLink(x.r, addr.startsWith('10.3.0.1') ? 'macvlan1' : 'macvlan2');
          assert.equal(kindData(l, 'macvlan')!.mode, 'bridge');
          assert.ok(l.linkNetnsId !== undefined, 'its parent is in another namespace (IFLA_LINK_NETNSID)');
          await x.r.links.set(l.name, { up: true });
          await x.r.addrs.add(l.name, addr);
        }
        const o1 = ipLink(net1, 'macvlan1');
        assert.equal(o1.linkinfo?.info_data?.mode, 'bridge');
        let ok = false;
        for (let i = 0; i < 5 && !ok; i++) ok = /1 received/.test(sh('ip', ['netns', 'exec', net1, 'ping', '-c', '1', '-W', '1', '10.3.0.2'], { allowFail: true }));
        assert.ok(ok, 'net1 pings net2 through the parent in bridge mode');
        assert.ok(/1 received/.test(sh('ip', ['netns', 'exec', net2, 'ping', '-c', '1', '-W', '1', '10.3.0.1'], { allowFail: true })), 'and back');
        assert.ok(assertRoundTrip([...t.inbound, ...t1.inbound, ...t2.inbound], 'seed003') >= 4);
      } finally {
        await t.close();
        await t1.close();
        await t2.close();
      }
    }, 'mv');
  },
  ['macvlan'],
);

test.run();
