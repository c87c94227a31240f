// IP tunnel kinds (gre, gretap, erspan, ip6gre, ip6gretap, ip6erspan, ipip, sit, ip6tnl) and ipoib on bytes:
// RTM_NEWLINK dumps captured once from a real kernel (test/fixtures/kinds-tunnels.json, made in the VM lane by
// `scripts/capture-kind-fixtures.mjs tunnels` through the library) decode to what the script asked for and
// re-encode byte for byte; the option short forms encode as the uapi layouts say; ipoib (no hardware here)
// against bytes written by hand from the uapi layout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import '../../src/rtnl/kinds/index.js';
import { decodeLink, encodeLink, type AnyLink } from '../../src/rtnl/link.js';
import { getKind, kindData, type KindContext } from '../../src/rtnl/kinds/registry.js';
import { splitMessages } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { decodeAttrs, encodeAttrsToBuffer } from '../../src/netlink/attr.js';
import { ArgumentError } from '../../src/netlink/errors.js';
import { grePolicy as grePolicyOf, ip6grePolicy as ip6grePolicyOf } from '../../src/rtnl/kinds/gre.js';
import { sitPolicy as sitPolicyOf, ip6tnlPolicy as ip6tnlPolicyOf } from '../../src/rtnl/kinds/iptun.js';
import { ipoibPolicy as ipoibPolicyOf } from '../../src/rtnl/kinds/ipoib.js';
import { mergeCurrent } from '../../src/rtnl/kinds/tunnel.js';
import { throwsA } from '../expect.js';

// the kinds build their policies on first use (netlink/once.ts, once)
const grePolicy = grePolicyOf();
const ip6grePolicy = ip6grePolicyOf();
const sitPolicy = sitPolicyOf();
const ip6tnlPolicy = ip6tnlPolicyOf();
const ipoibPolicy = ipoibPolicyOf();
const { RTM_NEWLINK } = UAPI;

interface Capture {
  name: string;
  frames: string[];
}
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/kinds-tunnels.json', import.meta.url), 'utf8')) as { note: string; captures: Capture[] };

const messages = fixture.captures.flatMap((c) =>
  c.frames
    .flatMap((h) => splitMessages(Buffer.from(h, 'hex')))
    .filter((m) => m.type === RTM_NEWLINK)
    .map((m) => ({ bytes: m.buf.subarray(m.offset + NLMSG_HDRLEN, m.offset + m.len), link: decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) })),
);
const links = new Map<string, AnyLink>(messages.map((m) => [m.link.name!, m.link]));
const data = (name: string): Record<string, unknown> => {
  const l = links.get(name);
  assert.ok(l, `${name} is in the capture`);
  return l!.linkInfo!.data as Record<string, unknown>;
};
const encode = (l: Partial<AnyLink>): Buffer => {
  const w = new Writer();
  encodeLink(w, l);
  return w.toBuffer();
};
/** A kind's check() (what links.add()/set() run before any I/O). */
const check = (kind: string, o: unknown, mode: 'add' | 'set' = 'add'): Record<string, unknown> => getKind(kind)!.check!(o as Record<string, unknown>, {}, mode)!;
const hex = (kind: string, o: unknown, mode: 'add' | 'set' = 'add'): string => encodeAttrsToBuffer(getKind(kind)!.data!, check(kind, o, mode)).toString('hex');
const field = (kind: string, o: unknown, mode: 'add' | 'set' = 'add'): string | undefined => throwsA(() => check(kind, o, mode), ArgumentError).field;

test('the capture comes from a real kernel and holds every tunnel kind', () => {
  assert.match(fixture.note, /kernel 6\.1\./);
  const kinds = new Set(messages.map((m) => m.link.kind));
  for (const k of ['gre', 'gretap', 'erspan', 'ip6gre', 'ip6gretap', 'ip6erspan', 'ipip', 'sit', 'ip6tnl']) assert.ok(kinds.has(k), k);
});

