/**
 * rtnl.neighs: neighbours (ARP / NDP, `ip neigh`) and bridge / vxlan FDB
 * entries (`bridge fdb`), RTM_*NEIGH.
 *
 * ```ts
 * await rtnl.neighs.add({ dev: 'eth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:07' });        // permanent
 * await rtnl.neighs.replace({ dev: 'eth0', dst: '10.0.1.7', lladdr: '02:00:00:00:00:08', state: 'stale' });
 * // bridge fdb append 00:00:00:00:00:00 dev vxlan0 dst 192.168.1.2   (VXLAN head-end replication)
 * await rtnl.neighs.fdb.append({ dev: 'vxlan0', lladdr: '00:00:00:00:00:00', dst: '192.168.1.2' });
 * const arp = await rtnl.neighs.list({ dev: 'eth0', family: 'inet' });
 * const fdb = await rtnl.neighs.fdb.list({ dev: 'vxlan0' });
 * ```
 * @module
 */
import { encodeAttrs, lladdr as lladdrCodec } from '../netlink/attr.js';
import { AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC, NLM_F_APPEND, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe, parseIP, parseMac, formatIP, formatMac } from '../netlink/ip.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Writer } from '../netlink/writer.js';
import type { Links } from './links.js';
import {
  decodeNeighbour,
  NEIGH_EXT_FLAGS,
  NEIGH_FLAGS,
  neighPolicy,
  neighStateValue,
  writeNdMsg,
  type Neighbour,
  type NeighExtFlagName,
  type NeighFlagName,
  type NeighStateName,
} from './neigh.js';
import { checkIfRef, checkInt, checkKeys, checkObject, parseFamily, PROTOCOLS, type FamilyRef, type IfRef, type ProtocolName } from './rtcommon.js';
import { UAPI as U } from './uapi.js';
import { constants } from 'node:os';

/** A neighbour or FDB entry to add, replace, append or delete. */
export interface NeighSpec {
  /** The interface (FDB: the bridge port or the vxlan device), name or index. */
  dev: IfRef;
  /** NDA_DST: the neighbour's IP (ARP/NDP, required there); for vxlan FDB entries the remote VTEP. */
  dst?: string;
  /** NDA_LLADDR: the link-layer address (FDB: the MAC, required). */
  lladdr?: string;
  /** 'inet' / 'inet6' (default: dst's family) or 'bridge' for FDB entries. */
  family?: FamilyRef;
  /**
   * ndm_state: a NUD_* name ('permanent', 'reachable', 'stale', 'noarp', 'delay', 'probe', 'failed', 'incomplete', 'none'),
   * several names (OR-ed), or a number. Default 'permanent' (like ip neigh add); FDB: noarp|permanent (like bridge fdb add:
   * a "local" entry); give 'noarp' for bridge `static`, 'reachable' for `dynamic`.
   */
  state?: NeighStateName | NeighStateName[] | number;
  /** ndm_flags: NTF_* names ('router', 'proxy', 'self', 'master', 'use', 'extern_learn', 'sticky') or a number. FDB default ['self']. */
  flags?: NeighFlagName[] | number;
  /** NDA_FLAGS_EXT: 'managed', 'locked', 'ext_validated' or a number. */
  extFlags?: NeighExtFlagName[] | number;
  /** NDA_VLAN (FDB) */
  vlan?: number;
  /** NDA_PORT: vxlan remote UDP port (FDB) */
  port?: number;
  /** NDA_VNI: vxlan remote VNI (FDB) */
  vni?: number;
  /** NDA_SRC_VNI (FDB, collect-metadata vxlan) */
  srcVni?: number;
  /** NDA_IFINDEX: vxlan FDB: reach the remote through this interface (`via DEV`) */
  via?: IfRef;
  /** NDA_MASTER: the bridge (FDB entries on a port) */
  master?: IfRef;
  /** NDA_PROTOCOL */
  protocol?: ProtocolName | number;
  /** NDA_NH_ID: nexthop group (FDB) */
  nhId?: number;
}

/** Filter of neighs.list() / dump(): applied by the kernel. */
export interface NeighListFilter {
  /** Only entries of this interface (FDB: this port or vxlan device). */
  dev?: IfRef;
  /** Only entries of ports of this master (bridge / vrf). */
  master?: IfRef;
  /** 'inet', 'inet6' (default: both) or 'bridge' (FDB). */
  family?: FamilyRef;
  /** Proxy entries (NTF_PROXY) instead of the neighbour table. */
  proxy?: boolean;
}

const SPEC_KEYS = ['dev', 'dst', 'lladdr', 'family', 'state', 'flags', 'extFlags', 'vlan', 'port', 'vni', 'srcVni', 'via', 'master', 'protocol', 'nhId'] as const;

