// Bridges, bridge ports (IFLA_BRPORT_* slave data and AF_BRIDGE protinfo) and
// bridge VLAN filtering against the live kernel; iproute2's `ip -j -d link`
// and `bridge -j` are the oracles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, NetlinkError, kindData, slaveData, type BridgePortOptions } from '../../src/index.js';
import { AF_BRIDGE } from '../../src/netlink/constants.js';
import { ktest, withNetns, madeLinks } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, bool, centis, compareData, hex, ipLink, libLink, nameOf, openTapped } from '../kinds-support.js';

/** "8000.0242ac110002" (ours) -> "8000.2:42:ac:11:0:2" (ip prints the address bytes with %x). */
const ipBridgeId = (v: unknown): string => {
  const [prio, mac] = String(v).split('.');
  return `${prio}.${mac!
    .match(/../g)!
    .map((b) => parseInt(b, 16).toString(16))
    .join(':')}`;
};

const bridgeMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  forward_delay: (d) => d.forwardDelay,
  hello_time: (d) => d.helloTime,
  max_age: (d) => d.maxAge,
  ageing_time: (d) => d.ageingTime,
  stp_state: (d) => d.stpState,
  priority: (d) => d.priority,
  vlan_filtering: (d) => Number(d.vlanFiltering),
  // ip prints the ethertype by name (802.1Q, 802.1ad); the library reads it back by the same name
  vlan_protocol: (d) => d.vlanProtocol,
  vlan_default_pvid: (d) => d.vlanDefaultPvid,
  vlan_stats_enabled: (d) => Number(d.vlanStatsEnabled),
  vlan_stats_per_port: (d) => Number(d.vlanStatsPerPort),
  bridge_id: (d) => ipBridgeId(d.bridgeId),
  root_id: (d) => ipBridgeId(d.rootId),
  root_port: (d) => d.rootPort,
  root_path_cost: (d) => d.rootPathCost,
  topology_change: (d) => d.topologyChange,
  topology_change_detected: (d) => d.topologyChangeDetected,
  hello_timer: (d) => centis(d.helloTimer),
  tcn_timer: (d) => centis(d.tcnTimer),
  topology_change_timer: (d) => centis(d.topologyChangeTimer),
  gc_timer: (d) => centis(d.gcTimer),
  group_fwd_mask: (d) => (d.groupFwdMask === 0 ? '0' : hex(d.groupFwdMask)),
  group_addr: (d) => d.groupAddr,
  // derived by ip from IFLA_BR_MULTI_BOOLOPT (BR_BOOLOPT_NO_LL_LEARN bit 0, BR_BOOLOPT_MCAST_VLAN_SNOOPING bit 1)
  no_linklocal_learn: (d) => (d.multiBoolopt as { optval: number }).optval & 1,
  mcast_vlan_snooping: (d) => ((d.multiBoolopt as { optval: number }).optval >> 1) & 1,
  mcast_snooping: (d) => Number(d.mcastSnooping),
  mcast_router: (d) => d.mcastRouter,
  mcast_query_use_ifaddr: (d) => Number(d.mcastQueryUseIfaddr),
  mcast_querier: (d) => Number(d.mcastQuerier),
  mcast_hash_elasticity: (d) => d.mcastHashElasticity,
  mcast_hash_max: (d) => d.mcastHashMax,
  mcast_last_member_cnt: (d) => d.mcastLastMemberCnt,
  mcast_startup_query_cnt: (d) => d.mcastStartupQueryCnt,
  mcast_last_member_intvl: (d) => Number(d.mcastLastMemberIntvl),
  mcast_membership_intvl: (d) => Number(d.mcastMembershipIntvl),
  mcast_querier_intvl: (d) => Number(d.mcastQuerierIntvl),
  mcast_query_intvl: (d) => Number(d.mcastQueryIntvl),
  mcast_query_response_intvl: (d) => Number(d.mcastQueryResponseIntvl),
  mcast_startup_query_intvl: (d) => Number(d.mcastStartupQueryIntvl),
  mcast_stats_enabled: (d) => Number(d.mcastStatsEnabled),
  mcast_igmp_version: (d) => d.mcastIgmpVersion,
  mcast_mld_version: (d) => d.mcastMldVersion,
  nf_call_iptables: (d) => Number(d.nfCallIptables),
  nf_call_ip6tables: (d) => Number(d.nfCallIp6tables),
  nf_call_arptables: (d) => Number(d.nfCallArptables),
};

