// vxlan links against the live kernel, with `ip -j -d link show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError, kindData, type VxlanData } from '../../src/index.js';
import { ktest, sh, withNetns } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, bool, compareData, hex, ipLink, libLink, nameOf, openTapped } from '../kinds-support.js';

/** ip's info_data keys for vxlan, computed from the library's decoded data. */
function vxlanMap(names: (i: unknown) => string | undefined): Record<string, (d: Record<string, unknown>) => unknown> {
  const mcast4 = (a: unknown): boolean => typeof a === 'string' && Number(a.split('.')[0]) >= 224 && Number(a.split('.')[0]) <= 239;
  const mcast6 = (a: unknown): boolean => typeof a === 'string' && a.toLowerCase().startsWith('ff');
  const v6 = (a: unknown): boolean => typeof a === 'string' && a.includes(':');
  const v4 = (a: unknown): boolean => typeof a === 'string' && !a.includes(':');
  return {
    id: (d) => d.id,
    // ip prints IFLA_VXLAN_GROUP as remote or group by the address (and GROUP6 as remote6 or group6);
    // the library reads both back under the option name (remote: unicast, group: multicast) whatever the family
    remote: (d) => (v4(d.remote) ? d.remote : undefined),
    group: (d) => (v4(d.group) && mcast4(d.group) ? d.group : undefined),
    remote6: (d) => (v6(d.remote) ? d.remote : undefined),
    group6: (d) => (v6(d.group) && mcast6(d.group) ? d.group : undefined),
    local: (d) => (v4(d.local) ? d.local : undefined),
    local6: (d) => (v6(d.local) ? d.local : undefined),
    link: (d) => names(d.link),
    port_range: (d) => d.portRange,
    port: (d) => d.port,
    learning: (d) => bool(d.learning),
    proxy: (d) => bool(d.proxy),
    rsc: (d) => bool(d.rsc),
    l2miss: (d) => bool(d.l2miss),
    l3miss: (d) => bool(d.l3miss),
    tos: (d) => hex(d.tos),
    ttl: (d) => d.ttl,
    df: (d) => d.df,
    label: (d) => hex(d.label),
    ageing: (d) => d.ageing,
    limit: (d) => d.limit,
    udp_csum: (d) => bool(d.udpCsum),
    udp_zero_csum6_tx: (d) => bool(d.udpZeroCsum6Tx),
    udp_zero_csum6_rx: (d) => bool(d.udpZeroCsum6Rx),
    remcsum_tx: (d) => bool(d.remcsumTx),
    remcsum_rx: (d) => bool(d.remcsumRx),
    gbp: (d) => d.gbp === true,
    gpe: (d) => d.gpe === true,
    external: (d) => bool(d.collectMetadata),
    vnifilter: (d) => bool(d.vnifilter),
  };
}

ktest(
  test,
  'vxlan over IPv4 with non-default options: kernel view (ip) and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'under0', kind: 'veth', peer: 'under1' });
        await r.links.add({
          name: 'vx0',
          kind: 'vxlan',
          mtu: 1400,
          vxlan: {
            id: 4242,
            remote: '192.0.2.7',
            local: '192.0.2.1',
            link: 'under0',
            port: 4789,
            portRange: { low: 1000, high: 2000 },
            ttl: 5,
            tos: 0x10,
            learning: false,
            proxy: true,
            rsc: true,
            l2miss: true,
            l3miss: true,
            ageing: 100,
            limit: 50,
            udpCsum: false,
            gbp: true,
            df: 'set',
            remcsumTx: true,
            remcsumRx: true,
          },
        });
        const o = ipLink(ns, 'vx0');
        assert.equal(o.linkinfo?.info_kind, 'vxlan');
        assert.equal(o.mtu, 1400);
        const id = o.linkinfo!.info_data!;
        // what we asked for, as the kernel reports it through ip
        assert.equal(id.id, 4242);
        assert.equal(id.remote, '192.0.2.7');
        assert.equal(id.local, '192.0.2.1');
        assert.equal(id.link, 'under0');
        assert.equal(id.port, 4789);
        assert.equal(id.port_range, { low: 1000, high: 2000 });
        assert.equal(id.ttl, 5);
        assert.equal(id.tos, '0x10');
        assert.equal(id.learning, false);
        assert.equal(id.proxy, true);
        assert.equal(id.rsc, true);
        assert.equal(id.l2miss, true);
        assert.equal(id.l3miss, true);
        assert.equal(id.ageing, 100);
        assert.equal(id.limit, 50);
        assert.equal(id.udp_csum, false);
        assert.equal(id.gbp, true);
        assert.equal(id.df, 'set');
        assert.equal(id.remcsum_tx, true);
        assert.equal(id.remcsum_rx, true);
        // and the library's decoded view of the same link, key by key
        const links = await r.links.list();
        const l = await libLink(r, 'vx0');
        assert.equal(l.kind, 'vxlan');
        const d = kindData(l, 'vxlan') as VxlanData;
        assert.equal(d.id, 4242);
        // read back as written: a unicast remote is `remote`, not `group` (ip prints it as remote too)
        assert.equal([d.remote, d.local, d.group], ['192.0.2.7', '192.0.2.1', undefined]);
        assert.equal(d.link, links.find((x) => x.name === 'under0')!.index);
        compareData('vx0', id, d as Record<string, unknown>, vxlanMap((i) => nameOf(links, i)));
        assert.ok(assertRoundTrip(t.inbound, 'vxlan') >= 4);
        await r.links.del('vx0');
        assert.equal((await r.links.list()).some((x) => x.name === 'vx0'), false);
      } finally {
        await t.close();
      }
    });
  },
  ['vxlan'],
);

