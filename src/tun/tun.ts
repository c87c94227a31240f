/**
 * TUN/TAP devices: create or attach with ioctls on /dev/net/tun (optionally
 * inside another network namespace), read and write packets as a Duplex
 * stream per queue.
 *
 * ```ts
 * const tun = await Tun.open({ name: 'tun0', mode: 'tun', netns: 'net0', up: true });
 * tun.on('data', (packet) => { ... });     // one chunk = one IP packet
 * tun.write(reply);                        // one write = one packet
 * await tun.close();                       // a non-persistent device disappears
 * ```
 * @module
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { native } from '../netlink/native.js';
import { openNetns, type NetnsRef } from '../netlink/socket.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { UAPI as U } from '../rtnl/uapi.js';
import { checkStreamOptions, PacketStream, type PacketStreamOptions } from './stream.js';
import { checkIfName } from '../rtnl/ifname.js';

/** Newer than the 6.1 uapi headers (linux/if_tun.h): UDP segmentation offload (6.2). */
export const TUN_F_USO4 = 0x20;
export const TUN_F_USO6 = 0x40;
/** linux/sockios.h: get a socket's network namespace as an fd. IFF_NO_CARRIER (if_tun.h): create the device with carrier off. */
export { SIOCGSKNS } from '../netlink/constants.js';
export const IFF_NO_CARRIER = U.IFF_NO_CARRIER;
/** Kernel limit on queues of a multi-queue device (MAX_TAP_QUEUES). */
export const MAX_TAP_QUEUES = 256;

const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
const TUN_PATH = '/dev/net/tun';

export type TunMode = 'tun' | 'tap';

/** Offload capabilities announced to the kernel with TUNSETOFFLOAD (needs vnetHdr). */
export type TunOffload = 'csum' | 'tso4' | 'tso6' | 'tsoEcn' | 'ufo' | 'uso4' | 'uso6';
const OFFLOAD_BITS: Record<TunOffload, number> = {
  csum: U.TUN_F_CSUM,
  tso4: U.TUN_F_TSO4,
  tso6: U.TUN_F_TSO6,
  tsoEcn: U.TUN_F_TSO_ECN,
  ufo: U.TUN_F_UFO,
  uso4: TUN_F_USO4,
  uso6: TUN_F_USO6,
};

/** Device-level TUN/TAP options (the flags of TUNSETIFF and the persistent settings). */
export interface TunDeviceOptions {
  /** Interface name, or a template such as 'tun%d' (the kernel picks the number). Default: 'tun%d' / 'tap%d'. */
  name?: string;
  /** 'tun' (IFF_TUN: IP packets, default) or 'tap' (IFF_TAP: Ethernet frames). */
  mode?: TunMode;
  /** Prefix every packet with struct tun_pi (flags, protocol): IFF_NO_PI cleared. Default false. (IFLA_TUN_PI) */
  pi?: boolean;
  /** IFF_VNET_HDR: prefix every packet with a struct virtio_net_hdr. (IFLA_TUN_VNET_HDR) */
  vnetHdr?: boolean;
  /** IFF_MULTI_QUEUE: the device may have several queues (one fd each). (IFLA_TUN_MULTI_QUEUE) */
  multiQueue?: boolean;
  /** IFF_NAPI: packets written are received through NAPI. */
  napi?: boolean;
  /** IFF_NAPI_FRAGS (tap only, with napi). */
  napiFrags?: boolean;
  /** TUNSETPERSIST: the device outlives its file descriptors. (IFLA_TUN_PERSIST) */
  persist?: boolean;
  /** TUNSETOWNER: uid allowed to attach besides CAP_NET_ADMIN. (IFLA_TUN_OWNER) */
  owner?: number;
  /** TUNSETGROUP: gid allowed to attach. (IFLA_TUN_GROUP) */
  group?: number;
  /** Open /dev/net/tun inside this network namespace: the device is created (or looked up) there. */
  netns?: NetnsRef;
}

