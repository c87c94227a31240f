// vrf links and their ports (IFLA_VRF_*, IFLA_VRF_PORT_*) against the live kernel (module vrf).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, NetlinkError, kindData, slaveData } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, compareData, ipLink, openTapped } from '../kinds-support.js';

ktest(
  test,
  'vrf with a table; enslaved ports report the table as slave data; ip and library list agree',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'vrf-blue', kind: 'vrf', vrf: { table: 1010 } });
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.set('eth0', { master: 'vrf-blue' });
        const o = ipLink(ns, 'vrf-blue');
        assert.equal(o.linkinfo?.info_data, { table: 1010 });
        const p = ipLink(ns, 'eth0');
        assert.equal([p.linkinfo?.info_slave_kind, p.linkinfo?.info_slave_data], ['vrf', { table: 1010 }]);
        const links = await r.links.list();
        const v = links.find((l) => l.name === 'vrf-blue')!;
        compareData('vrf-blue', o.linkinfo!.info_data, kindData(v, 'vrf') as Record<string, unknown>, { table: (d) => d.table });
        const e0 = links.find((l) => l.name === 'eth0')!;
        assert.equal(e0.master, v.index);
        compareData('eth0 vrf port', p.linkinfo!.info_slave_data, slaveData(e0, 'vrf') as Record<string, unknown>, { table: (d) => d.table });
        // a vrf cannot be its own port: the kernel refuses
        const e = await rejectsA(r.links.set('vrf-blue', { master: 'vrf-blue' }), NetlinkError);
        assert.ok(e.errno > 0, e.message);
        assert.ok(assertRoundTrip(t.inbound, 'vrf') >= 3);
        await r.links.del('vrf-blue');
        assert.equal(ipLink(ns, 'eth0').master, undefined);
      } finally {
        await t.close();
      }
    });
  },
  ['vrf'],
);

ktest(test, 'vrf options are checked before anything is sent (runs without vrf)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const before = r.socket.stats.datagramsOut;
      for (const [fn, field] of [
        [() => r.links.add({ name: 'v', kind: 'vrf' } as never), 'vrf.table'],
        [() => r.links.add({ name: 'v', kind: 'vrf', vrf: { table: 0 } }), 'vrf.table'],
        [() => r.links.add({ name: 'v', kind: 'vrf', vrf: { table: 10, id: 1 } as never }), 'vrf.id'],
      ] as Array<[() => Promise<unknown>, string]>) {
        const e = await rejectsA(fn(), ArgumentError);
        assert.equal(e.field, field, e.message);
      }
      assert.equal(r.socket.stats.datagramsOut, before, 'nothing was sent');
    } finally {
      await t.close();
    }
  });
});

test.run();