test('every captured RTM_NEWLINK re-encodes to the kernel bytes, with no attribute left undecoded', () => {
  let n = 0;
  for (const { bytes, link } of messages) {
    const again = encode(link);
    if (!again.equals(bytes)) {
      let i = 0;
      while (i < again.length && again[i] === bytes[i]) i++;
      assert.unreachable(`${link.name}: differs at byte ${i} (len ${again.length} vs ${bytes.length})`);
    }
    assert.equal(link.linkInfo?.unknown, undefined, `${link.name}: raw IFLA_LINKINFO parts`);
    assert.equal((link.linkInfo?.data as { unknown?: unknown } | undefined)?.unknown, undefined, `${link.name}: raw IFLA_INFO_DATA attributes`);
    for (const v of Object.values((link.linkInfo?.data ?? {}) as Record<string, unknown>)) {
      if (v && typeof v === 'object') assert.equal((v as { other?: unknown }).other, undefined, `${link.name}: unnamed flag bits ${JSON.stringify(v)}`);
    }
    n++;
  }
  assert.ok(n >= 25, `${n} messages`);
});

test('gre family: decoded values are what the capture script asked for', () => {
  const eth0 = links.get('eth0')!.index;
  const g1 = data('gre1');
  assert.equal([g1.remote, g1.local, g1.link, g1.ttl, g1.tos, g1.ikey, g1.okey, g1.fwmark, g1.pmtudisc], ['192.0.2.1', '192.0.2.2', eth0, 64, 0x10, 256, 256, 0x42, true]);
  assert.equal(g1.iflags, { csum: true, key: true, seq: true });
  assert.equal(g1.oflags, { csum: true, key: true, seq: true });
  const g2 = data('gre2');
  assert.equal([g2.ikey, g2.okey, g2.tos, g2.ttl, g2.pmtudisc, g2.ignoreDf], [7, 8, 'inherit', 'inherit', false, true]);
  assert.equal(g2.iflags, { csum: true, key: true, seq: false });
  assert.equal(g2.oflags, { csum: false, key: true, seq: true });
  assert.equal([g2.encapType, g2.encapSport, g2.encapDport], ['fou', 'auto', 5555]);
  assert.equal(g2.encapFlags, { csum: true, csum6: false, remcsum: false });
  assert.equal(data('gre3').collectMetadata, true);
  assert.equal(data('gre1').collectMetadata, undefined);
  const t1 = data('gretap1');
  assert.equal([t1.remote, t1.local, t1.ikey, t1.okey, t1.ttl], ['192.0.2.5', '192.0.2.6', 9, 9, 'inherit']);
  assert.equal(links.get('gretap1')!.address, '02:00:00:00:01:01');
  const e1 = data('erspan1');
  assert.equal([e1.erspanVer, e1.erspanIndex, e1.ikey, e1.erspanDir, e1.erspanHwid], [1, 123, 10, undefined, undefined]);
  const e2 = data('erspan2');
  assert.equal([e2.erspanVer, e2.erspanDir, e2.erspanHwid, e2.erspanIndex, e2.okey], [2, 'egress', 7, undefined, 11]);
  assert.equal(e2.iflags, { csum: false, key: true, seq: true });
  const g6 = data('ip6gre1');
  assert.equal([g6.remote, g6.local, g6.link, g6.ttl, g6.ikey, g6.okey], ['2001:db8::1', '2001:db8::2', eth0, 32, 12, 12]);
  assert.equal(g6.flowinfo, { tclass: 0x12, flowlabel: 0x12345 });
  const f6 = g6.flags as Record<string, boolean>;
  assert.equal([f6.ignEncapLimit, f6.rcvDscpCopy, f6.useOrigTclass, f6.useOrigFlowlabel, f6.allowLocalRemote], [true, true, false, false, false]);
  assert.equal(g6.tos, undefined, 'ip6gre reports no IPv4 TOS');
  const t6 = data('ip6gretap1');
  const ft = t6.flags as Record<string, boolean>;
  assert.equal([t6.encapLimit, ft.useOrigTclass, ft.useOrigFlowlabel, ft.useOrigFwmark, ft.allowLocalRemote, ft.ignEncapLimit], [2, true, true, true, true, false]);
  assert.equal([t6.encapType, t6.encapDport], ['gue', 6080]);
  const e6 = data('ip6erspan1');
  assert.equal([e6.erspanVer, e6.erspanDir, e6.erspanHwid, e6.ikey], [2, 'ingress', 0x3f, 13]);
  // the kernel-made fallback devices decode too
  assert.equal(data('gre0').remote, '0.0.0.0');
  assert.equal(data('erspan0').oflags, { csum: false, key: true, seq: false }); // erspan_fill_info reports the KEY bit it adds
});

