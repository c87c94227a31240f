// Alternative interface names (RTM_NEWLINKPROP / RTM_DELLINKPROP with IFLA_PROP_LIST)
// against the live kernel, with `ip -j link show` as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, NetlinkError } from '../../src/index.js';
import { ktest, withNetns, madeLinks } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, ipLink, openTapped } from '../kinds-support.js';

ktest(test, 'alternative names: add several, address a link by one (get/set/del), duplicates and missing ones are kernel errors', async () => {
  await withNetns(1, async (ns) => {
    const t = await openTapped(ns);
    try {
      const { r } = t;
      await r.links.add({ name: 'br0', kind: 'bridge' });
      await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
      const long = 'uplink-to-the-core-switch-in-rack-42'; // > 15 bytes: only usable as an altname
      await r.links.addAltNames('veth0', [long, 'up0']);
      assert.equal(ipLink(ns, 'veth0').altnames, [long, 'up0']);
      // the dump reports them in IFLA_PROP_LIST
      const l = (await r.links.list()).find((x) => x.name === 'veth0')!;
      assert.equal(l.propList?.altNames, [long, 'up0']);
      // an altname works wherever a link is named
      assert.equal((await r.links.get(long)).name, 'veth0');
      await r.links.set(long, { mtu: 1280, master: 'br0' });
      assert.equal([ipLink(ns, 'veth0').mtu, ipLink(ns, 'veth0').master], [1280, 'br0']);
      // renaming keeps the altnames
      await r.links.set('veth0', { name: 'port0' });
      assert.equal(ipLink(ns, 'port0').altnames, [long, 'up0']);
      // another link cannot take a name already in use
      const dup = await rejectsA(r.links.addAltNames('br0', ['up0']), NetlinkError);
      assert.equal(dup.code, 'EEXIST');
      assert.equal(dup.request?.typeName, 'RTM_NEWLINKPROP');
      const missing = await rejectsA(r.links.delAltNames('port0', ['nope0']), NetlinkError);
      assert.equal(missing.code, 'ENOENT');
      await r.links.delAltNames('port0', ['up0']);
      assert.equal(ipLink(ns, 'port0').altnames, [long]);
      // bad names never reach the kernel
      const before = r.socket.stats.datagramsOut;
      for (const [names, field] of [
        [['x'.repeat(128)], 'names[0]'],
        [['has space'], 'names[0]'],
        [['ok0', 'a/b'], 'names[1]'],
        [[], 'names'],
      ] as Array<[string[], string]>) {
        const e = await rejectsA(r.links.addAltNames('port0', names), ArgumentError);
        assert.equal(e.field, field);
      }
      assert.equal(r.socket.stats.datagramsOut, before);
      // and deleting the link by its altname works
      await r.links.del(long);
      assert.equal(madeLinks((await r.links.list()).map((x) => x.name)).sort(), ['br0', 'lo']);
      assert.ok(assertRoundTrip(t.inbound, 'altnames') >= 3);
    } finally {
      await t.close();
    }
  });
});

test.run();
