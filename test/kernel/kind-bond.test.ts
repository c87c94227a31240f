// bond links and bond ports (IFLA_BOND_*, IFLA_BOND_SLAVE_*) against the live kernel
// (module bonding), `ip -j -d link` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, kindData, slaveData } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, compareData, ipLink, libLink, nameOf, openTapped } from '../kinds-support.js';

function bondMap(names: (i: unknown) => string | undefined): Record<string, (d: Record<string, unknown>) => unknown> {
  return {
    mode: (d) => d.mode,
    active_slave: (d) => names(d.activeSlave),
    active_slave_index: (d) => d.activeSlave,
    miimon: (d) => d.miimon,
    updelay: (d) => d.updelay,
    downdelay: (d) => d.downdelay,
    peer_notify_delay: (d) => d.peerNotifDelay,
    use_carrier: (d) => d.useCarrier,
    arp_interval: (d) => d.arpInterval,
    arp_missed_max: (d) => d.missedMax,
    arp_ip_target: (d) => d.arpIpTarget,
    ns_ip6_target: (d) => d.nsIp6Target,
    // ip prints null for arp_validate none
    arp_validate: (d) => (d.arpValidate === 'none' ? null : d.arpValidate),
    arp_all_targets: (d) => d.arpAllTargets,
    primary: (d) => names(d.primary),
    primary_index: (d) => d.primary,
    primary_reselect: (d) => d.primaryReselect,
    fail_over_mac: (d) => d.failOverMac,
    xmit_hash_policy: (d) => d.xmitHashPolicy,
    resend_igmp: (d) => d.resendIgmp,
    num_peer_notif: (d) => d.numPeerNotif,
    all_slaves_active: (d) => d.allSlavesActive,
    min_links: (d) => d.minLinks,
    lp_interval: (d) => d.lpInterval,
    packets_per_slave: (d) => d.packetsPerSlave,
    ad_lacp_active: (d) => d.adLacpActive,
    ad_lacp_rate: (d) => d.adLacpRate,
    ad_select: (d) => d.adSelect,
    ad_info: (d) => {
      const i = d.adInfo as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      if (i.aggregator !== undefined) out.aggregator = i.aggregator;
      if (i.numPorts !== undefined) out.num_ports = i.numPorts;
      if (i.actorKey !== undefined) out.actor_key = i.actorKey;
      if (i.partnerKey !== undefined) out.partner_key = i.partnerKey;
      if (i.partnerMac !== undefined) out.partner_mac = i.partnerMac;
      return out;
    },
    ad_actor_sys_prio: (d) => d.adActorSysPrio,
    ad_user_port_key: (d) => d.adUserPortKey,
    ad_actor_system: (d) => d.adActorSystem,
    tlb_dynamic_lb: (d) => d.tlbDynamicLb,
    coupled_control: (d) => d.coupledControl,
    broadcast_neighbor: (d) => d.broadcastNeigh,
  };
}

const slaveMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  state: (d) => String(d.state).toUpperCase(),
  mii_status: (d) => String(d.miiStatus).toUpperCase(),
  link_failure_count: (d) => d.linkFailureCount,
  perm_hwaddr: (d) => d.permHwaddr,
  queue_id: (d) => d.queueId,
  prio: (d) => d.prio,
  actor_port_prio: (d) => d.actorPortPrio,
  ad_aggregator_id: (d) => d.adAggregatorId,
  ad_actor_oper_port_state: (d) => d.adActorOperPortState,
  ad_partner_oper_port_state: (d) => d.adPartnerOperPortState,
};
// ip's decoded bit lists of the two port states above
const slaveIgnore = ['ad_actor_oper_port_state_str', 'ad_partner_oper_port_state_str'];