test('ipip, sit, ip6tnl: decoded values are what the capture script asked for', () => {
  const eth0 = links.get('eth0')!.index;
  const i1 = data('ipip1');
  assert.equal([i1.remote, i1.local, i1.link, i1.ttl, i1.tos, i1.fwmark, i1.mode, i1.encapType, i1.encapSport, i1.encapDport], ['192.0.3.1', '192.0.3.2', eth0, 64, 0x20, 7, 'any', 'gue', 7777, 6666]);
  assert.equal(i1.encapFlags, { csum: true, csum6: false, remcsum: true });
  const i2 = data('ipip2');
  assert.equal([i2.collectMetadata, i2.mode], [true, 'ipip']);
  const s1 = data('sit1');
  assert.equal([s1.local, s1.mode, s1.ttl, s1.remote], ['192.0.3.4', 'ip6ip', 64, '0.0.0.0']);
  assert.equal(s1.flags, { isatap: true });
  const s2 = data('sit2');
  assert.equal([s2.ip6rdPrefix, s2.ip6rdPrefixLen, s2.ip6rdRelayPrefix, s2.ip6rdRelayPrefixLen, s2.tos, s2.ttl], ['2001:db8::', 32, '192.0.3.0', 24, 'inherit', 32]);
  assert.equal([data('sit0').ip6rdPrefix, data('sit0').ip6rdPrefixLen], ['2002::', 16]);
  const t1 = data('ip6tnl1');
  assert.equal([t1.mode, t1.remote, t1.local, t1.ttl, t1.fwmark], ['ipip6', '2001:db8:1::1', '2001:db8:1::2', 'inherit', 5]);
  assert.equal(t1.flowinfo, { tclass: 0, flowlabel: 0xabcde });
  const f = t1.flags as Record<string, boolean>;
  assert.equal([f.ignEncapLimit, f.useOrigTclass, f.useOrigFlowlabel, f.rcvDscpCopy, f.useOrigFwmark], [true, true, false, true, false]);
  const t2 = data('ip6tnl2');
  assert.equal([t2.collectMetadata, t2.mode], [true, 'any']);
  assert.equal((t2.flags as Record<string, boolean>).capPerPacket, true, 'the kernel reports its capability bits');
  assert.equal(kindData(links.get('ip6tnl1')!, 'ip6tnl')?.mode, 'ipip6');
});

