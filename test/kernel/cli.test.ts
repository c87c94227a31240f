// rtnl-dump against the live kernel, run as a child process: dumps compared
// with iproute2, `monitor` following a scripted sequence, and a capture
// recorded by the library read back by tshark.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rtnl, NetlinkError } from '../../src/index.js';
import { readNetlinkCapture, type NetlinkPacket } from '../../src/pcap/index.js';
import { getKind } from '../../src/rtnl/kinds/registry.js';
import type { Link } from '../../src/rtnl/link.js';
import { NLMSG_ERROR, NLM_F_REQUEST } from '../../src/netlink/constants.js';
import { ktest, withNetns, ipJson, ip, have, skip, lane, FALLBACK_TUNNELS } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { repoRoot } from '../corpus.js';

const BIN = join(repoRoot, 'bin', 'rtnl-dump.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: lane === 'vm' ? 240000 : 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** ip keys whose API name is not their camelCase (API names follow the uapi names, e.g. IFLA_MACVLAN_BC_QUEUE_LEN). */
const IP_NAMES: Record<string, string> = { bcqueuelen: 'bcQueueLen', usedbcqueuelen: 'bcQueueLenUsed', numqueues: 'numQueues', numdisabled: 'numDisabledQueues' };

ktest(
  test,
  'link --json --netns: one device of each host kind (veth bridge vxlan macvlan macvtap ifb tun tap) matches ip -j -d link show',
  async () => {
    await withNetns(1, async (ns) => {
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      ip(ns, 'link', 'add', 'br0', 'type', 'bridge', 'forward_delay', '800', 'hello_time', '300');
      ip(ns, 'link', 'add', 'vx0', 'type', 'vxlan', 'id', '42', 'dstport', '4789', 'ttl', '10');
      ip(ns, 'link', 'add', 'mv0', 'link', 'v1', 'type', 'macvlan', 'mode', 'bridge');
      ip(ns, 'link', 'add', 'mt0', 'link', 'v1', 'type', 'macvtap', 'mode', 'vepa');
      ip(ns, 'link', 'add', 'ifb0', 'type', 'ifb');
      ip(ns, 'tuntap', 'add', 'tun0', 'mode', 'tun');
      ip(ns, 'tuntap', 'add', 'tap0', 'mode', 'tap');
      ip(ns, 'link', 'set', 'v0', 'master', 'br0');
      const r = cli('link', '--json', '--netns', ns);
      assert.is(r.code, 0, r.err);
      const ours = JSON.parse(r.out) as Array<Link & { linkInfo?: { kind?: string; data?: Record<string, unknown>; unknown?: Array<{ type: number; data: string }> } }>;
      const oracle = ipJson<IpLink[]>(ns, '-d', 'link', 'show');
      assert.equal(ours.map((l) => [l.index, l.name]), oracle.map((o) => [o.ifindex, o.ifname]), 'names and indexes');
      assert.equal(ours.map((l) => l.kind), oracle.map((o) => o.linkinfo?.info_kind), 'kinds');
      assert.equal(ours.map((l) => l.mtu), oracle.map((o) => o.mtu), 'mtu');
      const kinds = new Set(oracle.map((o) => o.linkinfo?.info_kind));
      for (const k of ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tun']) assert.ok(kinds.has(k), `fixture has ${k}`);
      let compared = 0;
      for (const o of oracle) {
        const l = ours.find((x) => x.index === o.ifindex)!;
        const ipData = o.linkinfo?.info_data;
        // the kernel's fallback tunnels (gre0, sit0... once a tunnel test loaded their modules) are not
        // this fixture's host kinds; tunnel options (ttl 0 read back as 'inherit') are checked in cli-kinds
        if (!ipData || FALLBACK_TUNNELS.has(o.ifname)) continue;
        if (!getKind(o.linkinfo!.info_kind)?.data) {
          // no policy for this kind (yet): its IFLA_INFO_DATA is kept raw, never dropped
          assert.ok(l.linkInfo?.unknown?.some((u) => u.type === 2 && u.data.length > 0), `${o.ifname}: raw IFLA_INFO_DATA kept`);
          continue;
        }
        // kind options we decode: every number/boolean ip shows under the same (camelCased) name must agree
        let n = 0;
        for (const [k, v] of Object.entries(ipData)) {
          if (/timer/.test(k)) continue; // running timers change between the two dumps
          const mine = l.linkInfo?.data?.[IP_NAMES[k] ?? camel(k)];
          if (mine === undefined || (typeof v !== 'number' && typeof v !== 'boolean')) continue;
          const norm = (x: unknown): unknown => (typeof x === 'boolean' ? Number(x) : x);
          assert.is(norm(mine), norm(v), `${o.ifname} ${k}`);
          n++;
        }
        assert.ok(n > 0, `${o.ifname}: some kind options compared`);
        compared += n;
      }
      assert.ok(compared >= 5, `kind options compared: ${compared}`);
      const br = ours.find((l) => l.name === 'br0')!;
      assert.is(br.linkInfo?.data?.forwardDelay, 800);
      // text form: ip's lines, master and peer by name; -dd adds every attribute by its uapi name
      const t = cli('link', '-d', '--netns', ns);
      assert.is(t.code, 0, t.err);
      assert.match(t.out, /^\d+: v0@v1: <[^>]*> mtu 1500 .*master br0 /m);
      assert.match(t.out, /^ {4}bridge forward_delay 800 hello_time 300 /m);
      assert.not.match(t.out, /IFLA_/);
      const dd = cli('link', '-dd', '--netns', ns);
      assert.is(dd.code, 0, dd.err);
      assert.ok(dd.out.startsWith(t.out.split('\n')[0]!), '-dd starts like -d');
      assert.match(dd.out, /^ {4}bridge forward_delay 800 hello_time 300 /m);
      assert.match(dd.out, /^ {6}IFLA_IFNAME "vx0"$/m);
      assert.match(dd.out, /^ {8}IFLA_INFO_KIND "vxlan"$/m);
      assert.equal(cli('link', '-d', '-d', '--netns', ns).out.split('\n').length, dd.out.split('\n').length, '-d -d is -dd');
    });
  },
  ['veth', 'bridge', 'vxlan', 'macvlan', 'macvtap', 'ifb', 'tun', 'tap'],
);

// bin/rtnl-dump.js runs the generic netlink commands from the script that holds every command
// (dist/bundle/rtnl-dump-full.cli.js; the one for the rtnetlink commands leaves them out)
const GENL_NAME = 'genl: the families of the namespace, through bin/rtnl-dump.js, are those genl ctrl list shows';
if (!have('genl')) skip(test, GENL_NAME, 'genl (iproute2) is not installed');
else
  ktest(test, GENL_NAME, async () => {
    await withNetns(1, async (ns) => {
      const r = cli('genl', '--netns', ns, '--json');
      assert.is(r.code, 0, r.err);
      const ours = (JSON.parse(r.out) as Array<{ name: string; id: number }>).map((f) => `${f.name} ${f.id}`).sort();
      const text = spawnSync('ip', ['netns', 'exec', ns, 'genl', 'ctrl', 'list'], { encoding: 'utf8' }).stdout;
      const oracle = [...text.matchAll(/^Name: (\S+)\s*\n\s*ID: (0x[0-9a-f]+)/gm)].map((m) => `${m[1]} ${Number(m[2])}`).sort();
      assert.ok(oracle.length > 2, `genl ctrl list parsed: ${text.slice(0, 200)}`);
      assert.equal(ours, oracle);
    });
  });

ktest(test, 'addr, route, neigh, rule: text and JSON agree with ip', async () => {
  await withNetns(1, async (ns) => {
    ip(ns, 'link', 'add', 'br0', 'type', 'bridge');
    ip(ns, 'link', 'set', 'br0', 'up');
    ip(ns, 'link', 'set', 'lo', 'up');
    ip(ns, 'addr', 'add', '10.9.0.1/24', 'dev', 'br0');
    ip(ns, 'addr', 'add', '2001:db8::1/64', 'dev', 'br0', 'nodad');
    ip(ns, 'route', 'add', '10.8.0.0/16', 'via', '10.9.0.2');
    ip(ns, 'route', 'add', 'blackhole', '10.66.0.0/16', 'table', '100');
    ip(ns, 'neigh', 'add', '10.9.0.5', 'lladdr', '02:00:00:00:00:05', 'dev', 'br0');
    ip(ns, 'rule', 'add', 'from', '10.1.0.0/16', 'table', '100', 'pref', '1000');
    const a = cli('addr', '--netns', ns, '-4');
    assert.is(a.code, 0, a.err);
    assert.match(a.out, /^\d+: br0 +inet 10\.9\.0\.1\/24 scope global br0$/m);
    assert.match(a.out, /^\d+: lo +inet 127\.0\.0\.1\/8 scope host lo$/m);
    const ipAddrs = ipJson<Array<{ addr_info: unknown[] }>>(ns, '-4', 'addr', 'show').flatMap((x) => x.addr_info);
    assert.is(a.out.split('\n').filter((l) => / inet /.test(l)).length, ipAddrs.length);
    const a6 = cli('addr', '--netns', ns, '-6');
    assert.match(a6.out, / inet6 2001:db8::1\/64 scope global nodad/);
    // The kernel adds IPv6 link-local addresses on its own, some time after `up`,
    // and their routes (`local fe80::...`, `fe80::/64`, `multicast ff00::/8`)
    // with them (seen in CI lanes: one more address, then one more IPv6 route,
    // in ip's dump than in ours, taken a moment before): compare such counts
    // once they agree, for up to 5 s; they must agree in the end.
    const agreeing = async (ours: () => number, theirs: () => number): Promise<[number, number]> => {
      let got: [number, number] = [-1, -2];
      for (let i = 0; i < 50; i++) {
        got = [ours(), theirs()];
        if (got[0] === got[1]) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return got;
    };
    const [ourAddrs, ipAddrCount] = await agreeing(
      () => (JSON.parse(cli('addr', '--json', '--netns', ns).out) as unknown[]).length,
      () => ipJson<Array<{ addr_info: unknown[] }>>(ns, 'addr', 'show').flatMap((x) => x.addr_info).length,
    );
    assert.is(ourAddrs, ipAddrCount);
    const ro = cli('route', '--netns', ns, '-4');
    assert.is(ro.code, 0, ro.err);
    assert.match(ro.out, /^10\.8\.0\.0\/16 via 10\.9\.0\.2 dev br0( |$)/m);
    assert.match(ro.out, /^blackhole 10\.66\.0\.0\/16 table 100( |$)/m);
    assert.match(ro.out, /^local 10\.9\.0\.1 dev br0 table local proto kernel scope host src 10\.9\.0\.1$/m);
    assert.is(ro.out.trim().split('\n').length, ipJson<unknown[]>(ns, '-4', 'route', 'show', 'table', 'all').length);
    const [ourRoutes6, ipRoutes6] = await agreeing(
      () => cli('route', '--netns', ns, '-6').out.trim().split('\n').length,
      () => ipJson<unknown[]>(ns, '-6', 'route', 'show', 'table', 'all').length,
    );
    assert.is(ourRoutes6, ipRoutes6);
    const ne = cli('neigh', '--netns', ns);
    assert.match(ne.out, /^10\.9\.0\.5 dev br0 lladdr 02:00:00:00:00:05 PERMANENT$/m);
    assert.is(ne.out.trim().split('\n').length, ipJson<unknown[]>(ns, 'neigh', 'show', 'nud', 'all').length);
    const ru = cli('rule', '--netns', ns, '-4');
    const prios = ru.out.trim().split('\n').map((l) => Number(l.split(':')[0]));
    assert.equal(prios, ipJson<Array<{ priority: number }>>(ns, '-4', 'rule', 'show').map((x) => x.priority));
    assert.match(ru.out, /^1000:\tfrom 10\.1\.0\.0\/16 lookup 100$/m);
    for (const c of ['route', 'neigh', 'rule']) {
      const j = cli(c, '--json', '--netns', ns);
      assert.is(j.code, 0, j.err);
      assert.ok(Array.isArray(JSON.parse(j.out)), `${c} --json is an array`);
    }
  });
});

ktest(test, 'runtime and usage errors: missing namespace exits 1, unknown group exits 2', async () => {
  const r = cli('link', '--netns', `rtnl-nonexistent-${process.pid}`);
  assert.is(r.code, 1);
  assert.match(r.err, /cannot open network namespace .*ENOENT/);
  await withNetns(1, async (ns) => {
    const g = cli('monitor', '--netns', ns, 'links');
    assert.is(g.code, 2);
    assert.match(g.err, /unknown group "links"/);
  });
});

/** Spawn `rtnl-dump monitor`; resolves once it is subscribed. */
async function startMonitor(args: string[]): Promise<{ lines: () => string[]; exit: Promise<number | null>; kill: () => void; err: () => string }> {
  const child = spawn(process.execPath, [BIN, 'monitor', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`monitor did not start within 60 s: ${err}`)), 60000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('listening on')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`monitor exited: ${err}`)));
  });
  return { lines: () => out.split('\n').filter(Boolean), exit, kill: () => child.kill('SIGTERM'), err: () => err };
}

