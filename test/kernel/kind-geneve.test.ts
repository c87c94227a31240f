// geneve links against the live kernel (module geneve), `ip -j -d link` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NetlinkError, kindData } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsA, rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, bool, compareData, hex, ipLink, openTapped } from '../kinds-support.js';

const geneveMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  id: (d) => d.id,
  // ip prints IFLA_GENEVE_REMOTE as remote, REMOTE6 as remote6; the library reads both back as remote
  remote: (d) => (typeof d.remote === 'string' && !d.remote.includes(':') ? d.remote : undefined),
  remote6: (d) => (typeof d.remote === 'string' && d.remote.includes(':') ? d.remote : undefined),
  ttl: (d) => d.ttl,
  tos: (d) => hex(d.tos),
  df: (d) => d.df,
  label: (d) => hex(d.label),
  port: (d) => d.port,
  external: (d) => d.collectMetadata === true,
  udp_csum: (d) => bool(d.udpCsum),
  udp_zero_csum6_tx: (d) => bool(d.udpZeroCsum6Tx),
  udp_zero_csum6_rx: (d) => bool(d.udpZeroCsum6Rx),
  inner_proto_inherit: (d) => d.innerProtoInherit === true,
  ttl_inherit: (d) => bool(d.ttlInherit),
};

ktest(
  test,
  'geneve over IPv4 and IPv6 and external, with non-default options: ip and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'gnv0', kind: 'geneve', geneve: { id: 10, remote: '192.0.2.1', ttl: 64, tos: 0x10, port: 6082, udpCsum: false, df: 'set' } });
        await r.links.add({ name: 'gnv1', kind: 'geneve', geneve: { id: 11, remote: '2001:db8::1', ttlInherit: true, label: 0x123, udpZeroCsum6Tx: true, udpZeroCsum6Rx: true } });
        await r.links.add({ name: 'gnv2', kind: 'geneve', geneve: { collectMetadata: true, innerProtoInherit: true, port: 6083 } });
        const i0 = ipLink(ns, 'gnv0').linkinfo!.info_data!;
        assert.equal([i0.id, i0.remote, i0.ttl, i0.tos, i0.port, i0.udp_csum, i0.df], [10, '192.0.2.1', 64, '0x10', 6082, false, 'set']);
        const i1 = ipLink(ns, 'gnv1').linkinfo!.info_data!;
        assert.equal([i1.id, i1.remote6, i1.label, i1.udp_zero_csum6_tx, i1.udp_zero_csum6_rx], [11, '2001:db8::1', '0x123', true, true]);
        const i2 = ipLink(ns, 'gnv2').linkinfo!.info_data!;
        assert.equal([i2.external, i2.port], [true, 6083]);
        const links = await r.links.list();
        const d1 = kindData(links.find((l) => l.name === 'gnv1')!, 'geneve')!;
        assert.equal(d1.ttlInherit, true);
        // read back as written: `remote` whatever its family (not the attribute's remote6)
        assert.equal([d1.remote, (d1 as Record<string, unknown>).remote6], ['2001:db8::1', undefined]);
        assert.equal(kindData(links.find((l) => l.name === 'gnv2')!, 'geneve')!.innerProtoInherit, true);
        for (const [n, i] of [['gnv0', i0], ['gnv1', i1], ['gnv2', i2]] as const) {
          compareData(n, i, kindData(links.find((l) => l.name === n)!, 'geneve') as Record<string, unknown>, geneveMap);
        }
        // geneve_changelink refuses to change the VNI of a live device
        const e = await rejectsA(r.links.set('gnv0', { geneve: { id: 12 } }), NetlinkError);
        assert.ok(['EOPNOTSUPP', 'EINVAL'].includes(e.code), e.message);
        assert.ok(assertRoundTrip(t.inbound, 'geneve') >= 4);
        for (const n of ['gnv0', 'gnv1', 'gnv2']) await r.links.del(n);
        assert.equal((await r.links.list()).filter((l) => l.kind === 'geneve'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['geneve'],
);

ktest(test, 'geneve options are checked before anything is sent (runs without geneve)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1 << 24, remote: '192.0.2.1' } }), 'geneve.id'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { remote: '192.0.2.1' } } as never), 'geneve.id'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1 } } as never), 'geneve.remote'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1, remote: '239.1.1.1' } }), 'geneve.remote'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1, remote: 'x' } }), 'geneve.remote'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1, remote: '192.0.2.1', df: 'maybe' as never } }), 'geneve.df'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1, remote: '192.0.2.1', ttl: 5, ttlInherit: true } }), 'geneve.ttlInherit'],
        [() => r.links.add({ name: 'g', kind: 'geneve', geneve: { id: 1, remote: '192.0.2.1', label: 0x100000 } }), 'geneve.label'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

test.run();
