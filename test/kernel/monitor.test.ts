// rtnl.monitor() against the live kernel: event order for a scripted
// sequence, overruns under a flood (with and without resync), bounded
// queueing, no fd leaks. iproute2 drives the changes and is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rtnl, ArgumentError, isEvent, type MonitorEvent, type Monitor, type Link, type ObjectEvent } from '../../src/index.js';
import { formatRouteMessage } from '../../src/cli/format.js';
import { ktest, withNetns, ipJson, ip, sh, fdCount, fdList, madeLinks } from '../helpers.js';
import { throwsA } from '../expect.js';

/** Next event, or fail after `ms`. */
async function next(mon: Monitor, ms = 10000): Promise<MonitorEvent> {
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

function summary(ev: MonitorEvent): string {
  if (!('kind' in ev)) return ev.type;
  return `${ev.type} ${formatRouteMessage(ev.raw, ev.object as Record<string, unknown> | undefined, { details: false, names: new Map() })[0]}`;
}

ktest(test, 'scripted sequence (add veth, up, address, route, delete) arrives in order with typed objects', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const fds = fdCount();
    const mon = r.monitor(['link', 'address', 'route']);
    try {
      assert.is(fdCount(), fds + 1, 'one socket for the monitor');
      assert.equal(mon.groups, ['link', 'ipv4-ifaddr', 'ipv6-ifaddr', 'ipv4-route', 'ipv6-route']);
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      const idx = ipJson<Array<{ ifindex: number; ifname: string }>>(ns, 'link', 'show', 'v0')[0]!.ifindex;
      ip(ns, 'link', 'set', 'v0', 'up');
      ip(ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'v0');
      ip(ns, 'route', 'add', '10.6.0.0/16', 'via', '10.7.0.2', 'dev', 'v0');
      ip(ns, 'link', 'del', 'v0');
      const seen: MonitorEvent[] = [];
      for (;;) {
        const ev = await next(mon);
        seen.push(ev);
        if (isEvent(ev, 'link') && ev.type === 'dellink' && ev.object.name === 'v0') break;
      }
      const lines = seen.map(summary);
      const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
      const steps = [
        at(/^newlink \d+: v0@\S+: <BROADCAST,MULTICAST> /),
        at(/^newlink \d+: v0@\S+: <.*UP.*>/),
        at(/^newaddr \d+: if\d+ +inet 10\.7\.0\.1\/24 .*scope global/),
        at(/^newroute 10\.6\.0\.0\/16 via 10\.7\.0\.2 dev if\d+/),
        at(/^dellink \d+: v0/),
      ];
      assert.ok(steps.every((s) => s >= 0), `every step seen:\n${lines.join('\n')}`);
      assert.equal([...steps].sort((a, b) => a - b), steps, `in order:\n${lines.join('\n')}`);
      const links = seen.filter((e): e is ObjectEvent<'link', Link> => isEvent(e, 'link') && e.object.name === 'v0');
      assert.ok(links.every((e) => e.object.index === idx && e.kind === 'link'), 'index as ip reports it');
      // typed objects, decoded with the address and route schemas, agree with what ip was told
      const addr = seen.find((e) => isEvent(e, 'address') && e.type === 'newaddr');
      assert.ok(addr && isEvent(addr, 'address'));
      assert.equal([addr.object.local, addr.object.prefixLen, addr.object.index], ['10.7.0.1', 24, idx]);
      const rt = seen.find((e) => isEvent(e, 'route') && e.object.dst === '10.6.0.0/16');
      assert.ok(rt && isEvent(rt, 'route'));
      assert.equal([rt.object.dstLen, rt.object.gateway, rt.object.oif], [16, '10.7.0.2', idx]);
      assert.ok(seen.every((e) => 'timestamp' in e && e.timestamp > 0));
      // the route notification carries our interface's index (RTA_OIF) and the message header
      const route = seen.find((e) => e.type === 'newroute' && summary(e).includes('10.6.0.0')) as Extract<MonitorEvent, { kind: string }>;
      assert.is(route.message.typeName, 'RTM_NEWROUTE');
      assert.match(summary(route), new RegExp(`dev if${idx}\\b`));
    } finally {
      mon.close();
      await r.close();
    }
    assert.is(fdCount(), fds - 1, `no fd left after close: ${fdList().join(', ')}`);
  });
});