test('short forms encode the uapi layouts (GRE flags and keys big-endian, flowinfo be32, IP6_TNL_F_* u32)', () => {
  // key 0.0.1.0 = 256 on both sides; seq + csum: GRE_KEY|GRE_SEQ|GRE_CSUM = 0xb000, be16
  assert.equal(
    hex('gre', { key: '0.0.1.0', seq: true, csum: true }),
    '0800040000000100' + '0800050000000100' + '06000200b0000000' + '06000300b0000000',
  );
  // ikey 5 alone: IFLA_GRE_IKEY be32 5 and KEY in iflags only
  assert.equal(hex('gre', { ikey: 5 }), '0800040000000005' + '0600020020000000');
  // iflags given explicitly wins over the KEY bit ikey would set (so decoded data can be passed back)
  assert.equal(hex('gre', { ikey: 0, iflags: { key: false } }), '0800040000000000' + '0600020000000000');
  // noikey: key 0, KEY cleared
  assert.equal(hex('gre', { ikey: false }), '0800040000000000' + '0600020000000000');
  // ttl/tos inherit are 0 and 1
  assert.equal(hex('gre', { ttl: 'inherit', tos: 'inherit' }), '0500080000000000' + '0500090001000000');
  // encap: type u16, sport/dport be16, flags u16
  assert.equal(hex('ipip', { encapType: 'gue', encapSport: 'auto', encapDport: 6666, encapFlags: { csum: true, remcsum: true } }), '06000f0002000000' + '0600110000000000' + '060012001a0a0000' + '0600100005000000');
  // ip6gre: tclass 0x12 and flowlabel 0x12345 in one be32 0x01212345, dscp inherit = IP6_TNL_F_RCV_DSCP_COPY (0x10), encaplimit none = 0x1
  assert.equal(hex('ip6gre', { tclass: 0x12, flowlabel: 0x12345, dscp: 'inherit', encapLimit: 'none' }), '08000d0011000000' + '08000c0001212345');
  // tclass inherit: USE_ORIG_TCLASS (0x2), and the tclass bits cleared
  assert.equal(hex('ip6tnl', { tclass: 'inherit', fwmark: 'inherit' }), '0800140000000000' + '0800080022000000' + '0800070000000000');
  // a number for encapLimit / fwmark clears IGN_ENCAP_LIMIT / USE_ORIG_FWMARK like iproute2, unless flags names the bit
  assert.equal(check('ip6tnl', { encapLimit: 4, fwmark: 7 }).flags, { ignEncapLimit: false, useOrigFwmark: false });
  assert.equal(check('ip6tnl', { encapLimit: 4, flags: { ignEncapLimit: true } }).flags, { ignEncapLimit: true });
  assert.equal(check('gre', { fwmark: 7 }).flags, undefined);
  // sit: isatap is SIT_ISATAP 0x0001 (u16), 6rd prefixes ADDR/LEN
  assert.equal(
    hex('sit', { isatap: true, ip6rdPrefix: '2001:db8::/32', ip6rdRelayPrefix: '192.0.2.0/24' }),
    '14000b0020010db8000000000000000000000000' + '08000c00c0000200' + '06000d0020000000' + '06000e0018000000' + '0600080001000000',
  );
  // ip6tnl modes: ipip6 = IPPROTO_IPIP (4), ip6ip6 = IPPROTO_IPV6 (41)
  assert.equal(hex('ip6tnl', { mode: 'ipip6' }), '0500090004000000');
  assert.equal(hex('sit', { mode: 'ip6ip' }), '0500090029000000');
  // erspan v2: ver u8, dir u8, hwid u16 (host order)
  assert.equal(hex('erspan', { seq: true, key: 1, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 }).slice(0, 48), '050016000200000005001700' + '010000000600180007000000');
});

