/**
 * The generic netlink handle: one NETLINK_GENERIC socket (optionally inside
 * another network namespace), families resolved by name through the
 * controller and cached on the handle, and the typed families on it.
 *
 * ```ts
 * await using genl = await Genl.open({ netns: 'n1' });
 * await genl.wireguard.set('wg0', { privateKey, listenPort: 51820, peers: [...] });
 * const feats = await genl.ethtool.features('veth0');
 * const fam = await genl.family('wireguard');      // { id, version, ops, mcastGroups }
 * ```
 *
 * Family ids are the kernel's choice when a module registers its family, so
 * they are learnt per handle, never assumed: from the controller's answers,
 * and from its notifications (the socket is a member of nlctrl's "notify"
 * group, so a CTRL_CMD_DELFAMILY drops the cached family). A request that
 * fails with ENOENT because its family id went away (module unloaded and
 * loaded again) is retried once with the family resolved again.
 * @module
 */
import { tracer } from '../netlink/debug.js';
import { closeSync } from 'node:fs';
import { checkAttrs, encodeAttrs, type Policy } from '../netlink/attr.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import type { RawMessage } from '../netlink/message.js';
import { native } from '../netlink/native.js';
import { NetlinkSocket, checkSocketOptions, type NetnsRef, type SocketOptions } from '../netlink/socket.js';
import type { Writer } from '../netlink/writer.js';
import { describe } from '../netlink/ip.js';
import { PcapWriter } from '../pcap/writer.js';
import type { Link } from '../rtnl/link.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { ctrlPolicy, familyFromAttrs, type CtrlAttrs, type GenlFamily } from './ctrl.js';
import { Ethtool, type EthtoolTransport } from './ethtool.js';
import { Macsec } from './macsec.js';
import { GenlMonitor, type GenlMonitorOptions } from './monitor.js';
import {
  GENL_CTRL_NAME,
  GENL_ID_CTRL,
  GenlFamilyIds,
  checkFamilyName,
  decodeGenlMessage,
  genlCommandName,
  genlFamilySpec,
  genlIds,
  genlProtocol,
  type GenlMessage,
} from './protocol.js';
import { Team } from './team.js';
import type { DevRef, GenlCallOptions } from './transport.js';
import { GENL_UAPI as G } from './uapi.js';
import { WireGuard } from './wireguard.js';
import { checkDev } from './common.js';

const dbg = tracer('rtnetlink:genl');

/** SIOCETHTOOL (linux/sockios.h) */
const SIOCETHTOOL = 0x8946;
const AF_INET = 2;
const SOCK_DGRAM = 2;

/** Options of Genl.open(). */
export interface GenlOptions extends Omit<SocketOptions, 'protocol' | 'typeName' | 'describeOffset' | 'summarize' | 'groups'> {
  /** Work in this network namespace (name under /run/netns, path, { fd } or { pid }). */
  netns?: NetnsRef;
  /**
   * Record every datagram sent and received (also by monitor() sockets and
   * the handle's rtnetlink lookups) to a pcap file: a path (created or
   * truncated; closed by close()) or a PcapWriter (left open).
   * `rtnl-dump pcap` decodes generic netlink in it, learning the family
   * ids from the controller messages it contains.
   */
  record?: string | PcapWriter;
  /**
   * Join nlctrl's "notify" group so that a family going away (module
   * unloaded) is noticed before its stale id is used. Default true.
   */
  watchFamilies?: boolean;
}

/** Options of one generic request or dump through {@link Genl.request}. */
export interface GenlRequestOptions extends GenlCallOptions {}