interface BuiltNeigh {
  header: { family: number; state: number; flags: number };
  dev: IfRef;
  attrs: Record<string, unknown>;
  refs: Array<['via' | 'master', IfRef, string]>;
  what: string;
}

/** Validate a neighbour spec (no I/O). */
function buildNeigh(input: unknown, mode: 'new' | 'del', what: string, forceBridge: boolean): BuiltNeigh {
  const s = checkObject(input, 'neighbour', 'a neighbour');
  checkKeys(s, SPEC_KEYS, '', what);
  if (s.dev === undefined) throw new ArgumentError('dev', 'an interface (name or index) is required');
  const dev = checkIfRef(s.dev, 'dev');
  const dst = s.dst !== undefined ? (typeof s.dst === 'string' ? parseIP(s.dst) : undefined) : undefined;
  if (s.dst !== undefined && !dst) throw new ArgumentError('dst', `expected an IPv4 or IPv6 address, got ${describe(s.dst)}`);
  let family: number;
  if (forceBridge) {
    if (s.family !== undefined && parseFamily(s.family, 'family') !== AF_BRIDGE) throw new ArgumentError('family', "fdb entries are family 'bridge'");
    family = AF_BRIDGE;
  } else if (s.family !== undefined) family = parseFamily(s.family, 'family', [AF_INET, AF_INET6, AF_BRIDGE]);
  else if (dst) family = dst.family === 4 ? AF_INET : AF_INET6;
  else throw new ArgumentError('dst', "a neighbour needs dst (an IP address), or family: 'bridge' for an FDB entry");
  const bridge = family === AF_BRIDGE;
  const attrs: Record<string, unknown> = {};
  const refs: BuiltNeigh['refs'] = [];
  if (dst) {
    if (!bridge && (dst.family === 4 ? AF_INET : AF_INET6) !== family) throw new ArgumentError('dst', `"${String(s.dst)}" does not match family ${String(s.family)}`);
    attrs.dst = formatIP(dst.bytes);
  } else if (!bridge) throw new ArgumentError('dst', 'an IP address is required for an ARP/NDP entry');
  if (s.lladdr !== undefined) attrs.lladdr = bridge ? formatMac(parseMac(s.lladdr, 'lladdr', 6)) : lladdrCodec.check(s.lladdr, 'lladdr', attrs);
  else if (bridge) throw new ArgumentError('lladdr', 'an FDB entry needs the MAC address (lladdr)');

  let state = 0;
  if (s.state !== undefined) state = neighStateValue(s.state);
  else if (mode === 'new') state = bridge ? U.NUD_NOARP | U.NUD_PERMANENT : U.NUD_PERMANENT;
  let flags = s.flags !== undefined ? NEIGH_FLAGS.parse(s.flags, 'flags') : 0;
  if (bridge && !(flags & (U.NTF_SELF | U.NTF_MASTER))) flags |= U.NTF_SELF;
  if (s.extFlags !== undefined) attrs.flagsExt = NEIGH_EXT_FLAGS.parse(s.extFlags, 'extFlags');

  const fdbOnly = (k: string): void => {
    if (!bridge) throw new ArgumentError(k, `${k} applies to FDB entries (family 'bridge') only`);
  };
  if (s.vlan !== undefined) {
    fdbOnly('vlan');
    attrs.vlan = checkInt(s.vlan, 'vlan', 1, 4094);
  }
  if (s.port !== undefined) {
    fdbOnly('port');
    attrs.port = checkInt(s.port, 'port', 1, 0xffff);
  }
  if (s.vni !== undefined) {
    fdbOnly('vni');
    attrs.vni = checkInt(s.vni, 'vni', 0, 0xffffff);
  }
  if (s.srcVni !== undefined) {
    fdbOnly('srcVni');
    attrs.srcVni = checkInt(s.srcVni, 'srcVni', 0, 0xffffff);
  }
  if (s.nhId !== undefined) {
    fdbOnly('nhId');
    attrs.nhId = checkInt(s.nhId, 'nhId', 1, 0xffffffff);
  }
  if (s.via !== undefined) {
    fdbOnly('via');
    refs.push(['via', checkIfRef(s.via, 'via'), 'via']);
  }
  if (s.master !== undefined) refs.push(['master', checkIfRef(s.master, 'master'), 'master']);
  if (s.protocol !== undefined) attrs.protocol = PROTOCOLS.parse(s.protocol, 'protocol');
  const key = bridge ? `${String(attrs.lladdr)}${attrs.dst ? ` dst ${String(attrs.dst)}` : ''}` : String(attrs.dst);
  return { header: { family, state, flags }, dev, attrs, refs, what: `${what} ${key} dev ${String(dev)}` };
}