test('bad tunnel options are ArgumentErrors naming the field', () => {
  assert.equal(field('gre', { remote: '2001:db8::1' }), 'gre.remote'); // address family mix
  assert.equal(field('ip6gre', { local: '192.0.2.1' }), 'ip6gre.local');
  assert.equal(field('ip6tnl', { remote: '192.0.2.1' }), 'ip6tnl.remote');
  assert.equal(field('gre', { key: 2 ** 32 }), 'gre.ikey'); // key out of range
  assert.equal(field('gre', { okey: '1.2.3' }), 'gre.okey');
  assert.equal(field('gre', { key: 1, ikey: 2 }), 'gre.key'); // contradictory
  assert.equal(field('gre', { seq: true, oseq: false }), 'gre.seq');
  assert.equal(field('gre', { iseq: 1 }), 'gre.iseq'); // booleans are booleans
  assert.equal(field('gre', { bogus: 1 }), 'gre.bogus'); // unknown option
  assert.equal(field('gre', { tclass: 1 }), 'gre.tclass');
  assert.equal(field('gre', { erspanVer: 1 }), 'gre.erspanVer');
  assert.equal(field('gre', { ttl: 256 }), 'gre.ttl');
  assert.equal(field('gre', { ttl: 'always' }), 'gre.ttl');
  assert.equal(field('gre', { ignoreDf: true }), 'gre.ignoreDf'); // needs nopmtudisc
  assert.equal(field('gre', { remote: '239.1.1.1' }), 'gre.local'); // broadcast tunnel needs local
  assert.equal(field('gre', { iflags: { routing: true } }), 'gre.iflags.routing');
  assert.equal(field('gre', { iflags: { other: 0x4000 } }), 'gre.iflags.other');
  assert.equal(field('gre', { collectMetadata: true, encapType: 'fou' }), 'gre.encapType');
  assert.equal(field('gretap', { remote: '0.0.0.0' }), 'gretap.remote');
  assert.equal(field('ip6gretap', { remote: '::' }), 'ip6gretap.remote');
  assert.equal(field('erspan', { remote: '192.0.2.1', key: 1 }), 'erspan.seq'); // ERSPAN needs seq + key
  assert.equal(field('erspan', { remote: '192.0.2.1', seq: true }), 'erspan.key');
  assert.equal(field('erspan', { seq: true, key: 1, csum: true }), 'erspan.csum');
  assert.equal(field('erspan', { seq: true, key: 1024 }), 'erspan.ikey'); // 10-bit session id
  assert.equal(field('erspan', { seq: true, key: 1, erspanVer: 3 }), 'erspan.erspanVer');
  assert.equal(field('erspan', { seq: true, key: 1, erspanIndex: 1 << 20 }), 'erspan.erspanIndex');
  assert.equal(field('erspan', { seq: true, key: 1, erspanHwid: 7 }), 'erspan.erspanHwid'); // a version 2 option, default version 1
  assert.equal(field('erspan', { seq: true, key: 1, erspanVer: 2, erspanIndex: 5 }), 'erspan.erspanIndex');
  assert.equal(field('erspan', { seq: true, key: 1, erspanVer: 2, erspanHwid: 64 }), 'erspan.erspanHwid');
  assert.equal(field('erspan', { seq: true, key: 1, erspanVer: 2, erspanDir: 'up' }), 'erspan.erspanDir');
  assert.equal(field('ip6erspan', { seq: true, key: 1, erspanVer: 0 }), 'ip6erspan.erspanVer');
  assert.equal(field('ip6gre', { tos: 1 }), 'ip6gre.tos');
  assert.equal(field('ip6gre', { flowlabel: 0x100000 }), 'ip6gre.flowlabel');
  assert.equal(field('ip6gre', { tclass: 256 }), 'ip6gre.tclass');
  assert.equal(field('ip6gre', { encapLimit: 'never' }), 'ip6gre.encapLimit');
  assert.equal(field('ip6gre', { dscp: 'copy' }), 'ip6gre.dscp');
  assert.equal(field('ip6gre', { flags: { useOrigTclass: 1 } }), 'ip6gre.flags.useOrigTclass');
  assert.equal(field('ipip', { mode: 'ip6ip' }), 'ipip.mode');
  assert.equal(field('ipip', { isatap: true }), 'ipip.isatap');
  assert.equal(field('ipip', { ip6rdPrefix: '2001:db8::' }), 'ipip.ip6rdPrefix');
  assert.equal(field('sit', { collectMetadata: true }), 'sit.collectMetadata');
  assert.equal(field('sit', { ip6rdPrefix: '2001:db8::1/32' }), 'sit.ip6rdPrefix'); // host bits past the length
  assert.equal(field('sit', { ip6rdPrefix: '2001:db8::/65' }), 'sit.ip6rdPrefix');
  assert.equal(field('sit', { ip6rdPrefix: '2001:db8::/48', ip6rdRelayPrefix: '192.0.0.0/8' }), 'sit.ip6rdPrefixLen');
  assert.equal(field('sit', { ip6rdRelayPrefix: '192.0.2.0/8' }), 'sit.ip6rdRelayPrefix');
  assert.equal(field('ip6tnl', { mode: 'ip6ip' }), 'ip6tnl.mode');
  assert.equal(field('ip6tnl', { pmtudisc: false }), 'ip6tnl.pmtudisc');
  assert.equal(field('gre', 'remote 192.0.2.1'), 'gre');
});

test('decoded data can be passed back as options and encodes to the same attributes', () => {
  for (const name of ['gre1', 'gre2', 'gretap1', 'erspan1', 'erspan2', 'ip6gre1', 'ip6gretap1', 'ip6erspan1', 'ipip1', 'sit1', 'sit2', 'ip6tnl1']) {
    const l = links.get(name)!;
    const d = l.linkInfo!.data as Record<string, unknown>;
    const pol = getKind(l.kind)!.data!;
    const plain = Object.fromEntries(Object.entries(d)); // a copy without the wire layout
    const again = encodeAttrsToBuffer(pol, check(l.kind!, plain, 'set'));
    const orig = encodeAttrsToBuffer(pol, d);
    const back = decodeAttrs<Record<string, unknown>>(again, 0, again.length, pol);
    assert.equal(back, decodeAttrs(orig, 0, orig.length, pol), name);
  }
});

