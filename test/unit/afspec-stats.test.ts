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
} from '../../src/rtnl/afspec.js';
import { IFLA_INET6_STATS } from '../../src/rtnl/uapi.js';
import { throwsA } from '../expect.js';

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

test('a bad layout name is an ArgumentError', () => {
  throwsA(() => setInet6StatsLayout('6.16' as never), ArgumentError, /legacy/);
});

test.run();
