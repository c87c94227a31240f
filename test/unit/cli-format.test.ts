// rtnl-dump text output built from the typed decoded objects: summaries of
// crafted addresses, routes, neighbours and rules (the way `ip` prints them),
// malformed messages summarized from what still decodes, and the kind lines
// of `ip -d link` (iproute2 6.1's print_opt words and units) for crafted
// messages of every kind the library models, host kinds or not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRouteMessage, type FormatOptions } from '../../src/cli/format.js';
import { nested, policy, u32 } from '../../src/netlink/attr.js';
import { printLink } from '../../src/cli/iplink.js';
import { IpPrinter, ipJsonText } from '../../src/cli/ipprint.js';
import type { Link } from '../../src/rtnl/link.js';
import { AF_BRIDGE, AF_INET, AF_INET6 } from '../../src/netlink/constants.js';
import { splitMessages, type RawMessage } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { registerKind } from '../../src/rtnl/kinds/index.js';
import { decodeMessage } from '../../src/rtnl/schema.js';
import '../../src/rtnl/rtnl.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';

function message(type: number, body: (w: Writer) => void): RawMessage {
  const w = new Writer();
  const s = w.msgStart(type, 0, 1, 0);
  body(w);
  w.msgEnd(s);
  return splitMessages(w.toBuffer())[0]!;
}

/** A fixed header (ifaddrmsg, rtmsg, ndmsg, fib_rule_hdr) field by field. */
function fixed(w: Writer, ...fields: Array<['u8' | 'u16' | 'u32' | 's32', number]>): void {
  for (const [t, v] of fields) w[t](v);
}

function ipBytes(...parts: number[]): Buffer {
  return Buffer.from(parts);
}

/**
 * Lines rtnl-dump prints for a message, decoded like the CLI does (decode
 * errors leave obj undefined). `attrs`: the attribute tree (-dd); `details`:
 * ip's -d lines.
 */
function lines(m: RawMessage, attrs = false, names: Array<[number, string]> = [[3, 'eth3'], [4, 'br4']], details = false): string[] {
  let obj: Record<string, unknown> | undefined;
  try {
    obj = decodeMessage(m);
  } catch {
    obj = undefined;
  }
  const o: FormatOptions = { details, attrs, names: new Map(names) };
  return formatRouteMessage(m, obj, o);
}

test('address: IPv6 temporary (IFA_F_SECONDARY), nodad, dynamic with lifetimes; IPv4 label, brd and peer', () => {
  const v6 = message(U.RTM_NEWADDR, (w) => {
    fixed(w, ['u8', AF_INET6], ['u8', 64], ['u8', U.IFA_F_SECONDARY | U.IFA_F_NODAD], ['u8', U.RT_SCOPE_UNIVERSE], ['u32', 3]);
    w.attrBytes(U.IFA_ADDRESS, ipBytes(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
    // ifa_cacheinfo: preferred 100 s, valid forever
    const ci = Buffer.alloc(16);
    ci.writeUInt32LE(100, 0);
    ci.writeUInt32LE(0xffffffff, 4);
    w.attrBytes(U.IFA_CACHEINFO, ci);
    // IFA_FLAGS carries every bit (and an unnamed one, left out of the text)
    w.attrU32(U.IFA_FLAGS, U.IFA_F_SECONDARY | U.IFA_F_NODAD | 0x40000000);
  });
  assert.equal(lines(v6), ['3: eth3    inet6 2001:db8::1/64 scope global dynamic temporary nodad', '       valid_lft forever preferred_lft 100sec']);
  const v4 = message(U.RTM_NEWADDR, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 24], ['u8', U.IFA_F_PERMANENT | U.IFA_F_SECONDARY], ['u8', U.RT_SCOPE_LINK], ['u32', 9]);
    w.attrBytes(U.IFA_ADDRESS, ipBytes(10, 0, 0, 2));
    w.attrBytes(U.IFA_LOCAL, ipBytes(10, 0, 0, 1));
    w.attrBytes(U.IFA_BROADCAST, ipBytes(10, 0, 0, 255));
    w.attrString(U.IFA_LABEL, 'eth9:x');
  });
  assert.equal(lines(v4), ['9: if9    inet 10.0.0.1 peer 10.0.0.2/24 brd 10.0.0.255 scope link secondary eth9:x']);
});