function isDecodedNeighbour(v: unknown): v is Neighbour {
  const n = v as Neighbour;
  return typeof n === 'object' && n !== null && typeof n.family === 'number' && typeof n.index === 'number' && n.state !== undefined && typeof n.flags === 'number';
}

/** `bridge fdb`: the FDB side of rtnl.neighs (family AF_BRIDGE, NTF_SELF unless master is asked). */
export class Fdb {
  constructor(private readonly neighs: Neighs) {}
  /** FDB entries (`bridge fdb show [dev X] [br Y]`). */
  async list(filter: Omit<NeighListFilter, 'family' | 'proxy'> = {}): Promise<Neighbour[]> {
    return this.neighs.list({ ...checkObject(filter, 'filter', 'a filter'), family: 'bridge' });
  }
  /** Stream FDB entries. */
  async *dump(filter: Omit<NeighListFilter, 'family' | 'proxy'> = {}): AsyncGenerator<Neighbour> {
    yield* this.neighs.dump({ ...checkObject(filter, 'filter', 'a filter'), family: 'bridge' });
  }
  /** `bridge fdb add` */
  async add(entry: Omit<NeighSpec, 'family'>): Promise<void> {
    return this.neighs.send(entry, NLM_F_CREATE | NLM_F_EXCL, 'fdb.add', true);
  }
  /** `bridge fdb append`: another remote for the same MAC (vxlan head-end replication). */
  async append(entry: Omit<NeighSpec, 'family'>): Promise<void> {
    return this.neighs.send(entry, NLM_F_CREATE | NLM_F_APPEND, 'fdb.append', true);
  }
  /** `bridge fdb replace` */
  async replace(entry: Omit<NeighSpec, 'family'>): Promise<void> {
    return this.neighs.send(entry, NLM_F_CREATE | NLM_F_REPLACE, 'fdb.replace', true);
  }
  /** `bridge fdb del` (vxlan: with dst, only that remote) */
  async del(entry: Omit<NeighSpec, 'family'> | Neighbour): Promise<void> {
    if (isDecodedNeighbour(entry)) return this.neighs.del(entry);
    return this.neighs.sendDel(entry, 'fdb.del', true);
  }
}

export class Neighs {
  /** Bridge / vxlan forwarding database helpers (family 'bridge'). */
  readonly fdb: Fdb;

  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {
    this.fdb = new Fdb(this);
  }

