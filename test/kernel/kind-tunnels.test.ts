// IP tunnel kinds against the live kernel (modules ip_gre, ip6_gre, ipip, sit, ip6_tunnel, fou; ib_ipoib),
// `ip -d -j link show` as the oracle: every info_data key ip prints is computed from the library's decoded
// data by the rules of iproute2's print functions (link_gre.c, link_gre6.c, link_iptnl.c, link_ip6tnl.c)
// and compared as a whole, so a key either side lacks is a failure. The host kernel has none of these
// drivers: the tests run in the VM lane (Debian's 6.1).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError, kindData, type Link } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, ipLink, openTapped, type Tapped } from '../kinds-support.js';

type D = Record<string, any>;

/** printf("%#llx"): "0x1f", but "0" for zero. */
const cx = (n: number): string => (n === 0 ? '0' : `0x${n.toString(16)}`);
const dotted = (n: number): string => [24, 16, 8, 0].map((s) => (n >>> s) & 0xff).join('.');
const num = (v: unknown, names: Record<string, number>): number => (typeof v === 'string' ? names[v]! : (v as number));
const any = (a: string | undefined): string => (a === undefined || a === '0.0.0.0' || a === '::' ? 'any' : a);

/** tnl_print_encap(): nothing for type none. */
function encapView(d: D, out: D): void {
  const type = num(d.encapType, { none: 0, fou: 1, gue: 2, mpls: 3 });
  if (d.encapType === undefined || type === 0) return;
  out.encap = {
    type: type === 1 ? 'fou' : type === 2 ? 'gue' : null,
    sport: num(d.encapSport, { auto: 0 }),
    dport: d.encapDport,
    csum: d.encapFlags.csum,
    csum6: d.encapFlags.csum6,
    remcsum: d.encapFlags.remcsum,
  };
}

/** The GRE keys and flags as gre_print_opt() prints them. */
function greFlagsView(d: D, out: D): void {
  if (d.iflags?.key && d.ikey !== undefined) out.ikey = dotted(d.ikey);
  if (d.oflags?.key && d.okey !== undefined) out.okey = dotted(d.okey);
  if (d.iflags?.seq) out.iseq = true;
  if (d.oflags?.seq) out.oseq = true;
  if (d.iflags?.csum) out.icsum = true;
  if (d.oflags?.csum) out.ocsum = true;
}

function erspanView(d: D, out: D): void {
  if (d.erspanIndex !== undefined) out.erspan_index = d.erspanIndex;
  if (d.erspanVer !== undefined) out.erspan_ver = d.erspanVer;
  if (d.erspanDir !== undefined) out.erspan_dir = num(d.erspanDir, { ingress: 0, egress: 1 }) === 0 ? 'ingress' : 'egress';
  if (d.erspanHwid !== undefined) out.erspan_hwid = cx(d.erspanHwid);
}

const linkName = (links: Link[], index: unknown): string | undefined => (index ? links.find((l) => l.index === index)?.name : undefined);

/** What `ip -d -j` prints as info_data of gre, gretap, erspan (link_gre.c). */
function greView(d: D, links: Link[]): D {
  const out: D = {};
  if (d.collectMetadata) out.external = true;
  out.remote = any(d.remote);
  out.local = any(d.local);
  const dev = linkName(links, d.link);
  if (dev) out.link = dev;
  out.ttl = num(d.ttl ?? 0, { inherit: 0 });
  const tos = num(d.tos ?? 0, { inherit: 1 });
  if (tos) out.tos = cx(tos);
  if (d.pmtudisc !== undefined) out.pmtudisc = d.pmtudisc === true;
  if (d.ignoreDf === true) out.ignore_df = true;
  greFlagsView(d, out);
  if (d.fwmark) out.fwmark = cx(d.fwmark);
  erspanView(d, out);
  encapView(d, out);
  return out;
}