ktest(
  test,
  'bond 802.3ad and active-backup with non-default options, bond ports with bondSlave options: ip and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        for (const n of ['eth1', 'eth2', 'eth3', 'eth4']) await r.links.add({ name: n, kind: 'veth', peer: `${n}p` });
        await r.links.add({
          name: 'bond0',
          kind: 'bond',
          bond: {
            mode: '802.3ad',
            miimon: 100,
            updelay: 200,
            downdelay: 300,
            peerNotifDelay: 200,
            adLacpRate: 'fast',
            xmitHashPolicy: 'layer3+4',
            adActorSystem: '02:00:00:00:00:01',
            adActorSysPrio: 100,
            adUserPortKey: 5,
            minLinks: 1,
            adSelect: 'bandwidth',
          },
        });
        await r.links.add({
          name: 'bond1',
          kind: 'bond',
          bond: {
            mode: 'active-backup',
            arpInterval: 100,
            arpIpTarget: ['192.0.2.1', '192.0.2.2'],
            nsIp6Target: ['2001:db8::1'],
            arpValidate: 'all',
            arpAllTargets: 'all',
            primaryReselect: 'better',
            failOverMac: 'active',
            numPeerNotif: 3,
            resendIgmp: 2,
            allSlavesActive: 1,
            missedMax: 3,
          },
        });
        const i0 = ipLink(ns, 'bond0').linkinfo!.info_data!;
        const want0: Record<string, unknown> = {
          mode: '802.3ad',
          miimon: 100,
          updelay: 200,
          downdelay: 300,
          peer_notify_delay: 200,
          ad_lacp_rate: 'fast',
          xmit_hash_policy: 'layer3+4',
          ad_actor_system: '02:00:00:00:00:01',
          ad_actor_sys_prio: 100,
          ad_user_port_key: 5,
          min_links: 1,
          ad_select: 'bandwidth',
        };
        for (const [k, v] of Object.entries(want0)) assert.equal(i0[k], v, `ip bond0 ${k}`);
        const i1 = ipLink(ns, 'bond1').linkinfo!.info_data!;
        const want1: Record<string, unknown> = {
          mode: 'active-backup',
          arp_interval: 100,
          arp_ip_target: ['192.0.2.1', '192.0.2.2'],
          ns_ip6_target: ['2001:db8::1'],
          arp_validate: 'all',
          arp_all_targets: 'all',
          primary_reselect: 'better',
          fail_over_mac: 'active',
          num_peer_notif: 3,
          resend_igmp: 2,
          all_slaves_active: 1,
          arp_missed_max: 3,
        };
        for (const [k, v] of Object.entries(want1)) assert.equal(i1[k], v, `ip bond1 ${k}`);

        // ports: two in bond1 (one with bondSlave options, one made primary), one in bond0
        await r.links.set('eth1', { master: 'bond1' });
        await r.links.set('eth2', { master: 'bond1' });
        await r.links.set('eth3', { master: 'bond0' });
        await r.links.set('eth1', { bondSlave: { queueId: 2, prio: 5 } });
        await r.links.set('bond1', { bond: { primary: 'eth2' } });

        const links = await r.links.list();
        const names = (i: unknown): string | undefined => nameOf(links, i);
        for (const b of ['bond0', 'bond1']) {
          compareData(b, ipLink(ns, b).linkinfo!.info_data, kindData(links.find((l) => l.name === b)!, 'bond') as Record<string, unknown>, bondMap(names));
        }
        assert.equal(kindData(links.find((l) => l.name === 'bond1')!, 'bond')!.primary, links.find((l) => l.name === 'eth2')!.index);
        const s1 = ipLink(ns, 'eth1');
        assert.equal(s1.linkinfo?.info_slave_kind, 'bond');
        assert.equal(s1.linkinfo!.info_slave_data!.queue_id, 2);
        assert.equal(s1.linkinfo!.info_slave_data!.prio, 5);
        const lib1 = slaveData(links.find((l) => l.name === 'eth1')!, 'bond')!;
        assert.equal([lib1.queueId, lib1.prio], [2, 5]);
        for (const n of ['eth1', 'eth2', 'eth3']) {
          compareData(`${n} bond port`, ipLink(ns, n).linkinfo!.info_slave_data, slaveData(links.find((l) => l.name === n)!, 'bond') as Record<string, unknown>, slaveMap, slaveIgnore);
        }
        // read-only port attributes are refused before anything is sent
        const e = await rejectsA(r.links.set('eth1', { bondSlave: { miiStatus: 'up' } }), ArgumentError);
        assert.equal(e.field, 'bondSlave.miiStatus');
        assert.ok(assertRoundTrip(t.inbound, 'bond') >= 8);
        await r.links.del('bond0');
        await r.links.del('bond1');
        assert.equal((await r.links.list()).filter((l) => l.kind === 'bond' || l.slaveKind === 'bond'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['bond'],
);

ktest(
  test,
  'bond active-backup with miimon picks an active slave (IFLA_BOND_ACTIVE_SLAVE) once up; set arp targets on a live bond',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'bond2', kind: 'bond', bond: { mode: 'active-backup', miimon: 50 } });
        await r.links.add({ name: 'eth5', kind: 'veth', peer: 'eth5p' });
        await r.links.set('eth5', { master: 'bond2' });
        await r.links.set('eth5p', { up: true });
        await r.links.set('bond2', { up: true });
        await r.links.set('eth5', { up: true });
        let active: number | undefined;
        for (let i = 0; i < 50 && active === undefined; i++) {
          active = kindData(await libLink(r, 'bond2'), 'bond')!.activeSlave as number | undefined;
          if (active === undefined) await new Promise((res) => setTimeout(res, 50));
        }
        const links = await r.links.list();
        assert.equal(active, links.find((l) => l.name === 'eth5')!.index, 'eth5 became the active slave');
        const o = ipLink(ns, 'bond2').linkinfo!.info_data!;
        assert.equal(o.active_slave, 'eth5');
        compareData('bond2', o, kindData(links.find((l) => l.name === 'bond2')!, 'bond') as Record<string, unknown>, bondMap((i) => nameOf(links, i)));
        const sd = slaveData(links.find((l) => l.name === 'eth5')!, 'bond')!;
        assert.equal([sd.state, sd.miiStatus], ['active', 'up']);
        compareData('eth5', ipLink(ns, 'eth5').linkinfo!.info_slave_data, sd as Record<string, unknown>, slaveMap, slaveIgnore);
        await r.links.set('bond2', { bond: { arpIpTarget: ['198.51.100.1', '198.51.100.2', '198.51.100.3'] } });
        assert.equal(ipLink(ns, 'bond2').linkinfo!.info_data!.arp_ip_target, ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
        assert.equal(kindData(await libLink(r, 'bond2'), 'bond')!.arpIpTarget, ['198.51.100.1', '198.51.100.2', '198.51.100.3']);
        assert.ok(assertRoundTrip(t.inbound, 'bond2') >= 4);
      } finally {
        await t.close();
      }
    });
  },
  ['bond'],
);

ktest(test, 'bond options are checked before anything is sent (runs without bonding)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { mode: 'round-robin' as never } }), 'bond.mode'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { miimon: -5 } }), 'bond.miimon'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { arpIpTarget: ['192.0.2.1', 'nope'] } }), 'bond.arpIpTarget[1]'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { nsIp6Target: ['192.0.2.1'] } }), 'bond.nsIp6Target[0]'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { adActorSystem: '02:00:00:00:01' } }), 'bond.adActorSystem'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { xmitHashPolicy: 'layer5' as never } }), 'bond.xmitHashPolicy'],
        [() => r.links.add({ name: 'b', kind: 'bond', bond: { adInfo: {} } }), 'bond.adInfo'],
        [() => r.links.set('eth0', { bondSlave: { queueId: 70000 } }), 'bondSlave.queueId'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

test.run();
