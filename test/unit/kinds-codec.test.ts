// Link kinds on bytes captured from real kernels (test/fixtures/kinds-*.json, made by
// scripts/capture-kind-fixtures.mjs): typed decoding, byte-exact re-encoding, unknown
// attributes kept, malformed input rejected with DecodeError; and the kind codecs' encodings.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import '../../src/rtnl/kinds/index.js';
import { decodeLink, encodeLink, type AnyLink } from '../../src/rtnl/link.js';
import { getKind, kindData, slaveData } from '../../src/rtnl/kinds/registry.js';
import { splitMessages } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { checkAttrs, decodeAttrs, encodeAttrs, encodeAttrsToBuffer } from '../../src/netlink/attr.js';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { bridgeAfSpecPolicy, inetPolicy } from '../../src/rtnl/afspec.js';
import { vxlanPolicy as vxlanPolicyOf } from '../../src/rtnl/kinds/vxlan.js';
import { vlanPolicy as vlanPolicyOf } from '../../src/rtnl/kinds/vlan.js';
import { bondPolicy as bondPolicyOf } from '../../src/rtnl/kinds/bond.js';
import { macvlanPolicy as macvlanPolicyOf } from '../../src/rtnl/kinds/macvlan.js';
import { macsecPolicy as macsecPolicyOf } from '../../src/rtnl/kinds/macsec.js';
import { throwsA } from '../expect.js';

// the kinds build their policies on first use (netlink/once.ts, once)
const vxlanPolicy = vxlanPolicyOf();
const vlanPolicy = vlanPolicyOf();
const bondPolicy = bondPolicyOf();
const macvlanPolicy = macvlanPolicyOf();
const macsecPolicy = macsecPolicyOf();
const { RTM_NEWLINK } = UAPI;

interface Capture {
  name: string;
  family: number;
  frames: string[];
}
const load = (f: string): Capture[] => JSON.parse(readFileSync(new URL(`../../../test/fixtures/${f}`, import.meta.url), 'utf8')).captures;
const captures = [...load('kinds-host.json'), ...load('kinds-vm.json')];

function messages(c: Capture): Array<{ bytes: Buffer; link: AnyLink }> {
  return c.frames
    .flatMap((h) => splitMessages(Buffer.from(h, 'hex')))
    .filter((m) => m.type === RTM_NEWLINK)
    .map((m) => ({ bytes: m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len), link: decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) }));
}
const byName = (c: string): Map<string, AnyLink> => new Map(messages(captures.find((x) => x.name === c)!).map((m) => [m.link.name, m.link]));

const encode = (l: Partial<AnyLink>): Buffer => {
  const w = new Writer();
  encodeLink(w, l);
  return w.toBuffer();
};

test('every captured RTM_NEWLINK (AF_UNSPEC, AF_BRIDGE, AF_INET6; host 6.18 and VM 6.1) re-encodes to the kernel bytes', () => {
  let n = 0;
  for (const c of captures) {
    for (const { bytes, link } of messages(c)) {
      const again = encode(link);
      if (!again.equals(bytes)) {
        let i = 0;
        while (i < again.length && again[i] === bytes[i]) i++;
        assert.unreachable(`${c.name} ${link.name}: differs at byte ${i} (len ${again.length} vs ${bytes.length})`);
      }
      n++;
    }
  }
  assert.ok(n >= 25, `${n} messages`);
});

test('no IFLA_INFO_DATA / SLAVE_DATA / AF_SPEC / PROTINFO is left undecoded in the captures', () => {
  for (const c of captures) {
    for (const { link } of messages(c)) {
      const info = link.linkInfo;
      assert.equal(info?.unknown, undefined, `${c.name} ${link.name}: raw IFLA_LINKINFO parts ${JSON.stringify(info?.unknown?.map((u) => u.type))}`);
      assert.equal((info?.data as { unknown?: unknown } | undefined)?.unknown, undefined, `${c.name} ${link.name}: unknown IFLA_INFO_DATA attributes`);
      assert.equal((info?.slaveData as { unknown?: unknown } | undefined)?.unknown, undefined, `${c.name} ${link.name}: unknown slave data`);
      const raw = (link.unknown ?? []).map((u) => u.type);
      assert.ok(!raw.includes(26) && !raw.includes(12), `${c.name} ${link.name}: AF_SPEC/PROTINFO raw`);
    }
  }
});