async function waitFor(cond: () => boolean, what: string, ms = 30000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

ktest(test, 'monitor prints a scripted sequence (add veth, up, address, route, delete) in order, with timestamps', async () => {
  await withNetns(1, async (ns) => {
    const m = await startMonitor(['--netns', ns, 'link', 'address', 'route']);
    try {
      ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
      ip(ns, 'link', 'set', 'v0', 'up');
      ip(ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'v0');
      ip(ns, 'route', 'add', '10.6.0.0/16', 'via', '10.7.0.2', 'dev', 'v0');
      ip(ns, 'link', 'del', 'v0');
      await waitFor(() => m.lines().some((l) => /\[LINK\] Deleted \d+: v0@/.test(l)), 'the deletion');
    } finally {
      m.kill();
    }
    assert.is(await m.exit, 0, 'SIGTERM ends the monitor cleanly');
    const lines = m.lines();
    const ev = lines.filter((l) => l.startsWith('['));
    assert.ok(ev.every((l) => /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] \[[A-Z]+\] /.test(l)), lines.join('\n'));
    const times = ev.map((l) => Date.parse(l.slice(1, 25)));
    assert.equal([...times].sort((a, b) => a - b), times, 'timestamps in order');
    const steps = [
      // v1 is down: M-DOWN, as ip monitor prints it (the lower device's flags come from the link events)
      /\[LINK\] \d+: v0@v1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 /,
      /\[LINK\] \d+: v0@v1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> /,
      /\[ADDR\] \d+: v0 +inet 10\.7\.0\.1\/24 scope global v0$/,
      /\[ROUTE\] 10\.6\.0\.0\/16 via 10\.7\.0\.2 dev v0 /,
      /\[LINK\] Deleted \d+: v0@/,
    ].map((re) => ev.findIndex((l) => re.test(l)));
    assert.ok(steps.every((s) => s >= 0), `every step printed:\n${lines.join('\n')}`);
    assert.equal([...steps].sort((a, b) => a - b), steps, `in order:\n${lines.join('\n')}`);
  });
});

