/**
 * rtnl.addrs: IPv4/IPv6 addresses (RTM_*ADDR), like `ip address`.
 *
 * ```ts
 * await rtnl.addrs.add('eth0', '10.0.1.1/24', { broadcast: '+', label: 'eth0:web' });
 * await rtnl.addrs.add('eth0', '2001:db8::1/64', { flags: ['nodad'], validLft: 3600, preferredLft: 1800 });
 * await rtnl.addrs.replace({ dev: 'eth0', address: '10.0.1.1/24', metric: 10 });
 * const v4 = await rtnl.addrs.list({ dev: 'eth0', family: 'inet' });
 * await rtnl.addrs.del('eth0', '10.0.1.1/24');
 * ```
 * @module
 */
import { NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLMSG_HDRLEN, AF_INET, AF_INET6, AF_UNSPEC } from '../netlink/constants.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { broadcastOf, describe, networkOf, parseIP, parsePrefix, type Prefix } from '../netlink/ip.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import { encodeAttrs } from '../netlink/attr.js';
import { stringByteLength } from '../netlink/strings.js';
import type { Writer } from '../netlink/writer.js';
import type { Links } from './links.js';
import {
  ADDR_FLAGS,
  ADDR_PROTOS,
  addrPolicy,
  decodeAddress,
  INFINITY_LIFE_TIME,
  writeIfAddrMsg,
  type Address,
  type AddrProtoName,
} from './addr.js';
import { checkIfRef, checkInt, checkKeys, checkObject, parseFamily, SCOPES, type FamilyRef, type IfRef, type ScopeName } from './rtcommon.js';
import { UAPI as U } from './uapi.js';

/** IFA_F_* names accepted in `flags`. */
export type AddrFlagName =
  | 'secondary' | 'nodad' | 'optimistic' | 'dadfailed' | 'home' | 'deprecated' | 'tentative' | 'permanent'
  | 'mngtmpaddr' | 'noprefixroute' | 'autojoin' | 'stable-privacy';

/** Options of addrs.add() / replace() besides the device and the address. */
export interface AddrOptions {
  /** IFA_BROADCAST (IPv4): an address, '+' (host bits set, like `brd +`) or '-' (host bits clear). */
  broadcast?: string;
  /** IFA_LABEL (IPv4): up to 15 bytes, usually "dev" or "dev:alias". */
  label?: string;
  /** ifa_scope: 'global' (default), 'site', 'link', 'host' (default for 127.0.0.0/8), or 0..255. */
  scope?: ScopeName | 'universe' | number;
  /** IFA_FLAGS: names (['nodad', 'noprefixroute', 'mngtmpaddr', 'autojoin', 'optimistic', 'home', ...]) or a number. */
  flags?: AddrFlagName[] | number;
  /** IFA_CACHEINFO valid lifetime in seconds, or 'forever' (default). */
  validLft?: number | 'forever';
  /** IFA_CACHEINFO preferred lifetime in seconds, or 'forever'. Defaults to validLft when only that is given. */
  preferredLft?: number | 'forever';
  /** Peer of a point-to-point address ("10.0.0.2" or "10.0.0.2/32"): sent as IFA_ADDRESS, the address as IFA_LOCAL. */
  peer?: string;
  /** IFA_RT_PRIORITY: metric of the prefix route. */
  metric?: number;
  /** IFA_PROTO: who adds it ('unspec', 'kernel_lo', 'kernel_ra', 'kernel_ll' or 0..255). */
  proto?: AddrProtoName | number;
}

/** addrs.add() / replace() / del() in one object. */
export interface AddrSpec extends AddrOptions {
  /** Interface name or index. */
  dev: IfRef;
  /** "10.0.1.1/24", "2001:db8::1/64"; a bare address means a host prefix (/32, /128). */
  address: string;
}

