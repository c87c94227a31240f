// Seed 004 (around its line 780-840): a VXLAN overlay between two hosts over an
// underlay, each host bridging its vxlan0 with a container's veth; flooding to the
// other VTEP by static all-zeros FDB entries (head-end replication); a ping from one
// container to the other crosses the overlay. Everything is built through the library;
// ip / bridge are the oracles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kindData } from '../../src/index.js';
import { ktest, sh, withNetns } from '../helpers.js';
import { assertRoundTrip, ipLink, openTapped, type Tapped } from '../kinds-support.js';

const NAME =
  'seed 004: VXLAN overlay between two namespaces (veth underlay, bridge, veth to a container) with static FDB head-end replication; containers ping across';

ktest(
  test,
  NAME,
  async () => {
    await withNetns(4, async (hostA, hostB, c1, c2) => {
      const opened: Tapped[] = [];
      const open = async (ns: string): Promise<Tapped> => {
        const t = await openTapped(ns);
        opened.push(t);
        return t;
      };
      try {
        const a = await open(hostA);
        const b = await open(hostB);
        // underlay: enp0s8 on both hosts, 192.168.8.100 <-> 192.168.8.101
        await a.r.links.add({ name: 'enp0s8', kind: 'veth', peer: { name: 'enp0s8', netns: hostB } });
        const hosts: Array<[Tapped, string, string, string, string]> = [
          [a, '192.168.8.100', '192.168.8.101', c1, '10.20.1.11'],
          [b, '192.168.8.101', '192.168.8.100', c2, '10.20.1.12'],
        ];
        for (const [h, local, other, container, addr] of hosts) {
          const { r } = h;
          await r.links.set('lo', { up: true });
          await r.links.set('enp0s8', { up: true });
          await r.addrs.add('enp0s8', `${local}/24`);
          // ip link add vxlan0 type vxlan id 42 dstport 4789 local LOCAL dev enp0s8   (no remote: FDB driven)
          await r.links.add({ name: 'vxlan0', kind: 'vxlan', vxlan: { id: 42, port: 4789, local, link: 'enp0s8' } });
          // bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst OTHER   (flood BUM traffic to the other VTEP)
          await r.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: other });
          // ip link add br0 type bridge; ip link set vxlan0 master br0; up
          await r.links.add({ name: 'br0', kind: 'bridge', bridge: { stpState: 0, forwardDelay: 0 } });
          await r.links.set('vxlan0', { master: 'br0', up: true });
          await r.links.set('br0', { up: true });
          // ip link add veth0 type veth peer name veth1; veth0 in br0; veth1 -> container as eth0
          await r.links.add({ name: 'veth0', kind: 'veth', peer: { name: 'veth1', netns: container } });
          await r.links.set('veth0', { master: 'br0', up: true });
          const c = await open(container);
          await c.r.links.set('lo', { up: true });
          await c.r.links.set('veth1', { name: 'eth0' });
          await c.r.addrs.add('eth0', `${addr}/24`);
          await c.r.links.set('eth0', { up: true });
        }
        // the kernel's view: vxlan0 in br0, and the static head-end entry
        for (const [h, , other] of hosts) {
          const ns = h === a ? hostA : hostB;
          const o = ipLink(ns, 'vxlan0');
          assert.equal([o.master, o.linkinfo?.info_data?.id, o.linkinfo?.info_data?.port], ['br0', 42, 4789]);
          const bj = JSON.parse(sh('bridge', ['-n', ns, '-j', 'fdb', 'show', 'dev', 'vxlan0'])) as Array<{ mac: string; dst?: string }>;
          assert.ok(bj.some((e) => e.mac === '00:00:00:00:00:00' && e.dst === other), `bridge fdb shows the head-end entry to ${other}`);
          const mine = await h.r.neighs.fdb.list({ dev: 'vxlan0' });
          assert.ok(mine.some((e) => e.lladdr === '00:00:00:00:00:00' && e.dst === other), 'the library lists it too');
          assert.equal(kindData((await h.r.links.list()).find((l) => l.name === 'vxlan0')!, 'vxlan')!.local, hosts.find((x) => x[0] === h)![1]);
        }
        let ok = false;
        for (let i = 0; i < 5 && !ok; i++) ok = /1 received/.test(sh('ip', ['netns', 'exec', c1, 'ping', '-c', '1', '-W', '1', '10.20.1.12'], { allowFail: true }));
        assert.ok(ok, 'container 1 pings container 2 across the overlay');
        assert.ok(/1 received/.test(sh('ip', ['netns', 'exec', c2, 'ping', '-c', '1', '-W', '1', '10.20.1.11'], { allowFail: true })), 'and back');
        // the bridges learned the remote container behind vxlan0 (a dynamic FDB entry with the other VTEP as dst)
        const learned = await a.r.neighs.fdb.list({ dev: 'vxlan0' });
        assert.ok(learned.some((e) => e.lladdr !== '00:00:00:00:00:00' && e.dst === '192.168.8.101'), JSON.stringify(learned.map((e) => [e.lladdr, e.dst])));
        assert.ok(assertRoundTrip(opened.flatMap((t) => t.inbound), 'seed004-overlay') >= 10);
      } finally {
        for (const t of opened) await t.close();
      }
    }, 'ov');
  },
  ['vxlan', 'bridge', 'veth'],
);

test.run();
