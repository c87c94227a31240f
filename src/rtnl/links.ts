/**
 * rtnl.links: list, get, add, set, del network interfaces (RTM_*LINK).
 * @module
 */
import { closeSync } from 'node:fs';
import { checkAttrs, type Policy } from '../netlink/attr.js';
import { stringByteLength } from '../netlink/strings.js';
import { AF_BRIDGE, AF_INET6, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REPLACE, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { netnsPath, openNetns, type NetlinkSocket, type NetnsRef } from '../netlink/socket.js';
import type { Writer } from '../netlink/writer.js';
import type { LinkAfSpecOptions } from './afspec.js';
import { checkEtherDeviceAddress, decodeLink, linkPolicy, writeIfInfoMsg, type Link, type LinkAttrs, type LinkInfo } from './link.js';
import {
  getCreator,
  getKind,
  kindByOptionsKey,
  kindBySlaveKey,
  kindsWithExtraKey,
  type KindAddOptions,
  type KindContext,
  type KindOptions,
  type SlaveOptions,
} from './kinds/registry.js';
import { encodeAttrs } from '../netlink/attr.js';
import * as U from './uapi.js';
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

/** links.add() options. `kind` selects the type; kind options go under the kind's key (bridge: {...}, vxlan: {...}). */
export interface LinkAddOptions extends LinkCommonOptions, KindOptionKeys, KindAddOptions {
  /** IFLA_IFNAME (1..15 bytes; may contain %d). The kernel picks one when omitted. */
  name?: string;
  /** IFLA_INFO_KIND: 'veth', 'bridge', 'vxlan', 'macvlan', ... */
  kind: string;
  /** IFLA_LINK: the lower device (vlan/macvlan/ipvlan parent), by name or index. */
  link?: LinkRef;
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
   * `false` sets RTEXT_FILTER_SKIP_STATS: the kernel leaves out the per-link
   * IPv6 counters (`afSpec.inet6.stats` and `icmp6stats`, 45 u64 values a
   * link) and SR-IOV VF counters; `stats`/`stats64` are still sent. Less
   * work for the kernel and the decoder when those are not wanted. Default `true`.
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
const OWN_KEYS = new Set(['kind', 'name', 'master', 'link', 'netns', 'up', 'arp', 'promisc', 'allmulticast', 'multicast']);

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

export class Links {
  constructor(private readonly sock: NetlinkSocket) {}

  /** Dump links as a stream of typed objects. */
  async *dump(filter: LinkListFilter = {}): AsyncGenerator<Link> {
    const body = await this.dumpBody(filter);
    for await (const m of this.sock.dump(U.RTM_GETLINK, body, { what: 'links.list' })) {
      if (m.type !== U.RTM_NEWLINK) continue;
      yield decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
    }
  }

  /** All links (retried if the kernel reports the dump as interrupted). */
  async list(filter: LinkListFilter = {}): Promise<Link[]> {
    const body = await this.dumpBody(filter);
    return this.sock.collect(U.RTM_GETLINK, body, (m) => (m.type === U.RTM_NEWLINK ? decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len) : undefined), { what: 'links.list' });
  }

  private async dumpBody(filter: LinkListFilter): Promise<(w: Writer) => void> {
    if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw new ArgumentError('filter', `expected an object, got ${describe(filter)}`);
    for (const k of Object.keys(filter)) if (!['master', 'kind', 'family', 'stats'].includes(k)) throw new ArgumentError(`filter.${k}`, 'unknown filter (known: master, kind, family, stats)');
    if (filter.stats !== undefined && typeof filter.stats !== 'boolean') throw new ArgumentError('filter.stats', `expected a boolean, got ${describe(filter.stats)}`);
    const skipStats = filter.stats === false ? U.RTEXT_FILTER_SKIP_STATS : 0;
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
   * `{ stats: false }` leaves the counters out, as in {@link LinkListFilter.stats}.
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
        w.attrU32(U.IFLA_EXT_MASK, U.RTEXT_FILTER_VF | (opts.stats === false ? U.RTEXT_FILTER_SKIP_STATS : 0));
      },
      { what: `links.get ${r}` },
    );
    const m = replies.find((x) => x.type === U.RTM_NEWLINK);
    if (!m) throw new NetlinkError(-constants.errno.ENODEV, { message: `links.get ${r}: no answer` });
    return decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
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

  /** Create a link: `ip link add`. */
  async add(opts: LinkAddOptions): Promise<void> {
    const creator = getCreator((opts as { kind?: unknown } | null)?.kind);
    if (creator) return creator(opts as unknown as Record<string, unknown>, { socket: this.sock, links: this, replace: false });
    const built = await this.build(opts as unknown as Record<string, unknown>, 'add');
    await this.send(built, NLM_F_CREATE | NLM_F_EXCL, `links.add ${opts.name ?? opts.kind}`);
  }

  /** Create or update a link (NLM_F_CREATE|NLM_F_REPLACE): like add, but an existing link of that name is changed. */
  async replace(opts: LinkAddOptions): Promise<void> {
    const creator = getCreator((opts as { kind?: unknown } | null)?.kind);
    if (creator) return creator(opts as unknown as Record<string, unknown>, { socket: this.sock, links: this, replace: true });
    const built = await this.build(opts as unknown as Record<string, unknown>, 'add');
    await this.send(built, NLM_F_CREATE | NLM_F_REPLACE, `links.replace ${opts.name ?? opts.kind}`);
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

  private async send(b: Built, flags: number, what: string): Promise<void> {
    try {
      await this.sock.request(
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
export type { Link, LinkAttrs, LinkInfo };