  /** Stream neighbour (or, with family 'bridge', FDB) entries. */
  async *dump(filter: NeighListFilter = {}): AsyncGenerator<Neighbour> {
    const body = await this.dumpBody(filter);
    for await (const m of this.sock.dump(U.RTM_GETNEIGH, body, { what: 'neighs.list' })) {
      if (m.type === U.RTM_NEWNEIGH) yield decodeNeighbour(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    }
  }

  /** All entries matching the filter (`ip neigh show`, or `bridge fdb show` with family 'bridge'). */
  async list(filter: NeighListFilter = {}): Promise<Neighbour[]> {
    const body = await this.dumpBody(filter);
    return this.sock.collect(U.RTM_GETNEIGH, body, (m) => (m.type === U.RTM_NEWNEIGH ? decodeNeighbour(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) : undefined), { what: 'neighs.list' });
  }

  private async dumpBody(filter: NeighListFilter): Promise<(w: Writer) => void> {
    const f = checkObject(filter, 'filter', 'a filter');
    checkKeys(f, ['dev', 'master', 'family', 'proxy'], 'filter', 'neighs.list');
    const family = f.family === undefined ? AF_UNSPEC : parseFamily(f.family, 'filter.family', [AF_UNSPEC, AF_INET, AF_INET6, AF_BRIDGE]);
    if (f.proxy !== undefined && typeof f.proxy !== 'boolean') throw new ArgumentError('filter.proxy', 'expected true or false');
    if (f.proxy && family === AF_BRIDGE) throw new ArgumentError('filter.proxy', 'proxy entries exist for ARP/NDP only');
    const dev = f.dev === undefined ? undefined : checkIfRef(f.dev, 'filter.dev');
    const master = f.master === undefined ? undefined : checkIfRef(f.master, 'filter.master');
    const devIndex = dev === undefined ? undefined : await this.links.index(dev, 'filter.dev');
    const masterIndex = master === undefined ? undefined : await this.links.index(master, 'filter.master');
    return (w) => {
      writeNdMsg(w, { family, flags: f.proxy ? U.NTF_PROXY : 0 });
      if (devIndex !== undefined) w.attrU32(U.NDA_IFINDEX, devIndex);
      if (masterIndex !== undefined) w.attrU32(U.NDA_MASTER, masterIndex);
    };
  }

  /**
   * One ARP/NDP entry (`ip neigh get DST dev DEV`). NetlinkError ENOENT when
   * there is none.
   */
  async get(dev: IfRef, dst: string, opts: { proxy?: boolean } = {}): Promise<Neighbour> {
    const ref = checkIfRef(dev, 'dev');
    const ipd = typeof dst === 'string' ? parseIP(dst) : undefined;
    if (!ipd) throw new ArgumentError('dst', `expected an IP address, got ${describe(dst)}`);
    const o = checkObject(opts, 'options', 'options');
    checkKeys(o, ['proxy'], 'options', 'neighs.get');
    if (o.proxy !== undefined && typeof o.proxy !== 'boolean') throw new ArgumentError('options.proxy', 'expected true or false');
    const index = await this.links.index(ref, 'dev');
    const replies = await this.sock.request(
      U.RTM_GETNEIGH,
      (w) => {
        writeNdMsg(w, { family: ipd.family === 4 ? AF_INET : AF_INET6, index, flags: o.proxy ? U.NTF_PROXY : 0 });
        encodeAttrs(w, neighPolicy, { dst: formatIP(ipd.bytes) });
      },
      { what: `neighs.get ${dst} dev ${String(ref)}` },
    );
    const m = replies.find((x) => x.type === U.RTM_NEWNEIGH);
    if (!m) throw new NetlinkError(-constants.errno.ENOENT, { message: `neighs.get ${dst}: no answer` });
    return decodeNeighbour(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
  }

  /** Add an entry (`ip neigh add`; with family 'bridge' `bridge fdb add`). EEXIST if present. */
  async add(entry: NeighSpec): Promise<void> {
    return this.send(entry, NLM_F_CREATE | NLM_F_EXCL, 'neighs.add', false);
  }

  /** Add or update an entry (`ip neigh replace`). */
  async replace(entry: NeighSpec): Promise<void> {
    return this.send(entry, NLM_F_CREATE | NLM_F_REPLACE, 'neighs.replace', false);
  }

  /** Change an existing entry (`ip neigh change`). */
  async change(entry: NeighSpec): Promise<void> {
    return this.send(entry, NLM_F_REPLACE, 'neighs.change', false);
  }

  /** Append (NLM_F_APPEND): for FDB entries another remote of the same MAC (`bridge fdb append`). */
  async append(entry: NeighSpec): Promise<void> {
    return this.send(entry, NLM_F_CREATE | NLM_F_APPEND, 'neighs.append', false);
  }

  /** Delete an entry (`ip neigh del` / `bridge fdb del`), by spec or a listed {@link Neighbour}. */
  async del(entry: NeighSpec | Neighbour): Promise<void> {
    if (isDecodedNeighbour(entry)) {
      const n = entry;
      const attrs: Record<string, unknown> = { dst: n.dst };
      if (n.family === AF_BRIDGE) Object.assign(attrs, { lladdr: n.lladdr, vlan: n.vlan, vni: n.vni, port: n.port, srcVni: n.srcVni, via: n.via, nhId: n.nhId });
      await this.sock.request(
        U.RTM_DELNEIGH,
        (w) => {
          writeNdMsg(w, { family: n.family, index: n.index, flags: n.flags & (U.NTF_SELF | U.NTF_MASTER | U.NTF_PROXY) });
          encodeAttrs(w, neighPolicy, attrs);
        },
        { what: `neighs.del ${n.dst ?? n.lladdr ?? ''} dev ${n.index}` },
      );
      return;
    }
    await this.sendDel(entry, 'neighs.del', false);
  }

  /** @internal */
  async sendDel(entry: unknown, what: string, bridge: boolean): Promise<void> {
    const b = buildNeigh(entry, 'del', what, bridge);
    await this.request(U.RTM_DELNEIGH, b, 0);
  }

  /** @internal */
  async send(entry: unknown, flags: number, what: string, bridge: boolean): Promise<void> {
    const b = buildNeigh(entry, 'new', what, bridge);
    await this.request(U.RTM_NEWNEIGH, b, flags);
  }

  private async request(type: number, b: BuiltNeigh, flags: number): Promise<void> {
    const index = await this.links.index(b.dev, 'dev');
    for (const [k, ref, field] of b.refs) b.attrs[k] = await this.links.index(ref, field);
    await this.sock.request(
      type,
      (w) => {
        writeNdMsg(w, { ...b.header, index });
        encodeAttrs(w, neighPolicy, b.attrs);
      },
      { what: b.what, flags },
    );
  }
}

export type { Neighbour };
