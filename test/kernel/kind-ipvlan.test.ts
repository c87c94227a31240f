// ipvlan and ipvtap links against the live kernel (modules ipvlan, ipvtap), `ip -j -d link` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { kindData, type IpvlanOptions } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsEachBeforeSending, type BadCall } from '../expect.js';
import { assertRoundTrip, compareData, ipLink, libLink, openTapped } from '../kinds-support.js';

const ipvlanMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  mode: (d) => d.mode,
  // ip prints one of these as true, from IFLA_IPVLAN_FLAGS
  private: (d) => d.flags === 'private',
  vepa: (d) => d.flags === 'vepa',
  bridge: (d) => d.flags === 'bridge',
};

ktest(
  test,
  'ipvlan and ipvtap in l2/l3/l3s with bridge/private/vepa: ip and library list agree; mode changes on a live device',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        // the mode is per parent (all ipvlans of one parent share it), so one parent each
        const made: Array<[string, 'ipvlan' | 'ipvtap', IpvlanOptions]> = [
          ['ipvl0', 'ipvlan', { mode: 'l3s', flags: 'private' }],
          ['ipvl1', 'ipvlan', { mode: 'l2', flags: 'vepa' }],
          ['ipvt0', 'ipvtap', { mode: 'l3', flags: 'bridge' }],
          ['ipvt1', 'ipvtap', { mode: 'l2', flags: 'private' }],
        ];
        for (const [name, kind, opts] of made) {
          await r.links.add({ name: `${name}p`, kind: 'veth', peer: `${name}q` });
          await r.links.add({ name, kind, link: `${name}p`, [kind]: opts });
        }
        const links = await r.links.list();
        for (const [name, kind, opts] of made) {
          const o = ipLink(ns, name);
          assert.equal(o.linkinfo?.info_kind, kind);
          assert.equal(o.link, `${name}p`);
          const id = o.linkinfo!.info_data!;
          assert.equal(id.mode, opts.mode, `${name} mode`);
          assert.equal(id[opts.flags as string], true, `${name} ${String(opts.flags)}`);
          const l = links.find((x) => x.name === name)!;
          assert.equal(l.address, links.find((x) => x.name === `${name}p`)!.address, 'an ipvlan shares its parent MAC');
          compareData(name, id, kindData(l, kind) as Record<string, unknown>, ipvlanMap);
        }
        await r.links.set('ipvl0', { ipvlan: { mode: 'l2', flags: 'bridge' } });
        const id = ipLink(ns, 'ipvl0').linkinfo!.info_data!;
        assert.equal([id.mode, id.bridge], ['l2', true]);
        assert.equal(kindData(await libLink(r, 'ipvl0'), 'ipvlan'), { mode: 'l2', flags: 'bridge' });
        assert.ok(assertRoundTrip(t.inbound, 'ipvlan') >= 6);
        for (const [name] of made) await r.links.del(name);
        assert.equal((await r.links.list()).filter((l) => l.kind === 'ipvlan' || l.kind === 'ipvtap'), []);
      } finally {
        await t.close();
      }
    });
  },
  ['ipvlan', 'ipvtap'],
);

ktest(test, 'ipvlan options are checked before anything is sent (runs without ipvlan)', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const bad: BadCall[] = [
        [() => r.links.add({ name: 'i', kind: 'ipvlan', link: 'eth0', ipvlan: { mode: 'l4' as never } }), 'ipvlan.mode'],
        [() => r.links.add({ name: 'i', kind: 'ipvlan', link: 'eth0', ipvlan: { flags: 'passthru' as never } }), 'ipvlan.flags'],
        [() => r.links.add({ name: 'i', kind: 'ipvtap', link: 'eth0', ipvtap: { mode: 'l2', bridge: true } as never }), 'ipvtap.bridge'],
        [() => r.links.add({ name: 'i', kind: 'ipvlan', ipvlan: { mode: 'l2' } } as never), 'link'],
      ];
      await rejectsEachBeforeSending(r.socket, bad);
    } finally {
      await t.close();
    }
  });
});

test.run();
