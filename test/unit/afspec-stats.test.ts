// IFLA_INET6_STATS layouts: the IPSTATS_MIB_* enum was reordered in Linux 6.15
// without changing the array's size, so the names depend on the kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeAttrs, encodeAttrs } from '../../src/netlink/attr.js';
import { Writer } from '../../src/netlink/writer.js';
import { ArgumentError } from '../../src/netlink/errors.js';
import {
  inet6Policy,
  IPV6_STATS_NAMES,
  IPV6_STATS_NAMES_6_15,
  kernelInet6StatsLayout,
  setInet6StatsLayout,
  getInet6StatsLayout,
  type LinkAfSpec,
  devconfNamesFromUapi,
  ipv4DevconfNames,
  ipv6DevconfNames,
  DEVCONF_FORCE_FORWARDING,
} from '../../src/rtnl/afspec.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { decodeLink, linkSchema, type Link } from '../../src/rtnl/link.js';
import '../../src/rtnl/kinds/index.js';
import { throwsA } from '../expect.js';
const { IFLA_AF_SPEC, IFLA_IFNAME, IFLA_INET6_STATS, RTM_NEWLINK } = UAPI;

/** An IFLA_INET6_STATS attribute of n u64 entries, entry i = 1000 + i (entry 0 = n, as the kernel sends). */
function statsAttr(n: number): Buffer {
  const w = new Writer();
  const s = w.attrStart(IFLA_INET6_STATS);
  for (let i = 0; i < n; i++) w.u64(i === 0 ? n : 1000 + i);
  w.attrEnd(s);
  return w.toBuffer();
}

test('the layout follows the kernel release', () => {
  assert.is(kernelInet6StatsLayout('6.1.0-57-amd64'), 'legacy');
  assert.is(kernelInet6StatsLayout('6.14.11'), 'legacy');
  assert.is(kernelInet6StatsLayout('6.15.0'), '6.15');
  assert.is(kernelInet6StatsLayout('6.18.44-fc-v669'), '6.15');
  assert.is(kernelInet6StatsLayout('7.0.1'), '6.15');
  assert.is(kernelInet6StatsLayout('5.10.0'), 'legacy');
});

test('both name tables are complete and name each counter once', () => {
  assert.is(IPV6_STATS_NAMES.length, 38);
  assert.is(IPV6_STATS_NAMES_6_15.length, 38);
  assert.equal([...IPV6_STATS_NAMES].sort(), [...IPV6_STATS_NAMES_6_15].sort());
  assert.is(new Set(IPV6_STATS_NAMES).size, 38);
});

test('38 entries decode by the chosen layout; 37 (before 6.3) always by the old one; each re-encodes byte for byte', () => {
  const saved = getInet6StatsLayout();
  try {
    for (const [layout, names] of [['legacy', IPV6_STATS_NAMES], ['6.15', IPV6_STATS_NAMES_6_15]] as const) {
      setInet6StatsLayout(layout);
      for (const n of [38, 37]) {
        const buf = statsAttr(n);
        const got = decodeAttrs<{ stats: Record<string, bigint> }>(buf, 0, buf.length, inet6Policy).stats;
        const table = n === 38 ? names : IPV6_STATS_NAMES;
        for (let i = 1; i < n; i++) assert.is(got[table[i]!], BigInt(1000 + i), `${layout}, ${n} entries: ${table[i]} is entry ${i}`);
        assert.is(got.outTransmits, n === 38 ? BigInt(1000 + table.indexOf('outTransmits')) : undefined);
        const w = new Writer();
        encodeAttrs(w, inet6Policy, { stats: got });
        assert.ok(w.view().equals(buf), `${layout}, ${n} entries: re-encoded byte for byte`);
      }
    }
  } finally {
    setInet6StatsLayout(saved);
  }
});

test('the layout as a decode option: per decode, whatever the process default, inherited by nested sets; each array re-encodes in its own layout', () => {
  // a whole RTM_NEWLINK: the stats sit in IFLA_AF_SPEC/AF_INET6/IFLA_INET6_STATS, three sets below the message's
  const w = new Writer();
  w.zero(16); // ifinfomsg
  w.attrString(IFLA_IFNAME, 'x0');
  const af = w.nestStart(IFLA_AF_SPEC);
  const i6 = w.nestStart(10 /* AF_INET6 */);
  w.bytes(statsAttr(38));
  w.attrEnd(i6);
  w.attrEnd(af);
  const payload = w.toBuffer();
  const saved = getInet6StatsLayout();
  try {
    for (const dflt of ['legacy', '6.15'] as const) {
      setInet6StatsLayout(dflt);
      const decoded: Record<string, Link> = {};
      for (const [layout, names] of [['legacy', IPV6_STATS_NAMES], ['6.15', IPV6_STATS_NAMES_6_15]] as const) {
        const l = linkSchema.decode(payload, 0, payload.length, RTM_NEWLINK, { inet6StatsLayout: layout }) as Link;
        const st = (l.afSpec as LinkAfSpec).inet6!.stats as Record<string, bigint>;
        for (let i = 1; i < 38; i++) assert.is(st[names[i]!], BigInt(1000 + i), `option ${layout}, default ${dflt}: ${names[i]} is entry ${i}`);
        decoded[layout] = l;
        assert.is(getInet6StatsLayout(), dflt);
      }
      // no option: the process default
      const plain = decodeLink(payload, 0, payload.length);
      assert.is(((plain.afSpec as LinkAfSpec).inet6!.stats as Record<string, bigint>).outForwDatagrams, BigInt(1000 + (dflt === 'legacy' ? IPV6_STATS_NAMES : IPV6_STATS_NAMES_6_15).indexOf('outForwDatagrams')));
      // re-encoded after the default flipped: each in the layout it was read with
      setInet6StatsLayout(dflt === 'legacy' ? '6.15' : 'legacy');
      for (const layout of ['legacy', '6.15']) {
        const out = new Writer();
        linkSchema.encode(out, decoded[layout]!);
        assert.ok(out.view().equals(payload), `read as ${layout}, default ${dflt}, encoded under the other default: byte for byte`);
      }
    }
  } finally {
    setInet6StatsLayout(saved);
  }
});

test('the written-out devconf name lists are those of the UAPI table (pinned headers, and DEVCONF_FORCE_FORWARDING)', () => {
  assert.equal([...ipv4DevconfNames()], devconfNamesFromUapi('IPV4_DEVCONF_', 1));
  assert.equal([...ipv6DevconfNames()], devconfNamesFromUapi('DEVCONF_', 0, { DEVCONF_FORCE_FORWARDING }));
  assert.is(ipv4DevconfNames()[0], 'forwarding');
  assert.is(ipv6DevconfNames()[DEVCONF_FORCE_FORWARDING], 'forceForwarding');
  assert.ok(Object.isFrozen(ipv4DevconfNames()) && Object.isFrozen(ipv6DevconfNames()));
});

test('a bad layout name is an ArgumentError', () => {
  throwsA(() => setInet6StatsLayout('6.16' as never), ArgumentError, /legacy/);
});

test.run();