function portMap(names: (i: unknown) => string | undefined): Record<string, (d: Record<string, unknown>) => unknown> {
  return {
    state: (d) => d.state,
    priority: (d) => d.priority,
    cost: (d) => d.cost,
    hairpin: (d) => bool(d.hairpin),
    guard: (d) => bool(d.guard),
    root_block: (d) => bool(d.protect),
    fastleave: (d) => bool(d.fastLeave),
    learning: (d) => bool(d.learning),
    flood: (d) => bool(d.unicastFlood),
    id: (d) => hex(d.id),
    no: (d) => hex(d.no),
    designated_port: (d) => d.designatedPort,
    designated_cost: (d) => d.designatedCost,
    bridge_id: (d) => ipBridgeId(d.bridgeId),
    root_id: (d) => ipBridgeId(d.rootId),
    hold_timer: (d) => centis(d.holdTimer),
    message_age_timer: (d) => centis(d.messageAgeTimer),
    forward_delay_timer: (d) => centis(d.forwardDelayTimer),
    topology_change_ack: (d) => d.topologyChangeAck,
    config_pending: (d) => d.configPending,
    proxy_arp: (d) => bool(d.proxyarp),
    proxy_arp_wifi: (d) => bool(d.proxyarpWifi),
    multicast_router: (d) => d.multicastRouter,
    mcast_router: (d) => d.multicastRouter,
    mcast_flood: (d) => bool(d.mcastFlood),
    bcast_flood: (d) => bool(d.bcastFlood),
    mcast_to_unicast: (d) => bool(d.mcastToUcast),
    neigh_suppress: (d) => bool(d.neighSuppress),
    group_fwd_mask: (d) => (d.groupFwdMask === 0 ? '0' : hex(d.groupFwdMask)),
    group_fwd_mask_str: (d) => hex(d.groupFwdMask),
    vlan_tunnel: (d) => bool(d.vlanTunnel),
    isolated: (d) => bool(d.isolated),
    locked: (d) => bool(d.locked),
    mab: (d) => bool(d.mab),
    backup_port: (d) => names(d.backupPort),
    mcast_eht_hosts_limit: (d) => d.mcastEhtHostsLimit,
    mcast_eht_hosts_cnt: (d) => d.mcastEhtHostsCnt,
    mcast_n_groups: (d) => d.mcastNGroups,
    mcast_max_groups: (d) => d.mcastMaxGroups,
    neigh_vlan_suppress: (d) => bool(d.neighVlanSuppress),
  };
}

ktest(
  test,
  'bridge with non-default options: kernel view (ip) and library list agree; delete cleans up',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({
          name: 'br0',
          kind: 'bridge',
          bridge: {
            forwardDelay: 400,
            helloTime: 300,
            maxAge: 1000,
            ageingTime: 6000,
            stpState: 1,
            priority: 0x1000,
            groupFwdMask: 0x8,
            groupAddr: '01:80:c2:00:00:0f',
            mcastSnooping: false,
            mcastRouter: 2,
            mcastQueryUseIfaddr: true,
            mcastQuerier: true,
            mcastHashMax: 1024,
            mcastLastMemberCnt: 3,
            mcastStartupQueryCnt: 4,
            mcastLastMemberIntvl: 200n,
            mcastMembershipIntvl: 30000n,
            mcastQuerierIntvl: 26000n,
            mcastQueryIntvl: 13000n,
            mcastQueryResponseIntvl: 900n,
            mcastStartupQueryIntvl: 3000n,
            mcastStatsEnabled: true,
            mcastIgmpVersion: 3,
            mcastMldVersion: 2,
            multiBoolopt: { optval: 1, optmask: 1 },
            fdbMaxLearned: 100,
          },
        });
        const id = ipLink(ns, 'br0').linkinfo!.info_data!;
        const want: Record<string, unknown> = {
          forward_delay: 400,
          hello_time: 300,
          max_age: 1000,
          ageing_time: 6000,
          stp_state: 1,
          priority: 0x1000,
          group_fwd_mask: '0x8',
          group_addr: '01:80:c2:00:00:0f',
          mcast_snooping: 0,
          mcast_router: 2,
          mcast_query_use_ifaddr: 1,
          mcast_querier: 1,
          mcast_hash_max: 1024,
          mcast_last_member_cnt: 3,
          mcast_startup_query_cnt: 4,
          mcast_last_member_intvl: 200,
          mcast_membership_intvl: 30000,
          mcast_querier_intvl: 26000,
          mcast_query_intvl: 13000,
          mcast_query_response_intvl: 900,
          mcast_startup_query_intvl: 3000,
          mcast_stats_enabled: 1,
          mcast_igmp_version: 3,
          mcast_mld_version: 2,
          no_linklocal_learn: 1,
        };
        for (const [k, v] of Object.entries(want)) assert.equal(id[k], v, `ip: ${k}`);
        const d = kindData(await libLink(r, 'br0'), 'bridge')!;
        // IFLA_BR_FDB_MAX_LEARNED is new in 6.8 (older kernels ignore it; ip 6.1 does not print it)
        if (d.fdbNLearned !== undefined) assert.equal(d.fdbMaxLearned, 100, 'IFLA_BR_FDB_MAX_LEARNED');
        compareData('br0', id, d as Record<string, unknown>, bridgeMap);
        // change a few options on the live bridge
        await r.links.set('br0', { bridge: { stpState: 0, priority: 0x2000, ageingTime: 1234, mcastSnooping: true } });
        const id2 = ipLink(ns, 'br0').linkinfo!.info_data!;
        assert.equal([id2.stp_state, id2.priority, id2.ageing_time, id2.mcast_snooping], [0, 0x2000, 1234, 1]);
        compareData('br0 after set', id2, kindData(await libLink(r, 'br0'), 'bridge') as Record<string, unknown>, bridgeMap);
        assert.ok(assertRoundTrip(t.inbound, 'bridge') >= 2);
        await r.links.del('br0');
        assert.equal(madeLinks((await r.links.list()).map((l) => l.name)), ['lo']);
      } finally {
        await t.close();
      }
    });
  },
  ['bridge'],
);

