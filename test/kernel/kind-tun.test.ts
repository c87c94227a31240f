// tun/tap devices as the kernel dumps them (IFLA_TUN_*). The devices are made
// with `ip tuntap add` as a fixture (creating them is the Tun module's job).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, kindData } from '../../src/index.js';
import { ip, ktest, withNetns, madeLinks } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, bool, compareData, ipLink, openTapped } from '../kinds-support.js';

const tunMap: Record<string, (d: Record<string, unknown>) => unknown> = {
  type: (d) => d.type,
  pi: (d) => bool(d.pi),
  vnet_hdr: (d) => bool(d.vnetHdr),
  multi_queue: (d) => bool(d.multiQueue),
  persist: (d) => bool(d.persist),
  numqueues: (d) => d.numQueues,
  numdisabled: (d) => d.numDisabledQueues,
  user: (d) => d.owner,
  group: (d) => d.group,
};

ktest(
  test,
  'tun and tap devices made by ip tuntap: IFLA_TUN_* decoded like ip shows them; read-only to links.set',
  async () => {
    await withNetns(1, async (ns) => {
      // uid/gid without passwd entries, so ip prints the numbers
      ip(undefined, 'netns', 'exec', ns, 'ip', 'tuntap', 'add', 'tap0', 'mode', 'tap', 'multi_queue', 'user', '4242', 'group', '4243');
      ip(undefined, 'netns', 'exec', ns, 'ip', 'tuntap', 'add', 'tun0', 'mode', 'tun', 'pi', 'vnet_hdr');
      const t = await openTapped(ns);
      try {
        const { r } = t;
        const links = await r.links.list();
        const tap = links.find((l) => l.name === 'tap0')!;
        const tun = links.find((l) => l.name === 'tun0')!;
        assert.equal(tap.kind, 'tun', 'the kernel reports kind "tun" for both');
        const dtap = kindData(tap, 'tun')!;
        const dtun = kindData(tun, 'tun')!;
        assert.equal([dtap.type, dtap.owner, dtap.group, dtap.multiQueue, dtap.persist, dtap.pi], ['tap', 4242, 4243, true, true, false]);
        assert.equal([dtun.type, dtun.owner, dtun.group, dtun.multiQueue, dtun.pi, dtun.vnetHdr], ['tun', undefined, undefined, false, true, true]);
        assert.equal(dtap.numQueues, 0, 'no queue attached');
        compareData('tap0', ipLink(ns, 'tap0').linkinfo!.info_data, dtap as Record<string, unknown>, tunMap);
        compareData('tun0', ipLink(ns, 'tun0').linkinfo!.info_data, dtun as Record<string, unknown>, tunMap);
        assert.equal(tun.type, 65534, 'ARPHRD_NONE for tun');
        assert.equal(tap.type, 1, 'ARPHRD_ETHER for tap');
        const e = await rejectsA(r.links.set('tap0', { tun: { persist: false } } as never), ArgumentError);
        assert.equal(e.field, 'tun.persist');
        assert.ok(assertRoundTrip(t.inbound, 'tun') >= 3);
        await r.links.del('tap0');
        await r.links.del('tun0');
        assert.equal(madeLinks((await r.links.list()).map((l) => l.name)), ['lo']);
      } finally {
        await t.close();
      }
    });
  },
  ['tun', 'tap', 'mapped-ids'],
);

test.run();