test('host captures: vxlan v4/v6/external, macvlan source list, macvtap, tun/tap, bridge port', () => {
  const l = byName('host-unspec');
  const eth0 = l.get('eth0')!;
  const vx4 = kindData(l.get('vx4')!, 'vxlan')!;
  assert.equal([vx4.id, vx4.remote, vx4.local, vx4.link, vx4.port, vx4.ttl, vx4.tos, vx4.learning, vx4.proxy, vx4.l2miss, vx4.ageing, vx4.limit, vx4.udpCsum, vx4.gbp, vx4.df], [4242, '192.0.2.7', '192.0.2.1', eth0.index, 4789, 5, 0x10, false, true, true, 100, 50, false, true, 'set']);
  assert.equal(vx4.portRange, { low: 1000, high: 2000 });
  const vx6 = kindData(l.get('vx6')!, 'vxlan')!;
  assert.equal([vx6.group, vx6.local, vx6.ttlInherit, vx6.label, vx6.udpZeroCsum6Tx], ['ff05::5', '2001:db8::2', true, 0x12345, true]);
  // read back under the option names only: the attribute names of the addresses are gone
  assert.equal([vx4.group, vx6.group6, vx6.local6, vx6.remote], [undefined, undefined, undefined, undefined]);
  const vxe = kindData(l.get('vxe')!, 'vxlan')!;
  assert.equal([vxe.collectMetadata, vxe.vnifilter, vxe.port], [true, true, 4790]);
  const mv = kindData(l.get('mvsrc')!, 'macvlan')!;
  assert.equal([mv.mode, mv.flags, mv.macaddrCount], ['source', 2, 2]);
  assert.equal([...mv.macaddrData!].sort(), ['02:00:00:00:00:0a', '02:00:00:00:00:0b']);
  assert.equal(kindData(l.get('mtap')!, 'macvtap')!.bcQueueLen, 77);
  const tap = kindData(l.get('tap0')!, 'tun')!;
  assert.equal([tap.type, tap.owner, tap.group, tap.multiQueue], ['tap', 4242, 4243, true]);
  assert.equal(kindData(l.get('tun0')!, 'tun')!.vnetHdr, true);
  const port = slaveData(l.get('eth0p')!, 'bridge')!;
  assert.equal([port.cost, port.learning, port.hairpin, port.isolated], [10, false, true, true]);
  // AF_UNSPEC: afSpec narrows to LinkAfSpec on the family, no cast
  assert.ok(eth0.family === 0);
  const af = eth0.afSpec!;
  assert.equal(af.inet!.conf!.forwarding, 1);
  assert.equal(af.inet6!.addrGenMode, 'none');
  assert.equal(af.inet6!.conf!.disableIpv6, 0);
  assert.equal(typeof af.inet6!.stats!.inReceives, 'bigint');
});

test('host captures: AF_BRIDGE protinfo (IFLA_BRPORT_*) and AF_INET6 protinfo (IFLA_INET6_*)', () => {
  const b = byName('host-bridge');
  const p = b.get('eth0p')!;
  assert.ok(p.family === 7);
  assert.equal(p.protinfo!.cost, 10);
  assert.equal(p.protinfo!.isolated, true);
  const v6 = byName('host-inet6').get('eth0')!;
  assert.ok(v6.family === 10);
  assert.equal(v6.protinfo!.addrGenMode, 'none');
});

test('VM captures (6.1): vlan, bond + port, geneve, ipvlan, macsec, vrf + port, vxcan, bridge VLANs', () => {
  const l = byName('vm-unspec');
  const vlan = kindData(l.get('eth0.10')!, 'vlan')!;
  assert.equal([vlan.id, vlan.protocol, vlan.flags!.reorderHdr, vlan.flags!.gvrp], [10, '802.1ad', false, true]);
  assert.equal(vlan.ingressQos, [{ from: 1, to: 2 }]);
  assert.equal(vlan.egressQos, [{ from: 2, to: 3 }]);
  const bond = kindData(l.get('bond0')!, 'bond')!;
  assert.equal([bond.mode, bond.arpInterval, bond.arpValidate, bond.failOverMac], ['active-backup', 100, 'all', 'active']);
  assert.equal(bond.arpIpTarget, ['192.0.2.1', '192.0.2.2']);
  assert.equal(bond.nsIp6Target, ['2001:db8::1']);
  const bs = slaveData(l.get('eth1')!, 'bond')!;
  assert.equal([bs.queueId, bs.prio, bs.state], [2, 5, 'backup']);
  const g = kindData(l.get('gnv0')!, 'geneve')!;
  assert.equal([g.id, g.remote, g.ttl, g.df, g.port], [10, '192.0.2.1', 64, 'set', 6082]);
  assert.equal(kindData(l.get('ipvl0')!, 'ipvlan'), { mode: 'l3s', flags: 'private' });
  const ms = kindData(l.get('macsec0')!, 'macsec')!;
  assert.equal([ms.sci, ms.cipherSuite, ms.encrypt, ms.replayProtect, ms.window], ['020000000003000b', 'gcm-aes-256', true, true, 32]);
  assert.equal(kindData(l.get('vrf0')!, 'vrf'), { table: 1010 });
  assert.equal(slaveData(l.get('eth3p')!, 'vrf'), { table: 1010 });
  assert.equal(l.get('vxcan0')!.kind, 'vxcan');
  const br = byName('vm-bridge').get('eth4')!;
  assert.ok(br.family === 7);
  const vi = br.afSpec!.vlanInfo!;
  // VLAN 1 (the default pvid) stays, untagged, when another VLAN becomes the pvid
  assert.equal(vi.map((v) => `${v.vid}:${v.flags}`), ['1:4', '10:6', '20:0', '21:0', '22:0']);
});