/** The generic netlink handle. */
export class Genl {
  /** The NETLINK_GENERIC socket (for raw requests and statistics). */
  readonly socket: NetlinkSocket;
  /** Family ids as this handle knows them (learnt from the controller). */
  readonly ids: GenlFamilyIds;
  /** The namespace this handle works in (undefined: the caller's). */
  readonly netns: NetnsRef | undefined;
  /** `ip macsec`: secure associations and channels of MACsec devices. */
  readonly macsec: Macsec;
  /** `teamnl`: options and ports of team devices. */
  readonly team: Team;
  /** `wg`: WireGuard devices. */
  readonly wireguard: WireGuard;
  /** `ethtool`: link settings, features, rings, channels, driver info. */
  readonly ethtool: Ethtool;
  private readonly cache = new Map<string, Promise<GenlFamily>>();
  /** Multicast groups joined for the duration of requests, with their users. */
  private readonly groupRefs = new Map<number, number>();
  private readonly options: GenlOptions;
  private rtnl: Promise<Rtnl> | undefined;
  private ownedRecorder: PcapWriter | undefined;
  private closed = false;

  private constructor(sock: NetlinkSocket, ids: GenlFamilyIds, opts: GenlOptions) {
    this.socket = sock;
    this.ids = ids;
    this.netns = opts.netns;
    this.options = opts;
    ids.onChange = (id, name, present) => {
      if (present) return;
      dbg('family %s (id %d) went away: cache dropped', name, id);
      this.cache.delete(name);
    };
    const transport: EthtoolTransport = {
      call: (f, c, a, o) => this.call(f, c, a, o ?? {}),
      dumpAll: (f, c, a, o) => this.dumpDecoded(f, c, a, o ?? {}),
      link: (ref, field) => this.link(ref, field),
      ifindex: (ref, field) => this.ifindex(ref, field),
      ifname: (index) => this.ifname(index),
      ethtoolIoctl: (name, data) => this.ethtoolIoctl(name, data),
      withMulticastGroup: (f, g, fn) => this.withMulticastGroup(f, g, fn),
    };
    this.macsec = new Macsec(transport);
    this.team = new Team(transport);
    this.wireguard = new WireGuard(transport);
    this.ethtool = new Ethtool(transport);
  }

  /** Open a handle in the current network namespace, or in `opts.netns`. */
  static async open(opts: GenlOptions = {}): Promise<Genl> {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
    const { record: _record, watchFamilies, ...socketOpts } = opts;
    checkSocketOptions(socketOpts);
    if (watchFamilies !== undefined && typeof watchFamilies !== 'boolean') throw new ArgumentError('watchFamilies', `expected true or false, got ${describe(watchFamilies)}`);
    let recorder: PcapWriter | undefined;
    let owned = false;
    let o: GenlOptions = opts;
    if (opts.record !== undefined) {
      if (typeof opts.record === 'string') {
        recorder = PcapWriter.open(opts.record);
        owned = true;
      } else if (opts.record instanceof PcapWriter) recorder = opts.record;
      else throw new ArgumentError('record', 'expected a file path or a PcapWriter');
      const rec = recorder;
      const userTap = opts.tap;
      o = { ...opts, record: undefined, tap: userTap ? (d, b, p) => (userTap(d, b, p), rec.tap(d, b, p)) : rec.tap };
    }
    let sock: NetlinkSocket;
    try {
      const { record: _r, watchFamilies: _w, ...so } = o;
      // The protocol's decode context (one per socket) learns family ids
      // from every controller message the kernel sends this socket (answers
      // and nlctrl notifications) before the engine dispatches it.
      sock = NetlinkSocket.open({ ...so, protocol: genlProtocol, groups: watchFamilies === false ? [] : [GENL_ID_CTRL] });
    } catch (e) {
      if (owned) recorder?.close();
      throw e;
    }
    const ids = genlIds(sock.context);
    const g = new Genl(sock, ids, o);
    if (owned) g.ownedRecorder = recorder;
    return g;
  }

  /** Options this handle was opened with (to open sibling sockets). */
  get openOptions(): Readonly<GenlOptions> {
    return this.options;
  }

  // ------------------------------------------------------------ families

  /** Every generic netlink family of the namespace (`genl ctrl list`). */
  async families(): Promise<GenlFamily[]> {
    const msgs = await this.socket.collect(GENL_ID_CTRL, ctrlBody(G.CTRL_CMD_GETFAMILY), (m) => decodeGenlMessage(m, this.ids), { what: 'genl.families' });
    const out: GenlFamily[] = [];
    for (const m of msgs) {
      const f = m.attrs ? familyFromAttrs(m.attrs as CtrlAttrs, (cmd) => commandNameOf(m.attrs as CtrlAttrs, cmd)) : undefined;
      if (f) out.push(f);
    }
    return out.sort((a, b) => a.id - b.id);
  }