/** Options of Tun.open(). */
export interface TunOpenOptions extends TunDeviceOptions, PacketStreamOptions {
  /** Number of queues (file descriptors) to open; more than 1 implies multiQueue. Default 1. */
  queues?: number;
  /** IFF_TUN_EXCL: fail with EBUSY instead of attaching when the device already exists. */
  exclusive?: boolean;
  /** TUNSETVNETHDRSZ: size of the virtio-net header (10 or 12; default 10). Needs vnetHdr. */
  vnetHdrSize?: number;
  /** TUNSETOFFLOAD: offloads we can handle in packets read (GSO super-packets, partial checksums). Needs vnetHdr. */
  offloads?: TunOffload[];
  /** TUNSETSNDBUF: bytes of written packets in flight before writes return EAGAIN. */
  sndbuf?: number;
  /** Bring the interface up (rtnetlink, in the device's namespace). */
  up?: boolean;
  /** Set the MTU (rtnetlink). */
  mtu?: number;
}

/** What TUNGETFEATURES reports the kernel supports. */
export interface TunFeatures {
  /** The raw IFF_* bit mask. */
  flags: number;
  tun: boolean;
  tap: boolean;
  napi: boolean;
  napiFrags: boolean;
  noCarrier: boolean;
  noPi: boolean;
  vnetHdr: boolean;
  multiQueue: boolean;
  exclusive: boolean;
}

function tunError(r: number, syscall: string, message: string): NetlinkError {
  return new NetlinkError(r, { syscall, message });
}

function checkBool(v: unknown, field: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new ArgumentError(field, `expected true or false, got ${describe(v)}`);
  return v;
}

function checkId(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  // (uid_t)-1 means "no owner" to the kernel; refuse it (and anything not a valid id).
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 0xffffffff) throw new ArgumentError(field, `expected a numeric id 0..4294967294, got ${describe(v)}`);
  return v;
}

const DEVICE_KEYS = ['name', 'mode', 'pi', 'vnetHdr', 'multiQueue', 'napi', 'napiFrags', 'persist', 'owner', 'group', 'netns'] as const;
const OPEN_KEYS = new Set<string>([
  ...DEVICE_KEYS,
  'queues', 'exclusive', 'vnetHdrSize', 'offloads', 'sndbuf', 'up', 'mtu',
  'readBatch', 'maxPacketSize', 'readableHighWaterMark', 'writableHighWaterMark', 'writeErrors', 'ref',
]);

/** Validate device options and compute the TUNSETIFF flags. Throws ArgumentError before any I/O. */
export function tunFlags(o: TunDeviceOptions & { exclusive?: boolean; queues?: number }, prefix = ''): { name: string; mode: TunMode; flags: number } {
  const mode = o.mode ?? 'tun';
  if (mode !== 'tun' && mode !== 'tap') throw new ArgumentError(`${prefix}mode`, `expected 'tun' or 'tap', got ${describe(mode)}`);
  let name = '';
  if (o.name !== undefined) {
    name = checkIfName(o.name, `${prefix}name`);
    const pct = name.split('%').length - 1;
    if (pct > 1 || (pct === 1 && !name.includes('%d'))) throw new ArgumentError(`${prefix}name`, `a name template may contain one "%d" and no other "%", got "${name}"`);
  }
  let flags = mode === 'tun' ? U.IFF_TUN : U.IFF_TAP;
  if (!checkBool(o.pi, `${prefix}pi`)) flags |= U.IFF_NO_PI;
  if (checkBool(o.vnetHdr, `${prefix}vnetHdr`)) flags |= U.IFF_VNET_HDR;
  const queues = o.queues ?? 1;
  if (typeof queues !== 'number' || !Number.isInteger(queues) || queues < 1 || queues > MAX_TAP_QUEUES) {
    throw new ArgumentError(`${prefix}queues`, `expected 1..${MAX_TAP_QUEUES} queues, got ${describe(queues)}`);
  }
  const mq = checkBool(o.multiQueue, `${prefix}multiQueue`);
  if (mq === false && queues > 1) throw new ArgumentError(`${prefix}multiQueue`, `${queues} queues need multiQueue`);
  if (mq || queues > 1) flags |= U.IFF_MULTI_QUEUE;
  const napi = checkBool(o.napi, `${prefix}napi`);
  const frags = checkBool(o.napiFrags, `${prefix}napiFrags`);
  if (napi) flags |= U.IFF_NAPI;
  if (frags) {
    if (mode !== 'tap') throw new ArgumentError(`${prefix}napiFrags`, 'IFF_NAPI_FRAGS is only valid for tap devices');
    if (!napi) throw new ArgumentError(`${prefix}napiFrags`, 'IFF_NAPI_FRAGS needs napi: true');
    flags |= U.IFF_NAPI_FRAGS;
  }
  if (checkBool(o.exclusive, `${prefix}exclusive`)) flags |= U.IFF_TUN_EXCL;
  checkBool(o.persist, `${prefix}persist`);
  checkId(o.owner, `${prefix}owner`);
  checkId(o.group, `${prefix}group`);
  return { name, mode, flags };
}