test('route: type, host dst without /32, table by name, proto and scope names, flags, multipath next hops', () => {
  const r = message(U.RTM_NEWROUTE, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 32], ['u8', 0], ['u8', 0x10], ['u8', U.RT_TABLE_LOCAL], ['u8', U.RTPROT_KERNEL], ['u8', U.RT_SCOPE_HOST], ['u8', U.RTN_LOCAL], ['u32', U.RTNH_F_ONLINK]);
    w.attrBytes(U.RTA_DST, ipBytes(10, 1, 2, 3));
    w.attrU32(U.RTA_OIF, 4);
    w.attrBytes(U.RTA_PREFSRC, ipBytes(10, 1, 2, 3));
    w.attrU32(U.RTA_TABLE, U.RT_TABLE_LOCAL);
  });
  assert.equal(lines(r), ['local 10.1.2.3 tos 0x10 dev br4 table local proto kernel scope host src 10.1.2.3 onlink']);
  const mp = message(U.RTM_NEWROUTE, (w) => {
    fixed(w, ['u8', AF_INET6], ['u8', 48], ['u8', 0], ['u8', 0], ['u8', U.RT_TABLE_MAIN], ['u8', U.RTPROT_BOOT], ['u8', U.RT_SCOPE_UNIVERSE], ['u8', U.RTN_UNICAST], ['u32', 0]);
    w.attrBytes(U.RTA_DST, ipBytes(0x20, 0x01, 0x0d, 0xb8, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    w.attrU32(U.RTA_PRIORITY, 1024);
    const a = w.attrStart(U.RTA_MULTIPATH);
    for (const [hops, ifindex, last] of [[1, 3, 4], [0, 7, 5]] as const) {
      const s = w.pos;
      w.u16(0);
      w.u8(0);
      w.u8(hops);
      w.s32(ifindex);
      w.attrBytes(U.RTA_GATEWAY, ipBytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last));
      w.buf.writeUInt16LE(w.pos - s, s);
    }
    w.attrEnd(a);
  });
  assert.equal(lines(mp), ['inet6 2001:db8:9::/48 metric 1024', '\tnexthop via fe80::4 dev eth3 weight 2', '\tnexthop via fe80::5 dev if7 weight 1']);
});

test('route with a malformed next hop: the summary comes from the attributes that decode, the tree from the bytes', () => {
  const m = message(U.RTM_NEWROUTE, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 16], ['u8', 0], ['u8', 0], ['u8', 100], ['u8', U.RTPROT_STATIC], ['u8', U.RT_SCOPE_UNIVERSE], ['u8', U.RTN_UNICAST], ['u32', 0]);
    w.attrBytes(U.RTA_DST, ipBytes(10, 2, 0, 0));
    const a = w.attrStart(U.RTA_MULTIPATH);
    w.u16(40); // rtnh_len past the end of RTA_MULTIPATH
    w.u8(0);
    w.u8(0);
    w.s32(3);
    w.attrEnd(a);
    w.attrU32(U.RTA_PRIORITY, 10);
    w.attrU32(U.RTA_TABLE, 100);
  });
  assert.throws(() => decodeMessage(m), /rtnexthop length 40/);
  assert.equal(lines(m), ['10.2.0.0/16 table 100 proto static metric 10']);
  const d = lines(m, true);
  assert.is(d[0], '10.2.0.0/16 table 100 proto static metric 10');
  assert.ok(d.includes('    header 021000006404000100000000'), d.join('\n'));
  assert.ok(d.some((l) => /^ {4}unknown\(type=9\) 2800000003000000$/.test(l)), d.join('\n'));
  // a header cut short: said so, no made-up fields
  const short = message(U.RTM_NEWADDR, (w) => w.u32(0x0a000000));
  assert.equal(lines(short), ['short ifaddrmsg (4 bytes)']);
});

