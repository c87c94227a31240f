// `rtnl-dump link -d` and `link -j -d` for real devices of every kind the
// library models, against iproute2: the text lines of `ip -d link show`
// (white space normalised, running timers masked) and `ip -j -d link show`
// key by key. Host kinds here and in cli-ipjson; the kinds the host kernel
// lacks (vlan, bond, geneve, ipvlan, macsec, vrf, dummy, the IP tunnels) run
// in the VM lane.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ktest, withNetns, ip } from '../helpers.js';
import { check, ours, sameText, theirs } from '../ipjson-compare.js';

interface IpLink {
  ifname: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string; info_slave_data?: Record<string, unknown> };
}

/** Build the devices, then compare text and JSON with ip; returns the -d text lines by device. */
function kindTest(name: string, needs: string[], setup: string[], check2: (byDev: Map<string, string[]>, ipLinks: IpLink[]) => void): void {
  ktest(
    test,
    name,
    () =>
      withNetns(1, async (ns) => {
        for (const cmd of setup) ip(ns, ...cmd.split(' '));
        sameText(ns, ['link', '-d'], ['-d', 'link', 'show']);
        const mine = ours(ns, 'link', '-d');
        const compared = check(ns, ['link', '-j', '-d'], ['-d', 'link', 'show']);
        assert.ok(compared > 100, `values compared: ${compared}`);
        const byDev = new Map<string, string[]>();
        let cur: string[] | undefined;
        for (const l of mine.split('\n')) {
          const head = /^\d+: ([^:@]+)[:@]/.exec(l);
          if (head) byDev.set(head[1]!, (cur = []));
          else if (cur && /^ {4}\S/.test(l) && !/^ {4}(link\/|altname )/.test(l)) cur.push(l.slice(4).trimEnd());
        }
        check2(byDev, JSON.parse(theirs(ns, '-j', '-d', 'link', 'show')) as IpLink[]);
      }),
    needs,
  );
}

kindTest(
  'link -d / -j -d: bridge, bridge port, vxlan, macvlan, macvtap, veth, tap, ifb as ip prints them',
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'tap', 'ifb'],
  [
    'link add v0 type veth peer name v1',
    'link add br0 type bridge forward_delay 800 hello_time 300',
    'link set v0 master br0',
    'link add vx0 type vxlan id 42 group 239.1.1.1 dev v1 dstport 4789 ttl 10 srcport 5000 6000 nolearning',
    'link add vx6 type vxlan id 43 remote 2001:db8::9 local 2001:db8::1 dstport 4790 noudpcsum udp6zerocsumrx',
    'link add vx4 type vxlan id 44 remote 192.0.2.44 local 192.0.2.1 dstport 4791',
    'link add mv0 link v1 type macvlan mode bridge',
    'link add mt0 link v1 type macvtap mode vepa',
    'tuntap add tap0 mode tap multi_queue',
    'link add ifb0 type ifb',
  ],
  (d, ipl) => {
    // what the brief asked for, in ip's words and units
    assert.match(d.get('br0')![0]!, /^bridge forward_delay 800 hello_time 300 /);
    assert.match(d.get('vx4')![0]!, /^vxlan id 44 remote 192\.0\.2\.44 local 192\.0\.2\.1 /);
    assert.match(d.get('vx6')![0]!, /^vxlan id 43 remote 2001:db8::9 local 2001:db8::1 /);
    assert.match(d.get('vx0')![0]!, /^vxlan id 42 group 239\.1\.1\.1 dev v1 srcport 5000 6000 dstport 4789 nolearning ttl 10 ageing 300 /);
    assert.match(d.get('v0')![1]!, /^bridge_slave state \w+ priority 32 cost \d+ hairpin off /);
    assert.match(d.get('v0')![0]!, /^veth$/);
    assert.match(d.get('mt0')![0]!, /^macvtap mode vepa /);
    assert.match(d.get('tap0')![0]!, /^tun type tap pi off vnet_hdr \w+ multi_queue numqueues \d+ /);
    for (const k of ['bridge', 'vxlan', 'macvlan', 'macvtap', 'veth', 'tun', 'ifb']) assert.ok(ipl.some((l) => l.linkinfo?.info_kind === k), `fixture has ${k}`);
  },
);