/** The IPv6 tunnel options as link_gre6.c / link_ip6tnl.c print them. */
function ip6View(d: D, out: D): void {
  const f = d.flags ?? {};
  if (f.ignEncapLimit) out.ip6_tnl_f_ign_encap_limit = true;
  else if (d.encapLimit !== undefined) out.encap_limit = d.encapLimit;
  if (f.useOrigTclass) out.ip6_tnl_f_use_orig_tclass = true;
  else if (d.flowinfo) out.tclass = `0x${d.flowinfo.tclass.toString(16).padStart(2, '0')}`;
  if (f.useOrigFlowlabel) out.ip6_tnl_f_use_orig_flowlabel = true;
  else if (d.flowinfo) out.flowlabel = `0x${d.flowinfo.flowlabel.toString(16).padStart(5, '0')}`;
  if (f.rcvDscpCopy) out.ip6_tnl_f_rcv_dscp_copy = true;
}

/** ip6gre, ip6gretap, ip6erspan (link_gre6.c). */
function ip6greView(d: D, links: Link[]): D {
  const out: D = {};
  if (d.collectMetadata) out.external = true;
  out.remote = any(d.remote);
  out.local = any(d.local);
  const dev = linkName(links, d.link);
  if (dev) out.link = dev;
  out.ttl = num(d.ttl ?? 0, { inherit: 0 });
  ip6View(d, out);
  greFlagsView(d, out);
  if (d.flags?.allowLocalRemote) out.ip6_tnl_f_allow_local_remote = true;
  if (d.flags?.useOrigFwmark) out.ip6_tnl_f_use_orig_fwmark = true;
  else if (d.fwmark) out.fwmark = cx(d.fwmark);
  erspanView(d, out);
  encapView(d, out);
  return out;
}

/** ipip, sit (link_iptnl.c). */
function iptnlView(d: D, links: Link[]): D {
  const out: D = {};
  if (d.collectMetadata) out.external = true;
  if (d.mode !== undefined) {
    const p = num(d.mode, { ipip: 4, ip6ip: 41, mplsip: 137, any: 0 });
    const name = { 4: 'ipip', 41: 'ip6ip', 137: 'mplsip', 0: 'any' }[p];
    if (name) out.proto = name;
  }
  out.remote = any(d.remote);
  out.local = any(d.local);
  const dev = linkName(links, d.link);
  if (dev) out.link = dev;
  out.ttl = num(d.ttl ?? 0, { inherit: 0 });
  const tos = num(d.tos ?? 0, { inherit: 1 });
  if (tos) out.tos = cx(tos);
  out.pmtudisc = d.pmtudisc === true;
  if (d.flags?.isatap) out.isatap = true;
  if (d.ip6rdPrefixLen) {
    out.prefix = d.ip6rdPrefix;
    out.prefixlen = d.ip6rdPrefixLen;
    if (d.ip6rdRelayPrefix !== '0.0.0.0') {
      out.relay_prefix = d.ip6rdRelayPrefix;
      out.relay_prefixlen = d.ip6rdRelayPrefixLen;
    }
  }
  if (d.fwmark) out.fwmark = cx(d.fwmark);
  encapView(d, out);
  return out;
}

/** ip6tnl (link_ip6tnl.c). */
function ip6tnlView(d: D, links: Link[]): D {
  const out: D = {};
  if (d.collectMetadata) out.external = true;
  if (d.mode !== undefined) {
    const p = num(d.mode, { ipip6: 4, ip6ip6: 41, any: 0 });
    const name = { 4: 'ipip6', 41: 'ip6ip6', 0: 'any' }[p];
    if (name) out.proto = name;
  }
  out.remote = any(d.remote);
  out.local = any(d.local);
  const dev = linkName(links, d.link);
  if (dev) out.link = dev;
  out.ttl = num(d.ttl ?? 0, { inherit: 0 });
  ip6View(d, out);
  if (d.flags?.mip6Dev) out.ip6_tnl_f_mip6_dev = true;
  if (d.flags?.allowLocalRemote) out.ip6_tnl_f_allow_local_remote = true;
  if (d.flags?.useOrigFwmark) out.ip6_tnl_f_use_orig_fwmark = true;
  else if (d.fwmark) out.fwmark = cx(d.fwmark);
  encapView(d, out);
  return out;
}

const VIEWS: Record<string, (d: D, links: Link[]) => D> = {
  gre: greView,
  gretap: greView,
  erspan: greView,
  ip6gre: ip6greView,
  ip6gretap: ip6greView,
  ip6erspan: ip6greView,
  ipip: iptnlView,
  sit: iptnlView,
  ip6tnl: ip6tnlView,
};