test('neighbours: NUD_* names of a combined state, router/proxy flags; FDB entries like bridge fdb', () => {
  const n = message(U.RTM_NEWNEIGH, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 0], ['u16', 0], ['s32', 3], ['u16', U.NUD_NOARP | U.NUD_PERMANENT], ['u8', U.NTF_ROUTER | U.NTF_PROXY], ['u8', U.RTN_UNICAST]);
    w.attrBytes(U.NDA_DST, ipBytes(10, 9, 0, 5));
    w.attrBytes(U.NDA_LLADDR, ipBytes(2, 0, 0, 0, 0, 5));
  });
  assert.equal(lines(n), ['10.9.0.5 dev eth3 lladdr 02:00:00:00:00:05 router proxy NOARP,PERMANENT']);
  const none = message(U.RTM_NEWNEIGH, (w) => {
    fixed(w, ['u8', AF_INET6], ['u8', 0], ['u16', 0], ['s32', 3], ['u16', 0], ['u8', 0], ['u8', U.RTN_UNICAST]);
    w.attrBytes(U.NDA_DST, ipBytes(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
  });
  assert.equal(lines(none), ['fe80::1 dev eth3 NONE']);
  const fdb = message(U.RTM_NEWNEIGH, (w) => {
    fixed(w, ['u8', AF_BRIDGE], ['u8', 0], ['u16', 0], ['s32', 3], ['u16', U.NUD_NOARP], ['u8', U.NTF_SELF], ['u8', 0]);
    w.attrBytes(U.NDA_LLADDR, ipBytes(2, 0, 0, 0, 1, 1));
    w.attrU16(U.NDA_VLAN, 5);
    w.attrU32(U.NDA_MASTER, 4);
  });
  assert.equal(lines(fdb), ['02:00:00:00:01:01 dev eth3 vlan 5 master br4 self static']);
});

test('rules: not, bare source address for src_len 0, fwmark/mask, iif/oif, goto; proto unless kernel (always with -d)', () => {
  const r = message(U.RTM_NEWRULE, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 16], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', U.FR_ACT_GOTO], ['u32', U.FIB_RULE_INVERT]);
    w.attrU32(U.FRA_PRIORITY, 1005);
    w.attrBytes(U.FRA_SRC, ipBytes(10, 3, 0, 1));
    w.attrBytes(U.FRA_DST, ipBytes(10, 4, 0, 0));
    w.attrU32(U.FRA_FWMARK, 0x10);
    w.attrU32(U.FRA_FWMASK, 0xff);
    w.attrString(U.FRA_IIFNAME, 'br0');
    w.attrString(U.FRA_OIFNAME, 'v0');
    w.attrU32(U.FRA_GOTO, 1010);
    w.attrU8(U.FRA_PROTOCOL, U.RTPROT_STATIC);
  });
  // iproute2 prints a rule's protocol unless it is 0 or kernel (print_rule)
  assert.equal(lines(r), ['1005:\tnot from 10.3.0.1 to 10.4.0.0/16 fwmark 0x10/0xff iif br0 oif v0 goto 1010 proto static']);
  const k = message(U.RTM_NEWRULE, (w) => {
    fixed(w, ['u8', AF_INET], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', U.RT_TABLE_MAIN], ['u8', 0], ['u8', 0], ['u8', U.FR_ACT_TO_TBL], ['u32', 0]);
    w.attrU32(U.FRA_PRIORITY, 32766);
    w.attrU8(U.FRA_PROTOCOL, U.RTPROT_KERNEL);
  });
  assert.equal(lines(k), ['32766:\tfrom all lookup main']);
  assert.equal(lines(k, false, undefined, true), ['32766:\tfrom all lookup main proto kernel']);
  const v6 = message(U.RTM_NEWRULE, (w) => {
    fixed(w, ['u8', AF_INET6], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', U.RT_TABLE_MAIN], ['u8', 0], ['u8', 0], ['u8', U.FR_ACT_TO_TBL], ['u32', 0]);
  });
  // no FRA_PRIORITY: preference 0; no FRA_TABLE: the header's table
  assert.equal(lines(v6), ['inet6 0:\tfrom all lookup main']);
});

// A kind that exists only in this test: iproute2 has no print_opt for it, so
// -d prints its name alone; -dd has every attribute.
const clitestPolicy = policy('IFLA_CLITEST', { IFLA_CLITEST_ID: 1, IFLA_CLITEST_NEST: 2 }, [
  ['IFLA_CLITEST_ID', 'id', u32],
  ['IFLA_CLITEST_NEST', 'nest', nested(policy('IFLA_CLITEST_INNER', { IFLA_CLITEST_INNER_X: 1 }, [['IFLA_CLITEST_INNER_X', 'x', u32]]))],
]);
registerKind({ kind: 'clitest', data: clitestPolicy });

function linkWithInfo(info: (w: Writer) => void, attrs?: (w: Writer) => void): RawMessage {
  return message(U.RTM_NEWLINK, (w) => {
    fixed(w, ['u8', 0], ['u8', 0], ['u16', 1], ['s32', 12], ['u32', U.IFF_BROADCAST | U.IFF_MULTICAST], ['u32', 0]);
    w.attrString(U.IFLA_IFNAME, 'x12');
    attrs?.(w);
    const li = w.nestStart(U.IFLA_LINKINFO, false);
    info(w);
    w.attrEnd(li);
  });
}