test('links.set() on a tunnel: the changes are merged into the current parameters (zero addresses left out)', () => {
  const cur = data('gre1');
  const changes = check('gre', { ttl: 10, iseq: false }, 'set');
  const m = mergeCurrent(cur, changes, grePolicy, ['local', 'remote']);
  assert.equal([m.ttl, m.remote, m.local, m.ikey, m.tos], [10, '192.0.2.1', '192.0.2.2', 256, 0x10]);
  assert.equal(m.iflags, { csum: true, key: true, seq: false });
  assert.equal(m.oflags, { csum: true, key: true, seq: true });
  // sit1 has no remote (0.0.0.0): not sent back
  const s = mergeCurrent(data('sit1'), check('sit', { ttl: 3 }, 'set'), sitPolicy, ['local', 'remote']);
  assert.equal([s.remote, s.local, s.ttl], [undefined, '192.0.3.4', 3]);
  assert.equal(s.flags, { isatap: true });
  // ip6: tclass over the current flowinfo keeps the flow label
  const t = mergeCurrent(data('ip6gre1'), check('ip6gre', { tclass: 0x34 }, 'set'), ip6grePolicy, ['local', 'remote']);
  assert.equal(t.flowinfo, { tclass: 0x34, flowlabel: 0x12345 });
  assert.equal((t.flags as Record<string, boolean>).rcvDscpCopy, true);
  const u = mergeCurrent(data('ip6tnl1'), check('ip6tnl', { flowlabel: 'inherit' }, 'set'), ip6tnlPolicy, ['local', 'remote']);
  assert.equal([(u.flags as Record<string, boolean>).useOrigFlowlabel, (u.flowinfo as Record<string, number>).flowlabel], [true, 0]);
  // unknown attributes of the current data are not sent back
  const withUnknown = { ...cur, unknown: [{ type: 99, flags: 0, data: new Uint8Array([1]) }] };
  assert.equal(mergeCurrent(withUnknown, {}, grePolicy, []).unknown, undefined);
});

test('prepare(): set merges into current(), resolves the underlay by name, sends nothing for no change; add reads nothing', async () => {
  const calls: string[] = [];
  const ctx = (mode: 'add' | 'set', kind = 'gre'): KindContext => ({
    mode,
    current: async () => {
      calls.push('current');
      return { kind, data: data('gre1') };
    },
    ifindex: async (n: string) => {
      calls.push(`ifindex ${n}`);
      return 42;
    },
    netnsFd: () => assert.unreachable('no namespaces') as never,
    check: () => assert.unreachable('no checks') as never,
  });
  const prep = getKind('gre')!.prepare!;
  const set = (await prep(check('gre', { ttl: 9, link: 'eth9' }, 'set'), {}, ctx('set')))!;
  assert.equal([set.ttl, set.remote, set.ikey, set.link], [9, '192.0.2.1', 256, 42]);
  assert.equal(calls, ['current', 'ifindex eth9']);
  calls.length = 0;
  assert.equal(await prep(check('gre', {}, 'set'), {}, ctx('set')), undefined);
  assert.equal(calls, [], 'no change: nothing read, nothing sent');
  const add = (await prep(check('gre', { ttl: 9 }), {}, ctx('add')))!;
  assert.equal(add, { ttl: 9 });
  assert.equal(calls, [], 'add: the current parameters are not read');
  // the link is of another kind: no merge (the kernel refuses the change)
  const other = (await prep(check('gre', { ttl: 9 }, 'set'), {}, ctx('set', 'gretap')))!;
  assert.equal(other, { ttl: 9 });
});