/** Open /dev/net/tun (in a namespace when nsFd >= 0) and TUNSETIFF it. Returns [fd, chosen name]; closes the fd on failure. */
function openQueue(nsFd: number, name: string, flags: number, what: string): { fd: number; name: string } {
  const n = native();
  const fd = n.openIn(nsFd, TUN_PATH, O_RDWR | O_NONBLOCK);
  if (fd < 0) {
    const hint = -fd === constants.errno.ENOENT ? ` (${TUN_PATH} is missing: modprobe tun)` : '';
    throw tunError(fd, 'open', `${what}: cannot open ${TUN_PATH}${hint}`);
  }
  const [r, chosen] = n.ioctlIfreq(fd, U.TUNSETIFF, name, flags);
  if (r < 0) {
    n.close(fd);
    const e = -r;
    const hint =
      e === constants.errno.EBUSY
        ? flags & U.IFF_TUN_EXCL
          ? ': it already exists (exclusive)'
          : ': it is in use (a single-queue device takes one fd; use multiQueue for more)'
        : e === constants.errno.EINVAL
          ? ': the flags (tun/tap, multiQueue, vnetHdr, pi) differ from the existing device, or the name is taken by another kind of device'
          : e === constants.errno.EPERM
            ? ': needs CAP_NET_ADMIN, or to be the owner/group of the persistent device'
            : '';
    throw tunError(r, 'ioctl(TUNSETIFF)', `${what}: cannot create or attach "${name || 'tun%d'}"${hint}`);
  }
  return { fd, name: chosen };
}

/** Device feature flags we keep (TUN_FEATURES of tun.c plus the type). */
const FEATURE_MASK = U.IFF_TUN | U.IFF_TAP | U.IFF_NO_PI | U.IFF_VNET_HDR | U.IFF_MULTI_QUEUE | U.IFF_NAPI | U.IFF_NAPI_FRAGS;

/**
 * TUNGETIFF: the live name and flags of the device behind fd. Only the name,
 * IFF_TUN/IFF_TAP and IFF_PERSIST are trustworthy: the kernel ORs
 * IFF_NOFILTER (0x1000, the same bit as IFF_NO_PI) and IFF_DETACH_QUEUE into
 * the answer. The other feature flags are the ones the last TUNSETIFF gave
 * (attaching sets them on the device), so we keep what we asked for.
 */
function getIff(fd: number): { name: string; flags: number } {
  const [r, name, flags] = native().ioctlIfreq(fd, U.TUNGETIFF, '', 0);
  if (r < 0) throw tunError(r, 'ioctl(TUNGETIFF)', 'cannot read the device of a tun fd');
  return { name, flags };
}

function ioctlOrThrow(r: number, req: string, label: string): void {
  if (r < 0) throw tunError(r, `ioctl(${req})`, `${label}: ${req} failed`);
}

/** One queue (file descriptor) of a TUN/TAP device, a Duplex stream of packets. */
export class TunQueue extends PacketStream {
  /** Position in tun.queues. */
  readonly index: number;
  /** The device this queue belongs to. */
  readonly device: Tun;
  private isAttached = true;

  /** @internal */
  constructor(device: Tun | undefined, index: number, fd: number, opts: PacketStreamOptions, label: string) {
    super(fd, opts, label);
    this.index = index;
    this.device = device ?? (this as unknown as Tun);
  }

  /** Whether the queue is attached (receives and sends packets). */
  get attached(): boolean {
    return this.isAttached;
  }