test('an unknown attribute inside IFLA_INFO_DATA is kept and re-encoded in place', () => {
  const vx = byName('host-unspec').get('vx4')!;
  const data = vx.linkInfo!.data as Record<string, unknown>;
  const withUnknown = { ...vx, linkInfo: { ...vx.linkInfo!, data: { id: data.id, unknown: [{ type: 200, flags: 0, data: Buffer.from([1, 2, 3, 4]) }], port: data.port } } };
  const bytes = encode(withUnknown);
  const back = decodeLink(bytes, 0, bytes.length);
  const d = back.linkInfo!.data as { id: number; port: number; unknown: Array<{ type: number; data: Uint8Array }> };
  assert.equal([d.id, d.port], [4242, 4789]);
  assert.equal(d.unknown.length, 1);
  assert.equal(d.unknown[0]!.type, 200);
  assert.equal(Buffer.from(d.unknown[0]!.data).toString('hex'), '01020304');
  assert.ok(encode(back).equals(bytes));
});

test('an attribute of unexpected size is kept raw, not misread; truncated nests are DecodeErrors', () => {
  // IFLA_VXLAN_ID with 2 bytes instead of 4, then a good IFLA_VXLAN_TTL
  const buf = Buffer.from([6, 0, 1, 0, 0x2a, 0, 0, 0, 5, 0, 5, 0, 9, 0, 0, 0]);
  const d = decodeAttrs<Record<string, unknown>>(buf, 0, buf.length, vxlanPolicy);
  assert.equal(d.id, undefined);
  assert.equal(d.ttl, 9);
  assert.equal((d.unknown as Array<{ type: number }>)[0]!.type, 1);
  assert.ok(encodeAttrsToBuffer(vxlanPolicy, d).equals(buf));
  // a nested attribute claiming more bytes than its parent holds
  const bad = Buffer.from([12, 0, 3, 0, 12, 0, 1, 0, 0, 0, 0, 0]);
  throwsA(() => decodeAttrs(bad, 0, bad.length, vlanPolicy), DecodeError);
});