/** A kind (and optionally port) IFLA_LINKINFO. */
function kindMsg(kind: string, data: (w: Writer) => void, slave?: [string, (w: Writer) => void]): RawMessage {
  return linkWithInfo((w) => {
    w.attrString(U.IFLA_INFO_KIND, kind);
    const d = w.nestStart(U.IFLA_INFO_DATA, false);
    data(w);
    w.attrEnd(d);
    if (slave) {
      w.attrString(U.IFLA_INFO_SLAVE_KIND, slave[0]);
      const s = w.nestStart(U.IFLA_INFO_SLAVE_DATA, false);
      slave[1](w);
      w.attrEnd(s);
    }
  });
}

/** `-d` lines after the two head lines (the kind line, the port line). */
function kindLines(m: RawMessage): string[] {
  return lines(m, false, undefined, true).slice(2);
}

/** `-j -d` linkinfo of a message, as parsed JSON. */
function kindJson(m: RawMessage): Record<string, Record<string, unknown>> {
  const p = new IpPrinter(true);
  p.openObject();
  printLink(p, decodeMessage(m) as unknown as Link, { names: new Map([[3, 'eth3'], [4, 'br4']]), details: true, stats: 0, brief: false }, { doLink: true, family: 'packet' });
  p.closeObject();
  return (JSON.parse(ipJsonText(p.objects())) as Array<{ linkinfo: Record<string, Record<string, unknown>> }>)[0]!.linkinfo;
}

const be16 = (v: number): Buffer => Buffer.from([v >> 8, v & 0xff]);

test('link head: flags in ip order with NO-CARRIER and M-DOWN, @peer and master by name, link-netnsid, -d queue and GSO fields', () => {
  const m = message(U.RTM_NEWLINK, (w) => {
    fixed(w, ['u8', 0], ['u8', 0], ['u16', 1], ['s32', 12], ['u32', U.IFF_UP | U.IFF_BROADCAST | U.IFF_MULTICAST | U.IFF_SLAVE], ['u32', 0]);
    w.attrString(U.IFLA_IFNAME, 'v12');
    w.attrU32(U.IFLA_MTU, 1500);
    w.attrU32(U.IFLA_LINK, 3);
    w.attrU32(U.IFLA_MASTER, 4);
    w.attrString(U.IFLA_QDISC, 'noqueue');
    w.attrU8(U.IFLA_OPERSTATE, 2);
    w.attrU8(U.IFLA_LINKMODE, 0);
    w.attrU32(U.IFLA_GROUP, 0);
    w.attrU32(U.IFLA_TXQLEN, 1000);
    w.attrBytes(U.IFLA_ADDRESS, ipBytes(2, 0, 0, 0, 0, 0x0c));
    w.attrBytes(U.IFLA_BROADCAST, ipBytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff));
    w.attrU32(U.IFLA_PROMISCUITY, 1);
    w.attrU32(U.IFLA_MIN_MTU, 68);
    w.attrU32(U.IFLA_MAX_MTU, 65535);
    w.attrU32(U.IFLA_NUM_TX_QUEUES, 2);
    w.attrU32(U.IFLA_GSO_MAX_SIZE, 65536);
  });
  const o: FormatOptions = { details: false, names: new Map([[3, 'eth3'], [4, 'br4']]), flags: new Map([[3, U.IFF_BROADCAST]]) };
  const l = formatRouteMessage(m, decodeMessage(m), o);
  // print_link_flags: NO-CARRIER (up, not running) first, SLAVE before UP, M-DOWN (eth3 is down) last
  assert.equal(l, [
    '12: v12@eth3: <NO-CARRIER,BROADCAST,MULTICAST,SLAVE,UP,M-DOWN> mtu 1500 qdisc noqueue master br4 state DOWN mode DEFAULT group default qlen 1000',
    '    link/ether 02:00:00:00:00:0c brd ff:ff:ff:ff:ff:ff',
  ]);
  const d = formatRouteMessage(m, decodeMessage(m), { ...o, details: true });
  assert.is(d[1], '    link/ether 02:00:00:00:00:0c brd ff:ff:ff:ff:ff:ff promiscuity 1 minmtu 68 maxmtu 65535 numtxqueues 2 gso_max_size 65536');
  // the lower device's flags unknown: no M-DOWN (ll_index_to_flags gives -1)
  assert.match(formatRouteMessage(m, decodeMessage(m), { ...o, flags: new Map() })[0]!, /<NO-CARRIER,BROADCAST,MULTICAST,SLAVE,UP> /);
  // a peer in another namespace: its index is not ours (@ifN), the namespace by name when known
  const peer = message(U.RTM_NEWLINK, (w) => {
    fixed(w, ['u8', 0], ['u8', 0], ['u16', 1], ['s32', 13], ['u32', U.IFF_BROADCAST], ['u32', 0]);
    w.attrString(U.IFLA_IFNAME, 'v13');
    w.attrU32(U.IFLA_LINK, 3);
    w.attrS32(U.IFLA_LINK_NETNSID, 0);
    w.attrBytes(U.IFLA_ADDRESS, ipBytes(2, 0, 0, 0, 0, 0x0d));
  });
  assert.equal(formatRouteMessage(peer, decodeMessage(peer), o), ['13: v13@if3: <BROADCAST> ', '    link/ether 02:00:00:00:00:0d link-netnsid 0'].map((x) => x.trimEnd()));
  assert.is(formatRouteMessage(peer, decodeMessage(peer), { ...o, nsNames: new Map([[0, 'blue']]) })[1], '    link/ether 02:00:00:00:00:0d link-netns blue');
});

