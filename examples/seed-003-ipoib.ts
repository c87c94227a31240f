/**
 * Seed 003, "IPOIB": an IP-over-InfiniBand child device with its own
 * partition key, in connected mode.
 *
 *   ip link add ib0 name ipoib0 type ipoib pkey IB_PKEY mode connected
 *
 * (the article's `ip link add ib0 name ipoib0` names the device twice; ip
 * means `link ib0 name ipoib0`.) The parent must be an IPoIB device of a real
 * InfiniBand port: no machine of the test lanes has one, so the test skips
 * this example by name. On a machine with one, set IB_PARENT (default ib0)
 * and IB_PKEY (default 0x8001).
 */
import { Rtnl, kindData } from 'rtnetlink';
import { isMain, main, type Example } from './_lab.js';

export const example: Example = {
  seed: '003',
  section: 'IPOIB: ipoib0 on ib0, pkey, mode connected',
  needs: [],
  unavailable: 'needs InfiniBand hardware (an IPoIB parent device); no test lane has one',
  async setup(lab) {
    const parent = process.env.IB_PARENT ?? 'ib0';
    const pkey = Number(process.env.IB_PKEY ?? 0x8001);
    // the InfiniBand port is in the namespace the example is started in: the child goes there too
    const rtnl = await Rtnl.open();
    lab.onTeardown(async () => {
      await rtnl.links.del('ipoib0').catch(() => undefined);
      await rtnl.close();
    });
    await rtnl.links.add({ name: 'ipoib0', kind: 'ipoib', link: parent, ipoib: { pkey, mode: 'connected' } }); // ip link add link ib0 name ipoib0 type ipoib pkey IB_PKEY mode connected
    const link = await rtnl.links.get('ipoib0');
    console.log(`ipoib0: ifindex ${link.index}`, kindData(link, 'ipoib'));
  },
};

if (isMain(import.meta.url)) await main(example);