  /**
   * TUNSETQUEUE IFF_DETACH_QUEUE: disable this queue (multi-queue devices).
   * The kernel stops steering packets to it; packets written meanwhile wait
   * in the stream until attach().
   */
  detach(): void {
    if (this.destroyed) throw tunError(-constants.errno.EBADF, 'ioctl(TUNSETQUEUE)', `${this.label}: closed`);
    if (!this.isAttached) return;
    this.suspendIo();
    const [r] = native().ioctlIfreq(this.fd, U.TUNSETQUEUE, '', U.IFF_DETACH_QUEUE);
    if (r < 0) {
      this.resumeIo();
      throw tunError(r, 'ioctl(TUNSETQUEUE)', `${this.label}: cannot detach the queue${-r === constants.errno.EINVAL ? ' (only multi-queue devices have detachable queues)' : ''}`);
    }
    this.isAttached = false;
  }

  /** TUNSETQUEUE IFF_ATTACH_QUEUE: enable the queue again. */
  attach(): void {
    if (this.destroyed) throw tunError(-constants.errno.EBADF, 'ioctl(TUNSETQUEUE)', `${this.label}: closed`);
    if (this.isAttached) return;
    const [r] = native().ioctlIfreq(this.fd, U.TUNSETQUEUE, '', U.IFF_ATTACH_QUEUE);
    if (r < 0) throw tunError(r, 'ioctl(TUNSETQUEUE)', `${this.label}: cannot attach the queue`);
    this.isAttached = true;
    this.resumeIo();
  }
}

interface TunState {
  name: string;
  mode: TunMode;
  flags: number;
  ifindex: number;
  mtu: number;
  netns: NetnsRef | undefined;
  streamOpts: PacketStreamOptions;
}

/**
 * A TUN/TAP device. The object is itself the first queue's Duplex stream
 * (one chunk = one packet); multi-queue devices have more in `queues`.
 * Closing it closes every queue; a non-persistent device then disappears.
 */
export class Tun extends TunQueue {
  /** Every queue, this one first. */
  readonly queues: TunQueue[];
  private st: TunState;

  private constructor(fds: number[], st: TunState) {
    super(undefined, 0, fds[0]!, st.streamOpts, fds.length > 1 ? `${st.name} queue 0` : st.name);
    this.st = st;
    this.queues = [this];
    for (let i = 1; i < fds.length; i++) this.queues.push(new TunQueue(this, i, fds[i]!, st.streamOpts, `${st.name} queue ${i}`));
  }

  /** Interface name (the one the kernel chose for a template like 'tun%d'). */
  get name(): string {
    return this.st.name;
  }

  /** Interface index. */
  get ifindex(): number {
    return this.st.ifindex;
  }

  /** MTU when opened (or last refresh()/setMtu()). */
  get mtu(): number {
    return this.st.mtu;
  }

  /** 'tun' or 'tap'. */
  get mode(): TunMode {
    return this.st.mode;
  }

  /** IFF_* flags of the device: the TUNSETIFF feature flags (IFF_TUN/IFF_TAP, IFF_NO_PI, IFF_VNET_HDR, IFF_MULTI_QUEUE, IFF_NAPI...) plus IFF_PERSIST as of open/refresh. */
  get flags(): number {
    return this.st.flags;
  }

  /** Whether packets carry struct tun_pi (4 bytes) first. */
  get pi(): boolean {
    return (this.st.flags & U.IFF_NO_PI) === 0;
  }

  /** Whether packets carry a virtio-net header first. */
  get vnetHdr(): boolean {
    return (this.st.flags & U.IFF_VNET_HDR) !== 0;
  }

  /** Whether the device is multi-queue. */
  get multiQueue(): boolean {
    return (this.st.flags & U.IFF_MULTI_QUEUE) !== 0;
  }

  /** Whether the device is persistent (live, via TUNGETIFF). */
  get persistent(): boolean {
    if (this.destroyed) return (this.st.flags & U.IFF_PERSIST) !== 0;
    return (getIff(this.fd).flags & U.IFF_PERSIST) !== 0;
  }

  /** The namespace the device was opened in (as given to open()). */
  get netns(): NetnsRef | undefined {
    return this.st.netns;
  }

