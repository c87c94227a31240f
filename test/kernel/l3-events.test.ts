// Neighbour, rule and nsid notifications decode through the registered schemas into
// typed monitor events; iproute2 makes the changes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, isEvent, type MonitorEvent, type Monitor } from '../../src/index.js';
import { ktest, withNetns, ip } from '../helpers.js';

async function until(mon: Monitor, done: (seen: MonitorEvent[]) => boolean, ms = 10000): Promise<MonitorEvent[]> {
  const seen: MonitorEvent[] = [];
  const deadline = Date.now() + ms;
  while (!done(seen)) {
    let timer: NodeJS.Timeout | undefined;
    const r = await Promise.race([
      mon.next(),
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`timed out; saw ${seen.map((e) => e.type).join(' ')}`)), Math.max(1, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timer);
    if (r.done) throw new Error('monitor ended');
    seen.push(r.value);
  }
  return seen;
}

ktest(test, 'neigh, rule and nsid events arrive as typed Neighbour / Rule / NsId objects', async () => {
  await withNetns(2, async (ns, other) => {
    const r = await Rtnl.open({ netns: ns });
    const mon = r.monitor(['neigh', 'rule', 'nsid']);
    try {
      ip(ns, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
      ip(ns, 'link', 'set', 'veth0', 'up');
      ip(ns, 'neigh', 'add', '10.0.1.7', 'lladdr', '02:00:00:00:00:07', 'dev', 'veth0', 'nud', 'permanent');
      ip(ns, 'rule', 'add', 'pref', '123', 'from', '10.0.0.0/8', 'table', '100');
      ip(ns, 'netns', 'set', other, '9');
      ip(ns, 'neigh', 'del', '10.0.1.7', 'dev', 'veth0');
      const seen = await until(mon, (s) => s.some((e) => isEvent(e, 'neigh') && e.type === 'delneigh' && e.object.dst === '10.0.1.7'));
      const add = seen.find((e) => isEvent(e, 'neigh') && e.type === 'newneigh' && e.object.dst === '10.0.1.7');
      assert.ok(add && isEvent(add, 'neigh'));
      assert.equal([add.object.lladdr, add.object.state, add.object.family], ['02:00:00:00:00:07', 'permanent', 2]);
      const rule = seen.find((e) => isEvent(e, 'rule') && e.type === 'newrule');
      assert.ok(rule && isEvent(rule, 'rule'));
      assert.equal([rule.object.priority, rule.object.from, rule.object.table], [123, '10.0.0.0/8', 100]);
      const nsid = seen.find((e) => isEvent(e, 'nsid') && e.type === 'newnsid');
      assert.ok(nsid && isEvent(nsid, 'nsid'));
      assert.equal(nsid.object.nsid, 9);
      assert.equal(await r.nsids.get(other), 9);
    } finally {
      mon.close();
      await r.close();
    }
  }, 'ev');
});

test.run();
