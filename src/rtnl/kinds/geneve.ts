/**
 * geneve: Generic Network Virtualization Encapsulation (IFLA_GENEVE_*), module geneve.
 *
 *   ip link add gnv0 type geneve id 10 remote 192.0.2.1 ttl 64 dstport 6081
 *   rtnl.links.add({ name: 'gnv0', kind: 'geneve', geneve: { id: 10, remote: '192.0.2.1', ttl: 64, port: 6081 } })
 *
 * `remote` takes IPv4 or IPv6 and is sent as IFLA_GENEVE_REMOTE or REMOTE6.
 * @module
 */
import { be16, be32, bool8, enumOf, flag, ipv4, ipv6, policy, struct, u32, u8, moreConsts, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, isIPv6Text, isMulticast, optionsObject, renamingView, splitFamily, withView } from './common.js';
import type { LinkKind } from './registry.js';

/** Newer than the installed uapi headers (upstream if_link.h). */
export const IFLA_GENEVE_PORT_RANGE = 15;

/** struct ifla_geneve_port_range */
export interface GenevePortRange {
  low: number;
  high: number;
}

/** GENEVE_DF_* */
export type GeneveDf = 'unset' | 'set' | 'inherit';

/** IFLA_INFO_DATA of a geneve link. */
export interface GeneveOptions {
  /** IFLA_GENEVE_ID: VNI 0..16777215 (`id`, required unless external) */
  id?: number;
  /** IFLA_GENEVE_REMOTE / REMOTE6: the remote, IPv4 or IPv6 (`remote`); reads back under this name whatever its family */
  remote?: string;
  /** IFLA_GENEVE_REMOTE6 by its wire name: accepted as an option; reads back as `remote` */
  remote6?: string;
  /** IFLA_GENEVE_TTL (`ttl`) */
  ttl?: number;
  /** IFLA_GENEVE_TOS (`tos`) */
  tos?: number;
  /** IFLA_GENEVE_PORT: UDP destination port (`dstport`, default 6081) */
  port?: number;
  /** IFLA_GENEVE_COLLECT_METADATA (`external`) */
  collectMetadata?: boolean;
  /** IFLA_GENEVE_UDP_CSUM (`[no]udpcsum`) */
  udpCsum?: boolean | number;
  /** IFLA_GENEVE_UDP_ZERO_CSUM6_TX (`[no]udp6zerocsumtx`) */
  udpZeroCsum6Tx?: boolean | number;
  /** IFLA_GENEVE_UDP_ZERO_CSUM6_RX (`[no]udp6zerocsumrx`) */
  udpZeroCsum6Rx?: boolean | number;
  /** IFLA_GENEVE_LABEL: IPv6 flow label (`flowlabel`) */
  label?: number;
  /** IFLA_GENEVE_TTL_INHERIT (`ttl inherit`) */
  ttlInherit?: boolean | number;
  /** IFLA_GENEVE_DF (`df unset|set|inherit`) */
  df?: GeneveDf | number;
  /** IFLA_GENEVE_INNER_PROTO_INHERIT (`innerprotoinherit`) */
  innerProtoInherit?: boolean;
  /** IFLA_GENEVE_PORT_RANGE: UDP source port range (newest kernels) */
  portRange?: GenevePortRange;
}

// IFLA_GENEVE_REMOTE6 reads back as `remote`, the option it is written with.
const geneveView = renamingView(
  (k) => (k === 'remote6' ? 'remote' : undefined),
  (k, v) => (k === 'remote' && isIPv6Text(v) ? 'remote6' : undefined),
);

export const genevePolicy: () => Policy = once(() =>
  withView(
    policy('IFLA_GENEVE', moreConsts(UAPI, { IFLA_GENEVE_PORT_RANGE }), [
  ['IFLA_GENEVE_ID', 'id', bounded(u32, 0, 0xffffff, 'a VNI')],
  ['IFLA_GENEVE_REMOTE', 'remote', ipv4],
  ['IFLA_GENEVE_TTL', 'ttl', u8],
  ['IFLA_GENEVE_TOS', 'tos', u8],
  ['IFLA_GENEVE_PORT', 'port', be16],
  ['IFLA_GENEVE_COLLECT_METADATA', 'collectMetadata', flag],
  ['IFLA_GENEVE_REMOTE6', 'remote6', ipv6],
  ['IFLA_GENEVE_UDP_CSUM', 'udpCsum', bool8],
  ['IFLA_GENEVE_UDP_ZERO_CSUM6_TX', 'udpZeroCsum6Tx', bool8],
  ['IFLA_GENEVE_UDP_ZERO_CSUM6_RX', 'udpZeroCsum6Rx', bool8],
  ['IFLA_GENEVE_LABEL', 'label', bounded(be32, 0, 0xfffff, 'an IPv6 flow label')],
  ['IFLA_GENEVE_TTL_INHERIT', 'ttlInherit', bool8],
  ['IFLA_GENEVE_DF', 'df', enumOf<GeneveDf>(u8, { 0: 'unset', 1: 'set', 2: 'inherit' })],
  ['IFLA_GENEVE_INNER_PROTO_INHERIT', 'innerProtoInherit', flag],
  [
    'IFLA_GENEVE_PORT_RANGE',
    'portRange',
    struct<GenevePortRange>('ifla_geneve_port_range', [
      ['low', 'be16'],
      ['high', 'be16'],
    ]),
  ],
]),
    geneveView,
  ),
);

/** links.add() options of a geneve link: a VNI and a remote, unless the device is external (collectMetadata). */
export type GeneveAddOptions = GeneveOptions & ({ id: number; remote: string } | { id: number; remote6: string } | { collectMetadata: true });

declare module './registry.js' {
  interface KindAddOptions {
    geneve: { geneve: GeneveAddOptions };
  }
  interface KindOptions {
    geneve: GeneveOptions;
  }
  interface KindData {
    geneve: GeneveOptions;
  }
}

/** The geneve kind (registered by kinds/table.ts). */
export const geneveKind: LinkKind = {
  ether: true,
  kind: 'geneve',
  get data() { return genevePolicy(); },
  module: 'geneve',
  check(options, _all, mode) {
    const o = optionsObject(options, 'geneve', 'geneve');
    splitFamily(o, 'remote', 'remote', 'remote6', 'geneve', (ip, f) => {
      if (isMulticast(ip)) throw new ArgumentError(f, 'geneve needs a unicast remote');
    });
    const out = checkData(genevePolicy(), o, 'geneve');
    if (mode === 'add' && !out.collectMetadata) {
      if (out.id === undefined) throw new ArgumentError('geneve.id', 'a geneve link needs a VNI (geneve: { id: 10 }) unless it is external (collectMetadata: true)');
      if (out.remote === undefined && out.remote6 === undefined) throw new ArgumentError('geneve.remote', 'a geneve link needs a remote unless it is external (collectMetadata: true)');
    }
    if (out.ttl !== undefined && out.ttlInherit) throw new ArgumentError('geneve.ttlInherit', 'conflicts with geneve.ttl');
    return out;
  },
};
