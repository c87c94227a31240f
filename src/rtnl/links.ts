/**
 * rtnl.links: list, get, add, set, del network interfaces (RTM_*LINK).
 * @module
 */
import { closeSync } from 'node:fs';
import { checkAttrs, type Policy } from '../netlink/attr.js';
import { stringByteLength } from '../netlink/strings.js';
import { AF_BRIDGE, AF_INET6, NETLINK_ROUTE, NLM_F_CREATE, NLM_F_ECHO, NLM_F_EXCL, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { RawMessage } from '../netlink/message.js';
import { NetlinkSocket, netnsPath, openNetns, type NetnsRef } from '../netlink/socket.js';
import { describeRequestOffset, rtmName, summarizeMessage } from './schema.js';
import type { Writer } from '../netlink/writer.js';
import type { LinkAfSpecOptions } from './afspec.js';
import { checkEtherDeviceAddress, decodeLink, linkPolicy, writeIfInfoMsg, type AnyLink, type BridgeLink, type Inet6Link, type Link, type LinkAttrs, type LinkInfo } from './link.js';
import {
  getCreator,
  getKind,
  kindByOptionsKey,
  kindBySlaveKey,
  kindsWithExtraKey,
  type KindAddOptions,
  type KindContext,
  type KindOptions,
  type KnownKind,
  type SlaveOptions,
  type UnmodelledKind,
} from './kinds/registry.js';
import { encodeAttrs } from '../netlink/attr.js';
import { UAPI as U } from './uapi.js';
import { constants } from 'node:os';
import { checkIfName, checkIfRefName, checkNameBytes, resolveIfindexes } from './ifname.js';

/** An interface by name (string) or index (number). */
export type LinkRef = string | number;

/** Options common to links.add() and links.set(). Any settable IFLA_* attribute can be given by its API name. */
export interface LinkCommonOptions {
  /** IFF_UP: bring the link up (true) or down (false). */
  up?: boolean;
  /** IFLA_MTU */
  mtu?: number;
  /** IFLA_ADDRESS: "aa:bb:cc:dd:ee:ff" */
  address?: string;
  /** IFLA_BROADCAST */
  broadcast?: string;
  /** IFLA_TXQLEN */
  txQueueLen?: number;
  /** IFLA_IFALIAS */
  alias?: string;
  /** IFLA_GROUP */
  group?: number;
  /** IFLA_MASTER: enslave to a bridge/bond/vrf by name or index; `null` or 0 releases (nomaster). */
  master?: LinkRef | null;
  /** Move the link into (set) / create it in (add) another network namespace. */
  netns?: NetnsRef;
  /** IFLA_NUM_TX_QUEUES */
  numTxQueues?: number;
  /** IFLA_NUM_RX_QUEUES */
  numRxQueues?: number;
  /** IFLA_GSO_MAX_SIZE */
  gsoMaxSize?: number;
  /** IFLA_GSO_MAX_SEGS */
  gsoMaxSegs?: number;
  /** IFLA_GRO_MAX_SIZE */
  groMaxSize?: number;
  /** IFLA_LINKMODE */
  linkMode?: number;
  /** IFLA_OPERSTATE */
  operState?: LinkAttrs['operState'];
  /** IFLA_CARRIER */
  carrier?: boolean;
  /** IFLA_PROTO_DOWN */
  protoDown?: boolean;
  /** IFLA_NEW_IFINDEX (add: request this ifindex) */
  newIfindex?: number;
  /** ARP on/off (IFF_NOARP cleared/set). */
  arp?: boolean;
  /** IFF_PROMISC */
  promisc?: boolean;
  /** IFF_ALLMULTI */
  allmulticast?: boolean;
  /** IFF_MULTICAST */
  multicast?: boolean;
  /** IFLA_AF_SPEC: per-family settings (inet devconf, inet6 token / addrGenMode). */
  afSpec?: LinkAfSpecOptions;
}

type KindOptionKeys = { [K in keyof KindOptions]?: KindOptions[K] };
type SlaveOptionKeys = { [K in keyof SlaveOptions]?: SlaveOptions[K] };

/** Options every links.add() arm takes besides `kind` and the kind's own options. */
export interface LinkAddCommonOptions extends LinkCommonOptions {
  /** IFLA_IFNAME (1..15 bytes; may contain %d). The kernel picks one when omitted. */
  name?: string;
  /** IFLA_LINK: the lower device (vlan/macvlan/ipvlan/macsec/ipoib parent: required there), by name or index. */
  link?: LinkRef;
}

/**
 * links.add() options for one modelled kind: `kind`, the common options and
 * the kind's own (from {@link KindAddOptions}), e.g. for 'vlan':
 * `{ kind: 'vlan', link: LinkRef, vlan: VlanOptions & { id: number }, name?, mtu?, ... }`.
 */
export type LinkAddOptionsOf<K extends KnownKind> = LinkAddCommonOptions & { kind: K } & KindAddOptions[K];

/** The union of every modelled kind's links.add() options, discriminated on `kind`. */
export type ModelledLinkAddOptions = { [K in KnownKind]: LinkAddOptionsOf<K> }[KnownKind];

/**
 * links.add() options for a kind the library has no module for: the kind
 * name goes through {@link unmodelledKind} (so that a typo of a known kind
 * stays a compile error), kind options as raw IFLA_INFO_DATA bytes.
 *
 * ```ts
 * await rtnl.links.add({ kind: unmodelledKind('bareudp'), name: 'bu0', infoData });
 * ```
 */
export interface UnmodelledLinkAddOptions extends LinkAddCommonOptions {
  kind: UnmodelledKind;
  /** The payload of IFLA_INFO_DATA (attributes encoded by the caller, e.g. with a Writer), sent as is. */
  infoData?: Uint8Array;
}

/**
 * links.add() options: a union discriminated on `kind`. Known kinds complete
 * in an editor and take their options under the kind's key (bridge: {...},
 * vxlan: {...}); options of another kind, a misspelt kind and a missing
 * parent of vlan/macvlan/ipvlan/macsec/ipoib are compile errors. Kinds the
 * library does not model: {@link UnmodelledLinkAddOptions}.
 */
export type LinkAddOptions = ModelledLinkAddOptions | UnmodelledLinkAddOptions;

/** Kinds created as a pair (their arm has a `peer`): veth, vxcan. */
export type PeerKind = { [K in KnownKind]: 'peer' extends keyof KindAddOptions[K] ? K : never }[KnownKind];

/** links.add() options of a kind created as a pair. */
export type PeerLinkAddOptions = { [K in PeerKind]: LinkAddOptionsOf<K> }[PeerKind];

/** What links.add() resolves to for a veth/vxcan: both ends, as the kernel reports them. */
export interface LinkPair {
  /** The device named by `name` (the kernel's IFLA_IFNAME of the request). */
  link: Link;
  /** The other end (`peer`), read in its namespace (`peer.netns`, else the handle's). */
  peer: Link;
}

/**
 * The parameter type of links.add() for the kind K the call is inferred to
 * create: the whole union intersected with `{ kind: K }` for known kinds (so
 * that editors still complete every kind), the unmodelled-kind options else.
 */
export type LinkAddOptionsFor<K extends KnownKind | UnmodelledKind> = (K extends KnownKind ? ModelledLinkAddOptions : UnmodelledLinkAddOptions) & { kind: K };

/** What links.add() of kind K resolves to: a {@link LinkPair} for veth/vxcan, else the {@link Link} (nothing with `{ returnLink: false }`). */
export type LinkAddResult<K> = [K] extends [PeerKind] ? LinkPair : Link;

/** The second argument of links.add()/links.replace(). */
export interface LinkAddRequestOptions {
  /**
   * Resolve to the created link (veth/vxcan: both ends), read from the
   * kernel's own answer. Default true. `false` resolves to undefined and
   * costs nothing extra: no NLM_F_ECHO, no lookup (bulk creation).
   */
  returnLink?: boolean;
}

/** links.set() options. Kind options (e.g. `bridge: { stpState: 1 }`) change the link's kind data. */
export interface LinkSetOptions extends LinkCommonOptions, KindOptionKeys, SlaveOptionKeys {
  /** Rename (IFLA_IFNAME). */
  name?: string;
  /** IFLA_LINK */
  link?: LinkRef;
}

/** Filters for links.list()/dump(); master and kind are filtered by the kernel. */
export interface LinkListFilter {
  /** Only links enslaved to this master (name or index). */
  master?: LinkRef;
  /** Only links of this kind. */
  kind?: string;
  /** Message family: 0 (default) or AF_BRIDGE (7) for bridge port details. */
  family?: number;
  /**
   * `true` asks for the per-link IPv6 counters (`afSpec.inet6.stats` and
   * `icmp6stats`, 45 u64 values a link) and SR-IOV VF counters, like
   * `ip -s link show`. Default `false`: the request carries
   * RTEXT_FILTER_SKIP_STATS, as `ip link show` and `ip -d link show` send it,
   * and the kernel leaves those out (about a third of its work and of the
   * decoding in a dump). The link counters `stats`/`stats64` are sent either
   * way. See docs/guide.md, "Counters in link dumps".
   */
  stats?: boolean;
}

const FLAG_OPTS: Array<[key: keyof LinkCommonOptions, bit: number, invert: boolean]> = [
  ['up', U.IFF_UP, false],
  ['arp', U.IFF_NOARP, true],
  ['promisc', U.IFF_PROMISC, false],
  ['allmulticast', U.IFF_ALLMULTI, false],
  ['multicast', U.IFF_MULTICAST, false],
];
/** Options build() handles itself (kinds' own top-level keys, such as veth's `peer`, are the kinds' business: kindsWithExtraKey). */
const OWN_KEYS = new Set(['kind', 'name', 'master', 'link', 'netns', 'infoData', 'up', 'arp', 'promisc', 'allmulticast', 'multicast']);

interface Built {
  header: { family: number; index: number; flags: number; change: number };
  attrs: Record<string, unknown>;
  fds: number[];
}

function checkRef(ref: unknown, field: string): LinkRef {
  if (typeof ref === 'number') {
    if (!Number.isInteger(ref) || ref <= 0 || ref > 0x7fffffff) throw new ArgumentError(field, `expected an interface index > 0, got ${ref}`);
    return ref;
  }
  if (typeof ref === 'string') {
    // alternative names may be up to 127 bytes
    checkIfRefName(ref, field);
    return ref;
  }
  throw new ArgumentError(field, `expected an interface name or index, got ${describe(ref)}`);
}

function checkAddRequest(request: unknown): boolean {
  if (request === undefined) return true;
  if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new ArgumentError('request', `expected { returnLink?: boolean }, got ${describe(request)}`);
  for (const k of Object.keys(request)) if (k !== 'returnLink') throw new ArgumentError(`request.${k}`, 'unknown option (known: returnLink)');
  const r = (request as LinkAddRequestOptions).returnLink;
  if (r !== undefined && typeof r !== 'boolean') throw new ArgumentError('request.returnLink', `expected true or false, got ${describe(r)}`);
  return r !== false;
}

export class Links {
  constructor(private readonly sock: NetlinkSocket) {}

  /** Dump links as a stream of typed objects (of the filter's message family, see list()). */
  dump(filter?: LinkListFilter & { family?: 0 }): AsyncGenerator<Link>;
  dump(filter: LinkListFilter & { family: 7 }): AsyncGenerator<BridgeLink>;
  dump(filter: LinkListFilter & { family: 10 }): AsyncGenerator<Inet6Link>;
  dump(filter: LinkListFilter): AsyncGenerator<AnyLink>;
  async *dump(filter: LinkListFilter = {}): AsyncGenerator<AnyLink> {
    const body = await this.dumpBody(filter);
    for await (const m of this.sock.dump(U.RTM_GETLINK, body, { what: 'links.list' })) {
      if (m.type !== U.RTM_NEWLINK) continue;
      yield decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    }
  }

  /**
   * All links (retried if the kernel reports the dump as interrupted). The
   * kernel answers in the family asked for: {@link Link} by default,
   * {@link BridgeLink} for `family: AF_BRIDGE` (7), {@link Inet6Link} for
   * `family: AF_INET6` (10).
   */
  list(filter?: LinkListFilter & { family?: 0 }): Promise<Link[]>;
  list(filter: LinkListFilter & { family: 7 }): Promise<BridgeLink[]>;
  list(filter: LinkListFilter & { family: 10 }): Promise<Inet6Link[]>;
  list(filter: LinkListFilter): Promise<AnyLink[]>;
  async list(filter: LinkListFilter = {}): Promise<AnyLink[]> {
    const body = await this.dumpBody(filter);
    return this.sock.collect(U.RTM_GETLINK, body, (m) => (m.type === U.RTM_NEWLINK ? decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) : undefined), { what: 'links.list' });
  }

  private async dumpBody(filter: LinkListFilter): Promise<(w: Writer) => void> {
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new ArgumentError('filter', `expected an object, got ${describe(filter)}`);
    for (const k of Object.keys(filter)) if (!['master', 'kind', 'family', 'stats'].includes(k)) throw new ArgumentError(`filter.${k}`, 'unknown filter (known: master, kind, family, stats)');
    if (filter.stats !== undefined && typeof filter.stats !== 'boolean') throw new ArgumentError('filter.stats', `expected a boolean, got ${describe(filter.stats)}`);
    const skipStats = filter.stats === true ? 0 : U.RTEXT_FILTER_SKIP_STATS;
    const family = filter.family ?? 0;
    if (!Number.isInteger(family) || family < 0 || family > 255) throw new ArgumentError('filter.family', 'expected 0..255');
    if (filter.kind !== undefined && (typeof filter.kind !== 'string' || !filter.kind)) throw new ArgumentError('filter.kind', 'expected a kind name');
    const master = filter.master !== undefined ? await this.index(checkRef(filter.master, 'filter.master'), 'filter.master') : undefined;
    return (w) => {
      writeIfInfoMsg(w, { family });
      // AF_INET6 link dumps (inet6_dump_ifinfo) take no attributes under strict checking
      if (family !== AF_INET6) w.attrU32(U.IFLA_EXT_MASK, U.RTEXT_FILTER_VF | skipStats | (family === AF_BRIDGE ? U.RTEXT_FILTER_BRVLAN : 0));
      if (master !== undefined) w.attrU32(U.IFLA_MASTER, master);
      if (filter.kind !== undefined) {
        const s = w.attrStart(U.IFLA_LINKINFO);
        w.attrString(U.IFLA_INFO_KIND, filter.kind);
        w.attrEnd(s);
      }
    };
  }

  /**
   * One link by name (or alternative name) or index. Rejects with NetlinkError ENODEV if absent.
   * `{ stats: true }` adds the per-link IPv6 and VF counters, as in {@link LinkListFilter.stats} (default: left out, like `ip link show`).
   */
  async get(ref: LinkRef, opts: { stats?: boolean } = {}): Promise<Link> {
    const r = checkRef(ref, 'link');
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('opts', `expected an object, got ${describe(opts)}`);
    for (const k of Object.keys(opts)) if (k !== 'stats') throw new ArgumentError(`opts.${k}`, 'unknown option (known: stats)');
    if (opts.stats !== undefined && typeof opts.stats !== 'boolean') throw new ArgumentError('opts.stats', `expected a boolean, got ${describe(opts.stats)}`);
    const replies = await this.sock.request(
      U.RTM_GETLINK,
      (w) => {
        writeIfInfoMsg(w, { index: typeof r === 'number' ? r : 0 });
        if (typeof r === 'string') {
          if (stringByteLength(r) > 15) w.attrString(U.IFLA_ALT_IFNAME, r);
          else w.attrString(U.IFLA_IFNAME, r);
        }
        w.attrU32(U.IFLA_EXT_MASK, U.RTEXT_FILTER_VF | (opts.stats === true ? 0 : U.RTEXT_FILTER_SKIP_STATS));
      },
      { what: `links.get ${r}` },
    );
    const m = replies.find((x) => x.type === U.RTM_NEWLINK);
    if (!m) throw new NetlinkError(-constants.errno.ENODEV, { message: `links.get ${r}: no answer` });
    // an AF_UNSPEC request is answered in AF_UNSPEC (rtnl_getlink)
    return decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) as Link;
  }

  /** Whether a link exists. */
  async exists(ref: LinkRef): Promise<boolean> {
    try {
      await this.get(ref);
      return true;
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') return false;
      throw e;
    }
  }

  /** Interface index of a name (numbers are returned as they are). */
  async index(ref: LinkRef, field = 'link'): Promise<number> {
    checkRef(ref, field);
    if (typeof ref === 'number') return ref;
    try {
      return (await this.get(ref)).index;
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') {
        throw new NetlinkError(-e.errno, { message: `${field}: no interface named "${ref}"`, ...(e.request ? { request: e.request } : {}) });
      }
      throw e;
    }
  }

  /**
   * Create a link: `ip link add`. Resolves to the new link as the kernel
   * reports it (veth/vxcan: a {@link LinkPair} with both ends), taken from
   * the kernel's NLM_F_ECHO answer where it gives one (kernels >= 6.3 for
   * most kinds), otherwise from one RTM_GETLINK; `{ returnLink: false }`
   * skips both and resolves to undefined.
   */
  add<K extends KnownKind | UnmodelledKind>(opts: LinkAddOptionsFor<K>, request: LinkAddRequestOptions & { returnLink: false }): Promise<void>;
  add<K extends KnownKind | UnmodelledKind>(opts: LinkAddOptionsFor<K>, request?: LinkAddRequestOptions & { returnLink?: true }): Promise<LinkAddResult<K>>;
  add(opts: LinkAddOptions, request?: LinkAddRequestOptions): Promise<Link | LinkPair | void>;
  async add(opts: LinkAddOptions, request?: LinkAddRequestOptions): Promise<Link | LinkPair | void> {
    return this.create(opts, request, false);
  }

  /**
   * Create or update a link (NLM_F_CREATE without NLM_F_EXCL): like add, but
   * an existing link of that name is changed (its kind must match). Resolves
   * like add().
   */
  replace<K extends KnownKind | UnmodelledKind>(opts: LinkAddOptionsFor<K>, request: LinkAddRequestOptions & { returnLink: false }): Promise<void>;
  replace<K extends KnownKind | UnmodelledKind>(opts: LinkAddOptionsFor<K>, request?: LinkAddRequestOptions & { returnLink?: true }): Promise<LinkAddResult<K>>;
  replace(opts: LinkAddOptions, request?: LinkAddRequestOptions): Promise<Link | LinkPair | void>;
  async replace(opts: LinkAddOptions, request?: LinkAddRequestOptions): Promise<Link | LinkPair | void> {
    return this.create(opts, request, true);
  }

  private async create(opts: LinkAddOptions, request: unknown, replace: boolean): Promise<Link | LinkPair | void> {
    const returnLink = checkAddRequest(request);
    const o = opts as unknown as Record<string, unknown>;
    const what = `links.${replace ? 'replace' : 'add'}`;
    const creator = getCreator((o as { kind?: unknown } | null)?.kind);
    if (creator) {
      const name = await creator(o, { socket: this.sock, links: this, replace });
      if (!returnLink) return;
      return this.inNamespace(o.netns as NetnsRef | undefined, (l) => l.get(name));
    }
    const built = await this.build(o, 'add');
    // Replace is NLM_F_CREATE alone: the kernel changes an existing link then,
    // while NLM_F_REPLACE on an existing link is refused (EOPNOTSUPP).
    const flags = NLM_F_CREATE | (replace ? 0 : NLM_F_EXCL) | (returnLink ? NLM_F_ECHO : 0);
    const replies = await this.send(built, flags, `${what} ${String(o.name ?? o.kind)}`);
    if (!returnLink) return;
    return this.readBack(o, replies, what);
  }

  /**
   * The link links.add() created. The kernel's echo (NLM_F_ECHO) is the
   * link as it was configured, before IFLA_MASTER is applied; without an echo
   * (kernels before 6.3, kinds whose driver announces the link itself such as
   * vxlan, a link created in another namespace) it is looked up: by name,
   * or, when the kernel chose the name, as the newest link of that kind (the
   * highest ifindex: the kernel hands them out in increasing order).
   */
  private async readBack(o: Record<string, unknown>, replies: RawMessage[], what: string): Promise<Link | LinkPair> {
    const name = typeof o.name === 'string' && !o.name.includes('%') ? o.name : undefined;
    const kind = o.kind as string;
    let main: Link | undefined;
    for (const m of replies) {
      if (m.type !== U.RTM_NEWLINK) continue;
      const l = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      if (l.family === 0 && (name === undefined || l.name === name)) main = l as Link;
    }
    if (main && o.master !== undefined) main = await this.get(main.index);
    if (!main) {
      main = await this.inNamespace(o.netns as NetnsRef | undefined, async (l) => {
        if (name !== undefined) return l.get(name);
        let newest: Link | undefined;
        for (const x of await l.list({ kind })) if (!newest || x.index > newest.index) newest = x;
        if (!newest) throw new NetlinkError(-constants.errno.ENODEV, { message: `links.add: the new ${kind} link is gone` });
        return newest;
      });
    }
    if (main.kind !== kind) {
      // links.replace() of a link of another kind: without kind options the kernel changes it anyway
      throw new NetlinkError(-constants.errno.EEXIST, {
        message: `${what}: ${main.name} is a ${main.kind ?? 'device without a kind'}, not a ${kind} (the kernel applied the common options to it)`,
      });
    }
    if (!getKind(kind)?.extraKeys?.includes('peer')) return main;
    // Where the peer is: in the link's namespace when the kernel reports no
    // IFLA_LINK_NETNSID; else in peer.netns, or the requester's namespace
    // (veth/vxcan create a peer given without netns in the source namespace,
    // and one not given at all with the link's own attributes, netns included).
    const kindOpts = o[kind] as { peer?: unknown } | undefined;
    const p = o.peer ?? kindOpts?.peer;
    const peerNs = main.linkNetnsId === undefined ? (o.netns as NetnsRef | undefined) : typeof p === 'object' && p !== null ? (p as { netns?: NetnsRef }).netns : undefined;
    const peerName = typeof p === 'string' ? p : typeof p === 'object' && p !== null ? (p as { name?: unknown }).name : undefined;
    const ref: LinkRef | undefined = main.link ?? (typeof peerName === 'string' && !peerName.includes('%') ? peerName : undefined);
    if (ref === undefined) throw new NetlinkError(-constants.errno.ENODEV, { message: `links.add: the kernel did not report the peer of ${main.name}` });
    const peer = await this.inNamespace(peerNs, (l) => l.get(ref));
    return { link: main, peer };
  }

  /** Run `fn` with a Links API in namespace `ns` (this one when undefined; else a socket opened there for the call). */
  private async inNamespace<T>(ns: NetnsRef | undefined, fn: (l: Links) => Promise<T>): Promise<T> {
    if (ns === undefined) return fn(this);
    const sock = NetlinkSocket.open({ protocol: NETLINK_ROUTE, netns: ns, typeName: rtmName, describeOffset: describeRequestOffset, summarize: summarizeMessage });
    try {
      return await fn(new Links(sock));
    } finally {
      sock.close();
    }
  }

  /** Change a link: `ip link set`. */
  async set(ref: LinkRef, changes: LinkSetOptions): Promise<void> {
    const r = checkRef(ref, 'link');
    const built = await this.build(changes as unknown as Record<string, unknown>, 'set', r);
    await this.send(built, 0, `links.set ${r}`);
  }

  /** Delete a link: `ip link del`. */
  async del(ref: LinkRef): Promise<void> {
    const r = checkRef(ref, 'link');
    await this.sock.request(
      U.RTM_DELLINK,
      (w) => {
        writeIfInfoMsg(w, { index: typeof r === 'number' ? r : 0 });
        if (typeof r === 'string') w.attrString(stringByteLength(r) > 15 ? U.IFLA_ALT_IFNAME : U.IFLA_IFNAME, r);
      },
      { what: `links.del ${r}` },
    );
  }

  /**
   * Delete every link of an interface group with one request (`ip link del
   * group G`; IFLA_GROUP on RTM_DELLINK). The kernel tears them down
   * together, paying its per-device synchronization once instead of once per
   * link: the fast way to remove many links. Group 0 (the default group of
   * every link) is refused, as the kernel would delete everything in it.
   */
  async delGroup(group: number): Promise<void> {
    if (!Number.isInteger(group) || group < 1 || group > 0xffffffff) {
      throw new ArgumentError('group', `expected an interface group 1..4294967295, got ${describe(group)}`);
    }
    await this.sock.request(
      U.RTM_DELLINK,
      (w) => {
        writeIfInfoMsg(w, {});
        w.attrU32(U.IFLA_GROUP, group);
      },
      { what: `links.delGroup ${group}` },
    );
  }

  /** Add alternative names (IFLA_PROP_LIST, like `ip link property add altname`). */
  async addAltNames(ref: LinkRef, names: string[]): Promise<void> {
    await this.altNames(U.RTM_NEWLINKPROP, ref, names, 'links.addAltNames');
  }

  /** Remove alternative names. */
  async delAltNames(ref: LinkRef, names: string[]): Promise<void> {
    await this.altNames(U.RTM_DELLINKPROP, ref, names, 'links.delAltNames');
  }

  private async altNames(type: number, ref: LinkRef, names: string[], what: string): Promise<void> {
    const r = checkRef(ref, 'link');
    if (!Array.isArray(names) || names.length === 0) throw new ArgumentError('names', 'expected a non-empty array of names');
    names.forEach((n, i) => {
      if (typeof n !== 'string' || n.length === 0) {
        throw new ArgumentError(`names[${i}]`, `"${String(n)}" is not a valid alternative name (1..127 bytes, no '/', ':' or whitespace)`);
      }
      checkNameBytes(n, `names[${i}]`, 127);
    });
    const index = await this.index(r);
    await this.sock.request(
      type,
      (w) => {
        writeIfInfoMsg(w, { index });
        const s = w.nestStart(U.IFLA_PROP_LIST, true);
        for (const n of names) w.attrString(U.IFLA_ALT_IFNAME, n);
        w.attrEnd(s);
      },
      { what: `${what} ${r}` },
    );
  }

  private async send(b: Built, flags: number, what: string): Promise<RawMessage[]> {
    try {
      return await this.sock.request(
        U.RTM_NEWLINK,
        (w) => {
          writeIfInfoMsg(w, b.header);
          encodeAttrs(w, linkPolicy, b.attrs);
        },
        { what, flags },
      );
    } finally {
      for (const fd of b.fds) closeSync(fd);
    }
  }

  /**
   * Validate options (throwing before any I/O), then resolve names to
   * indexes and open namespaces, and return the request parts.
   */
  private async build(input: Record<string, unknown>, mode: 'add' | 'set', ref?: LinkRef): Promise<Built> {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ArgumentError('options', `expected an options object, got ${describe(input)}`);
    }
    const header = { family: 0, index: 0, flags: 0, change: 0 };
    // ---- phase 1: validation only
    const kindName = input.kind;
    if (mode === 'add') {
      if (typeof kindName !== 'string' || kindName.length === 0 || kindName.includes('\0')) {
        throw new ArgumentError('kind', `expected a link kind such as 'veth', 'bridge' or 'vxlan', got ${describe(kindName)}`);
      }
    } else if (kindName !== undefined) {
      throw new ArgumentError('kind', 'the kind of an existing link cannot be changed; give kind options under their key instead');
    }
    const name = input.name;
    if (name !== undefined) checkIfName(name, 'name');
    for (const [key, bit, invert] of FLAG_OPTS) {
      const v = input[key];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw new ArgumentError(key, `expected true or false, got ${describe(v)}`);
      header.change |= bit;
      if (v !== invert) header.flags |= bit;
    }
    const master = input.master;
    if (master !== undefined && master !== null && master !== 0) checkRef(master, 'master');
    if (input.link !== undefined) checkRef(input.link, 'link');
    if (mode === 'add' && input.link === undefined && getKind(kindName)?.needsLink) {
      throw new ArgumentError('link', `a ${String(kindName)} link needs a parent device: give link: 'eth0' (the lower device's name or index)`);
    }
    if (input.netns !== undefined) {
      const ns = input.netns;
      if (!(typeof ns === 'string' || (typeof ns === 'object' && ns !== null))) throw new ArgumentError('netns', `expected a namespace name, path, { fd } or { pid }, got ${describe(ns)}`);
      netnsPath(ns as NetnsRef, 'netns'); // validates names, paths, pids and fds (no I/O)
    }
    let kind = mode === 'add' ? getKind(kindName) : undefined;
    let kindOptsKey: string | undefined;
    let slaveKind: ReturnType<typeof kindBySlaveKey>;
    let slaveKey: string | undefined;
    const common: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) {
      if (v === undefined || OWN_KEYS.has(k) || kindsWithExtraKey(k) !== undefined) continue;
      const byKey = kindByOptionsKey(k);
      if (byKey && (mode === 'set' || (kind && byKey === kind))) {
        if (mode === 'set') {
          if (kindOptsKey) throw new ArgumentError(k, `only one kind's options can be changed at a time (also got ${kindOptsKey})`);
          kind = byKey;
        }
        kindOptsKey = k;
        continue;
      }
      const sk = kindBySlaveKey(k);
      if (sk && mode === 'set') {
        slaveKind = sk;
        slaveKey = k;
        continue;
      }
      if (byKey && mode === 'add') {
        throw new ArgumentError(k, `options for kind "${byKey.kind}" given, but kind is "${String(kindName)}"`);
      }
      common[k] = v;
    }
    const infoData = input.infoData;
    if (infoData !== undefined) {
      if (mode !== 'add') throw new ArgumentError('infoData', 'raw IFLA_INFO_DATA is only for links.add() of a kind the library does not model; give kind options under their key');
      if (kind) throw new ArgumentError('infoData', `kind "${kind.kind}" is modelled: give its options under ${kind.optionsKey ?? kind.kind}: {...}`);
      if (!(infoData instanceof Uint8Array)) throw new ArgumentError('infoData', `expected the bytes of IFLA_INFO_DATA (a Uint8Array), got ${describe(infoData)}`);
    }
    for (const k of Object.keys(input)) {
      const owners = input[k] === undefined ? undefined : kindsWithExtraKey(k);
      if (owners && !(kind?.extraKeys ?? []).includes(k)) {
        throw new ArgumentError(k, `"${k}" is only valid for ${owners.join(', ')} links, not "${String(kindName ?? 'an existing link')}"`);
      }
    }
    const attrs = checkAttrs(linkPolicy, common, '');
    // an Ethernet-like kind (known when adding, or from kind options in set): a 6-byte broadcast, a unicast device address
    const etherKind = mode === 'add' ? (kindName as string) : kind?.kind;
    if (etherKind !== undefined && getKind(etherKind)?.ether) {
      if (typeof attrs.address === 'string') checkEtherDeviceAddress(attrs.address, 'address', etherKind);
      const v = attrs.broadcast;
      if (typeof v === 'string' && v.split(':').length !== 6) throw new ArgumentError('broadcast', `"${v}" is not a 6-byte Ethernet address, which a ${etherKind} link needs`);
    }
    // Kind options are checked now when the kind has a plain policy; prepare() hooks check themselves.
    let kindInput: Record<string, unknown> | undefined;
    if (kind && kindOptsKey) {
      const raw = input[kindOptsKey];
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ArgumentError(kindOptsKey, `expected an object of ${kind.kind} options, got ${describe(raw)}`);
      kindInput = raw as Record<string, unknown>;
      if (kind.check) kindInput = kind.check(kindInput, input, mode);
      else if (!kind.prepare) {
        if (!kind.data) throw new ArgumentError(kindOptsKey, `kind "${kind.kind}" takes no options`);
        kindInput = checkAttrs(kind.data, kindInput, kindOptsKey);
      }
    } else if (mode === 'add' && kind?.check) {
      kindInput = kind.check(undefined, input, mode);
    } else if (mode === 'add' && !kind && typeof kindName === 'string') {
      // An unregistered kind: sent as is; the kernel decides ("Unknown device type").
    }
    let slaveInput: Record<string, unknown> | undefined;
    if (slaveKind && slaveKey) {
      if (!slaveKind.slaveData) throw new ArgumentError(slaveKey, 'no per-port options for this kind');
      slaveInput = checkAttrs(slaveKind.slaveData, input[slaveKey], slaveKey);
    }
    // ---- phase 2: resolution (may do I/O)
    const fds: number[] = [];
    try {
      const ctx: KindContext = {
        ifindex: (n, f) => this.index(n, f),
        netnsFd: (r, f) => {
          const ns = openNetns(r as NetnsRef, f);
          if (ns.owned) fds.push(ns.fd);
          return ns.fd;
        },
        check: (p: Policy, v: unknown, f: string) => checkAttrs(p, v, f),
        mode,
        current: async () => {
          if (mode !== 'set' || ref === undefined) return undefined;
          const info = (await this.get(ref, { stats: false })).linkInfo;
          return info ? { kind: info.kind, data: info.data } : undefined;
        },
      };
      // kind hooks validate their own options: run them before resolving names, so bad kind input sends nothing
      let data: Record<string, unknown> | undefined;
      if (kind?.prepare) data = await kind.prepare(kindInput, input, ctx);
      if (ref !== undefined) {
        if (typeof ref === 'number') header.index = ref;
        else if (name !== undefined || stringByteLength(ref) > 15) header.index = await this.index(ref);
        else attrs.name = ref;
      }
      if (name !== undefined) attrs.name = name;
      if (master === null || master === 0) attrs.master = 0;
      else if (master !== undefined) attrs.master = await this.index(master as LinkRef, 'master');
      if (input.link !== undefined) attrs.link = await this.index(input.link as LinkRef, 'link');
      await resolveIfindexes(linkPolicy, attrs, (n, f) => this.index(n, f));
      if (input.netns !== undefined) {
        const ns = input.netns;
        if (typeof ns === 'object' && ns !== null && 'pid' in ns) attrs.netnsPid = (ns as { pid: number }).pid;
        else attrs.netnsFd = ctx.netnsFd(ns, 'netns');
      }
      if (kind?.prepare) {
        /* done above */
      } else if (kind?.data && kindInput) {
        await resolveIfindexes(kind.data, kindInput, (n, f) => this.index(n, f));
        data = kindInput;
      }
      if (slaveInput && slaveKind?.slaveData) await resolveIfindexes(slaveKind.slaveData, slaveInput, (n, f) => this.index(n, f));
      if (mode === 'add' || data || slaveInput) {
        const info: LinkInfo = {};
        if (mode === 'add') info.kind = kindName as string;
        else if (kind && data) info.kind = kind.kind;
        if (infoData !== undefined) info.unknown = [{ type: U.IFLA_INFO_DATA, flags: 0, data: infoData as Uint8Array }];
        if (data && Object.keys(data).length > 0) info.data = data;
        else if (data && mode === 'set') info.data = data;
        if (slaveInput && slaveKind) {
          info.slaveKind = slaveKind.kind;
          info.slaveData = slaveInput;
        }
        attrs.linkInfo = info;
      }
      return { header, attrs, fds };
    } catch (e) {
      for (const fd of fds) closeSync(fd);
      throw e;
    }
  }
}

/** Re-exported for kind modules and tests. */
export type { AnyLink, BridgeLink, Inet6Link, Link, LinkAttrs, LinkInfo };
