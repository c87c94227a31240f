/**
 * IP-in-IP tunnels (IFLA_IPTUN_*): ipip (IPv4/MPLS over IPv4, module ipip),
 * sit (IPv6 over IPv4, with ISATAP and 6rd, module sit) and ip6tnl (IPv6 or
 * IPv4 over IPv6, module ip6_tunnel). They share the attribute space;
 * IFLA_IPTUN_FLAGS is a u16 of SIT_* bits for sit and a u32 of IP6_TNL_F_*
 * for ip6tnl, and the endpoints are IPv4 or IPv6, so each kind has its policy.
 *
 *   ip link add tun1 type ipip remote 192.0.2.1 local 192.0.2.2 ttl 64 tos inherit
 *   rtnl.links.add({ name: 'tun1', kind: 'ipip', ipip: { remote: '192.0.2.1', local: '192.0.2.2', ttl: 64, tos: 'inherit' } })
 *
 *   ip link add 6rd0 type sit local 192.0.2.2 6rd-prefix 2001:db8::/32 6rd-relay_prefix 192.0.2.0/24
 *   rtnl.links.add({ name: '6rd0', kind: 'sit', sit: { local: '192.0.2.2', ip6rdPrefix: '2001:db8::/32', ip6rdRelayPrefix: '192.0.2.0/24' } })
 *
 *   ip link add t6 type ip6tnl mode ipip6 remote 2001:db8::1 local 2001:db8::2 encaplimit none dscp inherit
 *   rtnl.links.add({ name: 't6', kind: 'ip6tnl', ip6tnl: { mode: 'ipip6', remote: '2001:db8::1', local: '2001:db8::2',
 *      encapLimit: 'none', dscp: 'inherit' } })
 *
 * `mode` (IFLA_IPTUN_PROTO) takes and decodes to the names iproute2 prints
 * (ipip: ipip, mplsip, any; sit: ip6ip, ipip, mplsip, any; ip6tnl: ip6ip6,
 * ipip6, any). The 6rd prefixes take `ADDR/LEN` (setting the length
 * attribute too) and decode to the address and the length separately.
 * Short forms as in gre.ts: sit `isatap`, ip6tnl `tclass`, `flowlabel`,
 * `encapLimit: 'none'`, `dscp: 'inherit'`, `fwmark: 'inherit'`,
 * `allowLocalRemote`. links.set() merges the changes into the current
 * parameters (tunnel.ts, prepareTunnel).
 * @module
 */
