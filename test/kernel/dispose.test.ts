// `await using` / `using` on the handles (Symbol.asyncDispose / Symbol.dispose):
// Rtnl, monitors, Tun, NetlinkSocket close at the end of the scope, also when
// it is left by an exception. This file is compiled by tsc (target ES2022),
// which turns `await using` into its own dispose calls: the test fails to
// build if a handle has no dispose method.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, Tun, NetlinkSocket } from '../../src/index.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { ktest, withNetns, ipJson, fdCount, madeLinks } from '../helpers.js';

ktest(test, 'await using Rtnl: one handle per namespace, closed at the end of each iteration without try/finally', async () => {
  await withNetns(3, async (...names) => {
    const fds = fdCount();
    const seen: Rtnl[] = [];
    for (const ns of names) {
      await using rtnl = await Rtnl.open({ netns: ns });
      seen.push(rtnl);
      await rtnl.links.add({ kind: 'bridge', name: 'br0' });
      assert.equal(rtnl.socket.isClosed, false);
    }
    assert.ok(seen.every((r) => r.socket.isClosed), 'every handle closed');
    assert.equal(fdCount(), fds, 'no fd left open');
    for (const ns of names) assert.equal(ipJson<Array<{ ifname: string }>>(ns, 'link', 'show', 'br0')[0]!.ifname, 'br0');
  });
});

ktest(test, 'await using Rtnl: closed when the scope is left by an exception', async () => {
  await withNetns(1, async (ns) => {
    let handle: Rtnl | undefined;
    const boom = new Error('boom');
    try {
      await using rtnl = await Rtnl.open({ netns: ns });
      handle = rtnl;
      throw boom;
    } catch (e) {
      assert.is(e, boom, 'the scope\'s own exception surfaces');
    }
    assert.ok(handle!.socket.isClosed);
  });
});

ktest(test, 'await using / using a monitor, a NetlinkSocket', async () => {
  await withNetns(1, async (ns) => {
    await using rtnl = await Rtnl.open({ netns: ns });
    let mon: ReturnType<Rtnl['monitor']> | undefined;
    {
      await using m = rtnl.monitor(['link']);
      mon = m;
      await rtnl.links.add({ kind: 'bridge', name: 'br0' }, { returnLink: false });
      const ev = await m.next();
      assert.equal(ev.done, false);
    }
    assert.ok(mon.isClosed);
    {
      using m2 = rtnl.monitor(['link']);
      mon = m2;
    }
    assert.ok(mon.isClosed);
    let sock: NetlinkSocket | undefined;
    {
      using s = NetlinkSocket.open({ protocol: NETLINK_ROUTE, netns: ns });
      sock = s;
      assert.equal(s.isClosed, false);
    }
    assert.ok(sock.isClosed);
  });
});

ktest(test, 'await using Tun: the device closes (and, not persistent, disappears) without an AbortError', async () => {
  await withNetns(1, async (ns) => {
    const errors: unknown[] = [];
    let tun: Tun | undefined;
    {
      await using t = await Tun.open({ netns: ns, name: 'tun0', mode: 'tun' });
      tun = t;
      t.on('error', (e) => errors.push(e));
      assert.equal(ipJson<Array<{ ifname: string }>>(ns, 'link', 'show', 'tun0').length, 1);
    }
    assert.ok(tun.destroyed);
    assert.equal(errors, [], 'closed, not aborted');
    assert.equal(madeLinks(ipJson<Array<{ ifname: string }>>(ns, 'link', 'show').map((l) => l.ifname)), ['lo'], 'only lo is left');
  });
}, ['tun']);

test.run();
