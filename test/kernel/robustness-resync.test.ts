// Monitor resync under a storm from another process, used exactly as
// docs/monitor-pcap.md tells a user to: a view of links and addresses built
// from a monitor's events with the documented recipe (on `overrun` start
// collecting the keys of `resync` events; on `resynced` delete, for each kind
// it lists, the keys of that kind not collected) must end equal to
// `ip -j link show` and `ip -j addr show`, whatever the storm did to the
// monitor's 64 KiB receive buffer and to the re-dumps (NLM_F_DUMP_INTR).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { Rtnl, ResyncError, isEvent, type Monitor, type MonitorEvent, type Address, type AnyLink } from '../../src/index.js';
import { ktest, withNetns, ip, sh, lane, madeLinks } from '../helpers.js';

/** The VM lane runs under TCG, several times slower: a smaller storm there. */
const SCALE = lane === 'vm' ? 0.2 : 1;
const PAIRS = 3000 * SCALE;
const ADDRS = 1500 * SCALE;
const DELETES = 2250 * SCALE;
/** The consumer's synchronous work: BLOCK_MS every BLOCK_EVERY events (the VM's storm is slower: longer, more often). */
const BLOCK_EVERY = 1000 * SCALE;
const BLOCK_MS = lane === 'vm' ? 400 : 100;