/**
 * The library's list and `ip -d -j` agree on each named tunnel; returns ip's info_data by name
 * (for checks against what the test asked for, independent of the library's decoding).
 */
async function agree(t: Tapped, ns: string, names: string[]): Promise<Record<string, D>> {
  const links = await t.r.links.list();
  const out: Record<string, D> = {};
  for (const n of names) {
    const l = links.find((x) => x.name === n);
    assert.ok(l, `library lists ${n}`);
    const i = ipLink(ns, n);
    assert.equal(l!.kind, i.linkinfo?.info_kind, `${n}: kind`);
    const mine = kindData(l!, l!.kind as 'gre') as D;
    assert.equal(VIEWS[l!.kind!]!(mine, links), i.linkinfo!.info_data, `${n}: ip's info_data vs the library's`);
    out[n] = i.linkinfo!.info_data as D;
  }
  return out;
}

async function underlay(t: Tapped): Promise<void> {
  await t.r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
}

async function delAll(t: Tapped, names: string[]): Promise<void> {
  for (const n of names) await t.r.links.del(n);
  const left = (await t.r.links.list()).map((l) => l.name);
  for (const n of names) assert.ok(!left.includes(n), `${n} deleted`);
}

ktest(
  test,
  'gre, gretap, erspan (v1 and v2) and external gre: create with non-default options, ip and the library agree; set merges changes; delete',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await underlay(t);
        await r.links.add({ name: 'gre1', kind: 'gre', gre: { remote: '192.0.2.1', local: '192.0.2.2', link: 'eth0', ttl: 64, tos: 0x10, key: '0.0.1.0', seq: true, csum: true, fwmark: 0x42 } });
        await r.links.add({ name: 'gre2', kind: 'gre', gre: { remote: '192.0.2.3', local: '192.0.2.4', ikey: 7, okey: 8, icsum: true, oseq: true, pmtudisc: false, ignoreDf: true, tos: 'inherit' } });
        await r.links.add({ name: 'gre3', kind: 'gre', gre: { collectMetadata: true } });
        await r.links.add({ name: 'gretap1', kind: 'gretap', address: '02:00:00:00:01:01', gretap: { remote: '192.0.2.5', local: '192.0.2.6', key: 9, ttl: 'inherit' } });
        await r.links.add({ name: 'erspan1', kind: 'erspan', erspan: { remote: '192.0.2.7', local: '192.0.2.8', seq: true, key: 10, erspanIndex: 123 } });
        await r.links.add({ name: 'erspan2', kind: 'erspan', erspan: { remote: '192.0.2.9', local: '192.0.2.10', seq: true, key: 11, erspanVer: 2, erspanDir: 'egress', erspanHwid: 7 } });
        const names = ['gre1', 'gre2', 'gre3', 'gretap1', 'erspan1', 'erspan2', 'gre0', 'gretap0', 'erspan0'];
        const ip = await agree(t, ns, names);
        // what was asked for, as ip reports it
        assert.equal(ip.gre1, { remote: '192.0.2.1', local: '192.0.2.2', link: 'eth0', ttl: 64, tos: '0x10', pmtudisc: true, ikey: '0.0.1.0', okey: '0.0.1.0', iseq: true, oseq: true, icsum: true, ocsum: true, fwmark: '0x42' });
        assert.equal([ip.gre2!.ikey, ip.gre2!.okey, ip.gre2!.icsum, ip.gre2!.oseq, ip.gre2!.iseq, ip.gre2!.pmtudisc, ip.gre2!.ignore_df, ip.gre2!.tos], ['0.0.0.7', '0.0.0.8', true, true, undefined, false, true, '0x1']);
        assert.equal(ip.gre3!.external, true);
        assert.equal([ip.gretap1!.ikey, ip.gretap1!.ttl], ['0.0.0.9', 0]);
        assert.equal(ipLink(ns, 'gretap1').address, '02:00:00:00:01:01');
        assert.equal([ip.erspan1!.erspan_ver, ip.erspan1!.erspan_index, ip.erspan1!.ikey], [1, 123, '0.0.0.10']);
        assert.equal([ip.erspan2!.erspan_ver, ip.erspan2!.erspan_dir, ip.erspan2!.erspan_hwid, ip.erspan2!.okey], [2, 'egress', '0x7', '0.0.0.11']);

        // no change at all sends no IFLA_INFO_DATA (an empty one would reset the tunnel)
        await r.links.set('gre1', { gre: {}, mtu: 1400 });
        assert.equal((await agree(t, ns, ['gre1'])).gre1, ip.gre1);
        // a partial change keeps the rest (the kernel alone would reset remote, local, tos, csum, ...)
        await r.links.set('gre1', { gre: { ttl: 10, key: 77, iseq: false } });
        await r.links.set('erspan2', { erspan: { erspanDir: 'ingress', erspanHwid: 9 } });
        await r.links.set('gretap1', { gretap: { remote: '192.0.2.55', tos: 0x20 } });
        await r.links.set('gre2', { gre: { icsum: false, ocsum: true } });
        const ip2 = await agree(t, ns, ['gre1', 'erspan2', 'gretap1', 'gre2']);
        assert.equal(ip2.gre1, { remote: '192.0.2.1', local: '192.0.2.2', link: 'eth0', ttl: 10, tos: '0x10', pmtudisc: true, ikey: '0.0.0.77', okey: '0.0.0.77', oseq: true, icsum: true, ocsum: true, fwmark: '0x42' });
        assert.equal([ip2.erspan2!.erspan_dir, ip2.erspan2!.erspan_hwid, ip2.erspan2!.okey, ip2.erspan2!.remote], ['ingress', '0x9', '0.0.0.11', '192.0.2.9']);
        assert.equal([ip2.gretap1!.remote, ip2.gretap1!.local, ip2.gretap1!.tos, ip2.gretap1!.ikey], ['192.0.2.55', '192.0.2.6', '0x20', '0.0.0.9']);
        assert.equal([ip2.gre2!.icsum, ip2.gre2!.ocsum, ip2.gre2!.ikey, ip2.gre2!.ignore_df], [undefined, true, '0.0.0.7', true]);

        // the kernel's refusals are typed: the options of another kind (changelink of another ops: EOPNOTSUPP)
        const e = await rejectsA(r.links.set('gre1', { gretap: { ttl: 3 } }), NetlinkError);
        assert.equal(e.code, 'EOPNOTSUPP', e.message);
        // a second tunnel with the same endpoints and keys: EEXIST
        const e2 = await rejectsA(r.links.add({ name: 'gre9', kind: 'gre', gre: { remote: '192.0.2.1', local: '192.0.2.2', link: 'eth0', key: 77 } }), NetlinkError);
        assert.equal(e2.code, 'EEXIST', e2.message);

        assert.ok(assertRoundTrip(t.inbound, 'gre') >= 12);
        await delAll(t, ['gre1', 'gre2', 'gre3', 'gretap1', 'erspan1', 'erspan2']);
      } finally {
        await t.close();
      }
    });
  },
  ['gre', 'gretap', 'erspan'],
);