test('kind line: a kind iproute2 has no printer for prints its name; -dd has every attribute', () => {
  const m = kindMsg('clitest', (w) => {
    w.attrU32(1, 42);
    const n = w.nestStart(2, false);
    w.attrU32(1, 7);
    w.attrEnd(n);
    w.attrU32(99, 1);
  });
  assert.equal(kindLines(m), ['    clitest']);
  const dd = lines(m, true, undefined, true);
  assert.ok(dd.includes('          IFLA_CLITEST_ID 42') && dd.includes('            IFLA_CLITEST_INNER_X 7'), dd.join('\n'));
  assert.ok(dd.some((l) => /^ {10}unknown\(type=99\) 01000000$/.test(l)), dd.join('\n'));
  // no kind line without -d
  assert.is(lines(m).length, 2);
  // -j: info_kind only (no info_data for kinds without a printer)
  assert.equal(kindJson(m), { info_kind: 'clitest' });
});

test('kind line: bridge in iproute2 6.1 words (group_address, designated_root, timers in seconds "%4i.%.2i"), JSON timers as numbers', () => {
  const m = kindMsg('bridge', (w) => {
    w.attrU32(U.IFLA_BR_FORWARD_DELAY, 1500);
    w.attrU8(U.IFLA_BR_VLAN_FILTERING, 1);
    w.attrBytes(U.IFLA_BR_VLAN_PROTOCOL, be16(0x88a8));
    w.attrBytes(U.IFLA_BR_BRIDGE_ID, ipBytes(0x80, 0, 2, 0, 0, 0x0a, 0xb0, 1));
    w.attrBytes(U.IFLA_BR_ROOT_ID, ipBytes(0x10, 0, 2, 0, 0, 0, 0, 9));
    w.attrU64(U.IFLA_BR_HELLO_TIMER, 250n);
    w.attrU64(U.IFLA_BR_GC_TIMER, 29998n);
    w.attrU16(U.IFLA_BR_GROUP_FWD_MASK, 0);
    w.attrBytes(U.IFLA_BR_GROUP_ADDR, ipBytes(1, 0x80, 0xc2, 0, 0, 0));
    const bo = Buffer.alloc(8);
    bo.writeUInt32LE(2, 0); // optval: mcast_vlan_snooping on
    bo.writeUInt32LE(3, 4); // optmask: no_ll_learn, mcast_vlan_snooping
    w.attrBytes(U.IFLA_BR_MULTI_BOOLOPT, bo);
    w.attrU64(U.IFLA_BR_MCAST_QUERY_INTVL, 12500n);
  });
  assert.equal(kindLines(m), [
    '    bridge forward_delay 1500 vlan_filtering 1 vlan_protocol 802.1ad bridge_id 8000.2:0:0:a:b0:1 designated_root 1000.2:0:0:0:0:9 ' +
      'hello_timer    2.50 gc_timer  299.98 group_fwd_mask 0 group_address 01:80:c2:00:00:00 no_linklocal_learn 0 mcast_vlan_snooping 1 mcast_query_interval 12500',
  ]);
  const j = kindJson(m).info_data!;
  assert.is(j.hello_timer, 2.5);
  assert.is(j.gc_timer, 299.98);
  assert.is(j.group_fwd_mask, '0');
  assert.is(j.group_addr, '01:80:c2:00:00:00');
  assert.is(j.root_id, '1000.2:0:0:0:0:9');
  assert.is(j.mcast_query_intvl, 12500);
});