test('kind codecs encode what the kernel expects', () => {
  // IPv4 devconf as user input: a nest { IPV4_DEVCONF_FORWARDING (1): u32 1, IPV4_DEVCONF_RP_FILTER (8): u32 2 }
  const conf = checkAttrs(inetPolicy, { conf: { forwarding: 1, rpFilter: 2 } }, 'inet');
  assert.equal(encodeAttrsToBuffer(inetPolicy, conf).toString('hex'), '14000100' + '0800010001000000' + '0800080002000000');
  // TTL_INHERIT: a zero-length flag on requests; false is left out
  assert.equal(encodeAttrsToBuffer(vxlanPolicy, checkAttrs(vxlanPolicy, { ttlInherit: true }, 'vxlan')).toString('hex'), '04001c00');
  assert.equal(encodeAttrsToBuffer(vxlanPolicy, checkAttrs(vxlanPolicy, { ttlInherit: false }, 'vxlan')).length, 0);
  // port and label are network order
  assert.equal(encodeAttrsToBuffer(vxlanPolicy, { port: 4789 }).toString('hex'), '06000f0012b50000');
  // bond ARP targets: an indexed array (types 0, 1) of be32
  assert.equal(encodeAttrsToBuffer(bondPolicy, checkAttrs(bondPolicy, { arpIpTarget: ['192.0.2.1', '192.0.2.2'] }, 'bond')).toString('hex'), '14000800' + '08000000c0000201' + '08000100c0000202');
  // vlan flags by name: only the named bits go in the mask
  const vf = checkAttrs(vlanPolicy, { flags: { reorderHdr: false, gvrp: true } }, 'vlan');
  assert.equal(vf.flags, { flags: 2, mask: 3 });
  // macvlan source list: a nest of IFLA_MACVLAN_MACADDR (4)
  const mv = checkAttrs(macvlanPolicy, { macaddrMode: 'set', macaddrData: ['02:00:00:00:00:0a'] }, 'macvlan');
  assert.equal(encodeAttrsToBuffer(macvlanPolicy, mv).toString('hex'), '0800030003000000' + '10000500' + '0a000400' + '02000000000a0000');
  // macsec SCI from { mac, port } and the cipher suite id
  const ms = checkAttrs(macsecPolicy, { sci: { mac: '02:00:00:00:00:01', port: 11 }, cipherSuite: 'gcm-aes-128' }, 'macsec');
  assert.equal(ms.sci, '020000000001000b');
  assert.equal(encodeAttrsToBuffer(macsecPolicy, ms).toString('hex'), '0c000100020000000001000b' + '0c0004000100000100c28000');
  // AF_BRIDGE VLAN info as bridge vlan add sends it
  assert.equal(encodeAttrsToBuffer(bridgeAfSpecPolicy, { flags: 2, vlanInfo: [{ flags: 6, vid: 10 }] }).toString('hex'), '0600000002000000' + '080002000600' + '0a00');
});

test('the legacy macsec cipher id decodes as gcm-aes-128 and re-encodes to the same bytes', () => {
  const legacy = Buffer.from('0c000400' + '0100000100028000', 'hex'); // MACSEC_DEFAULT_CIPHER_ID 0x0080020001000001
  const d = decodeAttrs<Record<string, unknown>>(legacy, 0, legacy.length, macsecPolicy);
  assert.equal(d.cipherSuite, 'gcm-aes-128');
  assert.ok(encodeAttrsToBuffer(macsecPolicy, d).equals(legacy));
});

/**
 * Kind options as links.add() takes them, through the kind's check and the
 * link encoder (the bytes links.add() sends in IFLA_INFO_DATA), decoded back
 * as links.list() would: the kind data.
 */
function readBack(kind: string, options: Record<string, unknown>): Record<string, unknown> {
  const k = getKind(kind)!;
  // as links.add() checks them: the kind's check hook, or its policy
  const data = k.check ? k.check(structuredClone(options), {}, 'add')! : checkAttrs(k.data!, structuredClone(options), kind);
  const bytes = encode({ family: 0, type: 1, index: 7, flags: 0, change: 0, linkInfo: { kind, data } } as Partial<AnyLink>);
  const back = decodeLink(bytes, 0, bytes.length);
  assert.ok(encode(back).equals(bytes), `${kind}: re-encodes to the same bytes`);
  return back.linkInfo!.data as Record<string, unknown>;
}

test('symmetry: every address and enum option reads back under the name and in the form it is written with', () => {
  const cases: Array<[string, Record<string, unknown>, Record<string, unknown>?]> = [
    // vxlan: the kernel keeps remote and group in IFLA_VXLAN_GROUP(6), local in LOCAL(6), by family
    ['vxlan', { id: 1, remote: '192.0.2.7', local: '192.0.2.1' }],
    ['vxlan', { id: 2, remote: '2001:db8::7', local: '2001:db8::1' }],
    ['vxlan', { id: 3, group: '239.1.1.1', local: '192.0.2.1' }],
    ['vxlan', { id: 4, group: 'ff05::5', local: '2001:db8::2' }],
    ['vxlan', { id: 5, remote: '2001:db8::7' }],
    // the attributes' own names are accepted and read back under the option names
    ['vxlan', { id: 6, group6: 'ff05::6', local6: '2001:db8::3' }, { id: 6, group: 'ff05::6', local: '2001:db8::3' }],
    ['vxlan', { id: 7, group6: '2001:db8::8' }, { id: 7, remote: '2001:db8::8' }],
    ['vxlan', { id: 8, df: 'inherit', labelPolicy: 'inherit' }],
    ['geneve', { id: 1, remote: '192.0.2.1', df: 'set' }],
    ['geneve', { id: 2, remote: '2001:db8::1' }],
    ['geneve', { id: 3, remote6: '2001:db8::2' }, { id: 3, remote: '2001:db8::2' }],
    // bridge vlan_protocol takes ip's names like vlan's protocol; an ethertype number reads back named when it has a name
    ['bridge', { vlanProtocol: '802.1ad' }],
    ['bridge', { vlanProtocol: '802.1Q' }],
    ['bridge', { vlanProtocol: 0x88a8 }, { vlanProtocol: '802.1ad' }],
    ['vlan', { id: 10, protocol: '802.1ad' }],
    ['vlan', { id: 11, protocol: '802.1Q' }],
  ];
  for (const [kind, opts, expected] of cases) {
    const back = readBack(kind, opts);
    for (const [k, v] of Object.entries(expected ?? opts)) assert.equal(back[k], v, `${kind} ${JSON.stringify(opts)}: ${k}`);
    const extra = Object.keys(back).filter((k) => !(k in (expected ?? opts)));
    assert.equal(extra, [], `${kind} ${JSON.stringify(opts)}: no other keys`);
  }
  // and what was read back can be written again (links.set / links.add with the data of another link)
  const again = readBack('vxlan', readBack('vxlan', { id: 9, remote: '2001:db8::9', local: '2001:db8::1' }));
  assert.equal([again.remote, again.local], ['2001:db8::9', '2001:db8::1']);
  assert.equal(readBack('bridge', readBack('bridge', { vlanProtocol: '802.1ad' })).vlanProtocol, '802.1ad');
});