ktest(test, 'leaving the loop closes the socket; a pending next() ends on close(); bad groups throw before any socket', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    try {
      const fds = fdCount();
      throwsA(() => r.monitor(['link', 'nosuchgroup']), ArgumentError, /groups\[1\]: unknown group "nosuchgroup"/);
      throwsA(() => r.monitor([]), ArgumentError, /no group/);
      throwsA(() => r.monitor(['link'], { highWaterMark: 0 }), ArgumentError, /highWaterMark/);
      throwsA(() => r.monitor(['link'], { resync: 'yes' as never }), ArgumentError, /^resync: expected true, false or/);
      throwsA(() => r.monitor(['link'], { resync: { attempts: 0 } }), ArgumentError, /^resync\.attempts: expected an integer >= 1/);
      throwsA(() => r.monitor(['link'], { resync: { attempts: 1.5 } }), ArgumentError, /^resync\.attempts/);
      throwsA(() => r.monitor(['link'], { resync: { minDelay: 50, maxDelay: 10 } }), ArgumentError, /^resync\.maxDelay: less than minDelay/);
      throwsA(() => r.monitor(['link'], { resync: { retries: 3 } as never }), ArgumentError, /^resync\.retries: unknown option/);
      assert.is(fdCount(), fds);
      const mon = r.monitor(['link']);
      assert.is(fdCount(), fds + 1);
      setTimeout(() => ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'), 10);
      for await (const ev of mon) {
        assert.ok(isEvent(ev, 'link'));
        break;
      }
      assert.ok(mon.isClosed);
      assert.is(fdCount(), fds, 'break closed the monitor socket');
      const mon2 = r.monitor(['link']);
      const pending = mon2.next();
      setTimeout(() => mon2.close(), 20);
      assert.equal(await pending, { value: undefined, done: true });
      assert.is(fdCount(), fds);
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'allNsid (NETLINK_LISTEN_ALL_NSID): events of a namespace with an id carry it, own events none; without the option they stay out', async () => {
  await withNetns(3, async (a, b, c) => {
    ip(a, 'netns', 'set', b, '17'); // b has id 17 in a; c has none
    const idOfB = ipJson<Array<{ nsid: number; name?: string }>>(a, 'netns', 'list-id').find((x) => x.name === b)?.nsid;
    assert.is(idOfB, 17, 'ip sees the id we set');
    const r = await Rtnl.open({ netns: a });
    try {
      throwsA(() => r.monitor(['link'], { allNsid: 'yes' as never }), ArgumentError, /allNsid/);
      const all = r.monitor(['link'], { allNsid: true });
      const own = r.monitor(['link']);
      try {
        ip(b, 'link', 'add', 'inb0', 'type', 'veth', 'peer', 'name', 'inb1');
        ip(c, 'link', 'add', 'inc0', 'type', 'veth', 'peer', 'name', 'inc1');
        ip(a, 'link', 'add', 'ina0', 'type', 'veth', 'peer', 'name', 'ina1');
        const seen = new Map<string, number | undefined>();
        while (!seen.has('ina0') || !seen.has('ina1')) {
          const ev = await next(all);
          if (isEvent(ev, 'link') && ev.type === 'newlink') seen.set(ev.object.name, ev.nsid);
        }
        // b's links arrived before a's (b's changes were made first), with b's id
        assert.is(seen.get('inb0'), 17, 'a link made in b carries nsid 17');
        assert.is(seen.get('inb1'), 17);
        assert.ok(seen.has('ina0') && seen.get('ina0') === undefined, 'own links carry no nsid');
        assert.not.ok(seen.has('inc0') || seen.has('inc1'), 'a namespace without an id in a is not heard');
        const ownNames: string[] = [];
        while (!ownNames.includes('ina1')) {
          const ev = await next(own);
          if (isEvent(ev, 'link') && ev.type === 'newlink') {
            assert.is(ev.nsid, undefined);
            ownNames.push(ev.object.name);
          }
        }
        assert.not.ok(ownNames.some((n) => n.startsWith('inb') || n.startsWith('inc')), `only own links without allNsid (${ownNames.join(', ')})`);
      } finally {
        all.close();
        own.close();
      }
    } finally {
      await r.close();
    }
  });
});

ktest(test, 'overrun under a flood with resync: overrun event, re-dump marked resync, view converges to ip link show', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const mon = r.monitor(['link', 'address'], { rcvbuf: 4096, highWaterMark: 16, resync: true });
    try {
      // The flood runs while this thread is blocked: nothing reads the 4 KiB buffer.
      batch(ns, 200, 80, 'f');
      ip(ns, 'link', 'add', 'zz0', 'type', 'veth', 'peer', 'name', 'zz1');
      const view = new Map<number, string>();
      let staging: Set<number> | undefined;
      let overruns = 0;
      let resynced = 0;
      let resyncEvents = 0;
      for (;;) {
        const ev = await next(mon);
        if (ev.type === 'overrun') {
          overruns++;
          assert.is(ev.resync, true);
          staging = new Set();
        } else if (ev.type === 'resynced') {
          resynced++;
          assert.ok(ev.kinds.includes('link'), 'links re-dumped');
          for (const k of [...view.keys()]) if (!staging!.has(k)) view.delete(k);
          staging = undefined;
        } else if (ev.type === 'error') {
          throw ev.error;
        } else if (isEvent(ev, 'link')) {
          if (ev.resync) {
            resyncEvents++;
            staging!.add(ev.object.index);
          }
          if (ev.type === 'newlink') view.set(ev.object.index, ev.object.name);
          else if (ev.type === 'dellink') view.delete(ev.object.index);
        }
        const names = new Set(view.values());
        if (!staging && resynced && names.has('zz0') && names.has('zz1')) break;
      }
      assert.ok(overruns >= 1, 'an overrun was reported');
      assert.ok(mon.stats.overruns >= 1);
      assert.ok(resyncEvents >= 1, 'the re-dump was delivered as events');
      const oracle = new Map(ipJson<Array<{ ifindex: number; ifname: string }>>(ns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));
      assert.equal(new Map([...view].sort((a, b) => a[0] - b[0])), new Map([...oracle].sort((a, b) => a[0] - b[0])), 'view built from events = ip link show');
      assert.is(madeLinks([...oracle.values()]).length, 1 + 2 * (200 - 80) + 2, 'lo, the veth pairs left, zz0/zz1');
    } finally {
      mon.close();
      await r.close();
    }
  });
});