test('kind line: bridge port (bridge_slave) with on/off words, port_id in hex, the fwd mask spelled out, backup_port by name', () => {
  const m = kindMsg('veth', () => undefined, ['bridge', (w) => {
    w.attrU8(U.IFLA_BRPORT_STATE, 3);
    w.attrU16(U.IFLA_BRPORT_PRIORITY, 32);
    w.attrU32(U.IFLA_BRPORT_COST, 2);
    w.attrU8(U.IFLA_BRPORT_MODE, 0);
    w.attrU8(U.IFLA_BRPORT_FAST_LEAVE, 1);
    w.attrU16(U.IFLA_BRPORT_ID, 0x8001);
    w.attrU64(U.IFLA_BRPORT_HOLD_TIMER, 5n);
    w.attrU8(U.IFLA_BRPORT_MULTICAST_ROUTER, 1);
    w.attrU16(U.IFLA_BRPORT_GROUP_FWD_MASK, 0x4005);
    w.attrU32(U.IFLA_BRPORT_BACKUP_PORT, 3);
  }]);
  assert.equal(kindLines(m), [
    '    veth',
    '    bridge_slave state forwarding priority 32 cost 2 hairpin off fastleave on port_id 0x8001 hold_timer    0.05 mcast_router 1 mcast_fast_leave on ' +
      'group_fwd_mask 0x4005 group_fwd_mask_str stp,lacp,lldp backup_port eth3',
  ]);
  const j = kindJson(m);
  assert.equal(j.info_slave_data, { state: 'forwarding', priority: 32, cost: 2, hairpin: false, fastleave: true, id: '0x8001', hold_timer: 0.05, multicast_router: 1, group_fwd_mask: '0x4005', group_fwd_mask_str: 'stp,lacp,lldp', backup_port: 'eth3' });
  assert.is(j.info_kind, 'veth');
  assert.is(j.info_data, undefined, 'veth has no printer: no info_data');
});

test('kind line: vxlan (dev, srcport, dstport, nolearning, tos inherit, ttl auto, flowlabel, ageing none, [no]udpcsum); JSON keeps ip\'s keys', () => {
  const m = kindMsg('vxlan', (w) => {
    w.attrU32(U.IFLA_VXLAN_ID, 42);
    w.attrBytes(U.IFLA_VXLAN_GROUP, ipBytes(239, 1, 1, 1));
    w.attrU32(U.IFLA_VXLAN_LINK, 3);
    w.attrBytes(U.IFLA_VXLAN_PORT_RANGE, ipBytes(0x30, 0x39, 0x30, 0x3a));
    w.attrBytes(U.IFLA_VXLAN_PORT, be16(4789));
    w.attrU8(U.IFLA_VXLAN_LEARNING, 0);
    w.attrU8(U.IFLA_VXLAN_TOS, 1);
    w.attrU8(U.IFLA_VXLAN_TTL, 0);
    w.attrU8(U.IFLA_VXLAN_DF, 0);
    w.attrBytes(U.IFLA_VXLAN_LABEL, ipBytes(0, 1, 0x23, 0x45));
    w.attrU32(U.IFLA_VXLAN_AGEING, 0);
    w.attrU8(U.IFLA_VXLAN_UDP_CSUM, 1);
    w.attrU8(U.IFLA_VXLAN_UDP_ZERO_CSUM6_TX, 0);
    w.attrFlag(U.IFLA_VXLAN_GBP);
  });
  assert.equal(kindLines(m), ['    vxlan id 42 group 239.1.1.1 dev eth3 srcport 12345 12346 dstport 4789 nolearning tos inherit ttl auto flowlabel 0x12345 ageing none udpcsum noudp6zerocsumtx gbp']);
  assert.equal(kindJson(m).info_data, {
    id: 42, group: '239.1.1.1', link: 'eth3', port_range: { low: 12345, high: 12346 }, port: 4789, learning: false, tos: '0x1', ttl: 0, df: 'unset',
    label: '0x12345', ageing: 0, udp_csum: true, udp_zero_csum6_tx: false, gbp: true,
  });
});