/** Filter of addrs.list() / dump(): applied by the kernel. */
export interface AddrListFilter {
  /** Only addresses of this interface. */
  dev?: IfRef;
  /** 'inet' or 'inet6' (default: both). */
  family?: FamilyRef;
}

const OPTION_KEYS = ['broadcast', 'label', 'scope', 'flags', 'validLft', 'preferredLft', 'peer', 'metric', 'proto'] as const;

interface BuiltAddr {
  dev: IfRef;
  header: { family: number; prefixLen: number; ifaFlags: number; scope: number };
  attrs: Record<string, unknown>;
  what: string;
}

function lifetime(v: unknown, field: string): number {
  if (v === 'forever') return INFINITY_LIFE_TIME;
  return checkInt(v, field, 0, INFINITY_LIFE_TIME, "seconds or 'forever', an integer");
}

/** Validate add/replace input (no I/O). */
function buildAdd(a: unknown, b: unknown, c: unknown, what: string): BuiltAddr {
  let dev: unknown;
  let cidr: unknown;
  let opts: Record<string, unknown>;
  if (typeof a === 'object' && a !== null && b === undefined) {
    const spec = checkObject(a, 'options', 'an address spec');
    checkKeys(spec, ['dev', 'address', ...OPTION_KEYS], '', `addrs.${what}`);
    ({ dev, address: cidr } = spec);
    opts = spec;
    if (dev === undefined) throw new ArgumentError('dev', 'an interface (name or index) is required');
    if (cidr === undefined) throw new ArgumentError('address', 'an address such as "10.0.1.1/24" is required');
  } else {
    dev = a;
    cidr = b;
    opts = c === undefined ? {} : checkObject(c, 'options', 'address options');
    checkKeys(opts, OPTION_KEYS, 'options', `addrs.${what}`);
  }
  const ref = checkIfRef(dev, 'dev');
  const p = parsePrefix(cidr as string, 'address');
  const family = p.family === 4 ? AF_INET : AF_INET6;
  const attrs: Record<string, unknown> = { local: p.address, address: p.address };
  let prefixLen = p.prefixLen;
  if (opts.peer !== undefined) {
    const peer = parsePrefix(opts.peer as string, 'peer');
    if (peer.family !== p.family) throw new ArgumentError('peer', `peer "${String(opts.peer)}" is not an IPv${p.family} address like "${String(cidr)}"`);
    attrs.address = peer.address;
    prefixLen = peer.prefixLen;
  }
  let scope: number = p.family === 4 && p.address.startsWith('127.') ? U.RT_SCOPE_HOST : U.RT_SCOPE_UNIVERSE;
  if (opts.scope !== undefined) scope = SCOPES.parse(opts.scope, 'scope');
  let flags = 0;
  if (opts.flags !== undefined) flags = ADDR_FLAGS.parse(opts.flags, 'flags');
  if (opts.broadcast !== undefined) {
    if (p.family !== 4) throw new ArgumentError('broadcast', 'a broadcast address applies to IPv4 addresses only');
    const brd = opts.broadcast;
    if (brd === '+') attrs.broadcast = broadcastOf(p);
    else if (brd === '-') attrs.broadcast = networkOf(p);
    else {
      const ip = typeof brd === 'string' ? parseIP(brd) : undefined;
      if (!ip || ip.family !== 4) throw new ArgumentError('broadcast', `expected an IPv4 address, '+' or '-', got ${describe(brd)}`);
      attrs.broadcast = brd;
    }
  }
  if (opts.label !== undefined) {
    if (p.family !== 4) throw new ArgumentError('label', 'labels apply to IPv4 addresses only');
    const l = opts.label;
    if (typeof l !== 'string' || l.length === 0 || stringByteLength(l) > 15 || l.includes('\0')) {
      throw new ArgumentError('label', `expected a label of 1..15 bytes (e.g. "eth0:web"), got ${describe(l)}`);
    }
    attrs.label = l;
  }
  if (opts.validLft !== undefined || opts.preferredLft !== undefined) {
    const valid = opts.validLft !== undefined ? lifetime(opts.validLft, 'validLft') : INFINITY_LIFE_TIME;
    const preferred = opts.preferredLft !== undefined ? lifetime(opts.preferredLft, 'preferredLft') : valid;
    if (valid === 0) throw new ArgumentError('validLft', 'the valid lifetime must be > 0');
    if (preferred > valid) throw new ArgumentError('preferredLft', `preferred lifetime ${preferred} is greater than the valid lifetime ${valid}`);
    attrs.cacheInfo = { preferred, valid, cstamp: 0, tstamp: 0 };
  }
  if (opts.metric !== undefined) attrs.metric = checkInt(opts.metric, 'metric', 0, 0xffffffff);
  if (opts.proto !== undefined) attrs.proto = ADDR_PROTOS.parse(opts.proto, 'proto');
  attrs.flags = flags;
  return { dev: ref, header: { family, prefixLen, ifaFlags: flags & 0xff, scope }, attrs, what: `addrs.${what} ${String(cidr)} dev ${String(ref)}` };
}

