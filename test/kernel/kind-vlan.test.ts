// 802.1Q/802.1ad vlan links against the live kernel (module 8021q), `ip -j -d link` as the oracle,
// and the KVM-style VLAN bridge of seed 002 (eth0.10 in brvlan10) with pings across it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError, kindData } from '../../src/index.js';
import { ip, ktest, sh, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, compareData, ipLink, libLink, openTapped } from '../kinds-support.js';

const FLAG_NAMES: Array<[string, string]> = [
  ['reorderHdr', 'REORDER_HDR'],
  ['gvrp', 'GVRP'],
  ['looseBinding', 'LOOSE_BINDING'],
  ['mvrp', 'MVRP'],
  ['bridgeBinding', 'BRIDGE_BINDING'],
];

const vlanMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  protocol: (d) => d.protocol,
  id: (d) => d.id,
  // ip prints the names of the set bits (in its own order); compare as sets below
  flags: (d) => {
    const f = d.flags as Record<string, boolean>;
    return FLAG_NAMES.filter(([k]) => f[k]).map(([, n]) => n);
  },
  ingress_qos: (d) => d.ingressQos,
  egress_qos: (d) => d.egressQos,
};

/** ip's flag list in our order, so the comparison does not depend on ip's print order. */
function normalizeIpFlags(id: Record<string, unknown>): Record<string, unknown> {
  const f = id.flags as string[] | undefined;
  return f ? { ...id, flags: FLAG_NAMES.map(([, n]) => n).filter((n) => f.includes(n)) } : id;
}

ktest(
  test,
  'vlan: 802.1ad with flags and QoS maps, and a plain 802.1Q one; ip and library list agree; set changes flags and maps',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.add({
          name: 'eth0.10',
          kind: 'vlan',
          link: 'eth0',
          vlan: {
            id: 10,
            protocol: '802.1ad',
            flags: { reorderHdr: false, gvrp: true, looseBinding: true, mvrp: true },
            ingressQos: [
              { from: 1, to: 2 },
              { from: 3, to: 4 },
            ],
            egressQos: [
              { from: 2, to: 3 },
              { from: 5, to: 6 },
            ],
          },
        });
        await r.links.add({ name: 'eth0.20', kind: 'vlan', link: 'eth0', vlan: { id: 20 } });
        const o10 = ipLink(ns, 'eth0.10');
        assert.equal(o10.link, 'eth0');
        const id10 = o10.linkinfo!.info_data!;
        assert.equal(id10.protocol, '802.1ad');
        assert.equal(id10.id, 10);
        assert.equal([...(id10.flags as string[])].sort(), ['GVRP', 'LOOSE_BINDING', 'MVRP']);
        assert.equal(id10.ingress_qos, [
          { from: 1, to: 2 },
          { from: 3, to: 4 },
        ]);
        assert.equal(id10.egress_qos, [
          { from: 2, to: 3 },
          { from: 5, to: 6 },
        ]);
        const id20 = ipLink(ns, 'eth0.20').linkinfo!.info_data!;
        assert.equal([id20.protocol, id20.id, id20.flags], ['802.1Q', 20, ['REORDER_HDR']]);

        const links = await r.links.list();
        const l10 = links.find((l) => l.name === 'eth0.10')!;
        assert.equal(l10.link, links.find((l) => l.name === 'eth0')!.index);
        const d10 = kindData(l10, 'vlan')!;
        assert.equal(d10.flags!.mask, 0xffffffff, 'the kernel reports every flag bit');
        assert.equal(d10.flags!.reorderHdr, false);
        compareData('eth0.10', normalizeIpFlags(id10), d10 as Record<string, unknown>, vlanMap);
        compareData('eth0.20', normalizeIpFlags(id20), kindData(links.find((l) => l.name === 'eth0.20')!, 'vlan') as Record<string, unknown>, vlanMap);

        // change flags and maps of a live vlan
        await r.links.set('eth0.20', { vlan: { flags: { reorderHdr: false, bridgeBinding: true }, egressQos: [{ from: 7, to: 1 }] } });
        const id20b = ipLink(ns, 'eth0.20').linkinfo!.info_data!;
        assert.equal(id20b.flags, ['BRIDGE_BINDING']);
        assert.equal(id20b.egress_qos, [{ from: 7, to: 1 }]);
        compareData('eth0.20 after set', normalizeIpFlags(id20b), kindData(await libLink(r, 'eth0.20'), 'vlan') as Record<string, unknown>, vlanMap);

        // the kernel refuses a second vlan with the same id on the same parent
        const e = await rejectsA(r.links.add({ name: 'dup10', kind: 'vlan', link: 'eth0', vlan: { id: 10, protocol: '802.1ad' } }), NetlinkError);
        assert.equal(e.code, 'EEXIST');
        assert.ok(assertRoundTrip(t.inbound, 'vlan') >= 6);
        await r.links.del('eth0.10');
        await r.links.del('eth0.20');
        assert.equal((await r.links.list()).filter((l) => l.kind === 'vlan'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['vlan'],
);

ktest(test, 'vlan options are checked before anything is sent (runs without 8021q)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 4095 } }), 'vlan.id'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: -1 } }), 'vlan.id'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: {} } as never), 'vlan.id'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0' } as never), 'vlan.id'],
        [() => r.links.add({ name: 'v', kind: 'vlan', vlan: { id: 5 } } as never), 'link'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 5, protocol: '802.1x' as never } }), 'vlan.protocol'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 5, flags: { reorder: true } as never } }), 'vlan.flags.reorder'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 5, ingressQos: [{ from: 8, to: 1 }] } }), 'vlan.ingressQos[0].from'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 5, egressQos: [{ from: 1, to: 9 }] } }), 'vlan.egressQos[0].to'],
        [() => r.links.add({ name: 'v', kind: 'vlan', link: 'eth0', vlan: { id: 5, pcp: 1 } as never }), 'vlan.pcp'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

/** Ping once from a namespace; true when a reply came back. */
function ping(ns: string, addr: string): boolean {
  const out = sh('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', addr], { allowFail: true });
  return /1 received/.test(out);
}

