// rtnl-dump text output built from the typed decoded objects: summaries of
// crafted addresses, routes, neighbours and rules (the way `ip` prints them),
// malformed messages summarized from what still decodes, and the generic
// `ip -d link` kind line drawn from a kind's policy.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRouteMessage, type FormatOptions } from '../../src/cli/format.js';
import { arrayOf, bool8, binary, enumOf, flag, nested, policy, struct, u32, u8, type Codec } from '../../src/netlink/attr.js';
import { AF_BRIDGE, AF_INET, AF_INET6 } from '../../src/netlink/constants.js';
import { splitMessages, type RawMessage } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { registerKind } from '../../src/rtnl/kinds/index.js';
import { decodeMessage } from '../../src/rtnl/schema.js';
import '../../src/rtnl/rtnl.js';
import * as U from '../../src/rtnl/uapi.js';

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

/** Lines rtnl-dump prints for a message, decoded like the CLI does (decode errors leave obj undefined). */
function lines(m: RawMessage, details = false, names: Array<[number, string]> = [[3, 'eth3'], [4, 'br4']]): string[] {
  let obj: Record<string, unknown> | undefined;
  try {
    obj = decodeMessage(m);
  } catch {
    obj = undefined;
  }
  const o: FormatOptions = { details, names: new Map(names) };
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

test('rules: not, bare source address for src_len 0, fwmark/mask, iif/oif, goto; proto only with -d', () => {
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
  assert.equal(lines(r), ['1005:\tnot from 10.3.0.1 to 10.4.0.0/16 fwmark 0x10/0xff iif br0 oif v0 goto 1010']);
  assert.is(lines(r, true)[0], '1005:\tnot from 10.3.0.1 to 10.4.0.0/16 fwmark 0x10/0xff iif br0 oif v0 goto 1010 proto static');
  const v6 = message(U.RTM_NEWRULE, (w) => {
    fixed(w, ['u8', AF_INET6], ['u8', 0], ['u8', 0], ['u8', 0], ['u8', U.RT_TABLE_MAIN], ['u8', 0], ['u8', 0], ['u8', U.FR_ACT_TO_TBL], ['u32', 0]);
  });
  // no FRA_PRIORITY: preference 0; no FRA_TABLE: the header's table
  assert.equal(lines(v6), ['inet6 0:\tfrom all lookup main']);
});

/** A codec decoding to an object with a boolean field (like vlan's ifla_vlan_flags). */
const bitsCodec: Codec<{ raw: number; on: boolean }> = {
  name: 'bits',
  size: 4,
  decode: (b, o) => ({ raw: b.readUInt32LE(o), on: (b[o]! & 1) === 1 }),
  encode: (w, v) => w.u32(v.raw),
  check: (v) => v as { raw: number; on: boolean },
};

// A kind that exists only in this test, with one attribute of each value shape.
const clitestPolicy = policy(
  'IFLA_CLITEST',
  { IFLA_CLITEST_ID: 1, IFLA_CLITEST_FLAGGED: 2, IFLA_CLITEST_LEARNING: 3, IFLA_CLITEST_LINK: 4, IFLA_CLITEST_PORT_RANGE: 5, IFLA_CLITEST_MODE: 6, IFLA_CLITEST_KEY: 7, IFLA_CLITEST_NEST: 8, IFLA_CLITEST_BITS: 9, IFLA_CLITEST_LIST: 10 },
  [
    ['IFLA_CLITEST_ID', 'id', u32],
    ['IFLA_CLITEST_FLAGGED', 'flagged', flag],
    ['IFLA_CLITEST_LEARNING', 'learning', bool8],
    ['IFLA_CLITEST_LINK', 'link', u32, { ifindex: true }],
    ['IFLA_CLITEST_PORT_RANGE', 'portRange', struct<{ low: number; high: number }>('range', [['low', 'be16'], ['high', 'be16']])],
    ['IFLA_CLITEST_MODE', 'mode', enumOf(u8, { 4: 'bridge' })],
    ['IFLA_CLITEST_KEY', 'key', binary],
    ['IFLA_CLITEST_NEST', 'nest', nested(policy('IFLA_CLITEST_INNER', { IFLA_CLITEST_INNER_X: 1 }, [['IFLA_CLITEST_INNER_X', 'x', u32]]))],
    ['IFLA_CLITEST_BITS', 'bits', bitsCodec],
    ['IFLA_CLITEST_LIST', 'list', arrayOf(u32, 4)],
  ],
);
const clitestPortPolicy = policy('IFLA_CLITEST_PORT', { IFLA_CLITEST_PORT_COST: 1 }, [['IFLA_CLITEST_PORT_COST', 'cost', u32]]);
registerKind({ kind: 'clitest', data: clitestPolicy, slaveData: clitestPortPolicy });

function linkWithInfo(info: (w: Writer) => void): RawMessage {
  return message(U.RTM_NEWLINK, (w) => {
    fixed(w, ['u8', 0], ['u8', 0], ['u16', 1], ['s32', 12], ['u32', U.IFF_BROADCAST | U.IFF_MULTICAST], ['u32', 0]);
    w.attrString(U.IFLA_IFNAME, 'x12');
    const li = w.nestStart(U.IFLA_LINKINFO);
    info(w);
    w.attrEnd(li);
  });
}

test('kind line: every IFLA_INFO_DATA attribute by its uapi name without the kind prefix, in wire order, values like ip', () => {
  const m = linkWithInfo((w) => {
    w.attrString(U.IFLA_INFO_KIND, 'clitest');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    w.attrU32(1, 42);
    w.attrFlag(2);
    w.attrU8(3, 0);
    w.attrU32(4, 3);
    w.attrBytes(5, ipBytes(0x12, 0x34, 0x12, 0x40));
    w.attrU8(6, 4);
    w.attrBytes(7, ipBytes(0x0a, 0x0b));
    const n = w.nestStart(8);
    w.attrU32(1, 7);
    w.attrEnd(n);
    w.attrU32(9, 5);
    w.attrBytes(10, Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]));
    w.attrU32(99, 1); // no such attribute: only in the tree
    w.attrEnd(d);
    w.attrString(U.IFLA_INFO_SLAVE_KIND, 'clitest');
    const sd = w.nestStart(U.IFLA_INFO_SLAVE_DATA);
    w.attrU32(1, 19);
    w.attrEnd(sd);
  });
  const d = lines(m, true);
  assert.is(d[2], '    clitest id 42 flagged learning 0 link eth3 port_range 4660 4672 mode bridge key 0a0b bits {raw=5 on=1} list 1,2');
  assert.is(d[3], '    clitest_slave cost 19');
  assert.ok(d.some((l) => /^ {10}IFLA_CLITEST_NEST$/.test(l)) && d.some((l) => /^ {12}IFLA_CLITEST_INNER_X 7$/.test(l)), 'the nest is in the tree');
  assert.ok(d.some((l) => /^ {10}unknown\(type=99\) 01000000$/.test(l)), d.join('\n'));
  // without -d there is no kind line
  assert.is(lines(m).length, 2);
});

