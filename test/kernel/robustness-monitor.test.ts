// A monitor under an event storm: thousands of links created and deleted as
// fast as the kernel takes them (pipelined on one socket in this process,
// and by iproute2 from outside), while the monitor's consumer runs in the
// same event loop. Nothing may be lost silently: either every link created
// was seen in a notification, or an overrun was reported; with resync the
// view built from events equals `ip link show` at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, isEvent, type Monitor, type MonitorEvent } from '../../src/index.js';
import { spawnSync } from 'node:child_process';
import { ktest, withNetns, ip, sh, lane, madeLinks } from '../helpers.js';

/** The VM lane runs under TCG, several times slower: a smaller storm there. */
const SCALE = lane === 'vm' ? 0.2 : 1;

/** `ip -n NS -j link show` (thousands of links: more than spawnSync's default 1 MiB of output). */
function ipLinks(ns: string): Array<{ ifindex: number; ifname: string }> {
  const r = spawnSync('ip', ['-n', ns, '-j', 'link', 'show'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ip -j link show: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ ifindex: number; ifname: string }>;
}

/** Next event, or fail after `ms`. */
async function next(mon: Monitor, ms = 180000): Promise<MonitorEvent> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([
    mon.next(),
    new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`no event within ${ms} ms`)), ms);
    }),
  ]);
  clearTimeout(timer);
  if (r.done) throw new Error('monitor ended');
  return r.value;
}

interface Tally {
  view: Map<number, string>;
  seen: Set<string>;
  overruns: number;
  resynced: number;
  events: number;
}

/** Consume events into a view (index -> name) until `until(view)` holds outside a resync. */
async function consume(mon: Monitor, tally: Tally, until: (t: Tally) => boolean): Promise<void> {
  let staging: Set<number> | undefined;
  for (;;) {
    const ev = await next(mon);
    tally.events++;
    if (ev.type === 'overrun') {
      tally.overruns++;
      staging = new Set();
    } else if (ev.type === 'resynced') {
      tally.resynced++;
      for (const k of [...tally.view.keys()]) if (!staging!.has(k)) tally.view.delete(k);
      staging = undefined;
    } else if (ev.type === 'error') {
      throw ev.error;
    } else if (isEvent(ev, 'link')) {
      if (ev.resync) staging!.add(ev.object.index);
      if (ev.type === 'newlink') {
        tally.view.set(ev.object.index, ev.object.name);
        tally.seen.add(ev.object.name);
      } else if (ev.type === 'dellink') tally.view.delete(ev.object.index);
    }
    if (!staging && until(tally)) return;
  }
}

async function storm(rcvbuf: number | undefined, pairs: number, label: string): Promise<Tally> {
  return withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const mon = r.monitor(['link'], { resync: true, ...(rcvbuf ? { rcvbuf } : {}) });
    const tally: Tally = { view: new Map(), seen: new Set(), overruns: 0, resynced: 0, events: 0 };
    try {
      const names: string[] = [];
      // the usual pattern: subscribe, then list what exists (lo), then apply events
      for (const l of await r.links.list()) tally.view.set(l.index, l.name);
      // the consumer runs in this event loop while the storm is produced
      const consuming = consume(mon, tally, (t) => [...t.view.values()].includes('zz0'));
      // 1) pipelined on one socket in this process
      await Promise.all(
        Array.from({ length: pairs }, (_, i) => {
          names.push(`s${i}`, `sp${i}`);
          return r.links.add({ name: `s${i}`, kind: 'veth', peer: `sp${i}` });
        }),
      );
      // 2) from outside, while this thread is blocked
      const cmds: string[] = [];
      for (let i = 0; i < pairs / 2; i++) {
        cmds.push(`link add b${i} type veth peer name bp${i}`);
        names.push(`b${i}`, `bp${i}`);
      }
      for (let i = 0; i < pairs / 4; i++) cmds.push(`link set s${i} up`, `link set sp${i} up`);
      sh('ip', ['-n', ns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
      // 3) deletions, pipelined
      await Promise.all(Array.from({ length: pairs / 10 }, (_, i) => r.links.del(`s${pairs - 1 - i}`)));
      ip(ns, 'link', 'add', 'zz0', 'type', 'veth', 'peer', 'name', 'zz1');
      await consuming;
      const oracle = new Map(ipLinks(ns).map((l) => [l.ifindex, l.ifname]));
      assert.is(madeLinks([...oracle.values()]).length, 1 + 2 * pairs + pairs - (2 * pairs) / 10 + 2, 'every link the storm made is there');
      // nothing lost silently: without an overrun, every link created was announced
      if (tally.overruns === 0) {
        const missing = names.filter((n) => !tally.seen.has(n));
        assert.equal(missing.slice(0, 10), [], `${missing.length} links created but never announced, and no overrun reported`);
      } else assert.ok(tally.resynced >= 1, 'an overrun was followed by a resync');
      // the kernel's ENOBUFS reports (stats) reach the consumer as overrun events (several reports close together make one event)
      assert.is(mon.stats.overruns > 0, tally.overruns > 0, `stats.overruns ${mon.stats.overruns}, overrun events seen ${tally.overruns}`);
      // the view converges to ip link show (zz1 may still be on its way: compare without it)
      const view = new Map([...tally.view].filter(([, n]) => n !== 'zz1').sort((a, b) => a[0] - b[0]));
      const want = new Map([...oracle].filter(([, n]) => n !== 'zz1').sort((a, b) => a[0] - b[0]));
      const diff = [
        ...[...want].filter(([k, n]) => view.get(k) !== n).map(([k, n]) => `missing ${k}:${n}${view.has(k) ? ` (view has ${view.get(k)})` : ''}`),
        ...[...view].filter(([k]) => !want.has(k)).map(([k, n]) => `extra ${k}:${n}`),
      ];
      assert.equal(diff.slice(0, 12), [], `view from events differs from ip link show in ${diff.length} entries (${tally.overruns} overruns, ${tally.resynced} resyncs, ${tally.events} events)`);
      console.log(`  ${label}: ${tally.events} events, ${tally.overruns} overrun(s), ${tally.resynced} resync(s), ${oracle.size} links at the end`);
      return tally;
    } finally {
      mon.close();
      await r.close();
    }
  }, 'storm');
}

ktest(test, `event storm (${3000 * SCALE} veth pairs in this process, ${1500 * SCALE} from ip, ${300 * SCALE} deleted) with the default 8 MiB buffer: every link announced or an overrun reported; resync converges to ip link show`, async () => {
  await storm(undefined, 3000 * SCALE, 'default buffer');
});

ktest(test, `event storm (${1000 * SCALE} pairs) with a 256 MiB buffer: no overrun, and every link created was announced`, async () => {
  const t = await storm(256 * 1024 * 1024, 1000 * SCALE, '256 MiB buffer');
  assert.is(t.overruns, 0, 'a 256 MiB buffer holds the whole storm');
}, ['rcvbufforce']);

ktest(test, 'event storm with a 64 KiB buffer: an overrun is reported (never a silent loss), and resync converges to ip link show', async () => {
  const t = await storm(64 * 1024, 2000 * SCALE, '64 KiB buffer');
  assert.ok(t.overruns >= 1, 'with a 64 KiB buffer thousands of notifications cannot all fit: an overrun must be reported');
});

test.run();