  /**
   * Create a TUN/TAP device, or attach to an existing one of that name
   * (persistent, or multi-queue). Options are validated before any I/O.
   */
  static async open(opts: TunOpenOptions = {}): Promise<Tun> {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
    for (const k of Object.keys(opts)) if (!OPEN_KEYS.has(k)) throw new ArgumentError(k, `unknown option "${k}" for Tun.open (known: ${[...OPEN_KEYS].join(', ')})`);
    const { name, mode, flags } = tunFlags(opts);
    checkStreamOptions(opts);
    const queues = opts.queues ?? 1;
    const vnetHdr = (flags & U.IFF_VNET_HDR) !== 0;
    if (opts.vnetHdrSize !== undefined) {
      if (!vnetHdr) throw new ArgumentError('vnetHdrSize', 'needs vnetHdr: true');
      if (!Number.isInteger(opts.vnetHdrSize) || opts.vnetHdrSize < 10 || opts.vnetHdrSize > 64) throw new ArgumentError('vnetHdrSize', `expected 10..64 bytes, got ${describe(opts.vnetHdrSize)}`);
    }
    let offload = 0;
    if (opts.offloads !== undefined) {
      if (!vnetHdr) throw new ArgumentError('offloads', 'offloads need vnetHdr: true');
      if (!Array.isArray(opts.offloads)) throw new ArgumentError('offloads', `expected an array of ${Object.keys(OFFLOAD_BITS).join(', ')}`);
      opts.offloads.forEach((o, i) => {
        const bit = OFFLOAD_BITS[o as TunOffload];
        if (bit === undefined) throw new ArgumentError(`offloads[${i}]`, `unknown offload ${describe(o)} (known: ${Object.keys(OFFLOAD_BITS).join(', ')})`);
        offload |= bit;
      });
    }
    if (opts.sndbuf !== undefined && (!Number.isInteger(opts.sndbuf) || opts.sndbuf <= 0 || opts.sndbuf > 0x7fffffff)) throw new ArgumentError('sndbuf', `expected a positive byte count, got ${describe(opts.sndbuf)}`);
    checkBool(opts.up, 'up');
    if (opts.mtu !== undefined && (!Number.isInteger(opts.mtu) || opts.mtu < 68 || opts.mtu > 65535)) throw new ArgumentError('mtu', `expected 68..65535, got ${describe(opts.mtu)}`);
    if (opts.netns !== undefined && !(typeof opts.netns === 'string' || (typeof opts.netns === 'object' && opts.netns !== null))) {
      throw new ArgumentError('netns', `expected a namespace name, path, { fd } or { pid }, got ${describe(opts.netns)}`);
    }

    // ---- I/O from here; every fd is closed on failure.
    const ns = opts.netns !== undefined ? openNetns(opts.netns) : undefined;
    const fds: number[] = [];
    const n = native();
    try {
      const first = openQueue(ns?.fd ?? -1, name, flags, 'Tun.open');
      fds.push(first.fd);
      const label = first.name;
      const fd0 = first.fd;
      if (opts.vnetHdrSize !== undefined) ioctlOrThrow(n.ioctlSetIntPtr(fd0, U.TUNSETVNETHDRSZ, opts.vnetHdrSize), 'TUNSETVNETHDRSZ', label);
      if (opts.offloads !== undefined) ioctlOrThrow(n.ioctlInt(fd0, U.TUNSETOFFLOAD, offload), 'TUNSETOFFLOAD', label);
      for (let i = 1; i < queues; i++) {
        const q = openQueue(ns?.fd ?? -1, first.name, flags & ~U.IFF_TUN_EXCL, `Tun.open queue ${i}`);
        fds.push(q.fd);
      }
      if (opts.sndbuf !== undefined) for (const fd of fds) ioctlOrThrow(n.ioctlSetIntPtr(fd, U.TUNSETSNDBUF, opts.sndbuf), 'TUNSETSNDBUF', label);
      const link = await linkDetails(fd0, ns?.fd, first.name, { up: opts.up, mtu: opts.mtu });
      if (opts.owner !== undefined) ioctlOrThrow(n.ioctlInt(fd0, U.TUNSETOWNER, opts.owner), 'TUNSETOWNER', label);
      if (opts.group !== undefined) ioctlOrThrow(n.ioctlInt(fd0, U.TUNSETGROUP, opts.group), 'TUNSETGROUP', label);
      if (opts.persist !== undefined) ioctlOrThrow(n.ioctlInt(fd0, U.TUNSETPERSIST, opts.persist ? 1 : 0), 'TUNSETPERSIST', label);
      const iff = getIff(fd0);
      const streamOpts: PacketStreamOptions = {};
      for (const k of ['readBatch', 'maxPacketSize', 'readableHighWaterMark', 'writableHighWaterMark', 'writeErrors', 'ref'] as const) {
        if (opts[k] !== undefined) (streamOpts as Record<string, unknown>)[k] = opts[k];
      }
      const devFlags = (flags & FEATURE_MASK) | (iff.flags & U.IFF_PERSIST);
      return new Tun(fds, { name: iff.name, mode, flags: devFlags, ifindex: link.ifindex, mtu: link.mtu, netns: opts.netns, streamOpts });
    } catch (e) {
      for (const fd of fds) n.close(fd);
      throw e;
    } finally {
      if (ns?.owned) closeSync(ns.fd);
    }
  }

