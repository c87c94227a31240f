// `rtnl-dump link -d`: the kind line (and the port's <kind>_slave line) of
// real devices, checked against `ip -j -d link show`: every number or
// boolean ip reports under a name that is one of the kind policy's uapi
// names (IFLA_VXLAN_TTL -> ttl) must be on our line with the same value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Policy } from '../../src/netlink/attr.js';
import { getKind } from '../../src/rtnl/kinds/index.js';
import { ktest, withNetns, ipJson, ip } from '../helpers.js';
import { repoRoot } from '../corpus.js';

const BIN = join(repoRoot, 'bin', 'rtnl-dump.js');

interface IpLink {
  ifname: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown>; info_slave_kind?: string; info_slave_data?: Record<string, unknown> };
}

/** The kind line and the slave line printed for each device: name -> [kind line, slave line]. */
function kindLines(out: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const l of out.split('\n')) {
    const head = /^\d+: ([^:@]+)[:@]/.exec(l);
    if (head) m.set(head[1]!, (cur = []));
    else if (cur && /^ {4}\S/.test(l) && !/^ {4}(link\/|altname |attributes:)/.test(l)) cur.push(l.slice(4));
  }
  return m;
}

/** Compare ip's values with our line; returns how many were compared. */
function compare(where: string, line: string, pol: Policy, ipData: Record<string, unknown>): number {
  const uapi = new Set([...pol.byName.values()].map((s) => s.uapi));
  let n = 0;
  for (const [k, v] of Object.entries(ipData)) {
    if (/timer/.test(k)) continue; // running timers; ip prints them in seconds
    if (typeof v !== 'number' && typeof v !== 'boolean') continue;
    if (!uapi.has(`${pol.name}_${k.toUpperCase()}`)) continue; // ip's own name for it, not ours
    const want = typeof v === 'boolean' ? Number(v) : v;
    assert.ok(` ${line} `.includes(` ${k} ${want} `), `${where}: "${k} ${want}" (ip) in: ${line}`);
    n++;
  }
  return n;
}

/**
 * Build the devices, run `rtnl-dump link -d` and check every kind and slave
 * line against ip; returns our lines by device and how many values agreed.
 */
function checkAgainstIp(ns: string, setup: string[]): { ours: Map<string, string[]>; compared: number } {
  for (const cmd of setup) ip(ns, ...cmd.split(' '));
  const r = spawnSync(process.execPath, [BIN, 'link', '-d', '--netns', ns], { encoding: 'utf8', timeout: 60000 });
  assert.is(r.status, 0, r.stderr);
  const ours = kindLines(r.stdout);
  let compared = 0;
  for (const o of ipJson<IpLink[]>(ns, '-d', 'link', 'show')) {
    const li = o.linkinfo;
    const [kindLine, slaveLine] = ours.get(o.ifname) ?? [];
    if (!li?.info_kind) {
      assert.is(kindLine, undefined, `${o.ifname}: no kind line`);
      continue;
    }
    assert.ok(kindLine === li.info_kind || kindLine?.startsWith(`${li.info_kind} `), `${o.ifname}: kind line "${kindLine}"`);
    const pol = getKind(li.info_kind)?.data;
    if (pol && li.info_data) compared += compare(o.ifname, kindLine!, pol, li.info_data);
    if (li.info_slave_kind) {
      assert.ok(slaveLine === `${li.info_slave_kind}_slave` || slaveLine?.startsWith(`${li.info_slave_kind}_slave `), `${o.ifname}: slave line "${slaveLine}"`);
      const spol = getKind(li.info_slave_kind)?.slaveData;
      if (spol && li.info_slave_data) compared += compare(`${o.ifname} (port)`, slaveLine!, spol, li.info_slave_data);
    }
  }
  return { ours, compared };
}

/** A kernel test: build the devices in a fresh namespace, compare with ip, then `check` our lines. */
function kindTest(name: string, needs: string[], setup: string[], check: (ours: Map<string, string[]>, compared: number) => void): void {
  ktest(
    test,
    name,
    () =>
      withNetns(1, async (ns) => {
        const r = checkAgainstIp(ns, setup);
        check(r.ours, r.compared);
      }),
    needs,
  );
}

kindTest(
  'link -d: kind and slave lines agree with ip -j -d link show (bridge, bridge port, vxlan, macvlan, veth)',
  ['veth', 'bridge', 'vxlan', 'macvlan'],
  [
    'link add v0 type veth peer name v1',
    'link add br0 type bridge forward_delay 800 hello_time 300',
    'link set v0 master br0',
    'link add vx0 type vxlan id 42 group 239.1.1.1 dev v1 dstport 4789 ttl 10',
    'link add mv0 link v1 type macvlan mode bridge',
  ],
  (ours, compared) => {
    assert.ok(compared >= 10, `values compared: ${compared}`);
    assert.match(ours.get('br0')![0]!, /^bridge .*\bforward_delay 800 /);
    assert.match(ours.get('br0')![0]!, /^bridge .*\bhello_time 300 /);
    assert.is(ours.get('v0')![0], 'veth', 'the veth peer is a nest: in the attribute tree only');
    // what we asked for, by the uapi names (ip says dev / dstport / srcport for link / port / port_range)
    const vx = ours.get('vx0')![0]!;
    assert.match(vx, /^vxlan id 42 group 239\.1\.1\.1 link v1 /);
    for (const part of [' port_range 0 0 ', ' port 4789 ', ' ttl 10 ']) assert.ok(`${vx} `.includes(part), `"${part.trim()}" in: ${vx}`);
    assert.match(ours.get('mv0')![0]!, /^macvlan mode bridge\b/);
  },
);

kindTest(
  'link -d: kind and slave lines of vlan, bond (+port), geneve, ipvlan, macsec, vrf (+port), dummy agree with ip -j -d link show',
  ['vlan', 'bond', 'geneve', 'ipvlan', 'macsec', 'vrf', 'dummy'],
  [
    'link add p0 type veth peer name p1',
    'link add p0.5 link p0 type vlan id 5 protocol 802.1ad',
    'link add bd0 type bond mode active-backup miimon 100 updelay 200',
    'link add d0 type dummy',
    'link set d0 master bd0',
    'link add gn0 type geneve id 10 remote 192.0.2.1 ttl 64',
    'link add ipv0 link p1 type ipvlan mode l2',
    'link add ms0 link p0 type macsec port 11 encrypt on',
    'link add vrf0 type vrf table 1010',
    'link add d1 type dummy',
    'link set d1 master vrf0',
  ],
  (ours, compared) => {
    assert.ok(compared >= 20, `values compared: ${compared}`);
    const kinds: Array<[string, RegExp]> = [
      ['p0.5', /^vlan\b.* id 5\b/],
      ['bd0', /^bond mode active-backup .*\bmiimon 100 updelay 200 /],
      ['gn0', /^geneve id 10 remote 192\.0\.2\.1 .*\bttl 64\b/],
      ['ipv0', /^ipvlan mode l2\b/],
      ['ms0', /^macsec .*\bencrypt 1\b/],
      ['vrf0', /^vrf table 1010$/],
    ];
    for (const [dev, re] of kinds) assert.match(ours.get(dev)![0]!, re, dev);
    assert.match(ours.get('d0')![1]!, /^bond_slave state \S+ mii_status /);
    assert.is(ours.get('d1')![1], 'vrf_slave table 1010');
  },
);

test.run();
