// IFLA_AF_SPEC (AF_INET devconf, AF_INET6 flags/conf/stats/token/addrgenmode) and
// IFLA_PROTINFO of AF_INET6 link messages, against the live kernel. The oracles are
// /proc/sys/net/ipv{4,6}/conf/DEV/*, /proc/net/dev_snmp6/DEV, `ip -d -j link` and `ip token`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, type Inet6Info } from '../../src/index.js';
import { AF_INET6 } from '../../src/netlink/constants.js';
import { ipv4DevconfNames, ipv6DevconfNames } from '../../src/rtnl/afspec.js';
import { ip, ktest, sh, withNetns } from '../helpers.js';
import { rejectsA } from '../expect.js';
import { assertRoundTrip, ipLink, libLink, openTapped } from '../kinds-support.js';

const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** devconf names whose sysctl file is named differently. */
const V4_SYSCTL: Record<string, string> = { arpfilter: 'arp_filter', noxfrm: 'disable_xfrm', nopolicy: 'disable_policy', srcVmark: 'src_valid_mark' };
const V6_SYSCTL: Record<string, string> = { hoplimit: 'hop_limit', mtu6: 'mtu' };
/** IPv6 devconf entries the kernel reports in other units than sysctl (jiffies vs ms/s), or that are not readable as numbers. */
const V6_SKIP = new Set(['rtrSolicitInterval', 'rtrSolicitDelay', 'rtrProbeInterval', 'rtrSolicitMaxInterval', 'stableSecret']);

/** Read /proc/sys/net/ipvX/conf/DEV/NAME inside a namespace (undefined if absent or unreadable). */
function sysctls(ns: string, family: 4 | 6, dev: string): Record<string, number> {
  const dir = `/proc/sys/net/ipv${family}/conf/${dev}`;
  // one process: grep prints "DIR/NAME:VALUE" for every readable file
  const out = sh('ip', ['netns', 'exec', ns, 'grep', '-s', '-r', '', dir], { allowFail: true });
  const r: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const m = /\/([a-z0-9_]+):(-?\d+)$/.exec(line.trim());
    if (m) r[m[1]!] = Number(m[2]);
  }
  return r;
}