test('kind line: macvlan source mode with its remotes; macvtap like macvlan', () => {
  const m = kindMsg('macvlan', (w) => {
    w.attrU32(U.IFLA_MACVLAN_MODE, 16);
    w.attrU16(U.IFLA_MACVLAN_FLAGS, 1);
    w.attrU32(U.IFLA_MACVLAN_MACADDR_COUNT, 2);
    const d = w.nestStart(U.IFLA_MACVLAN_MACADDR_DATA, false);
    w.attrBytes(U.IFLA_MACVLAN_MACADDR, ipBytes(2, 0, 0, 0, 0, 1));
    w.attrBytes(U.IFLA_MACVLAN_MACADDR, ipBytes(2, 0, 0, 0, 0, 2));
    w.attrEnd(d);
    w.attrU32(U.IFLA_MACVLAN_BC_QUEUE_LEN, 1000);
  });
  assert.equal(kindLines(m), ['    macvlan mode source nopromisc bcqueuelen 1000 remotes (2) 02:00:00:00:00:01 02:00:00:00:00:02']);
  assert.equal(kindJson(m).info_data, { mode: 'source', nopromisc: true, bcqueuelen: 1000, macaddr_count: 2, macaddr_data: ['02:00:00:00:00:01', '02:00:00:00:00:02'] });
  const t = kindMsg('macvtap', (w) => w.attrU32(U.IFLA_MACVLAN_MODE, 2));
  assert.equal(kindLines(t), ['    macvtap mode vepa']);
});

test('kind line: bond (names of modes and policies, arp_ip_target list, ad_info) and bond_slave (LACP port states spelled out)', () => {
  const m = kindMsg('bond', (w) => {
    w.attrU8(U.IFLA_BOND_MODE, 4);
    w.attrU32(U.IFLA_BOND_ACTIVE_SLAVE, 3);
    w.attrU32(U.IFLA_BOND_MIIMON, 100);
    const t = w.nestStart(U.IFLA_BOND_ARP_IP_TARGET, false);
    w.attrBytes(0, ipBytes(10, 0, 0, 1));
    w.attrBytes(1, ipBytes(10, 0, 0, 2));
    w.attrEnd(t);
    w.attrU32(U.IFLA_BOND_ARP_VALIDATE, 0);
    w.attrU8(U.IFLA_BOND_XMIT_HASH_POLICY, 1);
    w.attrU8(U.IFLA_BOND_NUM_PEER_NOTIF, 1);
    w.attrU8(U.IFLA_BOND_AD_LACP_RATE, 1);
    const ad = w.nestStart(U.IFLA_BOND_AD_INFO, false);
    w.attrU16(U.IFLA_BOND_AD_INFO_AGGREGATOR, 1);
    w.attrBytes(U.IFLA_BOND_AD_INFO_PARTNER_MAC, ipBytes(0, 0, 0, 0, 0, 0));
    w.attrEnd(ad);
  }, ['bond', (w) => {
    w.attrU8(U.IFLA_BOND_SLAVE_STATE, 1);
    w.attrU8(U.IFLA_BOND_SLAVE_MII_STATUS, 0);
    w.attrU32(U.IFLA_BOND_SLAVE_LINK_FAILURE_COUNT, 0);
    w.attrU8(U.IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE, 61);
  }]);
  assert.equal(kindLines(m), [
    '    bond mode 802.3ad active_slave eth3 miimon 100 arp_ip_target 10.0.0.1,10.0.0.2 arp_validate none xmit_hash_policy layer3+4 num_grat_arp 1 lacp_rate fast ad_aggregator 1 ad_partner_mac 00:00:00:00:00:00',
    '    bond_slave state BACKUP mii_status UP link_failure_count 0 ad_actor_oper_port_state 61 ad_actor_oper_port_state_str <active,aggregating,in_sync,collecting,distributing>',
  ]);
  const j = kindJson(m);
  assert.equal(j.info_data, {
    mode: '802.3ad', active_slave: 'eth3', miimon: 100, arp_ip_target: ['10.0.0.1', '10.0.0.2'], arp_validate: null, xmit_hash_policy: 'layer3+4',
    num_peer_notif: 1, ad_lacp_rate: 'fast', ad_info: { aggregator: 1, partner_mac: '00:00:00:00:00:00' },
  });
  assert.equal(j.info_slave_data, { state: 'BACKUP', mii_status: 'UP', link_failure_count: 0, ad_actor_oper_port_state: 61, ad_actor_oper_port_state_str: ['active', 'aggregating', 'in_sync', 'collecting', 'distributing'] });
});