test('attributes of an unexpected size are kept raw and re-encoded unchanged', () => {
  // IFLA_GRE_IFLAGS with 3 bytes, IFLA_GRE_IKEY with 2, then a good IFLA_GRE_TTL 64
  const fixed = Buffer.from('0700020020000000' + '0600040000050000' + '0500080040000000', 'hex');
  const d = decodeAttrs<Record<string, unknown>>(fixed, 0, fixed.length, grePolicy);
  assert.equal([d.iflags, d.ikey, d.ttl], [undefined, undefined, 64]);
  assert.equal((d.unknown as Array<{ type: number }>).map((u) => u.type), [2, 4]);
  assert.ok(encodeAttrsToBuffer(grePolicy, d).equals(fixed));
});

test('ipoib: IFLA_IPOIB_* from bytes written by hand (u16 pkey, mode, umcast), and a whole RTM_NEWLINK', () => {
  // PKEY 0x8001, MODE 1 (connected), UMCAST 1: three u16 attributes, each padded to 8 bytes
  const raw = Buffer.from('0600010001800000' + '0600020001000000' + '0600030001000000', 'hex');
  const d = decodeAttrs<Record<string, unknown>>(raw, 0, raw.length, ipoibPolicy);
  assert.equal({ ...d }, { pkey: 0x8001, mode: 'connected', umcast: true });
  assert.ok(encodeAttrsToBuffer(ipoibPolicy, d).equals(raw));
  assert.equal(encodeAttrsToBuffer(ipoibPolicy, check('ipoib', { pkey: 0x8001, mode: 'connected', umcast: true })).toString('hex'), raw.toString('hex'));
  // mode datagram, umcast 0
  const raw2 = Buffer.from('0600020000000000' + '0600030000000000', 'hex');
  assert.equal({ ...decodeAttrs(raw2, 0, raw2.length, ipoibPolicy) }, { mode: 'datagram', umcast: false });
  // a mode the library has no name for stays a number, an odd umcast too; both re-encode
  const raw3 = Buffer.from('0600020007000000' + '0600030002000000', 'hex');
  const d3 = decodeAttrs<Record<string, unknown>>(raw3, 0, raw3.length, ipoibPolicy);
  assert.equal([d3.mode, d3.umcast], [7, 2]);
  assert.ok(encodeAttrsToBuffer(ipoibPolicy, d3).equals(raw3));
  // ifinfomsg (AF_UNSPEC, ARPHRD_INFINIBAND 32, ifindex 7) + IFLA_IFNAME "ib0.8001" + IFLA_LINK 5
  // + IFLA_LINKINFO (18, 44 bytes) { IFLA_INFO_KIND "ipoib", IFLA_INFO_DATA (28 bytes) { the three above } }
  const msg = Buffer.from(
    '00002000' + '07000000' + '00000000' + '00000000' +
      '0d000300' + '6962302e3830303100000000' +
      '08000500' + '05000000' +
      '2c001200' + '0a000100' + '69706f6962000000' + '1c000200' + raw.toString('hex'),
    'hex',
  );
  const l = decodeLink(msg, 0, msg.length);
  assert.equal([l.name, l.type, l.link, l.kind], ['ib0.8001', 32, 5, 'ipoib']);
  assert.equal(kindData(l, 'ipoib'), { pkey: 0x8001, mode: 'connected', umcast: true });
  assert.ok(encode(l).equals(msg));
});

test('bad ipoib options are ArgumentErrors naming the field', () => {
  assert.equal(field('ipoib', { pkey: 0 }), 'ipoib.pkey');
  assert.equal(field('ipoib', { pkey: 0x8000 }), 'ipoib.pkey');
  assert.equal(field('ipoib', { pkey: 0x10000 }), 'ipoib.pkey');
  assert.equal(field('ipoib', { mode: 'reliable' }), 'ipoib.mode');
  assert.equal(field('ipoib', { mode: 2 }), 'ipoib.mode');
  assert.equal(field('ipoib', { umcast: 1 }), 'ipoib.umcast');
  assert.equal(field('ipoib', { mode: 'connected', pkey: 0x8001 }, 'set'), 'ipoib.pkey');
  assert.equal(check('ipoib', { mode: 'datagram', umcast: false }, 'set'), { mode: 'datagram', umcast: false });
});

test.run();