ktest(
  test,
  'AF_INET devconf: every entry matches /proc/sys/net/ipv4/conf/DEV; set forwarding, rp_filter, arp_ignore through IFLA_AF_SPEC',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
        let conf = (await libLink(r, 'veth0')).afSpec!.inet!.conf!;
        assert.equal(Object.keys(conf).slice(0, 3), ['forwarding', 'mcForwarding', 'proxyArp']);
        let sys = sysctls(ns, 4, 'veth0');
        let compared = 0;
        for (const name of ipv4DevconfNames()) {
          const file = V4_SYSCTL[name] ?? snake(name);
          if (sys[file] === undefined) continue;
          assert.equal(conf[name], sys[file], `${name} (${file})`);
          compared++;
        }
        assert.ok(compared >= 30, `compared ${compared} IPv4 devconf entries with sysctl`);
        await r.links.set('veth0', { afSpec: { inet: { conf: { forwarding: 1, rpFilter: 2, arpIgnore: 1 } } } });
        sys = sysctls(ns, 4, 'veth0');
        assert.equal([sys.forwarding, sys.rp_filter, sys.arp_ignore], [1, 2, 1]);
        conf = (await libLink(r, 'veth0')).afSpec!.inet!.conf!;
        assert.equal([conf.forwarding, conf.rpFilter, conf.arpIgnore], [1, 2, 1]);
        assert.ok(assertRoundTrip(t.inbound, 'afspec-inet') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['veth'],
);

ktest(
  test,
  'AF_INET6: conf matches /proc/sys/net/ipv6/conf/DEV; stats match /proc/net/dev_snmp6; addrgenmode and token set through IFLA_AF_SPEC',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
        sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.veth0.disable_ipv6=1', 'net.ipv6.conf.veth0.accept_ra=2', 'net.ipv6.conf.veth0.hop_limit=33']);
        // the per-link counters come only when asked for (list() sends RTEXT_FILTER_SKIP_STATS by default, as ip link show)
        const i6 = (await r.links.list({ stats: true })).find((l) => l.name === 'veth0')!.afSpec!.inet6!;
        const sys = sysctls(ns, 6, 'veth0');
        let compared = 0;
        for (const name of ipv6DevconfNames()) {
          if (V6_SKIP.has(name)) continue;
          const file = V6_SYSCTL[name] ?? snake(name).replace(/(\d)_/g, '$1_');
          if (sys[file] === undefined || i6.conf![name] === undefined) continue;
          // the kernel reports devconf as s32; a few sysctls are unsigned (ioam6_id_wide): compare the 32 bits
          assert.equal(i6.conf![name]! >>> 0, sys[file]! >>> 0, `${name} (${file})`);
          compared++;
        }
        assert.ok(compared >= 30, `compared ${compared} IPv6 devconf entries with sysctl`);
        assert.equal([i6.conf!.disableIpv6, i6.conf!.acceptRa, i6.conf!.hoplimit], [1, 2, 33]);
        // per-device IPv6 and ICMPv6 counters, named like /proc/net/dev_snmp6/DEV (Ip6InReceives, Icmp6OutMsgs, ...)
        const snmp: Record<string, bigint> = {};
        for (const line of ip(undefined, 'netns', 'exec', ns, 'cat', '/proc/net/dev_snmp6/veth0').split('\n')) {
          const [k, v] = line.trim().split(/\s+/);
          if (k && v) snmp[k] = BigInt(v);
        }
        let counters = 0;
        for (const [prefix, stats] of [['Ip6', i6.stats!], ['Icmp6', i6.icmp6stats!]] as const) {
          assert.equal(stats.num, BigInt(Object.keys(stats).length), `${prefix}: the first entry counts the entries`);
          for (const [k, v] of Object.entries(stats)) {
            const key = prefix + k[0]!.toUpperCase() + k.slice(1);
            if (snmp[key] === undefined) continue;
            assert.equal(v, snmp[key], key);
            counters++;
          }
        }
        assert.ok(counters >= 30, `compared ${counters} counters with dev_snmp6`);
        assert.equal(i6.cacheinfo!.maxReasmLen, 65535);

        // addrgenmode (ip link set DEV addrgenmode none|random) and token (ip token set)
        sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.veth0.disable_ipv6=0']);
        await r.links.set('veth0', { afSpec: { inet6: { addrGenMode: 'none' } } });
        assert.equal(ipLink(ns, 'veth0').inet6_addr_gen_mode, 'none');
        assert.equal((await libLink(r, 'veth0')).afSpec!.inet6!.addrGenMode, 'none');
        await r.links.set('veth0', { afSpec: { inet6: { addrGenMode: 'random' } } });
        assert.equal(ipLink(ns, 'veth0').inet6_addr_gen_mode, 'random');
        await r.links.set('veth0', { afSpec: { inet6: { addrGenMode: 'eui64', token: '::1:2:3:4' } } });
        assert.match(ip(ns, 'token', 'get', 'dev', 'veth0'), /token ::1:2:3:4 dev veth0/);
        const after = (await libLink(r, 'veth0')).afSpec!.inet6!;
        assert.equal([after.addrGenMode, after.token], ['eui64', '::1:2:3:4']);

        // IPv6 devconf is read-only over rtnetlink (the kernel takes it only through sysctl)
        const before = r.socket.stats.datagramsOut;
        const e = await rejectsA(r.links.set('veth0', { afSpec: { inet6: { conf: { forwarding: 1 } } } as never }), ArgumentError);
        assert.equal(e.field, 'afSpec.inet6.conf');
        const e2 = await rejectsA(r.links.set('veth0', { afSpec: { inet: { conf: { noSuchThing: 1 } } } }), ArgumentError);
        assert.equal(e2.field, 'afSpec.inet.conf.noSuchThing');
        const e3 = await rejectsA(r.links.set('veth0', { afSpec: { inet6: { addrGenMode: 'slaac' as never } } }), ArgumentError);
        assert.equal(e3.field, 'afSpec.inet6.addrGenMode');
        assert.equal(r.socket.stats.datagramsOut, before);
        assert.ok(assertRoundTrip(t.inbound, 'afspec-inet6') >= 5);
      } finally {
        await t.close();
      }
    });
  },
  ['veth'],
);

ktest(
  test,
  'RTM_GETLINK dump with family AF_INET6: IFLA_PROTINFO carries IFLA_INET6_* (flags, conf, cacheinfo, addrgenmode)',
  async () => {
    await withNetns(1, async (ns) => {
      const t = await openTapped(ns);
      try {
        const { r } = t;
        await r.links.add({ name: 'veth0', kind: 'veth', peer: 'veth1' });
        await r.links.set('veth0', { afSpec: { inet6: { addrGenMode: 'none' } } });
        const v6 = await r.links.list({ family: AF_INET6 });
        const l = v6.find((x) => x.name === 'veth0')!;
        assert.equal(l.family, AF_INET6);
        const p = l.protinfo as Inet6Info;
        assert.equal(p.addrGenMode, 'none');
        assert.equal(typeof p.flags, 'number');
        const unspec = (await libLink(r, 'veth0')).afSpec!.inet6!;
        assert.equal(p.conf, unspec.conf, 'the same devconf as in IFLA_AF_SPEC');
        assert.equal(p.cacheinfo!.maxReasmLen, unspec.cacheinfo!.maxReasmLen);
        assert.ok(assertRoundTrip(t.inbound, 'inet6-protinfo') >= 3);
      } finally {
        await t.close();
      }
    });
  },
  ['veth'],
);

test.run();
