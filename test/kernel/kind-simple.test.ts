// Kinds without IFLA_INFO_DATA: dummy, ifb, nlmon, team (creation and ports only), wireguard (creation only).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError } from '../../src/index.js';
import { ktest, withNetns, madeLinks } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, ipLink, openTapped } from '../kinds-support.js';

/** Create one link of `kind` with non-default common options and compare with ip; then delete it. */
function simpleKind(kind: 'dummy' | 'ifb' | 'nlmon' | 'team' | 'wireguard', opts: { mtu: number; txQueueLen?: number; address?: string }, linkType: string, arphrd: number): void {
  ktest(
    test,
    `${kind}: created with mtu/txqlen${opts.address ? '/address' : ''}, listed like ip shows it, deleted`,
    async () => {
      await withNetns(1, async (ns) => {
        const t = await openTapped(ns);
        try {
          const { r } = t;
          await r.links.add({ name: `${kind}0`, kind, ...opts });
          const o = ipLink(ns, `${kind}0`);
          assert.equal(o.linkinfo?.info_kind, kind);
          assert.equal(o.linkinfo?.info_data, undefined, 'no IFLA_INFO_DATA');
          assert.equal(o.mtu, opts.mtu);
          if (opts.txQueueLen !== undefined) assert.equal(o.txqlen, opts.txQueueLen);
          if (opts.address) assert.equal(o.address, opts.address);
          assert.equal(o.link_type, linkType);
          const l = (await r.links.list()).find((x) => x.name === `${kind}0`)!;
          assert.equal([l.kind, l.mtu, l.type, l.index], [kind, opts.mtu, arphrd, o.ifindex]);
          if (opts.address) assert.equal(l.address, opts.address);
          assert.equal(l.linkInfo?.data, undefined);
          assert.ok(assertRoundTrip(t.inbound, kind) >= 2);
          await r.links.del(`${kind}0`);
          assert.equal(madeLinks((await r.links.list()).map((x) => x.name)), ['lo']);
        } finally {
          await t.close();
        }
      });
    },
    [kind],
  );
}

simpleKind('dummy', { mtu: 9000, txQueueLen: 10, address: '02:00:00:00:00:d0' }, 'ether', 1);
simpleKind('ifb', { mtu: 1400, txQueueLen: 64, address: '02:00:00:00:00:1b' }, 'ether', 1);
simpleKind('nlmon', { mtu: 16384, txQueueLen: 5 }, 'netlink', 824);
simpleKind('team', { mtu: 1300, address: '02:00:00:00:00:7e' }, 'ether', 1);
simpleKind('wireguard', { mtu: 1380, txQueueLen: 20 }, 'none', 65534);

ktest(
  test,
  'team: a port enslaved over rtnetlink reports slave kind "team"',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'team0', kind: 'team' });
        await r.links.add({ name: 'eth0', kind: 'veth', peer: 'eth0p' });
        await r.links.set('eth0', { master: 'team0' });
        const o = ipLink(ns, 'eth0');
        assert.equal([o.master, o.linkinfo?.info_slave_kind], ['team0', 'team']);
        const l = (await r.links.list()).find((x) => x.name === 'eth0')!;
        assert.equal(l.slaveKind, 'team');
        assert.ok(assertRoundTrip(t.inbound, 'team') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['team'],
);

ktest(test, 'kinds without options refuse options before anything is sent', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const before = r.socket.stats.datagramsOut;
      for (const kind of ['dummy', 'ifb', 'nlmon', 'team', 'wireguard']) {
        const e = await rejectsA(r.links.add({ name: 'x0', kind, [kind]: { any: 1 } } as never), ArgumentError);
        assert.equal(e.field, kind, e.message);
        assert.match(e.message, /takes no options/);
      }
      assert.equal(r.socket.stats.datagramsOut, before, 'nothing was sent');
    } finally {
      await t.close();
    }
  });
});

test.run();
