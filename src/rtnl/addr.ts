/**
 * Addresses: struct ifaddrmsg + IFA_* attributes, decoded into a typed
 * {@link Address}. Registered for RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR.
 * @module
 */
import { decodeAttrs, ip, ipv4, policy, s32, string, struct, u32, type AttrSetBase, type Codec, type Policy, type DecodeOptions } from '../netlink/attr.js';
import { DecodeError } from '../netlink/errors.js';
import type { Writer } from '../netlink/writer.js';
import { encodeAttrsSkippingDerived, FlagTable, NameTable, SCOPES, setDerived, type ScopeName } from './rtcommon.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';

/** struct ifa_cacheinfo (IFA_CACHEINFO): lifetimes in seconds (0xffffffff = forever), stamps in 1/100 s since boot. */
export interface AddrCacheInfo {
  /** ifa_prefered: preferred lifetime left, seconds (4294967295 = forever). */
  preferred: number;
  /** ifa_valid: valid lifetime left, seconds (4294967295 = forever). */
  valid: number;
  /** cstamp: created, hundredths of a second since boot. */
  cstamp: number;
  /** tstamp: last updated, hundredths of a second since boot. */
  tstamp: number;
}
export const addrCacheInfo = struct<AddrCacheInfo>('ifa_cacheinfo', [
  ['preferred', 'u32'],
  ['valid', 'u32'],
  ['cstamp', 'u32'],
  ['tstamp', 'u32'],
]);

/** Lifetime value meaning "forever" (INFINITY_LIFE_TIME). */
export const INFINITY_LIFE_TIME = 0xffffffff;

/** IFA_PROTO values (IFAPROT_*): who added the address. */
export type AddrProtoName = 'unspec' | 'kernel_lo' | 'kernel_ra' | 'kernel_ll';
export const ADDR_PROTOS = new NameTable<AddrProtoName>('address protocol', {
  [U.IFAPROT_UNSPEC]: 'unspec',
  [U.IFAPROT_KERNEL_LO]: 'kernel_lo',
  [U.IFAPROT_KERNEL_RA]: 'kernel_ra',
  [U.IFAPROT_KERNEL_LL]: 'kernel_ll',
});

/** IFA_F_* bits, named as `ip addr` prints / accepts them. */
export const ADDR_FLAGS = new FlagTable('address flag', [
  [U.IFA_F_SECONDARY, 'secondary'], // IFA_F_TEMPORARY for IPv6 has the same bit
  [U.IFA_F_NODAD, 'nodad'],
  [U.IFA_F_OPTIMISTIC, 'optimistic'],
  [U.IFA_F_DADFAILED, 'dadfailed'],
  [U.IFA_F_HOMEADDRESS, 'home'],
  [U.IFA_F_DEPRECATED, 'deprecated'],
  [U.IFA_F_TENTATIVE, 'tentative'],
  [U.IFA_F_PERMANENT, 'permanent'],
  [U.IFA_F_MANAGETEMPADDR, 'mngtmpaddr'],
  [U.IFA_F_NOPREFIXROUTE, 'noprefixroute'],
  [U.IFA_F_MCAUTOJOIN, 'autojoin'],
  [U.IFA_F_STABLE_PRIVACY, 'stable-privacy'],
]);

/** Names of the IFA_F_* bits set in `flags` (e.g. ['permanent', 'nodad']); for IPv6 'secondary' means temporary. */
export function addrFlagNames(flags: number): string[] {
  return ADDR_FLAGS.names(flags);
}

/** IFA_* attributes of an address message. */
export interface AddressAttrs extends AttrSetBase {
  /** IFA_ADDRESS: the prefix address; the peer for point-to-point addresses. IPv6 addresses carry only this. */
  address?: string;
  /** IFA_LOCAL: the local address (IPv4; IPv6 only with a peer). */
  local?: string;
  /** IFA_LABEL: IPv4 label (an interface name or "name:alias"). */
  label?: string;
  /** IFA_BROADCAST (IPv4) */
  broadcast?: string;
  /** IFA_ANYCAST */
  anycast?: string;
  /** IFA_CACHEINFO: lifetimes and stamps. */
  cacheInfo?: AddrCacheInfo;
  /** IFA_MULTICAST */
  multicast?: string;
  /** IFA_FLAGS: all IFA_F_* bits (u32). Decoded messages without IFA_FLAGS get ifa_flags here. */
  flags?: number;
  /** IFA_RT_PRIORITY: metric of the prefix route the kernel adds. */
  metric?: number;
  /** IFA_TARGET_NETNSID (requests: dump another namespace by nsid) */
  targetNetnsId?: number;
  /** IFA_PROTO: originator (IFAPROT_*) */
  proto?: AddrProtoName | number;
}