ktest(
  test,
  'ip6gre, ip6gretap, ip6erspan: create with non-default options, ip and the library agree; set merges changes; delete',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await underlay(t);
        await r.links.add({ name: 'g6a', kind: 'ip6gre', ip6gre: { remote: '2001:db8::1', local: '2001:db8::2', link: 'eth0', ttl: 32, tclass: 0x12, flowlabel: 0x12345, encapLimit: 'none', dscp: 'inherit', key: 12, seq: true } });
        await r.links.add({ name: 'g6b', kind: 'ip6gretap', ip6gretap: { remote: '2001:db8::3', local: '2001:db8::4', tclass: 'inherit', flowlabel: 'inherit', encapLimit: 2, fwmark: 'inherit', allowLocalRemote: true, icsum: true } });
        await r.links.add({ name: 'g6c', kind: 'ip6erspan', ip6erspan: { remote: '2001:db8::5', local: '2001:db8::6', seq: true, key: 13, erspanVer: 2, erspanDir: 'ingress', erspanHwid: 0x3f } });
        await r.links.add({ name: 'g6d', kind: 'ip6erspan', ip6erspan: { remote: '2001:db8::7', local: '2001:db8::8', seq: true, key: 14, erspanVer: 1, erspanIndex: 0xfffff, fwmark: 9, encapLimit: 7 } });
        const ip = await agree(t, ns, ['g6a', 'g6b', 'g6c', 'g6d', 'ip6gre0']);
        assert.equal(ip.g6a, { remote: '2001:db8::1', local: '2001:db8::2', link: 'eth0', ttl: 32, ip6_tnl_f_ign_encap_limit: true, tclass: '0x12', flowlabel: '0x12345', ip6_tnl_f_rcv_dscp_copy: true, ikey: '0.0.0.12', okey: '0.0.0.12', iseq: true, oseq: true });
        assert.equal(ip.g6b, { remote: '2001:db8::3', local: '2001:db8::4', ttl: 0, encap_limit: 2, ip6_tnl_f_use_orig_tclass: true, ip6_tnl_f_use_orig_flowlabel: true, icsum: true, ip6_tnl_f_allow_local_remote: true, ip6_tnl_f_use_orig_fwmark: true });
        assert.equal([ip.g6c!.erspan_ver, ip.g6c!.erspan_dir, ip.g6c!.erspan_hwid, ip.g6c!.ikey], [2, 'ingress', '0x3f', '0.0.0.13']);
        assert.equal([ip.g6d!.erspan_ver, ip.g6d!.erspan_index, ip.g6d!.fwmark, ip.g6d!.encap_limit], [1, 0xfffff, '0x9', 7]);

        await r.links.set('g6a', { ip6gre: { tclass: 0x34, ttl: 'inherit' } });
        await r.links.set('g6b', { ip6gretap: { flowlabel: 0xabcde, fwmark: 5 } });
        await r.links.set('g6c', { ip6erspan: { erspanHwid: 1 } });
        const ip2 = await agree(t, ns, ['g6a', 'g6b', 'g6c']);
        assert.equal([ip2.g6a!.tclass, ip2.g6a!.flowlabel, ip2.g6a!.ttl, ip2.g6a!.remote, ip2.g6a!.ikey, ip2.g6a!.ip6_tnl_f_rcv_dscp_copy], ['0x34', '0x12345', 0, '2001:db8::1', '0.0.0.12', true]);
        // a number for fwmark clears USE_ORIG_FWMARK (`fwmark inherit`), as with iproute2; tclass stays inherited
        assert.equal([ip2.g6b!.flowlabel, ip2.g6b!.ip6_tnl_f_use_orig_flowlabel, ip2.g6b!.fwmark, ip2.g6b!.ip6_tnl_f_use_orig_fwmark, ip2.g6b!.ip6_tnl_f_use_orig_tclass], ['0xabcde', undefined, '0x5', undefined, true]);
        assert.equal([ip2.g6c!.erspan_hwid, ip2.g6c!.erspan_dir, ip2.g6c!.remote], ['0x1', 'ingress', '2001:db8::5']);
        assert.equal((kindData(await r.links.get('g6b'), 'ip6gretap')!.fwmark), 5);

        assert.ok(assertRoundTrip(t.inbound, 'ip6gre') >= 8);
        await delAll(t, ['g6a', 'g6b', 'g6c', 'g6d']);
      } finally {
        await t.close();
      }
    });
  },
  ['ip6gre', 'ip6gretap', 'ip6erspan'],
);