ktest(test, 'overrun without resync: reported once per loss, iteration goes on, queue bounded by highWaterMark', async () => {
  await withNetns(1, async (ns) => {
    const r = await Rtnl.open({ netns: ns });
    const mon = r.monitor(['link'], { rcvbuf: 4096, highWaterMark: 16 });
    try {
      batch(ns, 150, 0, 'g');
      let overrun = false;
      // consume slowly at first: the monitor must stop reading rather than queue
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(mon.stats.highWater <= 16 + 64, `queued at most highWaterMark (+ one read batch): ${mon.stats.highWater}`);
      ip(ns, 'link', 'add', 'zz0', 'type', 'veth', 'peer', 'name', 'zz1');
      for (;;) {
        const ev = await next(mon);
        if (ev.type === 'overrun') {
          assert.is(ev.resync, false);
          overrun = true;
        }
        assert.not.equal(ev.type, 'resynced');
        if (overrun && isEvent(ev, 'link') && ev.object.name === 'zz1') break;
      }
      assert.ok(overrun);
      assert.ok(mon.stats.highWater <= 16 + 64 + 64, `bounded queue: ${mon.stats.highWater}`);
    } finally {
      mon.close();
      await r.close();
    }
  });
});

/** `ip -n NS -batch -` (this thread is blocked meanwhile): create `pairs` veth pairs, then delete `del` of them. */
function batch(ns: string, pairs: number, del: number, tag: string): void {
  const cmds: string[] = [];
  for (let i = 0; i < pairs; i++) cmds.push(`link add ${tag}${i} type veth peer name ${tag}p${i}`);
  for (let i = 0; i < del; i++) cmds.push(`link del ${tag}${i}`);
  sh('ip', ['-n', ns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
}

test.run();