  /**
   * A family by name (`genl ctrl get name NAME`): its id on this handle,
   * version, commands and multicast groups. Cached per handle; a family the
   * kernel has not registered (module not loaded and not loadable) rejects
   * with NetlinkError ENOENT.
   */
  family(name: string): Promise<GenlFamily> {
    try {
      checkFamilyName(name, 'family');
    } catch (e) {
      return Promise.reject(e);
    }
    const cached = this.cache.get(name);
    if (cached) return cached;
    const p = this.resolve(name);
    this.cache.set(name, p);
    p.catch(() => {
      if (this.cache.get(name) === p) this.cache.delete(name);
    });
    return p;
  }

  private async resolve(name: string): Promise<GenlFamily> {
    let replies: RawMessage[];
    try {
      replies = await this.socket.request(GENL_ID_CTRL, ctrlBody(G.CTRL_CMD_GETFAMILY, { familyName: name }), { what: `genl.family ${name}` });
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENOENT') {
        throw new NetlinkError(-e.errno, {
          message: `generic netlink family "${name}" is not available${this.netns !== undefined ? ` in namespace ${JSON.stringify(this.netns)}` : ''} (is its kernel module loaded?)`,
          ...(e.request ? { request: e.request } : {}),
          extack: e.extack,
        });
      }
      throw e;
    }
    for (const m of replies) {
      this.ids.learn(m);
      const g = decodeGenlMessage(m, this.ids);
      const f = g.attrs ? familyFromAttrs(g.attrs as CtrlAttrs, (cmd) => commandNameOf(g.attrs as CtrlAttrs, cmd)) : undefined;
      if (f && f.name === name) {
        dbg('family %s = id %d version %d', name, f.id, f.version);
        return f;
      }
    }
    throw new NetlinkError(-2, { message: `genl.family ${name}: the controller's answer names no such family` });
  }

  /** Forget a cached family (the next request resolves it again). */
  forget(name: string): void {
    this.cache.delete(name);
  }

  // ------------------------------------------------------------ requests

  private body(fam: GenlFamily, cmd: number, attrs: Record<string, unknown> | ((w: Writer) => void) | undefined, opts: GenlCallOptions): (w: Writer) => void {
    const spec = genlFamilySpec(fam.name);
    const version = opts.version ?? spec?.version ?? fam.version;
    const pol = opts.policy ?? spec?.policy(cmd, false);
    return (w) => {
      w.u8(cmd);
      w.u8(version);
      w.u16(0);
      if (fam.hdrSize) w.zero(fam.hdrSize);
      if (typeof attrs === 'function') attrs(w);
      else if (attrs) {
        if (!pol) throw new ArgumentError('attrs', `no attribute policy for ${fam.name} command ${cmd}: pass a writer function`);
        encodeAttrs(w, pol, attrs);
      }
    };
  }

  /** Run `fn` with the family; once more with the family resolved again if its id went away meanwhile (ENOENT). */
  private async withFamily<T>(name: string, fn: (f: GenlFamily) => Promise<T>): Promise<T> {
    const fam = await this.family(name);
    try {
      return await fn(fam);
    } catch (e) {
      if (!(e instanceof NetlinkError) || e.code !== 'ENOENT' || e.extack.message) throw e;
      this.forget(name);
      const again = await this.family(name);
      if (again.id === fam.id) throw e; // the family is there: the ENOENT is the command's own
      dbg('family %s moved from id %d to %d: retrying', name, fam.id, again.id);
      return fn(again);
    }
  }

  private async call(family: string, cmd: number, attrs: Record<string, unknown> | ((w: Writer) => void) | undefined, opts: GenlCallOptions): Promise<GenlMessage[]> {
    return this.withFamily(family, async (fam) => {
      const replies = await this.socket.request(fam.id, this.body(fam, cmd, attrs, opts), {
        what: opts.what ?? `${family} ${genlCommandName(family, cmd, false)}`,
        ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
        ...(opts.flags !== undefined ? { flags: opts.flags } : {}),
      });
      return replies.map((m) => decodeGenlMessage(m, this.ids));
    });
  }

  private async dumpDecoded(family: string, cmd: number, attrs: Record<string, unknown> | ((w: Writer) => void) | undefined, opts: GenlCallOptions): Promise<GenlMessage[]> {
    return this.withFamily(family, (fam) =>
      this.socket.collect(fam.id, this.body(fam, cmd, attrs, opts), (m) => decodeGenlMessage(m, this.ids), {
        what: opts.what ?? `${family} ${genlCommandName(family, cmd, false)} dump`,
        ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
        ...(opts.flags !== undefined ? { flags: opts.flags } : {}),
      }),
    );
  }

  private checkRequest(family: unknown, cmd: unknown, attrs: unknown): Record<string, unknown> | ((w: Writer) => void) | undefined {
    checkFamilyName(family, 'family');
    if (typeof cmd !== 'number' || !Number.isInteger(cmd) || cmd < 0 || cmd > 255) throw new ArgumentError('cmd', `expected a command number 0..255, got ${describe(cmd)}`);
    if (attrs === undefined || typeof attrs === 'function') return attrs as ((w: Writer) => void) | undefined;
    const pol = genlFamilySpec(family as string)?.policy(cmd, false);
    if (!pol) throw new ArgumentError('attrs', `this library has no attribute policy for ${String(family)} command ${cmd}: pass a writer function (w) => ...`);
    return checkAttrs(pol, attrs, 'attrs');
  }

  /**
   * Send one request to a family by name and return its answers, decoded.
   * `attrs`: an object checked against the family's policy for `cmd` (for
   * the families this library knows), or a function writing raw attributes.
   */
  async request(family: string, cmd: number, attrs?: Record<string, unknown> | ((w: Writer) => void), opts: GenlRequestOptions = {}): Promise<GenlMessage[]> {
    const a = this.checkRequest(family, cmd, attrs);
    return this.call(family, cmd, a, opts);
  }

  /** Run a dump of a family's command to completion, decoded. */
  async dumpAll(family: string, cmd: number, attrs?: Record<string, unknown> | ((w: Writer) => void), opts: GenlRequestOptions = {}): Promise<GenlMessage[]> {
    const a = this.checkRequest(family, cmd, attrs);
    return this.dumpDecoded(family, cmd, a, opts);
  }

  /** Stream a dump, one decoded message at a time (memory stays bounded for any size). */
  async *dump(family: string, cmd: number, attrs?: Record<string, unknown> | ((w: Writer) => void), opts: GenlRequestOptions = {}): AsyncGenerator<GenlMessage> {
    const a = this.checkRequest(family, cmd, attrs);
    const fam = await this.family(family);
    for await (const m of this.socket.dump(fam.id, this.body(fam, cmd, a, opts), { what: opts.what ?? `${family} dump` })) {
      yield decodeGenlMessage(m, this.ids);
    }
  }

  /**
   * Multicast notifications of a family (ethtool "monitor", team
   * "change_event", nlctrl "notify"), decoded, on a socket of their own in
   * the handle's namespace. Groups by name; default: all of the family's.
   */
  async monitor(family: string, groups?: string[], opts: GenlMonitorOptions = {}): Promise<GenlMonitor> {
    checkFamilyName(family, 'family');
    if (groups !== undefined && (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))) throw new ArgumentError('groups', `expected an array of group names, got ${describe(groups)}`);
    const fam = await this.family(family);
    const want = groups ?? fam.mcastGroups.map((g) => g.name);
    const numbers = want.map((n, i) => {
      const g = fam.mcastGroups.find((x) => x.name === n);
      if (!g) throw new ArgumentError(`groups[${i}]`, `family ${family} has no multicast group "${n}" (it has: ${fam.mcastGroups.map((x) => x.name).join(', ') || 'none'})`);
      return g.id;
    });
    if (numbers.length === 0) throw new ArgumentError('groups', `family ${family} has no multicast groups`);
    return new GenlMonitor(this.options, this.ids, numbers, want, opts);
  }

  private async withMulticastGroup<T>(family: string, group: string, fn: () => Promise<T>): Promise<T> {
    const fam = await this.family(family);
    const g = fam.mcastGroups.find((x) => x.name === group);
    if (!g) return fn();
    const n = this.groupRefs.get(g.id) ?? 0;
    if (n === 0) this.socket.addMembership(g.id);
    this.groupRefs.set(g.id, n + 1);
    try {
      return await fn();
    } finally {
      const left = (this.groupRefs.get(g.id) ?? 1) - 1;
      if (left > 0) this.groupRefs.set(g.id, left);
      else {
        this.groupRefs.delete(g.id);
        if (!this.socket.isClosed) this.socket.dropMembership(g.id);
      }
    }
  }

  // ------------------------------------------------------ interface names

  private links(): Promise<Rtnl> {
    if (this.closed) return Promise.reject(new ArgumentError('genl', 'the handle is closed'));
    const p = (this.rtnl ??= Rtnl.open({
      ...(this.netns !== undefined ? { netns: this.netns } : {}),
      ...(this.options.tap ? { tap: this.options.tap } : {}),
    }));
    p.catch(() => {
      if (this.rtnl === p) this.rtnl = undefined;
    });
    return p;
  }

  /** The link of a name or index in the handle's namespace (NetlinkError ENODEV naming `field` when absent). */
  async link(ref: DevRef, field = 'dev'): Promise<Link> {
    checkDev(ref, field);
    const r = await this.links();
    try {
      return await r.links.get(ref, { stats: false });
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') throw new NetlinkError(-e.errno, { message: `${field}: no interface ${typeof ref === 'number' ? `with index ${ref}` : `named "${ref}"`}${this.netns !== undefined ? ` in namespace ${JSON.stringify(this.netns)}` : ''}`, ...(e.request ? { request: e.request } : {}) });
      throw e;
    }
  }

  private async ifindex(ref: DevRef, field: string): Promise<number> {
    if (typeof ref === 'number') return checkDev(ref, field) as number;
    return (await this.link(ref, field)).index;
  }

  private async ifname(index: number): Promise<string | undefined> {
    try {
      return (await this.link(index, 'ifindex')).name;
    } catch (e) {
      if (e instanceof NetlinkError && e.code === 'ENODEV') return undefined;
      throw e;
    }
  }

  private ethtoolIoctl(name: string, data: Buffer): number {
    const n = native();
    const ns = this.socket.openNetnsFd();
    try {
      const fd = n.socketIn(ns, AF_INET, SOCK_DGRAM, 0);
      if (fd < 0) return fd;
      try {
        return n.ioctlIfreqData(fd, SIOCETHTOOL, name, data);
      } finally {
        n.close(fd);
      }
    } finally {
      closeSync(ns);
    }
  }

  /** Close the socket (and the handle's rtnetlink socket); pending requests reject with SocketClosedError. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    const r = this.rtnl;
    this.rtnl = undefined;
    if (r) await r.then((x) => x.close(), () => undefined);
    this.ownedRecorder?.close();
  }

  /** `await using genl = await Genl.open()` closes the handle at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A controller request body: genlmsghdr + CTRL_ATTR_* */
function ctrlBody(cmd: number, attrs?: CtrlAttrs): (w: Writer) => void {
  return (w) => {
    w.u8(cmd);
    w.u8(genlFamilySpec(GENL_CTRL_NAME)?.version ?? 2);
    w.u16(0);
    if (attrs) encodeAttrs(w, ctrlPolicy as Policy, attrs as Record<string, unknown>);
  };
}

/** Command names of a family this library knows (for families()). */
function commandNameOf(a: CtrlAttrs, cmd: number): string | undefined {
  const n = genlCommandName(a.familyName, cmd, false);
  return n.startsWith('cmd ') ? undefined : n;
}

/** Learn family ids from the controller messages of a datagram (malformed ones are ignored). */