ktest(
  test,
  'ipip (also external) and sit (ISATAP, 6rd): create with non-default options, ip and the library agree; set merges changes; delete',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await underlay(t);
        await r.links.add({ name: 'ipip1', kind: 'ipip', ipip: { remote: '192.0.3.1', local: '192.0.3.2', link: 'eth0', ttl: 64, tos: 0x20, fwmark: 7, mode: 'any' } });
        await r.links.add({ name: 'ipip2', kind: 'ipip', ipip: { collectMetadata: true } });
        await r.links.add({ name: 'ipip3', kind: 'ipip', ipip: { remote: '192.0.3.3', pmtudisc: false, tos: 'inherit' } });
        await r.links.add({ name: 'sit1', kind: 'sit', sit: { local: '192.0.3.4', isatap: true, mode: 'ip6ip', ttl: 64 } });
        await r.links.add({ name: 'sit2', kind: 'sit', sit: { local: '192.0.3.5', ip6rdPrefix: '2001:db8::/32', ip6rdRelayPrefix: '192.0.3.0/24', ttl: 32, tos: 'inherit' } });
        await r.links.add({ name: 'sit3', kind: 'sit', sit: { remote: '192.0.3.6', local: '192.0.3.7', mode: 'any', fwmark: 0x99 } });
        const ip = await agree(t, ns, ['ipip1', 'ipip2', 'ipip3', 'sit1', 'sit2', 'sit3', 'tunl0', 'sit0']);
        assert.equal(ip.ipip1, { proto: 'any', remote: '192.0.3.1', local: '192.0.3.2', link: 'eth0', ttl: 64, tos: '0x20', pmtudisc: true, fwmark: '0x7' });
        assert.equal([ip.ipip2!.external, ip.ipip2!.proto], [true, 'ipip']);
        assert.equal([ip.ipip3!.pmtudisc, ip.ipip3!.tos], [false, '0x1']);
        assert.equal([ip.sit1!.isatap, ip.sit1!.proto, ip.sit1!.local, ip.sit1!.remote], [true, 'ip6ip', '192.0.3.4', 'any']);
        assert.equal([ip.sit2!.prefix, ip.sit2!.prefixlen, ip.sit2!.relay_prefix, ip.sit2!.relay_prefixlen], ['2001:db8::', 32, '192.0.3.0', 24]);
        assert.equal([ip.sit3!.proto, ip.sit3!.fwmark], ['any', '0x99']);

        // (the mode is fixed at creation: ip_tunnel_update does not copy the protocol, so it is not changed here)
        await r.links.set('ipip1', { ipip: { ttl: 3, fwmark: 8 } });
        await r.links.set('sit2', { sit: { ip6rdPrefix: '2001:db8:100::/40', ip6rdRelayPrefix: '192.0.0.0/16' } });
        await r.links.set('sit1', { sit: { ttl: 'inherit' } });
        const ip2 = await agree(t, ns, ['ipip1', 'sit2', 'sit1']);
        assert.equal(ip2.ipip1, { proto: 'any', remote: '192.0.3.1', local: '192.0.3.2', link: 'eth0', ttl: 3, tos: '0x20', pmtudisc: true, fwmark: '0x8' });
        assert.equal([ip2.sit2!.prefix, ip2.sit2!.prefixlen, ip2.sit2!.relay_prefix, ip2.sit2!.relay_prefixlen, ip2.sit2!.local, ip2.sit2!.ttl], ['2001:db8:100::', 40, '192.0.0.0', 16, '192.0.3.5', 32]);
        assert.equal([ip2.sit1!.isatap, ip2.sit1!.ttl, ip2.sit1!.local], [true, 0, '192.0.3.4']);

        // a point-to-point sit cannot lose its remote (ipip6_changelink: EINVAL)
        const e = await rejectsA(r.links.set('sit3', { sit: { remote: '0.0.0.0' } }), NetlinkError);
        assert.equal(e.code, 'EINVAL', e.message);

        assert.ok(assertRoundTrip(t.inbound, 'iptun') >= 10);
        await delAll(t, ['ipip1', 'ipip2', 'ipip3', 'sit1', 'sit2', 'sit3']);
      } finally {
        await t.close();
      }
    });
  },
  ['ipip', 'sit'],
);

