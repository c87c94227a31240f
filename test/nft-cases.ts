/**
 * The fixture cases of test/fixtures/nft-batches.json written with the
 * library's builders: for each case, the messages of the batch nft sent for
 * the same script (in order, without BATCH_BEGIN/END). Used by the unit test
 * (bytes equal to nft's) and the kernel test (the same ruleset as nft's).
 */
import type { AttrSetBase } from '../src/netlink/attr.js';
import {
  accept, addChain, addElements, addRule, addSet, addTable, counter, ct, dnat, drop, goto, ip, ip6, jump, limit, log,
  masquerade, match, meta, notrack, redirect, ret, snat, tcp, udp, type NftMessage,
} from '../src/nft/index.js';

export const NFT_CASES: Record<string, { title: string; messages: () => Array<NftMessage<AttrSetBase>> }> = {
  'seed001-nat': {
    title: "seed 001 NAT: table, base chains, masquerade and DNAT rules are nft\\'s bytes",
    messages: () => {
    const f = 'ip' as const;
    const t = 'nat';
    return [
      addTable({ family: f, name: t }),
      addChain({ family: f, table: t, name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat', policy: 'accept' }),
      addChain({ family: f, table: t, name: 'prerouting', type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' }),
      addRule({ family: f, table: t, chain: 'postrouting', expr: [match.ip.saddr('172.18.0.0/16'), match.oifname.not('docker0'), masquerade()] }),
      addRule({ family: f, table: t, chain: 'prerouting', expr: [tcp.dport(8080), dnat({ addr: '172.18.0.2', port: 80 })] }),
    ];
    },
  },
  'filter-inet': {
    title: "filter (inet): meta, payload prefixes, ports, ranges, ct, counter, limit, log, verdicts are nft\\'s bytes",
    messages: () => {
    const f = 'inet' as const;
    const t = 'f';
    const r = (...expr: Parameters<typeof addRule>[0]['expr']) => addRule({ family: f, table: t, chain: 'input', expr });
    return [
      addTable({ family: f, name: t }),
      addChain({ family: f, table: t, name: 'input', type: 'filter', hook: 'input', priority: 0, policy: 'drop' }),
      addChain({ family: f, table: t, name: 'forward', type: 'filter', hook: 'forward', priority: 'filter', policy: 'accept' }),
      addChain({ family: f, table: t, name: 'other' }),
      r(match.iifname('lo'), accept()),
      r(match.iifname('veth*'), accept()),
      r(meta.l4proto('udp'), drop()),
      r(meta.nfproto('ipv6'), accept()),
      r(meta.mark(0x10), accept()),
      r(meta.mark.masked(0xff, 0x1), accept()),
      r(ip.saddr('10.0.0.0/12'), drop()), // nft was given 10.1.0.0/12 and cleared the host bits
      r(ip.daddr('10.0.0.1'), accept()),
      r(ip.saddr('10.0.0.0/8'), ip.daddr('192.168.0.0/24'), accept()),
      r(ip6.saddr('2001:db8::/32'), accept()),
      r(ip6.daddr('::1'), accept()),
      r(ip6.saddr('2001:db8::/33'), accept()),
      r(tcp.sport.range(1024, 65535), accept()),
      r(tcp.dport.notRange(1, 1024), drop()),
      r(udp.dport(53), accept()),
      r(udp.sport.not(53), accept()),
      r(ip.saddr('10.0.0.0/8'), tcp.dport(22), accept()),
      r(ct.state('established', 'related'), accept()),
      r(ct.state('invalid'), drop()),
      r(ct.state('new'), accept()),
      r(ct.state.not('established'), accept()),
      r(ct.status('dnat'), accept()),
      r(counter()),
      r(counter(), accept()),
      r(limit({ rate: 10, per: 'second' }), accept()),
      r(limit({ rate: 5, per: 'minute', burst: 10, over: true }), drop()),
      r(limit({ rate: 1, unit: 'mbytes', per: 'second' }), accept()),
      r(log({ prefix: 'in: ', level: 'warn' })),
      r(log({ group: 2 })),
      r(log()),
      r(jump('other')),
      r(goto('other')),
      addRule({ family: f, table: t, chain: 'other', expr: [ret()] }),
      r(drop()),
      addRule({ family: f, table: t, chain: 'forward', expr: [match.oifname('br0'), match.iifname('eth0'), ct.state('established'), accept()] }),
    ];
    },
  },
  'nat-ip': {
    title: "nat (ip): masquerade with ports and flags, snat/dnat with ranges, redirect, notrack are nft\\'s bytes",
    messages: () => {
    const f = 'ip' as const;
    const t = 't';
    const r = (chain: string, ...expr: Parameters<typeof addRule>[0]['expr']) => addRule({ family: f, table: t, chain, expr });
    return [
      addTable({ family: f, name: t }),
      addChain({ family: f, table: t, name: 'c', type: 'nat', hook: 'postrouting', priority: 'srcnat' }),
      addChain({ family: f, table: t, name: 'p', type: 'nat', hook: 'prerouting', priority: 'dstnat' }),
      addChain({ family: f, table: t, name: 'o', type: 'nat', hook: 'output', priority: -100 }),
      addChain({ family: f, table: t, name: 'raw', type: 'filter', hook: 'prerouting', priority: 'raw' }),
      r('c', ip.saddr('10.0.0.0/8'), accept()),
      r('c', ip.saddr('0.0.0.0/0'), accept()),
      r('c', ip.saddr.not('10.0.0.0/12'), accept()),
      r('c', masquerade()),
      r('c', meta.l4proto('tcp'), masquerade({ port: '1024-2000' })),
      r('c', masquerade({ random: true, persistent: true })),
      r('c', match.oifname('eth0'), snat({ addr: '192.0.2.1' })),
      r('c', tcp.dport(22), snat({ addr: '192.0.2.1-192.0.2.10', port: [2000, 3000] })),
      r('c', snat({ addr: '192.0.2.1', fullyRandom: true })),
      r('p', tcp.dport(8080), dnat({ addr: '172.18.0.2', port: 80 })),
      r('p', udp.dport(53), dnat({ addr: '172.18.0.3' })),
      r('p', udp.dport(53), redirect({ port: 5353 })),
      r('p', redirect()),
      r('o', tcp.dport(80), dnat({ addr: '10.0.0.1', port: '8080-8090' })),
      r('raw', notrack()),
      r('raw', ip.protocol('icmp'), accept()),
    ];
    },
  },
  'nat-ip6': {
    title: "nat (ip6): prefix match, masquerade, dnat to [addr]:port, snat are nft\\'s bytes",
    messages: () => {
    const f = 'ip6' as const;
    const t = 't6';
    return [
      addTable({ family: f, name: t }),
      addChain({ family: f, table: t, name: 'c', type: 'nat', hook: 'postrouting', priority: 'srcnat' }),
      addChain({ family: f, table: t, name: 'p', type: 'nat', hook: 'prerouting', priority: 'dstnat' }),
      addRule({ family: f, table: t, chain: 'c', expr: [ip6.saddr('fd00::/64'), masquerade()] }),
      addRule({ family: f, table: t, chain: 'p', expr: [tcp.dport(8080), dnat({ addr: 'fd00::2', port: 80 })] }),
      addRule({ family: f, table: t, chain: 'c', expr: [snat({ addr: 'fd00::1' })] }),
    ];
    },
  },
  'sets': {
    title: "named sets and maps (typed elements, intervals) and lookups are nft\\'s bytes",
    messages: () => {
    const f = 'inet' as const;
    const t = 's';
    const r = (...expr: Parameters<typeof addRule>[0]['expr']) => addRule({ family: f, table: t, chain: 'input', expr });
    return [
      addTable({ family: f, name: t }),
      addChain({ family: f, table: t, name: 'input', type: 'filter', hook: 'input', priority: 0 }),
      addSet({ family: f, table: t, name: 'allowed', type: 'ipv4_addr', flags: ['interval'], id: 1 }),
      addElements({ family: f, table: t, set: 'allowed', setId: 1, type: 'ipv4_addr', interval: true, elements: ['10.0.0.0/8', '192.168.1.1'] }),
      addSet({ family: f, table: t, name: 'ports', type: 'inet_service', id: 2 }),
      addElements({ family: f, table: t, set: 'ports', setId: 2, type: 'inet_service', elements: [22, 80] }),
      addSet({ family: f, table: t, name: 'names', type: 'ifname', id: 3 }),
      addElements({ family: f, table: t, set: 'names', setId: 3, type: 'ifname', elements: ['eth0', 'lo'] }),
      addSet({ family: f, table: t, name: 'marks', type: 'mark', id: 4 }),
      addElements({ family: f, table: t, set: 'marks', setId: 4, type: 'mark', elements: [1, 2] }),
      addSet({ family: f, table: t, name: 'pm', type: 'inet_service', map: 'ipv4_addr', id: 5 }),
      addElements({ family: f, table: t, set: 'pm', setId: 5, type: 'inet_service', map: 'ipv4_addr', elements: [{ key: 80, value: '10.1.1.1' }] }),
      addSet({ family: f, table: t, name: 'vm', type: 'inet_service', map: 'verdict', id: 6 }),
      addElements({ family: f, table: t, set: 'vm', setId: 6, type: 'inet_service', map: 'verdict', elements: [{ key: 22, value: 'accept' }, { key: 23, value: 'drop' }] }),
      r(tcp.dport.inSet('ports', { setId: 2 }), accept()),
      r(ip.saddr.inSet('allowed', { setId: 1 }), accept()),
      r(ip.saddr.notInSet('allowed', { setId: 1 }), drop()),
      r(match.iifname.inSet('names', { setId: 3 }), accept()),
      r(meta.mark.inSet('marks', { setId: 4 }), accept()),
      r(tcp.dport.vmap('vm', { setId: 6 })),
    ];
    },
  },
  'route-chain': {
    title: "route chain and meta mark set are nft\\'s bytes",
    messages: () => {
    const f = 'ip' as const;
    return [
      addTable({ family: f, name: 'r' }),
      addChain({ family: f, table: 'r', name: 'out', type: 'route', hook: 'output', priority: 'mangle', policy: 'accept' }),
      addRule({ family: f, table: 'r', chain: 'out', expr: [meta.set.mark(0x20)] }),
      addRule({ family: f, table: 'r', chain: 'out', expr: [ip.daddr('192.0.2.0/24'), meta.set.mark(0x1), counter()] }),
    ];
    },
  },
  'families': {
    title: 'bridge, netdev and ip6 families: dependencies as nft emits them',
    messages: () => {
    return [
      addTable({ family: 'bridge', name: 'b' }),
      addChain({ family: 'bridge', table: 'b', name: 'bfw', type: 'filter', hook: 'forward', priority: 0 }),
      addTable({ family: 'netdev', name: 'n' }),
      addChain({ family: 'netdev', table: 'n', name: 'ingress', type: 'filter', hook: 'ingress', device: 'lo', priority: 0 }),
      addTable({ family: 'ip6', name: 'six' }),
      addChain({ family: 'ip6', table: 'six', name: 'inp', type: 'filter', hook: 'input', priority: 0 }),
      addRule({ family: 'bridge', table: 'b', chain: 'bfw', expr: [ip.saddr('10.0.0.1'), accept()] }),
      addRule({ family: 'bridge', table: 'b', chain: 'bfw', expr: [tcp.dport(22), accept()] }),
      addRule({ family: 'netdev', table: 'n', chain: 'ingress', expr: [ip.daddr('10.0.0.1'), drop()] }),
      addRule({ family: 'ip6', table: 'six', chain: 'inp', expr: [tcp.dport(22), accept()] }),
      addRule({ family: 'ip6', table: 'six', chain: 'inp', expr: [ip6.saddr('::1'), accept()] }),
    ];
    },
  },
};