ktest(
  test,
  'bridge ports: links.set(dev, { bridgePort }) sets IFLA_BRPORT_*; slave data and AF_BRIDGE protinfo agree with ip and bridge',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'brp', kind: 'bridge' });
        await r.links.add({ name: 'p0', kind: 'veth', peer: 'p0b' });
        await r.links.add({ name: 'p1', kind: 'veth', peer: 'p1b' });
        await r.links.set('p0', { master: 'brp', up: true });
        await r.links.set('p1', { master: 'brp', up: true });
        await r.links.set('p0b', { up: true }); // carrier on p0, so its STP state can be set
        await r.links.set('brp', { up: true });
        const port: BridgePortOptions = {
          // (state is left out: without user-space STP the kernel recomputes it at once, see docs/link-kinds.md)
          cost: 10,
          priority: 7,
          learning: false,
          hairpin: true,
          guard: true,
          protect: true,
          fastLeave: true,
          unicastFlood: false,
          mcastFlood: false,
          bcastFlood: false,
          proxyarp: true,
          mcastToUcast: true,
          groupFwdMask: 0x8,
          neighSuppress: true,
          isolated: true,
          multicastRouter: 2,
          locked: true,
          mcastEhtHostsLimit: 100,
          mcastMaxGroups: 10,
          backupPort: 'p1',
        };
        await r.links.set('p0', { bridgePort: port });
        const o = ipLink(ns, 'p0');
        assert.equal(o.linkinfo?.info_slave_kind, 'bridge');
        const sd = o.linkinfo!.info_slave_data!;
        const want: Record<string, unknown> = {
          cost: 10,
          priority: 7,
          learning: false,
          hairpin: true,
          guard: true,
          root_block: true,
          fastleave: true,
          flood: false,
          mcast_flood: false,
          bcast_flood: false,
          proxy_arp: true,
          mcast_to_unicast: true,
          group_fwd_mask: '0x8',
          neigh_suppress: true,
          isolated: true,
          multicast_router: 2,
          locked: true,
        };
        for (const [k, v] of Object.entries(want)) assert.equal(sd[k], v, `ip: ${k}`);
        const links = await r.links.list();
        const l = await libLink(r, 'p0');
        const lib = slaveData(l, 'bridge')!;
        assert.equal(lib.backupPort, links.find((x) => x.name === 'p1')!.index, 'IFLA_BRPORT_BACKUP_PORT');
        assert.equal(lib.mcastEhtHostsLimit, 100);
        // IFLA_BRPORT_MCAST_MAX_GROUPS is new in 6.3 (older kernels ignore it)
        if (lib.mcastNGroups !== undefined) assert.equal(lib.mcastMaxGroups, 10);
        compareData('p0 slave data', sd, lib as Record<string, unknown>, portMap((i) => nameOf(links, i)));

        // AF_BRIDGE dump: IFLA_PROTINFO = IFLA_BRPORT_*, compared with `bridge -j -d link show`
        const br = await r.links.list({ family: AF_BRIDGE });
        assert.equal(br.map((x) => x.name).sort(), ['brp', 'p0', 'p1'], 'ports and the bridge itself');
        const bp = br.find((x) => x.name === 'p0')!;
        assert.equal(bp.family, AF_BRIDGE);
        const bj = JSON.parse(
          (await import('node:child_process')).execFileSync('bridge', ['-n', ns, '-j', '-d', 'link', 'show', 'dev', 'p0'], { encoding: 'utf8' }),
        ) as Array<Record<string, unknown>>;
        const bo = bj[0]!;
        assert.equal(bo.master, 'brp');
        const ignore = ['ifindex', 'ifname', 'flags', 'mtu', 'master', 'link'];
        compareData('p0 AF_BRIDGE protinfo', bo, bp.protinfo as Record<string, unknown>, portMap((i) => nameOf(links, i)), ignore);

        // turn some back, and flush the port's FDB (write-only flag)
        await r.links.set('p0', { bridgePort: { learning: true, unicastFlood: true, isolated: false, flush: true, backupPort: 0 } });
        const sd2 = ipLink(ns, 'p0').linkinfo!.info_slave_data!;
        assert.equal([sd2.learning, sd2.flood, sd2.isolated], [true, true, false]);
        assert.equal(slaveData(await libLink(r, 'p0'), 'bridge')!.backupPort, undefined, 'backup port removed');

        // the kernel refuses STP state changes while kernel STP runs
        await r.links.set('brp', { bridge: { stpState: 1 } });
        const e = await rejectsA(r.links.set('p0', { bridgePort: { state: 'forwarding' } }), NetlinkError);
        assert.equal(e.code, 'EBUSY');
        // read-only attributes are refused before anything is sent
        const before = r.socket.stats.datagramsOut;
        const a = await rejectsA(r.links.set('p0', { bridgePort: { designatedCost: 3 } as never }), ArgumentError);
        assert.equal(a.field, 'bridgePort.designatedCost');
        const b = await rejectsA(r.links.set('p0', { bridgePort: { state: 'up' as never } }), ArgumentError);
        assert.equal(b.field, 'bridgePort.state');
        const c = await rejectsA(r.links.set('p0', { bridgePort: { costs: 1 } as never }), ArgumentError);
        assert.equal(c.field, 'bridgePort.costs');
        assert.equal(r.socket.stats.datagramsOut, before);
        assert.ok(assertRoundTrip(t.inbound, 'bridge-port') >= 6);
        await r.links.del('brp');
        assert.equal(ipLink(ns, 'p0').master, undefined, 'deleting the bridge releases its ports');
      } finally {
        await t.close();
      }
    });
  },
  ['bridge'],
);