ktest(
  test,
  'vxlan over IPv6: multicast group, local, ttl inherit, flow label, zero UDP checksums',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'under0', kind: 'veth', peer: 'under1' });
        await r.links.add({
          name: 'vx6',
          kind: 'vxlan',
          vxlan: { id: 7, group: 'ff05::5', local: '2001:db8::2', link: 'under0', ttlInherit: true, label: 0x12345, tos: 1, udpZeroCsum6Tx: true, udpZeroCsum6Rx: true, port: 4789 },
        });
        const id = ipLink(ns, 'vx6').linkinfo!.info_data!;
        assert.equal(id.group6, 'ff05::5');
        assert.equal(id.local6, '2001:db8::2');
        assert.equal(id.label, '0x12345');
        assert.equal(id.tos, '0x1');
        assert.equal(id.udp_zero_csum6_tx, true);
        assert.equal(id.udp_zero_csum6_rx, true);
        const links = await r.links.list();
        const d = kindData(await libLink(r, 'vx6'), 'vxlan')!;
        // read back as written: group and local, whatever the family (not the attributes' group6/local6)
        assert.equal([d.group, d.local, d.group6, d.local6, d.remote], ['ff05::5', '2001:db8::2', undefined, undefined, undefined]);
        assert.equal(d.ttlInherit, true, 'IFLA_VXLAN_TTL_INHERIT (sent as a flag, dumped as u8)');
        compareData('vx6', id, d as Record<string, unknown>, vxlanMap((i) => nameOf(links, i)));
        assert.ok(assertRoundTrip(t.inbound, 'vxlan6') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['vxlan'],
);

ktest(
  test,
  'vxlan remote vs group: each address reads back under the option it was written with (ip prints remote/group/remote6/group6 alike)',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        // what each device is created with, the ip -j key the address appears under, and links.set changes
        const cases: Array<{ name: string; vxlan: Record<string, unknown>; ip: Record<string, string> }> = [
          { name: 'vxr4', vxlan: { id: 21, remote: '192.0.2.21', local: '192.0.2.1' }, ip: { remote: '192.0.2.21', local: '192.0.2.1' } },
          { name: 'vxg4', vxlan: { id: 22, group: '239.1.1.22', local: '192.0.2.1', link: 'under0' }, ip: { group: '239.1.1.22', local: '192.0.2.1' } },
          { name: 'vxr6', vxlan: { id: 23, remote: '2001:db8::23', local: '2001:db8::1' }, ip: { remote6: '2001:db8::23', local6: '2001:db8::1' } },
          { name: 'vxg6', vxlan: { id: 24, group: 'ff05::24', link: 'under0' }, ip: { group6: 'ff05::24' } },
        ];
        await r.links.add({ name: 'under0', kind: 'veth', peer: 'under1' });
        const under0 = (await libLink(r, 'under0')).index;
        for (const c of cases) {
          const created = await r.links.add({ name: c.name, kind: 'vxlan', vxlan: c.vxlan as { id: number } });
          const id = ipLink(ns, c.name).linkinfo!.info_data!;
          for (const [k, v] of Object.entries(c.ip)) assert.equal(id[k], v, `${c.name}: ip -j shows ${k}`);
          // both what links.add() returned and a later list: every option written, under its name, in its form
          for (const d of [kindData(created, 'vxlan')!, kindData(await libLink(r, c.name), 'vxlan')!]) {
            for (const [k, v] of Object.entries(c.vxlan)) assert.equal((d as Record<string, unknown>)[k], k === 'link' ? under0 : v, `${c.name}.${k}`);
            for (const k of ['remote', 'group', 'local', 'group6', 'local6']) if (!(k in c.vxlan)) assert.equal((d as Record<string, unknown>)[k], undefined, `${c.name}: no ${k}`);
          }
        }
        // the data read back is valid input: change the remote with links.set and read it back
        await r.links.set('vxr6', { vxlan: { remote: '2001:db8::99' } });
        assert.equal(ipLink(ns, 'vxr6').linkinfo!.info_data!.remote6, '2001:db8::99');
        assert.equal(kindData(await libLink(r, 'vxr6'), 'vxlan')!.remote, '2001:db8::99');
        assert.ok(assertRoundTrip(t.inbound, 'vxlan-remote') >= 4);
      } finally {
        await t.close();
      }
    });
  },
  ['vxlan'],
);