  /**
   * Delete a persistent TUN/TAP device (`ip tuntap del`). Refuses other
   * kinds of devices. Rejects with NetlinkError ENODEV when absent.
   */
  static async delete(name: string, opts: { netns?: NetnsRef } = {}): Promise<void> {
    checkIfName(name, 'name');
    const rtnl = await Rtnl.open(opts.netns !== undefined ? { netns: opts.netns } : {});
    try {
      const link = await rtnl.links.get(name);
      if (link.kind !== 'tun') throw new ArgumentError('name', `"${name}" is a ${link.kind ?? 'device without a kind'}, not a tun/tap device`);
      await rtnl.links.del(link.index);
    } finally {
      await rtnl.close();
    }
  }

  /** TUNGETFEATURES: which IFF_* flags the kernel supports. */
  static features(): TunFeatures {
    const n = native();
    const fd = n.openIn(-1, TUN_PATH, O_RDWR | O_NONBLOCK);
    if (fd < 0) throw tunError(fd, 'open', `cannot open ${TUN_PATH}`);
    try {
      const f = n.ioctlGetInt(fd, U.TUNGETFEATURES);
      if (f < 0) throw tunError(f, 'ioctl(TUNGETFEATURES)', 'TUNGETFEATURES failed');
      return {
        flags: f,
        tun: (f & U.IFF_TUN) !== 0,
        tap: (f & U.IFF_TAP) !== 0,
        napi: (f & U.IFF_NAPI) !== 0,
        napiFrags: (f & U.IFF_NAPI_FRAGS) !== 0,
        noCarrier: (f & U.IFF_NO_CARRIER) !== 0,
        noPi: (f & U.IFF_NO_PI) !== 0,
        vnetHdr: (f & U.IFF_VNET_HDR) !== 0,
        multiQueue: (f & U.IFF_MULTI_QUEUE) !== 0,
        exclusive: (f & U.IFF_TUN_EXCL) !== 0,
      };
    } finally {
      n.close(fd);
    }
  }

  /** Open one more queue on this multi-queue device; it is appended to `queues`. */
  async addQueue(): Promise<TunQueue> {
    if (this.destroyed) throw tunError(-constants.errno.EBADF, 'open', `${this.name}: closed`);
    if (!this.multiQueue) throw new ArgumentError('multiQueue', `${this.name} is not a multi-queue device`);
    const nsfd = native().ioctlInt(this.fd, U.TUNGETDEVNETNS, 0);
    if (nsfd < 0) throw tunError(nsfd, 'ioctl(TUNGETDEVNETNS)', `${this.name}: cannot find the device's namespace`);
    try {
      const flags = this.st.flags & FEATURE_MASK;
      const q = openQueue(nsfd, this.name, flags, `${this.name} addQueue`);
      const queue = new TunQueue(this, this.queues.length, q.fd, this.st.streamOpts, `${this.name} queue ${this.queues.length}`);
      this.queues.push(queue);
      return queue;
    } finally {
      native().close(nsfd);
    }
  }

  /** TUNSETPERSIST: keep the device after the last fd closes (true), or not. */
  setPersist(on: boolean): void {
    checkBool(on, 'on');
    ioctlOrThrow(native().ioctlInt(this.liveFd(), U.TUNSETPERSIST, on ? 1 : 0), 'TUNSETPERSIST', this.name);
    this.st.flags = on ? this.st.flags | U.IFF_PERSIST : this.st.flags & ~U.IFF_PERSIST;
  }