ktest(
  test,
  'ip6tnl (ipip6, ip6ip6, external): create with non-default options, ip and the library agree; set merges changes; delete',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await underlay(t);
        await r.links.add({ name: 't6a', kind: 'ip6tnl', ip6tnl: { mode: 'ipip6', remote: '2001:db8:1::1', local: '2001:db8:1::2', link: 'eth0', ttl: 'inherit', encapLimit: 'none', tclass: 'inherit', flowlabel: 0xabcde, dscp: 'inherit', fwmark: 5 } });
        await r.links.add({ name: 't6b', kind: 'ip6tnl', ip6tnl: { mode: 'ip6ip6', remote: '2001:db8:1::3', local: '2001:db8:1::4', ttl: 17, encapLimit: 3, tclass: 0x40, flowlabel: 'inherit', fwmark: 'inherit', allowLocalRemote: true } });
        await r.links.add({ name: 't6c', kind: 'ip6tnl', ip6tnl: { collectMetadata: true } });
        const ip = await agree(t, ns, ['t6a', 't6b', 't6c', 'ip6tnl0']);
        assert.equal(ip.t6a, { proto: 'ipip6', remote: '2001:db8:1::1', local: '2001:db8:1::2', link: 'eth0', ttl: 0, ip6_tnl_f_ign_encap_limit: true, ip6_tnl_f_use_orig_tclass: true, flowlabel: '0xabcde', ip6_tnl_f_rcv_dscp_copy: true, fwmark: '0x5' });
        assert.equal(ip.t6b, { proto: 'ip6ip6', remote: '2001:db8:1::3', local: '2001:db8:1::4', ttl: 17, encap_limit: 3, tclass: '0x40', ip6_tnl_f_use_orig_flowlabel: true, ip6_tnl_f_allow_local_remote: true, ip6_tnl_f_use_orig_fwmark: true });
        assert.equal([ip.t6c!.external, ip.t6c!.proto], [true, 'any']);

        await r.links.set('t6a', { ip6tnl: { mode: 'any', flowlabel: 'inherit', encapLimit: 6 } });
        await r.links.set('t6b', { ip6tnl: { fwmark: 3, flags: { useOrigFwmark: true } } }); // an explicit flag wins over the number
        await r.links.set('t6b', { ip6tnl: { remote: '2001:db8:1::33', dscp: true } });
        const ip2 = await agree(t, ns, ['t6a', 't6b']);
        assert.equal(ip2.t6a, { proto: 'any', remote: '2001:db8:1::1', local: '2001:db8:1::2', link: 'eth0', ttl: 0, encap_limit: 6, ip6_tnl_f_use_orig_tclass: true, ip6_tnl_f_use_orig_flowlabel: true, ip6_tnl_f_rcv_dscp_copy: true, fwmark: '0x5' });
        assert.equal([ip2.t6b!.remote, ip2.t6b!.ip6_tnl_f_rcv_dscp_copy, ip2.t6b!.tclass, ip2.t6b!.encap_limit, ip2.t6b!.ip6_tnl_f_use_orig_fwmark], ['2001:db8:1::33', true, '0x40', 3, true]);
        // an external ip6tnl cannot be changed (ip6_tnl_changelink: EINVAL)
        const e = await rejectsA(r.links.set('t6c', { ip6tnl: { ttl: 5 } }), NetlinkError);
        assert.equal(e.code, 'EINVAL', e.message);

        assert.ok(assertRoundTrip(t.inbound, 'ip6tnl') >= 6);
        await delAll(t, ['t6a', 't6b', 't6c']);
      } finally {
        await t.close();
      }
    });
  },
  ['ip6tnl'],
);