ktest(
  test,
  'bridge vlanProtocol by ip\'s names (802.1Q, 802.1ad) like vlan\'s protocol: written, set and read back by name',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        const created = await r.links.add({ name: 'brq', kind: 'bridge', bridge: { vlanFiltering: true, vlanProtocol: '802.1ad' } });
        assert.equal(ipLink(ns, 'brq').linkinfo!.info_data!.vlan_protocol, '802.1ad');
        // read back in the form it was written with (not the ethertype 0x88a8), from links.add() and a later get
        assert.equal(kindData(created, 'bridge')!.vlanProtocol, '802.1ad');
        const d = kindData(await libLink(r, 'brq'), 'bridge')!;
        assert.equal(d.vlanProtocol, '802.1ad');
        compareData('brq', ipLink(ns, 'brq').linkinfo!.info_data, d as Record<string, unknown>, bridgeMap);
        await r.links.set('brq', { bridge: { vlanProtocol: '802.1Q' } });
        assert.equal([ipLink(ns, 'brq').linkinfo!.info_data!.vlan_protocol, kindData(await libLink(r, 'brq'), 'bridge')!.vlanProtocol], ['802.1Q', '802.1Q']);
        // an ethertype number is still accepted, and reads back by its name
        await r.links.set('brq', { bridge: { vlanProtocol: 0x88a8 } });
        assert.equal([ipLink(ns, 'brq').linkinfo!.info_data!.vlan_protocol, kindData(await libLink(r, 'brq'), 'bridge')!.vlanProtocol], ['802.1ad', '802.1ad']);
        // a name ip does not know is refused before anything is sent
        const e = await rejectsA(r.links.set('brq', { bridge: { vlanProtocol: '802.1x' as never } }), ArgumentError);
        assert.equal(e.field, 'bridge.vlanProtocol');
        assert.ok(assertRoundTrip(t.inbound, 'bridge-vlan-protocol') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['bridge', 'bridge-vlan-filtering'],
);

ktest(
  test,
  'bridge VLAN filtering: add/del/list per-port VLANs (AF_BRIDGE IFLA_BRIDGE_VLAN_INFO) like `bridge vlan`',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'brv', kind: 'bridge', bridge: { vlanFiltering: true, vlanDefaultPvid: 1 } });
        await r.links.add({ name: 'v0', kind: 'veth', peer: 'v0b' });
        await r.links.set('v0', { master: 'brv' });
        assert.equal(ipLink(ns, 'brv').linkinfo!.info_data!.vlan_filtering, 1);
        await r.bridgeVlans.add('v0', { vid: 10, pvid: true, untagged: true });
        await r.bridgeVlans.add('v0', { vid: 20, vidEnd: 23 });
        await r.bridgeVlans.add('brv', { vid: 10, self: true });
        await r.bridgeVlans.del('v0', { vid: 1 });
        const oracle = JSON.parse(
          (await import('node:child_process')).execFileSync('bridge', ['-n', ns, '-j', 'vlan', 'show'], { encoding: 'utf8' }),
        ) as Array<{ ifname: string; vlans: Array<{ vlan: number; vlanEnd?: number; flags?: string[] }> }>;
        const expand = (o: typeof oracle): string[] =>
          o.flatMap((p) =>
            p.vlans.flatMap((v) => {
              const out: string[] = [];
              for (let x = v.vlan; x <= (v.vlanEnd ?? v.vlan); x++) out.push(`${p.ifname}:${x}:${(v.flags ?? []).includes('PVID') ? 'P' : ''}${(v.flags ?? []).includes('Egress Untagged') ? 'U' : ''}`);
              return out;
            }),
          );
        const mine = await r.bridgeVlans.list();
        const flat = mine.map((e) => `${e.name}:${e.vid}:${e.pvid ? 'P' : ''}${e.untagged ? 'U' : ''}`);
        assert.equal(flat.sort(), expand(oracle).sort());
        assert.ok(flat.includes('v0:10:PU'));
        assert.ok(flat.includes('v0:21:'));
        assert.ok(!flat.includes('v0:1:PU'), 'the default pvid 1 was deleted from v0');
        // compressed: the range comes back as one entry
        const comp = await r.bridgeVlans.list({ dev: 'v0', compressed: true });
        assert.ok(comp.some((e) => e.vid === 20 && e.vidEnd === 23), JSON.stringify(comp));
        await r.bridgeVlans.del('v0', { vid: 20, vidEnd: 23 });
        assert.equal((await r.bridgeVlans.list({ dev: 'v0' })).map((e) => e.vid), [10]);
        assert.ok(assertRoundTrip(t.inbound, 'bridge-vlan') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['bridge-vlan-filtering'],
);