test('symmetry: a vxlan whose two address attributes would read back under one name keeps the attribute names (nothing lost)', () => {
  // IFLA_VXLAN_GROUP 192.0.2.7 and IFLA_VXLAN_GROUP6 2001:db8::7: two unicast remotes (the kernel never sends both)
  const info = encode({ family: 0, type: 1, index: 7, flags: 0, change: 0, linkInfo: { kind: 'vxlan', data: { group: '192.0.2.7', group6: '2001:db8::7' } } } as Partial<AnyLink>);
  assert.ok(info.includes(Buffer.from('080002' + '00c0000207', 'hex')) && info.includes(Buffer.from('14001000' + '20010db8', 'hex')), 'both attributes sent');
  const l = decodeLink(info, 0, info.length);
  const d = l.linkInfo!.data as Record<string, unknown>;
  assert.equal([d.group, d.group6, d.remote], ['192.0.2.7', '2001:db8::7', undefined]);
  assert.ok(encode(l).equals(info));
  // a multicast IFLA_VXLAN_GROUP and a unicast IFLA_VXLAN_GROUP6 do not collide: group and remote
  const mixed = encode({ family: 0, type: 1, index: 7, flags: 0, change: 0, linkInfo: { kind: 'vxlan', data: { group: '239.1.1.1', group6: '2001:db8::7' } } } as Partial<AnyLink>);
  const m = decodeLink(mixed, 0, mixed.length).linkInfo!.data as Record<string, unknown>;
  assert.equal([m.group, m.remote, m.group6], ['239.1.1.1', '2001:db8::7', undefined]);
  assert.ok(encode(decodeLink(mixed, 0, mixed.length)).equals(mixed));
});

test('kind option errors name the field', () => {
  // bridge vlan_protocol: a name ip knows or a number
  assert.equal(throwsA(() => readBack('bridge', { vlanProtocol: '802.1x' }), ArgumentError).field, 'bridge.vlanProtocol');
  assert.equal(throwsA(() => checkAttrs(vxlanPolicy, { id: 1 << 24 }, 'vxlan'), ArgumentError).field, 'vxlan.id');
  assert.equal(throwsA(() => checkAttrs(vlanPolicy, { id: 4095 }, 'vlan'), ArgumentError).field, 'vlan.id');
  assert.equal(throwsA(() => checkAttrs(macvlanPolicy, { mode: 'bridged' }, 'macvlan'), ArgumentError).field, 'macvlan.mode');
  assert.equal(throwsA(() => checkAttrs(bondPolicy, { mode: 'lacp' }, 'bond'), ArgumentError).field, 'bond.mode');
  assert.equal(throwsA(() => checkAttrs(macvlanPolicy, { macaddrCount: 1 }, 'macvlan'), ArgumentError).field, 'macvlan.macaddrCount');
  assert.equal(throwsA(() => checkAttrs(inetPolicy, { conf: { forwarding: 'yes' } }, 'inet'), ArgumentError).field, 'inet.conf.forwarding');
  const w = new Writer();
  encodeAttrs(w, vxlanPolicy, {});
  assert.equal(w.toBuffer().length, 0);
});

test.run();