ktest(
  test,
  'FOU and GUE encapsulation of gre and ipip: encap type, ports and flags as ip reports them',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'gfou', kind: 'gre', gre: { remote: '192.0.2.3', local: '192.0.2.4', encapType: 'fou', encapSport: 'auto', encapDport: 5555, encapFlags: { csum: true } } });
        await r.links.add({ name: 'igue', kind: 'ipip', ipip: { remote: '192.0.3.1', local: '192.0.3.2', encapType: 'gue', encapSport: 7777, encapDport: 6666, encapFlags: { csum: true, remcsum: true } } });
        const ip = await agree(t, ns, ['gfou', 'igue']);
        assert.equal(ip.gfou!.encap, { type: 'fou', sport: 0, dport: 5555, csum: true, csum6: false, remcsum: false });
        assert.equal(ip.igue!.encap, { type: 'gue', sport: 7777, dport: 6666, csum: true, csum6: false, remcsum: true });
        // changing the encapsulation alone keeps the tunnel
        await r.links.set('igue', { ipip: { encapDport: 6667, encapFlags: { remcsum: false } } });
        const ip2 = await agree(t, ns, ['igue']);
        assert.equal([ip2.igue!.encap, ip2.igue!.remote], [{ type: 'gue', sport: 7777, dport: 6667, csum: true, csum6: false, remcsum: false }, '192.0.3.1']);
        await r.links.set('gfou', { gre: { encapType: 'none' } });
        assert.equal((await agree(t, ns, ['gfou'])).gfou!.encap, undefined);
        assert.ok(assertRoundTrip(t.inbound, 'encap') >= 4);
        await delAll(t, ['gfou', 'igue']);
      } finally {
        await t.close();
      }
    });
  },
  ['gre', 'ipip', 'fou'],
);

