// vcan and vxcan (virtual CAN, module vcan / vxcan) against the live kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError } from '../../src/index.js';
import { ktest, withNetns } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, ipLink, openTapped } from '../kinds-support.js';

ktest(
  test,
  'vcan, and a vxcan pair with the peer created in another namespace: ip and library list agree',
  async () => {
    await withNetns(2, async (a, b) => {
      const t = await openTapped(a);
      const tb = await openTapped(b);
      try {
        const { r } = t;
        await r.links.add({ name: 'vcan0', kind: 'vcan', mtu: 72, txQueueLen: 50 });
        await r.links.add({ name: 'vxcan0', kind: 'vxcan', mtu: 72, peer: { name: 'vxcan1', netns: b, mtu: 72, txQueueLen: 33 } });
        const v = ipLink(a, 'vcan0');
        assert.equal([v.linkinfo?.info_kind, v.mtu, v.txqlen, v.link_type], ['vcan', 72, 50, 'can']);
        const x0 = ipLink(a, 'vxcan0');
        const x1 = ipLink(b, 'vxcan1');
        assert.equal([x0.linkinfo?.info_kind, x0.mtu, x1.linkinfo?.info_kind, x1.mtu, x1.txqlen], ['vxcan', 72, 'vxcan', 72, 33]);
        const links = await r.links.list();
        const l0 = links.find((l) => l.name === 'vxcan0')!;
        const lv = links.find((l) => l.name === 'vcan0')!;
        assert.equal([lv.kind, lv.mtu, lv.txQueueLen, lv.type], ['vcan', 72, 50, 280]); // ARPHRD_CAN
        assert.equal(l0.kind, 'vxcan');
        assert.ok(l0.linkNetnsId !== undefined, 'the peer lives in another namespace');
        const peer = (await tb.r.links.list()).find((l) => l.name === 'vxcan1')!;
        assert.equal(l0.link, peer.index, 'IFLA_LINK of a vxcan is its peer');
        assert.equal(peer.index, x1.ifindex);
        assert.ok(assertRoundTrip([...t.inbound, ...tb.inbound], 'can') >= 4);
        await r.links.del('vxcan0');
        assert.equal((await tb.r.links.list()).some((l) => l.name === 'vxcan1'), false, 'deleting one end removes the pair');
        await r.links.del('vcan0');
      } finally {
        await t.close();
        await tb.close();
      }
    }, 'can');
  },
  ['vcan', 'vxcan'],
);

ktest(test, 'vxcan/vcan options are checked before anything is sent', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      const before = r.socket.stats.datagramsOut;
      for (const [fn, field] of [
        [() => r.links.add({ name: 'x', kind: 'vxcan', peer: { name: 'peer-name-too-long' } }), 'peer.name'],
        [() => r.links.add({ name: 'x', kind: 'vcan', vcan: {} } as never), 'vcan'],
        [() => r.links.add({ name: 'x', kind: 'vcan', peer: 'y' } as never), 'peer'],
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