ktest(test, 'bridge VLAN arguments are checked before anything is sent', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.bridgeVlans.add('v0', { vid: 0 }), 'vlan.vid'],
        [() => r.bridgeVlans.add('v0', { vid: 4095 }), 'vlan.vid'],
        [() => r.bridgeVlans.add('v0', { vid: 10, vidEnd: 5 }), 'vlan.vidEnd'],
        [() => r.bridgeVlans.add('v0', { vid: 10, vidEnd: 12, pvid: true }), 'vlan.pvid'],
        [() => r.bridgeVlans.add('v0', { vid: 10, tagged: true } as never), 'vlan.tagged'],
        [() => r.bridgeVlans.del('v0', { vid: 10, self: 'yes' } as never), 'vlan.self'],
        [() => r.bridgeVlans.list({ port: 'v0' } as never), 'filter.port'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

ktest(
  test,
  'bridge VLAN add without kernel VLAN filtering support is a NetlinkError (host kernels without CONFIG_BRIDGE_VLAN_FILTERING)',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'brv', kind: 'bridge' });
        await r.links.add({ name: 'v0', kind: 'veth', peer: 'v0b' });
        await r.links.set('v0', { master: 'brv' });
        const { kernelLacks } = await import('../helpers.js');
        if (kernelLacks('bridge-vlan-filtering') === null) {
          // supported: adding works and shows up
          await r.bridgeVlans.add('v0', { vid: 5 });
          assert.ok((await r.bridgeVlans.list({ dev: 'v0' })).some((e) => e.vid === 5));
        } else {
          const e = await rejectsA(r.bridgeVlans.add('v0', { vid: 5 }), NetlinkError);
          assert.equal(e.code, 'EOPNOTSUPP');
          assert.equal(e.request?.typeName, 'RTM_SETLINK');
          assert.equal(await r.bridgeVlans.list(), []);
        }
      } finally {
        await t.close();
      }
    });
  },
  ['bridge'],
);

test.run();