ktest(
  test,
  'vxlan external (collect metadata) with vnifilter; links.set changes options; kernel refusals are NetlinkErrors',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'vxe', kind: 'vxlan', vxlan: { collectMetadata: true, vnifilter: true, port: 4790, learning: false } });
        let id = ipLink(ns, 'vxe').linkinfo!.info_data!;
        assert.equal(id.external, true);
        assert.equal(id.vnifilter, true);
        assert.equal(id.port, 4790);
        const links = await r.links.list();
        compareData('vxe', id, kindData(await libLink(r, 'vxe'), 'vxlan') as Record<string, unknown>, vxlanMap((i) => nameOf(links, i)));

        await r.links.add({ name: 'vx1', kind: 'vxlan', vxlan: { id: 11, port: 4789, remote: '192.0.2.9' } });
        await r.links.set('vx1', { vxlan: { ageing: 222, learning: false, ttl: 9 } });
        id = ipLink(ns, 'vx1').linkinfo!.info_data!;
        assert.equal(id.ageing, 222);
        assert.equal(id.learning, false);
        assert.equal(id.ttl, 9);
        const d = kindData(await libLink(r, 'vx1'), 'vxlan')!;
        assert.equal([d.ageing, d.learning, d.ttl], [222, false, 9]);
        // the kernel does not let the destination port change
        const e = await rejectsA(r.links.set('vx1', { vxlan: { port: 9999 } }), NetlinkError);
        assert.equal(e.code, 'EOPNOTSUPP');
        assert.match(e.extack.message ?? '', /port/i);
        assert.equal(e.request?.typeName, 'RTM_NEWLINK');
        assert.ok(assertRoundTrip(t.inbound, 'vxlan-ext') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['vxlan'],
);

ktest(
  test,
  'seed 004: point-to-point VXLAN (id 42, dstport 4789, remote/local, dev) between two namespaces over a veth underlay; ping across',
  async () => {
    // ip link add vxlan0 type vxlan id 42 dstport 4789 remote 192.168.8.101 local 192.168.8.100 dev enp0s8
    // ip addr add 10.20.1.2/24 dev vxlan0; ip link set vxlan0 up      (and the mirror image on host B)
    await withNetns(2, async (a, b) => {
      const ta = await openTapped(a);
      const tb = await openTapped(b);
      try {
        await ta.r.links.add({ name: 'enp0s8', kind: 'veth', peer: { name: 'enp0s8', netns: b } });
        const hosts: Array<[typeof ta, string, string, string]> = [
          [ta, '192.168.8.100', '192.168.8.101', '10.20.1.2'],
          [tb, '192.168.8.101', '192.168.8.100', '10.20.1.3'],
        ];
        for (const [t, local, remote, overlay] of hosts) {
          await t.r.links.set('lo', { up: true });
          await t.r.links.set('enp0s8', { up: true });
          await t.r.addrs.add('enp0s8', `${local}/24`);
          await t.r.links.add({ name: 'vxlan0', kind: 'vxlan', vxlan: { id: 42, port: 4789, remote, local, link: 'enp0s8' } });
          await t.r.addrs.add('vxlan0', `${overlay}/24`);
          await t.r.links.set('vxlan0', { up: true });
        }
        const id = ipLink(b, 'vxlan0').linkinfo!.info_data!;
        assert.equal([id.id, id.port, id.remote, id.local, id.link], [42, 4789, '192.168.8.100', '192.168.8.101', 'enp0s8']);
        let ok = false;
        for (let i = 0; i < 5 && !ok; i++) ok = /1 received/.test(sh('ip', ['netns', 'exec', b, 'ping', '-c', '1', '-W', '1', '10.20.1.2'], { allowFail: true }));
        assert.ok(ok, 'host B pings host A across the overlay');
        // the underlay carried it: host A's vxlan0 received packets
        const rx = (await libLink(ta.r, 'vxlan0')).stats64!.rxPackets!;
        assert.ok(rx > 0n, `vxlan0 on A received ${rx} packets`);
        assert.ok(assertRoundTrip([...ta.inbound, ...tb.inbound], 'seed004-p2p') >= 4);
      } finally {
        await ta.close();
        await tb.close();
      }
    }, 'vx');
  },
  ['vxlan', 'veth'],
);

test.run();