ktest(test, 'monitor --json --count: one JSON object per event, exits by itself', async () => {
  await withNetns(1, async (ns) => {
    const m = await startMonitor(['--netns', ns, '--json', '--count', '2', 'link']);
    ip(ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
    assert.is(await m.exit, 0);
    const evs = m.lines().map((l) => JSON.parse(l));
    assert.is(evs.length, 2);
    assert.ok(evs.every((e) => e.type === 'newlink' && e.kind === 'link' && e.message.typeName === 'RTM_NEWLINK'));
    const names = new Map<string, number>(ipJson<Array<{ ifname: string; ifindex: number }>>(ns, 'link', 'show').map((x) => [x.ifname, x.ifindex]));
    for (const e of evs) assert.is(e.object.index, names.get(e.object.name), `${e.object.name} index as ip sees it`);
    // names beside indexes, as in the dumps: the peer's event comes first, so v0's IFLA_LINK has a name
    const peerOf = new Map(ipJson<Array<{ ifname: string; link?: string }>>(ns, 'link', 'show').map((x) => [x.ifname, x.link]));
    const v0 = evs.find((e) => e.object.name === 'v0');
    assert.ok(v0, 'an event for v0');
    assert.is(v0.object.linkName, peerOf.get('v0'), 'linkName as ip names the peer');
  });
});

ktest(test, 'monitor --all-nsid: events of a namespace with an id are marked with it, text and JSON', async () => {
  await withNetns(2, async (a, b) => {
    ip(a, 'netns', 'set', b, '23');
    const j = await startMonitor(['--netns', a, '--json', '--all-nsid', 'link']);
    const t = await startMonitor(['--netns', a, '--all-nsid', 'link']);
    try {
      ip(b, 'link', 'add', 'nb0', 'type', 'veth', 'peer', 'name', 'nb1');
      ip(a, 'link', 'add', 'na0', 'type', 'veth', 'peer', 'name', 'na1');
      const got = (m: typeof j, name: string): boolean => m.lines().some((l) => l.includes(`${name}`));
      await waitFor(() => ['na0', 'na1'].every((n) => got(j, `"name":"${n}"`) && got(t, `: ${n}`)), 'both monitors printing the links of a');
    } finally {
      j.kill();
      t.kill();
    }
    assert.is(await j.exit, 0, j.err());
    assert.is(await t.exit, 0, t.err());
    const evs = j.lines().map((l) => JSON.parse(l) as { nsid?: number; object: { name: string } });
    const byName = new Map(evs.map((e) => [e.object.name, e.nsid]));
    assert.equal([...byName.keys()].sort(), ['na0', 'na1', 'nb0', 'nb1']);
    assert.is(byName.get('nb0'), 23);
    assert.is(byName.get('nb1'), 23);
    assert.is(byName.get('na0'), undefined);
    assert.is(byName.get('na1'), undefined);
    const text = t.lines().filter((l) => / \[LINK\] \d+: n[ab][01]@/.test(l));
    assert.equal([...new Set(text.map((l) => / (n[ab][01])@/.exec(l)![1]))].sort(), ['na0', 'na1', 'nb0', 'nb1'], t.lines().join('\n'));
    for (const l of text) {
      if (/: nb[01][@:]/.test(l)) assert.match(l, /^\[nsid 23\] /);
      else assert.match(l, /^\[nsid current\] .*: na[01][@:]/);
    }
  });
});

/** `tshark -T fields` of a file, one row per frame (fields aggregated with '|'). */
function tsharkFields(file: string, fields: string[]): string[][] {
  const args = ['-r', file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...fields.flatMap((f) => ['-e', f])];
  const r = spawnSync('tshark', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
}

const list = (s: string | undefined): string[] => (s ? s.split('|') : []);

if (!have('tshark')) {
  skip(test, 'record: tshark reads our capture as Linux netlink and agrees on types, seqs, ifindex, ifname, mtu', 'tshark not installed (scripts/setup.sh installs it)');
} else {
  ktest(test, 'record: tshark reads our capture as Linux netlink and agrees on types, seqs, ifindex, ifname, mtu', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-rec-'));
    const file = join(dir, 'trace.pcap');
    try {
      await withNetns(1, async (ns) => {
        const r = await Rtnl.open({ netns: ns, record: file });
        try {
          await r.links.add({ name: 'rv0', kind: 'veth', mtu: 1400, peer: { name: 'rv1', mtu: 1300 } });
          await r.links.list();
          await rejectsA(r.links.get('nope0'), NetlinkError, /ENODEV/);
        } finally {
          await r.close();
        }
      });
      const ours: NetlinkPacket[] = [];
      for await (const p of readNetlinkCapture(file)) ours.push(p);
      const ts = tsharkFields(file, ['frame.number', 'netlink.hatype', 'netlink.family', 'netlink.hdr_type', 'netlink-route.nltype', 'netlink.hdr_seq', 'netlink-route.ifi_index', 'netlink-route.ifla_ifname', 'netlink-route.ifla_mtu']);
      assert.is(ts.length, ours.length, 'same number of frames');
      assert.ok(ours.length >= 6);
      let linksSeen = 0;
      ours.forEach((p, i) => {
        const [num, hatype, family, hdrTypes, nltypes, seqs, idx, names, mtus] = ts[i]!;
        const where = `frame ${num}`;
        assert.is(Number(num), p.frame);
        assert.is(hatype, '824', where);
        assert.is(Number(family), 0, `${where}: NETLINK_ROUTE`);
        // direction in the cooked header: our requests outgoing (4), the kernel's answers host (0)
        assert.is(p.pkttype, p.messages[0]!.flags & NLM_F_REQUEST ? 4 : 0, `${where} pkttype`);
        // control messages (and the request header echoed in an error) by netlink.hdr_type, rtnetlink ones by nltype
        const ctl = p.messages.flatMap((m) => (m.type < 16 ? [m.type, ...(m.type === NLMSG_ERROR ? [m.error!.request.type] : [])] : []));
        assert.equal(list(hdrTypes).map(Number), ctl, `${where} control types`);
        assert.equal(list(nltypes).map(Number), p.messages.filter((m) => m.type >= 16).map((m) => m.type), `${where} rtnetlink types`);
        const mySeqs = p.messages.flatMap((m) => [m.seq, ...(m.type === NLMSG_ERROR ? [m.error!.request.seq] : [])]);
        assert.equal(list(seqs).map(Number), mySeqs, `${where} seqs`);
        const linkObjs = p.messages.filter((m) => m.kind === 'link' && m.object).map((m) => m.object as unknown as Link);
        assert.equal(list(idx).map(Number), linkObjs.map((l) => l.index), `${where} ifindex`);
        assert.equal(list(names), linkObjs.map((l) => l.name).filter((n) => n !== ''), `${where} ifname`);
        assert.equal(list(mtus).map(Number), linkObjs.filter((l) => l.mtu !== undefined).map((l) => l.mtu), `${where} mtu`);
        linksSeen += linkObjs.length;
      });
      assert.ok(linksSeen >= 4);
      const allNames = ours.flatMap((p) => p.messages.map((m) => (m.object as unknown as Link | undefined)?.name));
      assert.ok(allNames.includes('rv0') && allNames.includes('rv1'));
      // -V: every frame dissected as Linux netlink with the route family
      const v = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' }).stdout;
      assert.is(v.match(/^Linux netlink \(cooked header\)$/gm)?.length, ours.length);
      assert.is(v.match(/^ {4}Family: Route \(0x0000\)$/gm)?.length, ours.length);
      assert.match(v, /Interface name: rv1|Device name: rv1/);
      // and the CLI decodes it too
      const c = cli('pcap', file);
      assert.is(c.code, 0, c.err);
      assert.match(c.out, /^ {4}\d+: rv1@\S+: <[^>]*> mtu 1300 /m);
      assert.match(c.out, /NLMSG_ERROR len=\d+ flags=\S+ seq=\d+ pid=\d+ error=-19 ENODEV for RTM_GETLINK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