ktest(
  test,
  'ipoib: creating a child needs an InfiniBand parent; on a veth the kernel refuses with ENODEV (NetlinkError)',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await underlay(t);
        const e = await rejectsA(r.links.add({ name: 'eth0.8001', kind: 'ipoib', link: 'eth0', ipoib: { pkey: 0x8001, mode: 'connected' } }), NetlinkError);
        assert.equal(e.code, 'ENODEV', e.message);
        assert.equal((await r.links.list()).filter((l) => l.kind === 'ipoib'), []);
        // iproute2 gets the same answer
        const ipr = await import('node:child_process').then((cp) => cp.spawnSync('ip', ['-n', ns, 'link', 'add', 'link', 'eth0', 'name', 'eth0.8002', 'type', 'ipoib', 'pkey', '0x8002'], { encoding: 'utf8' }));
        assert.ok(ipr.status !== 0 && /No such device/.test(ipr.stderr), ipr.stderr);
      } finally {
        await t.close();
      }
    });
  },
  ['ipoib'],
);

ktest(test, 'tunnel and ipoib options are checked before anything is sent (runs without the drivers)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'g', kind: 'gre', gre: { remote: '2001:db8::1' } }), 'gre.remote'],
        [() => r.links.add({ name: 'g', kind: 'gre', gre: { key: -1 } }), 'gre.ikey'],
        [() => r.links.add({ name: 'g', kind: 'gre', gre: { key: '300.0.0.1' } }), 'gre.ikey'],
        [() => r.links.add({ name: 'g', kind: 'gre', gre: { seq: 'yes' as never } }), 'gre.seq'],
        [() => r.links.add({ name: 'g', kind: 'gre', gre: { hoplimit: 3 } as never }), 'gre.hoplimit'],
        [() => r.links.add({ name: 'g', kind: 'erspan', erspan: { remote: '192.0.2.1', key: 1 } }), 'erspan.seq'],
        [() => r.links.add({ name: 'g', kind: 'ip6erspan', ip6erspan: { seq: true, key: 2000 } }), 'ip6erspan.ikey'],
        [() => r.links.add({ name: 'g', kind: 'ip6gre', ip6gre: { local: '192.0.2.1' } }), 'ip6gre.local'],
        [() => r.links.add({ name: 'g', kind: 'ip6gretap', ip6gretap: { tclass: 'copy' as never } }), 'ip6gretap.tclass'],
        [() => r.links.add({ name: 'g', kind: 'ipip', ipip: { mode: 'ip6ip6' as never } }), 'ipip.mode'],
        [() => r.links.add({ name: 'g', kind: 'sit', sit: { ip6rdPrefix: '2001:db8::/99' } }), 'sit.ip6rdPrefix'],
        [() => r.links.add({ name: 'g', kind: 'ip6tnl', ip6tnl: { remote: '192.0.2.1' } }), 'ip6tnl.remote'],
        [() => r.links.set('lo', { gre: { ttl: 300 } }), 'gre.ttl'],
        [() => r.links.set('lo', { ip6tnl: { flowlabel: 0x100000 } }), 'ip6tnl.flowlabel'],
        [() => r.links.add({ name: 'g', kind: 'ipoib', ipoib: { pkey: 0x8001 } } as never), 'link'],
        [() => r.links.add({ name: 'g', kind: 'ipoib', link: 'lo', ipoib: { pkey: 0x8000 } }), 'ipoib.pkey'],
        [() => r.links.set('lo', { ipoib: { pkey: 0x8001 } }), 'ipoib.pkey'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

test.run();