  /** TUNSETOWNER: uid that may attach (besides CAP_NET_ADMIN). */
  setOwner(uid: number): void {
    checkId(uid, 'uid');
    ioctlOrThrow(native().ioctlInt(this.liveFd(), U.TUNSETOWNER, uid), 'TUNSETOWNER', this.name);
  }

  /** TUNSETGROUP: gid that may attach. */
  setGroup(gid: number): void {
    checkId(gid, 'gid');
    ioctlOrThrow(native().ioctlInt(this.liveFd(), U.TUNSETGROUP, gid), 'TUNSETGROUP', this.name);
  }

  /** TUNSETCARRIER: report carrier on/off (operstate). */
  setCarrier(on: boolean): void {
    checkBool(on, 'on');
    ioctlOrThrow(native().ioctlSetIntPtr(this.liveFd(), U.TUNSETCARRIER, on ? 1 : 0), 'TUNSETCARRIER', this.name);
  }

  /** Re-read name, ifindex, MTU and flags (after a rename or MTU change made elsewhere). */
  async refresh(): Promise<void> {
    const fd = this.liveFd();
    const iff = getIff(fd);
    const link = await linkDetails(fd, undefined, iff.name, {});
    this.st.name = iff.name;
    this.st.flags = (this.st.flags & ~U.IFF_PERSIST) | (iff.flags & U.IFF_PERSIST);
    this.st.ifindex = link.ifindex;
    this.st.mtu = link.mtu;
  }

  /** Set the MTU through rtnetlink (in the device's namespace). */
  async setMtu(mtu: number): Promise<void> {
    if (!Number.isInteger(mtu) || mtu < 68 || mtu > 65535) throw new ArgumentError('mtu', `expected 68..65535, got ${describe(mtu)}`);
    const link = await linkDetails(this.liveFd(), undefined, this.name, { mtu });
    this.st.mtu = link.mtu;
  }

  /** Bring the interface up or down through rtnetlink. */
  async setUp(up = true): Promise<void> {
    checkBool(up, 'up');
    await linkDetails(this.liveFd(), undefined, this.name, { up });
  }

  /** Close every queue. */
  protected override closeFd(fd: number): number {
    const r = super.closeFd(fd);
    for (const q of this.queues) if (q !== this) q.destroy();
    return r;
  }

  private liveFd(): number {
    for (const q of this.queues) if (!q.destroyed && q.fd >= 0) return q.fd;
    throw tunError(-constants.errno.EBADF, 'ioctl', `${this.name}: closed`);
  }
}

/**
 * Find the device's namespace (TUNGETDEVNETNS on its fd: correct even if it
 * was moved), then read ifindex/MTU over rtnetlink there and apply up/mtu.
 */
async function linkDetails(fd: number, fallbackNsFd: number | undefined, name: string, set: { up?: boolean | undefined; mtu?: number | undefined }): Promise<{ ifindex: number; mtu: number }> {
  const n = native();
  let nsfd = n.ioctlInt(fd, U.TUNGETDEVNETNS, 0);
  let owned = true;
  if (nsfd < 0) {
    if (fallbackNsFd === undefined && -nsfd !== constants.errno.ENOTTY && -nsfd !== constants.errno.EINVAL) throw tunError(nsfd, 'ioctl(TUNGETDEVNETNS)', `${name}: cannot find the device's namespace`);
    nsfd = fallbackNsFd ?? -1;
    owned = false;
  }
  try {
    const rtnl = await Rtnl.open(nsfd >= 0 ? { netns: { fd: nsfd } } : {});
    try {
      const changes: { up?: boolean; mtu?: number } = {};
      if (set.up !== undefined) changes.up = set.up;
      if (set.mtu !== undefined) changes.mtu = set.mtu;
      if (Object.keys(changes).length > 0) await rtnl.links.set(name, changes);
      const link = await rtnl.links.get(name);
      return { ifindex: link.index, mtu: link.mtu ?? 0 };
    } finally {
      await rtnl.close();
    }
  } finally {
    if (owned) n.close(nsfd);
  }
}