test('kind line: bridge options as ip names them; veth (its peer is a nest) and kinds without a policy print the kind alone', () => {
  const br = linkWithInfo((w) => {
    w.attrString(U.IFLA_INFO_KIND, 'bridge');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    w.attrU32(U.IFLA_BR_FORWARD_DELAY, 1500);
    w.attrU8(U.IFLA_BR_VLAN_FILTERING, 1);
    w.attrBytes(U.IFLA_BR_GROUP_ADDR, ipBytes(1, 0x80, 0xc2, 0, 0, 0));
    w.attrEnd(d);
  });
  assert.is(lines(br, true)[2], '    bridge forward_delay 1500 vlan_filtering 1 group_addr 01:80:c2:00:00:00');
  const veth = linkWithInfo((w) => {
    w.attrString(U.IFLA_INFO_KIND, 'veth');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    const p = w.nestStart(1); // VETH_INFO_PEER: ifinfomsg + IFLA_*
    w.zero(16);
    w.attrString(U.IFLA_IFNAME, 'peer0');
    w.attrEnd(p);
    w.attrEnd(d);
  });
  assert.is(lines(veth, true)[2], '    veth');
  const other = linkWithInfo((w) => {
    w.attrString(U.IFLA_INFO_KIND, 'nosuchkind');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    w.attrU32(1, 5);
    w.attrEnd(d);
  });
  assert.is(lines(other, true)[2], '    nosuchkind');
});

test.run();