/** `ip -n NS -j ARGS` with room for thousands of entries. */
function ipj<T>(ns: string, ...args: string[]): T {
  const r = spawnSync('ip', ['-n', ns, '-j', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ip -j ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** `ip -n NS -batch -` in another process; this event loop keeps running meanwhile. */
function ipBatch(ns: string, cmds: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('ip', ['-n', ns, '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`ip -batch exited with ${code}: ${err.slice(0, 500)}`))));
    p.stdin.end(cmds.join('\n') + '\n');
  });
}

/** What the test compares of a link: name, mtu, administratively up. */
const linkLine = (name: string, mtu: number | undefined, up: boolean): string => `${name} mtu ${mtu} ${up ? 'UP' : 'DOWN'}`;
const addrKey = (index: number, cidr: string): string => `${index} ${cidr}`;

/** A user's view: links by index, addresses by "index cidr", kept with the documented recipe. */
class View {
  links = new Map<number, string>();
  addrs = new Map<string, string>();
  private staging: { link: Set<number>; address: Set<string> } | undefined;
  overruns = 0;
  resynced = 0;
  resyncedKinds: string[][] = [];
  errors: Error[] = [];
  events = 0;

  get inResync(): boolean {
    return this.staging !== undefined;
  }

  setLink(l: AnyLink): void {
    this.links.set(l.index, linkLine(l.name, l.mtu, l.up));
  }

  setAddr(a: Address): void {
    this.addrs.set(addrKey(a.index, a.cidr), a.family === 2 ? 'inet' : 'inet6');
  }

  apply(ev: MonitorEvent): void {
    this.events++;
    if (ev.type === 'overrun') {
      this.overruns++;
      if (ev.resync) this.staging = { link: new Set(), address: new Set() };
    } else if (ev.type === 'resynced') {
      this.resynced++;
      this.resyncedKinds.push(ev.kinds);
      if (this.staging) {
        if (ev.kinds.includes('link')) for (const k of [...this.links.keys()]) if (!this.staging.link.has(k)) this.links.delete(k);
        if (ev.kinds.includes('address')) for (const k of [...this.addrs.keys()]) if (!this.staging.address.has(k)) this.addrs.delete(k);
      }
      this.staging = undefined;
    } else if (ev.type === 'error') {
      this.errors.push(ev.error);
    } else if (isEvent(ev, 'link')) {
      if (ev.resync) this.staging?.link.add(ev.object.index);
      if (ev.type === 'newlink') this.setLink(ev.object);
      else if (ev.type === 'dellink') this.links.delete(ev.object.index);
    } else if (isEvent(ev, 'address')) {
      const k = addrKey(ev.object.index, ev.object.cidr);
      if (ev.resync) this.staging?.address.add(k);
      if (ev.type === 'newaddr') this.setAddr(ev.object);
      else if (ev.type === 'deladdr') this.addrs.delete(k);
    }
  }
}

/** Next event, or fail after `ms`. */
async function next(mon: Monitor, ms: number): Promise<MonitorEvent> {
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

function diff<K>(got: Map<K, string>, want: Map<K, string>): string[] {
  return [
    ...[...want].filter(([k, v]) => got.get(k) !== v).map(([k, v]) => `missing ${String(k)}: ${v}${got.has(k) ? ` (view: ${got.get(k)})` : ''}`),
    ...[...got].filter(([k]) => !want.has(k)).map(([k, v]) => `phantom ${String(k)}: ${v}`),
  ];
}

ktest(
  test,
  `resync under a storm from ip -batch (${PAIRS} veth pairs, ${ADDRS} addresses, ${DELETES} deletes) into a 64 KiB buffer: the documented recipe ends equal to ip -j link show and ip -j addr show`,
  async () => {
    await withNetns(1, async (ns) => {
      const r = await Rtnl.open({ netns: ns });
      const mon = r.monitor(['link', 'address'], { resync: true, rcvbuf: 64 * 1024 });
      const view = new View();
      try {
        // subscribe, then list what exists, then apply events (the usual pattern)
        for (const l of await r.links.list()) view.setLink(l);
        for (const a of await r.addrs.list()) view.setAddr(a);
        let sentinel = 0;
        const sentinelIn = (): boolean => {
          const zz = [...view.links].find(([, l]) => l.startsWith('zz0 '));
          return zz !== undefined && view.addrs.has(addrKey(zz[0], '10.255.255.1/32')) && [...view.links.values()].some((l) => l.startsWith('zz1 '));
        };
        // The consumer runs in this event loop while another process makes the
        // storm. Like a real consumer it sometimes does synchronous work (here:
        // 100 ms every 1,000 events; in the VM 400 ms every 200), during which nothing reads the socket.
        const block = new Int32Array(new SharedArrayBuffer(4));
        const consuming = (async () => {
          for (;;) {
            view.apply(await next(mon, 300000));
            if (view.events % BLOCK_EVERY === 0) Atomics.wait(block, 0, 0, BLOCK_MS);
            if (sentinel && !view.inResync && sentinelIn()) return;
          }
        })();
        const cmds: string[] = [];
        for (let i = 0; i < PAIRS; i++) cmds.push(`link add v${i} type veth peer name w${i}`);
        const keep = PAIRS - DELETES;
        for (let i = 0; i < ADDRS; i++) {
          // two thirds IPv4 on v<i>, one third IPv6 on w<i>; some on pairs the storm deletes later
          if (i % 3 < 2) cmds.push(`addr add 10.${(i >> 8) & 255}.${i & 255}.1/24 dev v${i}`);
          else cmds.push(`addr add fd00:${i.toString(16)}::1/64 dev w${i} nodad`);
          if (i % 5 === 0) cmds.push(`link set v${i % keep} mtu ${1300 + (i % 100)}`, `link set v${i % keep} up`);
        }
        for (let i = keep; i < PAIRS; i++) cmds.push(`link del v${i}`);
        await ipBatch(ns, cmds);
        // the storm is over: a sentinel from outside, last in the kernel's order
        ip(ns, 'link', 'add', 'zz0', 'type', 'veth', 'peer', 'name', 'zz1');
        ip(ns, 'addr', 'add', '10.255.255.1/32', 'dev', 'zz0');
        sentinel = 1;
        await consuming;
        const links = new Map(
          ipj<Array<{ ifindex: number; ifname: string; mtu: number; flags: string[] }>>(ns, 'link', 'show').map((l) => [l.ifindex, linkLine(l.ifname, l.mtu, l.flags.includes('UP'))]),
        );
        const addrs = new Map<string, string>();
        for (const l of ipj<Array<{ ifindex: number; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>>(ns, 'addr', 'show')) {
          for (const a of l.addr_info) addrs.set(addrKey(l.ifindex, `${a.local}/${a.prefixlen}`), a.family);
        }
        assert.is(madeLinks(ipj<Array<{ ifname: string }>>(ns, 'link', 'show').map((l) => l.ifname)).length, 1 + 2 * keep + 2, 'ip: lo, the pairs kept, zz0/zz1');
        const summary = `${view.events} events, ${mon.stats.overruns} ENOBUFS reports, ${view.overruns} overrun events, ${mon.stats.resyncs} resyncs, ${mon.stats.resyncAttempts} re-dump attempts, ${view.resynced} resynced (kinds ${JSON.stringify([...new Set(view.resyncedKinds.map((k) => k.join('+')))])}), ${view.errors.length} errors${view.errors.length ? ` (${view.errors[0]!.message})` : ''}`;
        console.log(`  ${summary}; ip: ${links.size} links, ${addrs.size} addresses`);
        const dl = diff(view.links, links);
        const da = diff(view.addrs, addrs);
        assert.equal(dl.slice(0, 10), [], `view differs from ip -j link show in ${dl.length} links (${summary})`);
        assert.equal(da.slice(0, 10), [], `view differs from ip -j addr show in ${da.length} addresses (${summary})`);
        // a 64 KiB buffer cannot hold this storm: the loss was reported, and repaired (else this test proves nothing about resync)
        assert.ok(view.overruns >= 1, `an overrun was reported (${summary})`);
        assert.ok(view.resynced >= 1, `a resync completed (${summary})`);
        // resync retries until consistent (the default has no bound): it never gave up on a kind
        assert.equal(view.resyncedKinds.filter((k) => k.slice().sort().join() !== 'address,link'), [], `every resync re-dumped links and addresses (${summary})`);
        assert.equal(view.errors.map((e) => e.message), [], 'no error event');
      } finally {
        mon.close();
        await r.close();
      }
    }, 'resync');
  },
);

ktest(
  test,
  'resync with a bound ({ attempts: 1 }) during a storm of deletes: a kind it gives up on comes with a ResyncError and is left out of resynced.kinds (in failed), never reported as re-dumped',
  async () => {
    await withNetns(1, async (ns) => {
      const pairs = 1500;
      const dels = 600;
      const mk: string[] = [];
      for (let i = 0; i < pairs; i++) mk.push(`link add v${i} type veth peer name w${i}`);
      sh('ip', ['-n', ns, '-batch', '-'], { input: mk.join('\n') + '\n', timeout: 300000 });
      const r = await Rtnl.open({ netns: ns });
      const mon = r.monitor(['link'], { resync: { attempts: 1 }, rcvbuf: 4096 });
      const seen: MonitorEvent[] = [];
      const block = new Int32Array(new SharedArrayBuffer(4));
      try {
        let stormDone = false;
        const consuming = (async () => {
          // until the storm is over and the sentinel pair was heard (or re-dumped)
          for (;;) {
            const ev = await next(mon, 300000);
            seen.push(ev);
            if (seen.length % 100 === 0) Atomics.wait(block, 0, 0, 50); // a consumer with synchronous work: overruns
            if (stormDone && isEvent(ev, 'link') && ev.object.name === 'zz1') return;
          }
        })();
        // deletes are slow (an RCU grace period each): every link dump of this size meets one
        const del: string[] = [];
        for (let i = 0; i < dels; i++) del.push(`link del v${pairs - 1 - i}`);
        await ipBatch(ns, del);
        stormDone = true;
        ip(ns, 'link', 'add', 'zz0', 'type', 'veth', 'peer', 'name', 'zz1');
        await consuming;
        const resynced = seen.filter((e) => e.type === 'resynced');
        const gaveUp = resynced.filter((e) => e.failed.includes('link'));
        const summary = `${mon.stats.overruns} ENOBUFS reports, ${resynced.length} resynced, ${gaveUp.length} gave up on link, ${mon.stats.resyncAttempts} attempts`;
        console.log(`  ${summary}`);
        assert.ok(gaveUp.length >= 1, `a link re-dump was interrupted and, with attempts: 1, given up (${summary})`);
        assert.ok(
          seen.filter((e) => e.type === 'error').every((e) => e.error instanceof ResyncError),
          'no other error',
        );
        for (const [i, e] of seen.entries()) {
          if (e.type !== 'resynced') continue;
          // attempts: 1 allows one interrupted attempt; an attempt cut short by a new overrun does not count
          assert.ok(e.attempts >= 1, `attempts ${e.attempts}`);
          if (e.failed.includes('link')) {
            assert.not.ok(e.kinds.includes('link'), 'a kind given up on is not reported as re-dumped');
            assert.equal(e.groups, []);
            // the error event, just before (after the re-dumped objects of other kinds: none here)
            const err = seen[i - 1];
            assert.ok(err?.type === 'error' && err.error instanceof ResyncError, `an error event before resynced: ${err?.type}`);
            assert.equal((err.error as ResyncError).kinds, ['link']);
            assert.is((err.error as ResyncError).attempts, e.attempts);
            assert.match((err.error as ResyncError).cause.message, /NLM_F_DUMP_INTR/);
            // and no re-dumped object was yielded for it
            let j = i - 2;
            while (j >= 0 && seen[j]!.type !== 'overrun') {
              const x = seen[j]!;
              assert.not.ok('resync' in x && x.resync, 'no resync event for a kind given up on');
              j--;
            }
          } else {
            assert.equal(e.kinds, ['link']);
            assert.equal(e.groups, ['link']);
          }
        }
      } finally {
        mon.close();
        await r.close();
      }
    }, 'resync');
  },
  [],
  { lanes: ['host'], reason: 'needs link dumps that meet a delete: under TCG the storm is too slow to interrupt them reliably (seen: 0 of 2)' },
);

test.run();