kindTest(
  'link -d / -j -d: vlan, bond (+port), geneve, ipvlan, macsec, vrf (+port), dummy as ip prints them',
  ['vlan', 'bond', 'geneve', 'ipvlan', 'macsec', 'vrf', 'dummy', 'bridge-vlan-filtering'],
  [
    'link add p0 type veth peer name p1',
    'link add brq type bridge vlan_protocol 802.1ad',
    'link add gn6 type geneve id 11 remote 2001:db8::11',
    'link add p0.5 link p0 type vlan id 5 protocol 802.1ad reorder_hdr off gvrp on egress-qos-map 1:2 3:4',
    'link add bd0 type bond mode active-backup miimon 100 updelay 200 arp_validate none',
    'link add d0 type dummy',
    'link set d0 master bd0',
    'link add bd1 type bond mode 802.3ad lacp_rate fast xmit_hash_policy layer3+4',
    'link add gn0 type geneve id 10 remote 192.0.2.1 ttl 64 df set',
    'link add ipv0 link p1 type ipvlan mode l3 private',
    'link add ms0 link p0 type macsec port 11 encrypt on replay on window 32',
    'link add vrf0 type vrf table 1010',
    'link add d1 type dummy',
    'link set d1 master vrf0',
  ],
  (d, ipl) => {
    assert.match(d.get('p0.5')![0]!, /^vlan protocol 802\.1ad id 5 <GVRP>$/);
    assert.match(d.get('bd0')![0]!, /^bond mode active-backup miimon 100 updelay 200 /);
    assert.match(d.get('d0')![1]!, /^bond_slave state \w+ mii_status \w+ /);
    assert.match(d.get('gn0')![0]!, /^geneve id 10 remote 192\.0\.2\.1 ttl 64 df set /);
    assert.match(d.get('gn6')![0]!, /^geneve id 11 remote 2001:db8::11 /);
    assert.match(d.get('brq')![0]!, / vlan_protocol 802\.1ad /);
    assert.match(d.get('ipv0')![0]!, /^ipvlan +mode l3 private addrgenmode /);
    assert.match(d.get('ms0')![0]!, /^macsec sci [0-9a-f]{16} protect on cipher GCM-AES-128 .*encrypt on .*replay on window 32 addrgenmode /);
    assert.match(d.get('vrf0')![0]!, /^vrf table 1010 addrgenmode /);
    assert.match(d.get('d1')![1]!, /^vrf_slave table 1010 addrgenmode /);
    for (const k of ['vlan', 'bond', 'geneve', 'ipvlan', 'macsec', 'vrf', 'dummy']) assert.ok(ipl.some((l) => l.linkinfo?.info_kind === k), `fixture has ${k}`);
  },
);

kindTest(
  'link -d / -j -d: IP tunnels (gre, gretap, erspan, ip6gre, ip6gretap, ip6erspan, ipip, sit with 6rd and isatap, ip6tnl, FOU encapsulation) as ip prints them',
  ['gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'ipip', 'sit', 'ip6tnl', 'fou'],
  [
    'link add g0 type gre remote 192.0.2.1 local 192.0.2.2 ttl 64 ikey 42 okey 43 iseq ocsum',
    'link add gt0 type gretap remote 192.0.2.1 tos inherit nopmtudisc ignore-df',
    'link add e0 type erspan remote 192.0.2.1 local 192.0.2.2 seq key 10 erspan_ver 2 erspan_dir egress erspan_hwid 7',
    'link add g60 type ip6gre remote 2001:db8::1 local 2001:db8::2 hoplimit 10 encaplimit none tclass 0x10 flowlabel 0x12345 dscp inherit allow-localremote key 5',
    'link add gt6 type ip6gretap remote 2001:db8::1 tclass inherit flowlabel inherit fwmark inherit',
    'link add e6 type ip6erspan remote 2001:db8::1 local 2001:db8::2 seq key 11 erspan_ver 1 erspan 13',
    'link add i0 type ipip remote 192.0.2.1 local 192.0.2.2 ttl 32 tos 0x10 fwmark 0x7',
    'link add s0 type sit mode ip6ip remote 192.0.2.9 local 192.0.2.2',
    'link add s6 type sit local 192.0.2.3 6rd-prefix 2001:db8::/32 6rd-relay_prefix 192.0.2.0/24',
    'link add is0 type sit isatap local 192.0.2.4',
    'link add t6 type ip6tnl mode ipip6 remote 2001:db8::1 local 2001:db8::3 encaplimit 3 hoplimit 20',
    'link add gf0 type gre remote 192.0.2.5 local 192.0.2.2 encap fou encap-sport auto encap-dport 5555 encap-csum',
  ],
  (d, ipl) => {
    assert.match(d.get('g0')![0]!, /^gre remote 192\.0\.2\.1 local 192\.0\.2\.2 ttl 64 .*ikey 0\.0\.0\.42 okey 0\.0\.0\.43 iseq ocsum /);
    assert.match(d.get('g60')![0]!, /^ip6gre remote 2001:db8::1 local 2001:db8::2 hoplimit 10 encaplimit none tclass 0x10 flowlabel 0x12345 dscp inherit /);
    assert.match(d.get('s6')![0]!, /6rd-prefix 2001:db8::\/32 6rd-relay_prefix 192\.0\.2\.0\/24 /);
    assert.match(d.get('gf0')![0]!, /encap fou encap-sport auto encap-dport 5555 encap-csum noencap-csum6 noencap-remcsum /);
    for (const k of ['gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'ipip', 'sit', 'ip6tnl']) assert.ok(ipl.some((l) => l.linkinfo?.info_kind === k), `fixture has ${k}`);
  },
);

test.run();