test('kind line: vlan (protocol, id, <flags>, qos maps on their own line), geneve, ipvlan, vrf (+port), macsec, tun', () => {
  const vl = kindMsg('vlan', (w) => {
    w.attrU16(U.IFLA_VLAN_ID, 5);
    w.attrBytes(U.IFLA_VLAN_PROTOCOL, be16(0x88a8));
    w.attrBytes(U.IFLA_VLAN_FLAGS, Buffer.from([3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]));
    const q = w.nestStart(U.IFLA_VLAN_EGRESS_QOS, false);
    w.attrBytes(U.IFLA_VLAN_QOS_MAPPING, Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]));
    w.attrEnd(q);
  });
  assert.equal(kindLines(vl), ['    vlan protocol 802.1ad id 5 <REORDER_HDR,GVRP>', '      egress-qos-map { 1:2 }']);
  assert.equal(kindJson(vl).info_data, { protocol: '802.1ad', id: 5, flags: ['REORDER_HDR', 'GVRP'], egress_qos: [{ from: 1, to: 2 }] });
  const gn = kindMsg('geneve', (w) => {
    w.attrU32(U.IFLA_GENEVE_ID, 10);
    w.attrBytes(U.IFLA_GENEVE_REMOTE, ipBytes(192, 0, 2, 1));
    w.attrU8(U.IFLA_GENEVE_TTL, 64);
    w.attrU8(U.IFLA_GENEVE_TOS, 0);
    w.attrU8(U.IFLA_GENEVE_DF, 1);
    w.attrBytes(U.IFLA_GENEVE_PORT, be16(6081));
    w.attrU8(U.IFLA_GENEVE_UDP_CSUM, 0);
  });
  assert.equal(kindLines(gn), ['    geneve id 10 remote 192.0.2.1 ttl 64 df set dstport 6081 noudpcsum']);
  const iv = kindMsg('ipvlan', (w) => {
    w.attrU16(U.IFLA_IPVLAN_MODE, 2);
    w.attrU16(U.IFLA_IPVLAN_FLAGS, 2);
  });
  assert.equal(kindLines(iv), ['    ipvlan  mode l3s vepa']);
  const vr = kindMsg('vrf', (w) => w.attrU32(U.IFLA_VRF_TABLE, 1010), ['vrf', (w) => w.attrU32(U.IFLA_VRF_PORT_TABLE, 1010)]);
  assert.equal(kindLines(vr), ['    vrf table 1010', '    vrf_slave table 1010']);
  const ms = kindMsg('macsec', (w) => {
    w.attrBytes(U.IFLA_MACSEC_SCI, ipBytes(2, 0, 0, 0, 0, 1, 0, 11));
    w.attrU8(U.IFLA_MACSEC_PROTECT, 1);
    w.attrU64(U.IFLA_MACSEC_CIPHER_SUITE, 0x0080c20001000001n);
    w.attrU8(U.IFLA_MACSEC_ICV_LEN, 16);
    w.attrU8(U.IFLA_MACSEC_ENCODING_SA, 0);
    w.attrU8(U.IFLA_MACSEC_VALIDATION, 2);
    w.attrU8(U.IFLA_MACSEC_ENCRYPT, 1);
    w.attrU8(U.IFLA_MACSEC_INC_SCI, 1);
    w.attrU8(U.IFLA_MACSEC_REPLAY_PROTECT, 0);
  });
  assert.equal(kindLines(ms), ['    macsec sci 020000000001000b protect on cipher GCM-AES-128 icvlen 16 encodingsa 0 validate strict encrypt on send_sci on replay off']);
  assert.equal(kindJson(ms).info_data, { sci: '020000000001000b', protect: true, cipher_suite: 'GCM-AES-128', icv_len: 16, encoding_sa: 0, validation: 'strict', encrypt: true, inc_sci: true, replay_protect: false });
  const tn = kindMsg('tun', (w) => {
    w.attrU8(U.IFLA_TUN_TYPE, 2);
    w.attrU8(U.IFLA_TUN_PI, 0);
    w.attrU8(U.IFLA_TUN_VNET_HDR, 1);
    w.attrU8(U.IFLA_TUN_MULTI_QUEUE, 1);
    w.attrU32(U.IFLA_TUN_NUM_QUEUES, 2);
    w.attrU8(U.IFLA_TUN_PERSIST, 1);
    w.attrU32(U.IFLA_TUN_OWNER, 0);
  });
  assert.equal(kindLines(tn), ['    tun type tap pi off vnet_hdr on multi_queue numqueues 2 persist on user root']);
  assert.equal(kindJson(tn).info_data, { type: 'tap', pi: false, vnet_hdr: true, multi_queue: true, numqueues: 2, persist: true, user: 'root' });
});

test.run();
