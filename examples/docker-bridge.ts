/**
 * Seed 001 (docker networking, "veth based network virtualization") end to
 * end through the library, no child process:
 *
 *   outside (198.51.100.2/24) ──veth── host (198.51.100.1/24, docker0 172.18.0.1/16)
 *                                         ├──veth── c1 eth0 172.18.0.2/16, default via 172.18.0.1
 *                                         └──veth── c2 eth0 172.18.0.3/16, default via 172.18.0.1
 *
 * In the host namespace: net.ipv4.ip_forward=1 (netns.sysctl), and one
 * nf_tables transaction (Nft.open):
 *
 *   table ip nat {
 *     chain postrouting { type nat hook postrouting priority srcnat; policy accept;
 *       ip saddr 172.18.0.0/16 oifname != "docker0" masquerade }
 *     chain prerouting { type nat hook prerouting priority dstnat; policy accept;
 *       iifname != "docker0" tcp dport 8080 dnat to 172.18.0.2:80 }
 *   }
 *
 * "outside" has no route to 172.18.0.0/16: the containers reach it only
 * masqueraded, and it reaches c1's port 80 only through the host's 8080.
 *
 *   node dist/examples/docker-bridge.js [--prefix NAME] [--keep] [--no-nat]
 *
 * creates the namespaces NAME-host, NAME-c1, NAME-c2, NAME-outside (NAME
 * defaults to "seed001-<pid>"), prints the ruleset as the library lists it,
 * and deletes them again unless --keep.
 */
import { Nft, Rtnl, netns, nft } from '../src/index.js';

const { match, tcp, masquerade, dnat } = nft;

/** The namespaces of one run. */
export interface Seed001Names {
  host: string;
  c1: string;
  c2: string;
  outside: string;
}

export function seed001Names(prefix: string): Seed001Names {
  return { host: `${prefix}-host`, c1: `${prefix}-c1`, c2: `${prefix}-c2`, outside: `${prefix}-outside` };
}

/** The nf_tables transaction of the seed (what `iptables -t nat` / Docker's port mapping add). */
export function seed001Rules(): Array<nft.NftMessage<Record<string, unknown>>> {
  return [
    nft.addTable({ family: 'ip', name: 'nat' }),
    nft.addChain({ family: 'ip', table: 'nat', name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' }),
    nft.addChain({ family: 'ip', table: 'nat', name: 'prerouting', type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' }),
    // iptables -t nat -A POSTROUTING -s 172.18.0.0/16 ! -o docker0 -j MASQUERADE
    nft.addRule({ family: 'ip', table: 'nat', chain: 'postrouting', expr: [match.ip.saddr('172.18.0.0/16'), match.oifname.not('docker0'), masquerade()] }),
    // iptables -t nat -A DOCKER ! -i docker0 -p tcp --dport 8080 -j DNAT --to-destination 172.18.0.2:80
    nft.addRule({ family: 'ip', table: 'nat', chain: 'prerouting', expr: [match.iifname.not('docker0'), tcp.dport(8080), dnat({ addr: '172.18.0.2', port: 80 })] }),
  ] as Array<nft.NftMessage<Record<string, unknown>>>;
}

/** Build the topology in existing namespaces; with `nat` (default true) also the NAT rules. */
export async function buildSeed001(ns: Seed001Names, opts: { nat?: boolean } = {}): Promise<void> {
  const host = await Rtnl.open({ netns: ns.host });
  const handles = [host];
  try {
    for (const n of [ns.c1, ns.c2, ns.outside]) handles.push(await Rtnl.open({ netns: n }));
    const [, c1, c2, outside] = handles as [Rtnl, Rtnl, Rtnl, Rtnl];
    for (const h of handles) await h.links.set('lo', { up: true });

    // ip link add docker0 type bridge; ip addr add 172.18.0.1/16 dev docker0; ip link set docker0 up
    await host.links.add({ name: 'docker0', kind: 'bridge' });
    await host.addrs.add('docker0', '172.18.0.1/16');
    await host.links.set('docker0', { up: true });

    // per container: ip link add vethN type veth peer name eth0 netns cN; ip link set vethN master docker0 up
    const containers: Array<[Rtnl, string, string, string]> = [[c1, ns.c1, 'veth-c1', '172.18.0.2/16'], [c2, ns.c2, 'veth-c2', '172.18.0.3/16']];
    for (const [c, name, hostEnd, addr] of containers) {
      await host.links.add({ name: hostEnd, kind: 'veth', peer: { name: 'eth0', netns: name } });
      await host.links.set(hostEnd, { master: 'docker0', up: true });
      await c.links.set('eth0', { up: true });
      await c.addrs.add('eth0', addr);
      await c.routes.add({ dst: 'default', gateway: '172.18.0.1' }); // route add -net 0.0.0.0 gw 172.18.0.1
    }

    // the host's uplink: a veth to "outside", which knows nothing of 172.18.0.0/16
    await host.links.add({ name: 'eth0', kind: 'veth', peer: { name: 'eth0', netns: ns.outside } });
    await host.addrs.add('eth0', '198.51.100.1/24');
    await host.links.set('eth0', { up: true });
    await outside.links.set('eth0', { up: true });
    await outside.addrs.add('eth0', '198.51.100.2/24');

    // sysctl -w net.ipv4.ip_forward=1 (in the host namespace, no child process)
    await netns.sysctl(ns.host, 'net.ipv4.ip_forward', 1);
  } finally {
    for (const h of handles) await h.close();
  }
  if (opts.nat ?? true) await applySeed001Nat(ns.host);
}

/** The NAT rules as one transaction in the host namespace; returns the handles the kernel gave the two rules. */
export async function applySeed001Nat(hostNs: string): Promise<{ masquerade: bigint | undefined; dnat: bigint | undefined }> {
  const h = await Nft.open({ netns: hostNs });
  try {
    const { objects } = await h.commit(seed001Rules());
    const handle = (i: number): bigint | undefined => (objects[i]?.[0] as nft.Rule | undefined)?.handle;
    return { masquerade: handle(3), dnat: handle(4) };
  } finally {
    await h.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const i = argv.indexOf('--prefix');
  const prefix = i >= 0 && argv[i + 1] ? argv[i + 1]! : `seed001-${process.pid}`;
  const keep = argv.includes('--keep');
  const ns = seed001Names(prefix);
  const made: string[] = [];
  try {
    for (const n of Object.values(ns)) {
      await netns.add(n);
      made.push(n);
    }
    await buildSeed001(ns, { nat: !argv.includes('--no-nat') });
    const h = await Nft.open({ netns: ns.host });
    try {
      const rs = await h.ruleset();
      console.log(`namespaces: ${Object.values(ns).join(' ')}`);
      console.log(`ip_forward in ${ns.host}: ${String(await netns.sysctl(ns.host, 'net.ipv4.ip_forward'))}`);
      for (const c of rs.chains) {
        console.log(`chain ${String(c.family)} ${c.table} ${c.name} (handle ${String(c.handle)})`);
        for (const r of rs.rules.filter((x) => x.table === c.table && x.chain === c.name)) console.log(`  rule handle ${String(r.handle)}: ${r.expr?.map((e) => e.name).join(' ')}`);
      }
    } finally {
      await h.close();
    }
  } catch (e) {
    process.exitCode = 1;
    console.error(e);
  } finally {
    if (!keep || process.exitCode) for (const n of made.reverse()) await netns.del(n).catch(() => undefined);
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) await main(process.argv.slice(2));