import { bool8, enumOf, flag, ipv4, ipv6, policy, u16, u32, u8, be16, type Codec, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { ArgumentError } from '../../netlink/errors.js';
import { describe, parseIP } from '../../netlink/ip.js';
import { UAPI } from '../uapi.js';
import { bounded, checkData, optionsObject } from './common.js';
import type { LinkKind } from './registry.js';
import {
  applyPatch,
  bitFlags,
  checkEndpoints,
  encapFlags,
  encapSport,
  encapType,
  finishIp6ShortForms,
  flowInfo,
  intIn,
  ip6TnlFlags,
  prepareTunnel,
  rejectKeys,
  takeIp6ShortForms,
  tosCodec,
  ttlCodec,
  type FlagBits,
  type FlowInfo,
  type Ip6TnlFlags,
  type TunnelEncapOptions,
} from './tunnel.js';
import { IFINDEX } from '../ifname.js';
const { SIT_ISATAP } = UAPI;

// The installed 6.1 headers know every IFLA_IPTUN_* attribute up to 6.18 (the last one, IFLA_IPTUN_FWMARK = 20, is from 4.12).

/** SIT_ISATAP (linux/if_tunnel.h): the sit link is an ISATAP router/host interface (`isatap`). */
export { SIT_ISATAP };

/** IFLA_IPTUN_FLAGS of a sit link (u16). */
export type SitFlags = FlagBits<'isatap'>;
export const sitFlags = bitFlags(u16, 'SIT flags (u16)', { isatap: SIT_ISATAP });

/** IFLA_IPTUN_PROTO of ipip (IPPROTO_IPIP 4, IPPROTO_MPLS 137, 0 = both). */
export type IpipMode = 'ipip' | 'mplsip' | 'any';
/** IFLA_IPTUN_PROTO of sit (IPPROTO_IPV6 41, IPPROTO_IPIP 4, IPPROTO_MPLS 137, 0 = all). */
export type SitMode = 'ip6ip' | 'ipip' | 'mplsip' | 'any';
/** IFLA_IPTUN_PROTO of ip6tnl (IPPROTO_IPV6 41, IPPROTO_IPIP 4, 0 = both). */
export type Ip6tnlMode = 'ip6ip6' | 'ipip6' | 'any';

/** Options of every IFLA_IPTUN_* kind, by API name, with the uapi name and the iproute2 keyword. */
export interface IptunCommonOptions extends TunnelEncapOptions {
  /** IFLA_IPTUN_LINK: underlay device (`dev`), by name or index */
  link?: number | string;
  /** IFLA_IPTUN_REMOTE: remote endpoint (`remote`) */
  remote?: string;
  /** IFLA_IPTUN_LOCAL: local endpoint (`local`) */
  local?: string;
  /** IFLA_IPTUN_TTL: TTL / hop limit of the outer header (`ttl N|inherit`, `hoplimit`; 'inherit' = 0) */
  ttl?: number | 'inherit';
  /** IFLA_IPTUN_FWMARK (`fwmark MARK`) */
  fwmark?: number;
}

/** ipip (IPv4 endpoints). */
export interface IpipOptions extends IptunCommonOptions {
  /** IFLA_IPTUN_PROTO (`mode ipip|mplsip|any`; kernel default ipip) */
  mode?: IpipMode | number;
  /** IFLA_IPTUN_TOS (`tos N|inherit`; 'inherit' = 1) */
  tos?: number | 'inherit';
  /** IFLA_IPTUN_PMTUDISC (`[no]pmtudisc`, kernel default on) */
  pmtudisc?: boolean | number;
  /** IFLA_IPTUN_COLLECT_METADATA: flow-based device (`external`) */
  collectMetadata?: boolean;
}

/** sit (IPv4 endpoints). */
export interface SitOptions extends IptunCommonOptions {
  /** IFLA_IPTUN_PROTO (`mode ip6ip|ipip|mplsip|any`; kernel default ip6ip) */
  mode?: SitMode | number;
  /** IFLA_IPTUN_TOS (`tos N|inherit`) */
  tos?: number | 'inherit';
  /** IFLA_IPTUN_PMTUDISC (`[no]pmtudisc`) */
  pmtudisc?: boolean | number;
  /** IFLA_IPTUN_FLAGS: SIT_* */
  flags?: SitFlags | number;
  /** Option only: `isatap` (flags.isatap) */
  isatap?: boolean;
  /** IFLA_IPTUN_6RD_PREFIX: 6rd prefix (`6rd-prefix ADDR/LEN`; as an option also "ADDR/LEN", which sets ip6rdPrefixLen) */
  ip6rdPrefix?: string;
  /** IFLA_IPTUN_6RD_PREFIXLEN */
  ip6rdPrefixLen?: number;
  /** IFLA_IPTUN_6RD_RELAY_PREFIX: 6rd relay prefix (`6rd-relay_prefix ADDR/LEN`; as an option also "ADDR/LEN") */
  ip6rdRelayPrefix?: string;
  /** IFLA_IPTUN_6RD_RELAY_PREFIXLEN */
  ip6rdRelayPrefixLen?: number;
}

/** ip6tnl (IPv6 endpoints). */
export interface Ip6tnlOptions extends Omit<IptunCommonOptions, 'fwmark'> {
  /** IFLA_IPTUN_PROTO (`mode ip6ip6|ipip6|any`; kernel default any) */
  mode?: Ip6tnlMode | number;
  /** IFLA_IPTUN_ENCAP_LIMIT (`encaplimit N|none`; 'none' sets flags.ignEncapLimit) */
  encapLimit?: number | 'none';
  /** IFLA_IPTUN_FLOWINFO: traffic class and flow label */
  flowinfo?: FlowInfo;
  /** IFLA_IPTUN_FLAGS: IP6_TNL_F_* */
  flags?: Ip6TnlFlags | number;
  /** IFLA_IPTUN_COLLECT_METADATA (`external`) */
  collectMetadata?: boolean;
  /** Option only: `tclass N|inherit` */
  tclass?: number | 'inherit';
  /** Option only: `flowlabel N|inherit` */
  flowlabel?: number | 'inherit';
  /** Option only: `dscp inherit` (flags.rcvDscpCopy) */
  dscp?: 'inherit' | boolean;
  /** Option only: `[no]allow-localremote` (flags.allowLocalRemote) */
  allowLocalRemote?: boolean;
  /** IFLA_IPTUN_FWMARK (`fwmark MARK|inherit`) */
  fwmark?: number | 'inherit';
}

/** IFLA_INFO_DATA of an ipip, sit or ip6tnl link as the kernel reports it. */
export interface IptunData {
  link?: number;
  local?: string;
  remote?: string;
  ttl?: number | 'inherit';
  tos?: number | 'inherit';
  encapLimit?: number;
  flowinfo?: FlowInfo;
  /** sit: SitFlags; ip6tnl: Ip6TnlFlags; ipip: the raw u16 */
  flags?: SitFlags | Ip6TnlFlags | number;
  mode?: IpipMode | SitMode | Ip6tnlMode | number;
  pmtudisc?: boolean | number;
  ip6rdPrefix?: string;
  ip6rdRelayPrefix?: string;
  ip6rdPrefixLen?: number;
  ip6rdRelayPrefixLen?: number;
  encapType?: TunnelEncapOptions['encapType'];
  encapFlags?: TunnelEncapOptions['encapFlags'];
  encapSport?: number | 'auto';
  encapDport?: number;
  collectMetadata?: boolean;
  fwmark?: number;
}

function iptunPolicyFor(addr: Codec<string>, flags: Codec<unknown>, modes: Record<number, string>): Policy {
  return policy('IFLA_IPTUN', UAPI, [
    ['IFLA_IPTUN_LINK', 'link', u32, IFINDEX],
    ['IFLA_IPTUN_LOCAL', 'local', addr],
    ['IFLA_IPTUN_REMOTE', 'remote', addr],
    ['IFLA_IPTUN_TTL', 'ttl', ttlCodec],
    ['IFLA_IPTUN_TOS', 'tos', tosCodec],
    ['IFLA_IPTUN_ENCAP_LIMIT', 'encapLimit', u8],
    ['IFLA_IPTUN_FLOWINFO', 'flowinfo', flowInfo],
    ['IFLA_IPTUN_FLAGS', 'flags', flags],
    ['IFLA_IPTUN_PROTO', 'mode', enumOf(u8, modes)],
    ['IFLA_IPTUN_PMTUDISC', 'pmtudisc', bool8],
    ['IFLA_IPTUN_6RD_PREFIX', 'ip6rdPrefix', ipv6],
    ['IFLA_IPTUN_6RD_RELAY_PREFIX', 'ip6rdRelayPrefix', ipv4],
    ['IFLA_IPTUN_6RD_PREFIXLEN', 'ip6rdPrefixLen', bounded(u16, 0, 64, 'a 6rd prefix length')],
    ['IFLA_IPTUN_6RD_RELAY_PREFIXLEN', 'ip6rdRelayPrefixLen', bounded(u16, 0, 32, 'a 6rd relay prefix length')],
    ['IFLA_IPTUN_ENCAP_TYPE', 'encapType', encapType],
    ['IFLA_IPTUN_ENCAP_FLAGS', 'encapFlags', encapFlags],
    ['IFLA_IPTUN_ENCAP_SPORT', 'encapSport', encapSport],
    ['IFLA_IPTUN_ENCAP_DPORT', 'encapDport', be16],
    ['IFLA_IPTUN_COLLECT_METADATA', 'collectMetadata', flag],
    ['IFLA_IPTUN_FWMARK', 'fwmark', u32],
  ]);
}

/** IFLA_IPTUN_* of ipip (IFLA_IPTUN_FLAGS, which ipip does not use, as a raw u16). */
export const ipipPolicy: () => Policy = once(() => iptunPolicyFor(ipv4, u16, { 4: 'ipip', 137: 'mplsip', 0: 'any' }));
/** IFLA_IPTUN_* of sit. */
export const sitPolicy: () => Policy = once(() => iptunPolicyFor(ipv4, sitFlags, { 41: 'ip6ip', 4: 'ipip', 137: 'mplsip', 0: 'any' }));
/** IFLA_IPTUN_* of ip6tnl. */
export const ip6tnlPolicy: () => Policy = once(() => iptunPolicyFor(ipv6, ip6TnlFlags, { 41: 'ip6ip6', 4: 'ipip6', 0: 'any' }));

const SIT_6RD = ['ip6rdPrefix', 'ip6rdPrefixLen', 'ip6rdRelayPrefix', 'ip6rdRelayPrefixLen'] as const;

/** "ADDR/LEN" for a 6rd prefix option: the address stays, the length goes to its own attribute. */
function takePrefix(o: Record<string, unknown>, key: string, lenKey: string, family: 4 | 6, field: string): void {
  const v = o[key];
  if (typeof v !== 'string' || !v.includes('/')) return;
  const [addr, len, ...rest] = v.split('/');
  const max = family === 6 ? 64 : 32;
  const ip = parseIP(addr!);
  if (rest.length || !ip || ip.family !== family || !/^\d+$/.test(len!)) throw new ArgumentError(`${field}.${key}`, `expected an IPv${family} prefix ADDR/LEN, got ${describe(v)}`);
  if (o[lenKey] !== undefined) throw new ArgumentError(`${field}.${lenKey}`, `conflicts with the length in ${field}.${key}`);
  o[key] = addr;
  o[lenKey] = intIn(Number(len), `${field}.${key}`, 0, max, 'a prefix length');
}

/** The kernel (ipip6_tunnel_update_6rd) refuses prefixes with bits set past their length. */
function checkPrefixBits(addr: unknown, len: unknown, f: string): void {
  if (typeof addr !== 'string' || typeof len !== 'number') return;
  const b = parseIP(addr)!.bytes;
  for (let i = 0; i < b.length * 8; i++) {
    if (i >= len && b[i >> 3]! & (0x80 >> (i & 7))) throw new ArgumentError(f, `${addr} has bits set past the prefix length ${len}`);
  }
}

interface IptunKindSpec {
  kind: 'ipip' | 'sit' | 'ip6tnl';
  family: 4 | 6;
  module: string;
  other: string;
}

function iptunCheck(k: IptunKindSpec, pol: () => Policy) {
  return (options: Record<string, unknown> | undefined): Record<string, unknown> => {
    const field = k.kind;
    const o = optionsObject(options, field, k.kind);
    const ip6 = k.family === 6 ? takeIp6ShortForms(o, field) : undefined;
    let isatap: boolean | undefined;
    if (k.kind === 'sit') {
      if (o.isatap !== undefined) {
        if (typeof o.isatap !== 'boolean') throw new ArgumentError(`${field}.isatap`, `expected true or false, got ${describe(o.isatap)}`);
        isatap = o.isatap;
        delete o.isatap;
      }
      takePrefix(o, 'ip6rdPrefix', 'ip6rdPrefixLen', 6, field);
      takePrefix(o, 'ip6rdRelayPrefix', 'ip6rdRelayPrefixLen', 4, field);
    }
    checkEndpoints(o, ['remote', 'local'], k.family, field, k.kind, k.other);
    if (k.family === 4) rejectKeys(o, ['encapLimit', 'flowinfo'], field, k.kind, 'IPv6 tunnel options: see ip6tnl');
    else rejectKeys(o, ['tos', 'pmtudisc'], field, k.kind, 'IPv4 options: use tclass, flowlabel, encapLimit');
    if (k.kind !== 'sit') rejectKeys(o, SIT_6RD, field, k.kind, '6rd is a sit option');
    if (k.kind === 'ipip') rejectKeys(o, ['flags'], field, k.kind, 'ipip has no tunnel flags');
    if (k.kind === 'sit') rejectKeys(o, ['collectMetadata'], field, k.kind, 'sit has no external mode');
    const out = checkData(pol(), o, field);
    if (isatap !== undefined) applyPatch(out, 'flags', { isatap });
    if (ip6) finishIp6ShortForms(out, ip6);
    if (k.kind === 'sit') {
      checkPrefixBits(out.ip6rdPrefix, out.ip6rdPrefixLen, `${field}.ip6rdPrefix`);
      checkPrefixBits(out.ip6rdRelayPrefix, out.ip6rdRelayPrefixLen, `${field}.ip6rdRelayPrefix`);
      const pl = out.ip6rdPrefixLen as number | undefined;
      const rl = out.ip6rdRelayPrefixLen as number | undefined;
      // ipip6_tunnel_update_6rd: prefixlen + (32 - relay_prefixlen) must fit the 64 bits of an IPv6 network prefix
      if (pl !== undefined && rl !== undefined && pl + (32 - rl) > 64) {
        throw new ArgumentError(`${field}.ip6rdPrefixLen`, `a 6rd prefix of /${pl} with a relay prefix of /${rl} leaves ${pl + 32 - rl} bits for the delegated prefix; at most 64`);
      }
    }
    return out;
  };
}

const KINDS: IptunKindSpec[] = [
  { kind: 'ipip', family: 4, module: 'ipip', other: 'ip6tnl' },
  { kind: 'sit', family: 4, module: 'sit', other: 'ip6tnl' },
  { kind: 'ip6tnl', family: 6, module: 'ip6_tunnel', other: 'ipip or sit' },
];

declare module './registry.js' {
  interface KindAddOptions {
    ipip: { ipip?: IpipOptions };
    sit: { sit?: SitOptions };
    ip6tnl: { ip6tnl?: Ip6tnlOptions };
  }
  interface KindOptions {
    ipip: IpipOptions;
    sit: SitOptions;
    ip6tnl: Ip6tnlOptions;
  }
  interface KindData {
    ipip: IptunData;
    sit: IptunData;
    ip6tnl: IptunData;
  }
}

/** The iptun kinds (registered by kinds/table.ts). */
export const iptunKinds: readonly LinkKind[] = KINDS.map((k): LinkKind => {
  const pol = k.kind === 'ipip' ? ipipPolicy : k.kind === 'sit' ? sitPolicy : ip6tnlPolicy;
  return {
    kind: k.kind,
    get data() {
      return pol();
    },
    module: k.module,
    check: iptunCheck(k, pol),
    prepare: prepareTunnel(k.kind, pol, ['local', 'remote']),
  };
});