function isDecodedAddress(v: unknown): v is Address {
  return typeof v === 'object' && v !== null && typeof (v as Address).index === 'number' && typeof (v as Address).family === 'number' && typeof (v as Address).prefixLen === 'number';
}

export class Addrs {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}

  /** Stream addresses (`ip address show`); the kernel filters by dev and family. */
  async *dump(filter: AddrListFilter = {}): AsyncGenerator<Address> {
    const body = await this.dumpBody(filter);
    for await (const m of this.sock.dump(U.RTM_GETADDR, body, { what: 'addrs.list' })) {
      if (m.type === U.RTM_NEWADDR) yield decodeAddress(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    }
  }

  /** All addresses matching the filter (the dump is retried if the kernel reports it interrupted). */
  async list(filter: AddrListFilter = {}): Promise<Address[]> {
    const body = await this.dumpBody(filter);
    return this.sock.collect(U.RTM_GETADDR, body, (m) => (m.type === U.RTM_NEWADDR ? decodeAddress(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) : undefined), { what: 'addrs.list' });
  }

  private async dumpBody(filter: AddrListFilter): Promise<(w: Writer) => void> {
    const f = checkObject(filter, 'filter', 'a filter');
    checkKeys(f, ['dev', 'family'], 'filter', 'addrs.list');
    const family = f.family === undefined ? AF_UNSPEC : parseFamily(f.family, 'filter.family', [AF_UNSPEC, AF_INET, AF_INET6]);
    const dev = f.dev === undefined ? undefined : checkIfRef(f.dev, 'filter.dev');
    const index = dev === undefined ? 0 : await this.links.index(dev, 'filter.dev');
    return (w) => writeIfAddrMsg(w, { family, index });
  }

  /** Add an address (`ip address add`): NetlinkError EEXIST if present. */
  add(dev: IfRef, address: string, options?: AddrOptions): Promise<void>;
  add(spec: AddrSpec): Promise<void>;
  async add(a: IfRef | AddrSpec, b?: string, c?: AddrOptions): Promise<void> {
    await this.send(buildAdd(a, b, c, 'add'), NLM_F_CREATE | NLM_F_EXCL);
  }

  /** Add or update an address (`ip address replace`): lifetimes, flags, metric, broadcast of an existing address change. */
  replace(dev: IfRef, address: string, options?: AddrOptions): Promise<void>;
  replace(spec: AddrSpec): Promise<void>;
  async replace(a: IfRef | AddrSpec, b?: string, c?: AddrOptions): Promise<void> {
    await this.send(buildAdd(a, b, c, 'replace'), NLM_F_CREATE | NLM_F_REPLACE);
  }

  private async send(b: BuiltAddr, flags: number): Promise<void> {
    const index = await this.links.index(b.dev, 'dev');
    await this.sock.request(
      U.RTM_NEWADDR,
      (w) => {
        writeIfAddrMsg(w, { ...b.header, index });
        encodeAttrs(w, addrPolicy, b.attrs);
      },
      { what: b.what, flags },
    );
  }

  /**
   * Delete an address (`ip address del`): by device and address, by spec,
   * or pass an {@link Address} from list(). An IPv4 address without a
   * prefix length deletes the first address with that local address (like
   * iproute2's wildcard deletion); IPv6 without a length means /128.
   * NetlinkError EADDRNOTAVAIL when there is no such address.
   */
  del(dev: IfRef, address: string): Promise<void>;
  del(spec: Pick<AddrSpec, 'dev' | 'address' | 'peer' | 'label'> | Address): Promise<void>;
  async del(a: IfRef | Pick<AddrSpec, 'dev' | 'address' | 'peer' | 'label'> | Address, b?: string): Promise<void> {
    if (isDecodedAddress(a) && b === undefined) {
      const addr = a;
      await this.sock.request(
        U.RTM_DELADDR,
        (w) => {
          writeIfAddrMsg(w, { family: addr.family, prefixLen: addr.prefixLen, index: addr.index });
          encodeAttrs(w, addrPolicy, { local: addr.local, address: addr.address, label: addr.label });
        },
        { what: `addrs.del ${addr.cidr} dev ${addr.index}` },
      );
      return;
    }
    let dev: unknown;
    let cidr: unknown;
    let peer: unknown;
    let label: unknown;
    if (typeof a === 'object' && a !== null && b === undefined) {
      const spec = checkObject(a, 'options', 'an address spec');
      checkKeys(spec, ['dev', 'address', 'peer', 'label'], '', 'addrs.del');
      ({ dev, address: cidr, peer, label } = spec);
    } else {
      dev = a;
      cidr = b;
    }
    const ref = checkIfRef(dev, 'dev');
    const hasLen = typeof cidr === 'string' && cidr.includes('/');
    const p: Prefix = parsePrefix(cidr as string, 'address');
    const attrs: Record<string, unknown> = { local: p.address };
    let prefixLen = p.prefixLen;
    const wildcard = p.family === 4 && !hasLen && peer === undefined;
    if (!wildcard) attrs.address = p.address;
    if (peer !== undefined) {
      const pp = parsePrefix(peer as string, 'peer');
      if (pp.family !== p.family) throw new ArgumentError('peer', 'peer and address are of different families');
      attrs.address = pp.address;
      prefixLen = pp.prefixLen;
    }
    if (label !== undefined) {
      if (typeof label !== 'string' || !label || stringByteLength(label) > 15) throw new ArgumentError('label', 'expected a label of 1..15 bytes');
      attrs.label = label;
    }
    const index = await this.links.index(ref, 'dev');
    await this.sock.request(
      U.RTM_DELADDR,
      (w) => {
        writeIfAddrMsg(w, { family: p.family === 4 ? AF_INET : AF_INET6, prefixLen: wildcard ? 0 : prefixLen, index });
        encodeAttrs(w, addrPolicy, attrs);
      },
      { what: `addrs.del ${String(cidr)} dev ${String(ref)}` },
    );
  }

  /**
   * Remove every address matching the filter (`ip address flush dev X`).
   * Returns how many were removed. Addresses that vanish meanwhile (e.g.
   * IPv4 secondaries removed with their primary) are not errors.
   */
  async flush(filter: AddrListFilter = {}): Promise<number> {
    const list = await this.list(filter);
    let n = 0;
    // secondaries first, so removing a primary does not take them along before we get to them
    list.sort((x, y) => (y.flags & U.IFA_F_SECONDARY) - (x.flags & U.IFA_F_SECONDARY));
    for (const a of list) {
      try {
        await this.del(a);
        n++;
      } catch (e) {
        if (e instanceof NetlinkError && e.code === 'EADDRNOTAVAIL') continue;
        throw e;
      }
    }
    return n;
  }
}

export type { Address };