/** struct ifaddrmsg */
export interface IfAddrMsg {
  /** ifa_family: AF_INET (2) or AF_INET6 (10). */
  family: number;
  /** ifa_prefixlen */
  prefixLen: number;
  /** ifa_flags: the low 8 IFA_F_* bits (the full set is in `flags`, IFA_FLAGS). */
  ifaFlags: number;
  /** ifa_scope: RT_SCOPE_* ('global', 'link', 'host', ...) */
  scope: ScopeName | number;
  /** ifa_index: interface index. */
  index: number;
}

/** An address as the kernel reports it. */
export interface Address extends IfAddrMsg, AddressAttrs {
  /** IFA_FLAGS, or ifa_flags when the kernel did not send IFA_FLAGS. */
  flags: number;
  /** Derived: "local/prefixLen" (or "address/prefixLen" when there is no IFA_LOCAL), e.g. "10.0.1.1/24". */
  cidr: string;
}

/** A u8 attribute whose values have names in a NameTable. */
export function namedU8<N extends string>(t: NameTable<N>): Codec<N | number> {
  return {
    name: `u8 (${t.what})`,
    size: 1,
    decode: (b, o) => t.name(b[o]!),
    encode: (w, v) => w.u8(t.parse(v, t.what)),
    check: (v, f) => t.parse(v, f),
  };
}
export const addrProto = namedU8(ADDR_PROTOS);

export const addrPolicy: Policy = policy('IFA', U, [
  ['IFA_ADDRESS', 'address', ip],
  ['IFA_LOCAL', 'local', ip],
  ['IFA_LABEL', 'label', string],
  ['IFA_BROADCAST', 'broadcast', ipv4],
  ['IFA_ANYCAST', 'anycast', ip],
  ['IFA_CACHEINFO', 'cacheInfo', addrCacheInfo],
  ['IFA_MULTICAST', 'multicast', ip],
  ['IFA_FLAGS', 'flags', u32],
  ['IFA_RT_PRIORITY', 'metric', u32],
  ['IFA_TARGET_NETNSID', 'targetNetnsId', s32],
  ['IFA_PROTO', 'proto', addrProto],
]);

export const IFADDRMSG_SIZE = 8;

/** Encode struct ifaddrmsg. */
export function writeIfAddrMsg(w: Writer, h: Partial<IfAddrMsg>): void {
  w.ensure(IFADDRMSG_SIZE);
  w.u8(h.family ?? 0);
  w.u8(h.prefixLen ?? 0);
  w.u8(h.ifaFlags ?? 0);
  w.u8(typeof h.scope === 'string' ? SCOPES.parse(h.scope, 'scope') : (h.scope ?? 0));
  w.u32(h.index ?? 0);
}

/** Decode an address message payload (ifaddrmsg + attributes) at buf[off, end). */
export function decodeAddress(buf: Buffer, off: number, end: number, opts?: DecodeOptions): Address {
  if (end - off < IFADDRMSG_SIZE) throw new DecodeError(`ifaddrmsg needs ${IFADDRMSG_SIZE} bytes, have ${end - off}`, off, 'ifaddrmsg');
  const a = decodeAttrs<Address>(buf, off + IFADDRMSG_SIZE, end, addrPolicy, addrPolicy.name, opts);
  a.family = buf[off]!;
  a.prefixLen = buf[off + 1]!;
  a.ifaFlags = buf[off + 2]!;
  a.scope = SCOPES.name(buf[off + 3]!);
  a.index = buf.readUInt32LE(off + 4);
  if (a.flags === undefined) setDerived(a, 'flags', a.ifaFlags);
  a.cidr = `${a.local ?? a.address ?? (a.family === 10 ? '::' : '0.0.0.0')}/${a.prefixLen}`;
  return a;
}

/** Encode an address (header + attributes) as a message payload. */
export function encodeAddress(w: Writer, a: Partial<Address>): void {
  writeIfAddrMsg(w, a);
  encodeAttrsSkippingDerived(w, addrPolicy, a as Record<string, unknown>);
}

/** The RTM_*ADDR messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const addressSchema: RouteSchema<Partial<Address>> = {
  types: [U.RTM_NEWADDR, U.RTM_DELADDR, U.RTM_GETADDR],
  name: 'address',
  headerSize: IFADDRMSG_SIZE,
  policy: addrPolicy,
  decode: (buf, off, end, _type, opts) => decodeAddress(buf, off, end, opts),
  encode: (w, obj) => encodeAddress(w, obj as Partial<Address>),
};