ktest(
  test,
  'seed 002: KVM host with eth0.10 in brvlan10 and eth0.20 in brvlan20; VLAN 10 reaches across the trunk, VLAN 20 is isolated from it',
  async () => {
    // host: the hypervisor (eth0 = trunk port, eth0.10/eth0.20, brvlan10/brvlan20, vnet0/vnet1 = VM taps)
    // sw: the switch side of the trunk, with a gateway on VLAN 10 only
    // vm1 / vm2: the guests (their eth0 is the other end of vnet0 / vnet1)
    await withNetns(4, async (host, sw, vm1, vm2) => {
      const t = await openTapped(host);
      try {
        const { r } = t;
        await r.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'trunk', netns: sw } });
        await r.links.add({ name: 'eth0.10', kind: 'vlan', link: 'eth0', vlan: { id: 10 } });
        await r.links.add({ name: 'eth0.20', kind: 'vlan', link: 'eth0', vlan: { id: 20 } });
        await r.links.add({ name: 'brvlan10', kind: 'bridge', bridge: { stpState: 0, forwardDelay: 0 } });
        await r.links.add({ name: 'brvlan20', kind: 'bridge', bridge: { stpState: 0, forwardDelay: 0 } });
        await r.links.add({ name: 'vnet0', kind: 'veth', peer: { name: 'eth0', netns: vm1 } });
        await r.links.add({ name: 'vnet1', kind: 'veth', peer: { name: 'eth0', netns: vm2 } });
        await r.links.set('eth0', { up: true }); // a vlan cannot come up before its parent
        await r.links.set('eth0.10', { master: 'brvlan10', up: true });
        await r.links.set('vnet0', { master: 'brvlan10', up: true });
        await r.links.set('eth0.20', { master: 'brvlan20', up: true });
        await r.links.set('vnet1', { master: 'brvlan20', up: true });
        for (const n of ['brvlan10', 'brvlan20']) await r.links.set(n, { up: true });
        // like `brctl show`: each bridge holds its VLAN device and the VM's tap
        const links = await r.links.list();
        const portsOf = (br: string): string[] =>
          links
            .filter((l) => l.master === links.find((x) => x.name === br)!.index)
            .map((l) => l.name)
            .sort();
        assert.equal(portsOf('brvlan10'), ['eth0.10', 'vnet0']);
        assert.equal(portsOf('brvlan20'), ['eth0.20', 'vnet1']);
        assert.equal(ipLink(host, 'eth0.10').master, 'brvlan10');
        assert.equal(ipLink(host, 'eth0.10').linkinfo?.info_slave_kind, 'bridge');

        // the switch side of the trunk: VLAN 10 gateway
        const rs = await openTapped(sw);
        const r1 = await openTapped(vm1);
        const r2 = await openTapped(vm2);
        try {
          await rs.r.links.add({ name: 'trunk.10', kind: 'vlan', link: 'trunk', vlan: { id: 10 } });
          await rs.r.links.set('trunk', { up: true });
          await rs.r.links.set('trunk.10', { up: true });
          await rs.r.addrs.add('trunk.10', '192.168.100.1/24');
          await r1.r.links.set('eth0', { up: true });
          await r1.r.addrs.add('eth0', '192.168.100.10/24');
          await r2.r.links.set('eth0', { up: true });
          await r2.r.addrs.add('eth0', '192.168.100.20/24');
          for (const x of [rs.r, r1.r, r2.r]) await x.links.set('lo', { up: true });
          // VM1 (VLAN 10) reaches the gateway through brvlan10 -> eth0.10 -> tagged on the trunk
          let ok = false;
          for (let i = 0; i < 5 && !ok; i++) ok = ping(vm1, '192.168.100.1');
          assert.ok(ok, 'vm1 on VLAN 10 pings the VLAN 10 gateway across the trunk');
          // VM2 (VLAN 20) is in the same IP subnet but another VLAN: no reply (ARP stays in VLAN 20)
          assert.not.ok(ping(vm2, '192.168.100.1'), 'vm2 on VLAN 20 cannot reach VLAN 10');
          assert.not.ok(ping(vm2, '192.168.100.10'), 'vm2 cannot reach vm1');
          assert.ok(assertRoundTrip([...t.inbound, ...rs.inbound, ...r1.inbound, ...r2.inbound], 'seed002') >= 10);
        } finally {
          await rs.close();
          await r1.close();
          await r2.close();
        }
        // sanity: ip in the switch namespace sees the tagged sub-interface on the trunk
        assert.match(ip(sw, '-d', 'link', 'show', 'trunk.10'), /vlan protocol 802.1Q id 10/);
      } finally {
        await t.close();
      }
    }, 'vl');
  },
  ['vlan', 'bridge', 'veth'],
);

test.run();
