/**
 * rtnl.links.add({ kind: 'tun' | 'tap', ... }): `ip tuntap add` through the
 * links API.
 *
 * The kernel refuses to create tun/tap devices over RTM_NEWLINK (tun.c's
 * validate hook answers EOPNOTSUPP "tun/tap creation via rtnetlink is not
 * supported.", still true in 6.18), so links.add() dispatches these kinds
 * here: the device is created persistent with ioctls on /dev/net/tun in the
 * handle's namespace (or `netns`), then the remaining link options (up, mtu,
 * master, address...) are applied with RTM_NEWLINK like links.set(). If that
 * fails, the new device is removed again. Delete with links.del() or
 * Tun.delete().
 * @module
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';
import { checkAttrs } from '../netlink/attr.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { native } from '../netlink/native.js';
import { openNetns, type NetnsRef } from '../netlink/socket.js';
import { linkPolicy } from '../rtnl/link.js';
import type { CreatorContext, LinkCreator } from '../rtnl/kinds/registry.js';
import type { LinkSetOptions } from '../rtnl/links.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { UAPI as U } from '../rtnl/uapi.js';
import { tunFlags, type TunDeviceOptions } from './tun.js';
import { checkIfName } from '../rtnl/ifname.js';

/** Options under `tun:` in links.add({ kind: 'tun' | 'tap', tun: {...} }). Names follow IFLA_TUN_*. */
export interface TunLinkOptions {
  /** IFLA_TUN_OWNER (TUNSETOWNER): uid allowed to attach. */
  owner?: number;
  /** IFLA_TUN_GROUP (TUNSETGROUP): gid allowed to attach. */
  group?: number;
  /** IFLA_TUN_PI: packets carry struct tun_pi (IFF_NO_PI cleared). Default false. */
  pi?: boolean;
  /** IFLA_TUN_VNET_HDR (IFF_VNET_HDR). */
  vnetHdr?: boolean;
  /** IFLA_TUN_MULTI_QUEUE (IFF_MULTI_QUEUE). */
  multiQueue?: boolean;
  /** IFLA_TUN_PERSIST: always true for devices created this way (they would vanish otherwise). */
  persist?: true;
  /** IFF_NAPI */
  napi?: boolean;
  /** IFF_NAPI_FRAGS (tap) */
  napiFrags?: boolean;
}

/**
 * Common link options a tun/tap device cannot take (see REFUSED). Not `link`:
 * a `link?: never` here would make `link` a discriminant of the links.add()
 * union, and editors would stop offering the kinds that require it until it is
 * typed (the run-time check refuses it).
 */
interface TunRefused {
  numTxQueues?: never;
  numRxQueues?: never;
  newIfindex?: never;
}

declare module '../rtnl/kinds/registry.js' {
  interface KindAddOptions {
    /** A tun device (IP packets), made with TUNSETIFF; options under `tun`. */
    tun: { tun?: TunLinkOptions } & TunRefused;
    /** A tap device (Ethernet frames), made with TUNSETIFF; options under `tun`. */
    tap: { tun?: TunLinkOptions } & TunRefused;
  }
  interface KindOptions {
    /** tun/tap device options for links.add({ kind: 'tun' | 'tap' }) (created with ioctls: see src/tun/kind.ts). */
    tun: TunLinkOptions;
  }
}

const TUN_KEYS = new Set(['owner', 'group', 'pi', 'vnetHdr', 'multiQueue', 'persist', 'napi', 'napiFrags']);
const FLAG_KEYS = ['up', 'arp', 'promisc', 'allmulticast', 'multicast'];
const REFUSED: Record<string, string> = {
  link: 'tun/tap devices have no lower device',
  peer: 'tun/tap devices have no peer',
  numTxQueues: 'tun/tap devices always have 256 tx queues (use tun.multiQueue and open queues with Tun.open)',
  numRxQueues: 'tun/tap devices always have 256 rx queues',
  newIfindex: 'not supported for tun/tap devices',
};

async function createTun(mode: 'tun' | 'tap', options: Record<string, unknown>, ctx: CreatorContext): Promise<string> {
  // ---- validation (no I/O)
  const { kind: _kind, name, tun, netns, ...rest } = options;
  if (tun !== undefined && (typeof tun !== 'object' || tun === null || Array.isArray(tun))) throw new ArgumentError('tun', `expected an object of tun/tap options, got ${describe(tun)}`);
  const tunOpts = (tun ?? {}) as Record<string, unknown>;
  for (const k of Object.keys(tunOpts)) if (!TUN_KEYS.has(k)) throw new ArgumentError(`tun.${k}`, `unknown tun/tap option (known: ${[...TUN_KEYS].join(', ')})`);
  if (tunOpts.persist === false) throw new ArgumentError('tun.persist', 'a device created with links.add() is persistent (it would vanish at once otherwise); use Tun.open() for a device that lives with its file descriptors');
  if (name !== undefined) checkIfName(name, 'name');
  const dev: TunDeviceOptions & { exclusive: boolean } = { ...(tunOpts as TunDeviceOptions), mode, exclusive: !ctx.replace };
  delete dev.persist;
  const { flags } = tunFlags(dev, 'tun.');
  const owner = tunOpts.owner as number | undefined;
  const group = tunOpts.group as number | undefined;
  for (const [k, why] of Object.entries(REFUSED)) if (rest[k] !== undefined) throw new ArgumentError(k, why);
  const set: Record<string, unknown> = {};
  const attrsOnly: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined) continue;
    set[k] = v;
    if (FLAG_KEYS.includes(k)) {
      if (typeof v !== 'boolean') throw new ArgumentError(k, `expected true or false, got ${describe(v)}`);
    } else if (k === 'master') {
      if (v !== null && typeof v !== 'string' && typeof v !== 'number') throw new ArgumentError('master', `expected an interface name or index, got ${describe(v)}`);
    } else attrsOnly[k] = v;
  }
  checkAttrs(linkPolicy, attrsOnly, '');
  if (mode === 'tun') {
    for (const k of ['address', 'broadcast']) if (set[k] !== undefined) throw new ArgumentError(k, 'a tun device has no link-layer address (use mode tap)');
  } else {
    for (const k of ['address', 'broadcast'] as const) {
      const v = set[k];
      if (typeof v === 'string' && v.split(':').length !== 6) throw new ArgumentError(k, `"${v}" is not a 6-byte Ethernet address, which a tap link needs`);
    }
  }
  if (netns !== undefined && !(typeof netns === 'string' || (typeof netns === 'object' && netns !== null))) {
    throw new ArgumentError('netns', `expected a namespace name, path, { fd } or { pid }, got ${describe(netns)}`);
  }

  // ---- I/O
  const n = native();
  const ns = netns !== undefined ? openNetns(netns as NetnsRef) : { fd: ctx.socket.openNetnsFd(), owned: true };
  let fd = -1;
  try {
    fd = n.openIn(ns.fd, '/dev/net/tun', 2 /* O_RDWR */ | 0o4000 /* O_NONBLOCK */);
    if (fd < 0) throw new NetlinkError(fd, { syscall: 'open', message: `links.add ${String(name ?? mode)}: cannot open /dev/net/tun` });
    const [r, chosen] = n.ioctlIfreq(fd, U.TUNSETIFF, (name as string | undefined) ?? '', flags);
    if (r < 0) {
      const e = -r;
      const hint = e === constants.errno.EBUSY ? ': it already exists' : e === constants.errno.EINVAL ? ': a device of that name exists with other flags or of another kind' : '';
      // Like RTM_NEWLINK, report an existing device as EEXIST.
      throw new NetlinkError(e === constants.errno.EBUSY && !ctx.replace ? -constants.errno.EEXIST : r, { syscall: 'ioctl(TUNSETIFF)', message: `links.add ${String(name ?? mode)}: cannot create the ${mode} device${hint}` });
    }
    const what = `links.add ${chosen}`;
    const ioc = (res: number, req: string): void => {
      if (res < 0) throw new NetlinkError(res, { syscall: `ioctl(${req})`, message: `${what}: ${req} failed` });
    };
    try {
      if (owner !== undefined) ioc(n.ioctlInt(fd, U.TUNSETOWNER, owner), 'TUNSETOWNER');
      if (group !== undefined) ioc(n.ioctlInt(fd, U.TUNSETGROUP, group), 'TUNSETGROUP');
      ioc(n.ioctlInt(fd, U.TUNSETPERSIST, 1), 'TUNSETPERSIST');
      if (Object.keys(set).length > 0) {
        if (netns === undefined) await ctx.links.set(chosen, set as LinkSetOptions);
        else {
          const rtnl = await Rtnl.open({ netns: { fd: ns.fd } });
          try {
            await rtnl.links.set(chosen, set as LinkSetOptions);
          } finally {
            await rtnl.close();
          }
        }
      }
    } catch (e) {
      // Undo: a device we just created goes away when its only fd closes non-persistent.
      if (!ctx.replace) n.ioctlInt(fd, U.TUNSETPERSIST, 0);
      throw e;
    }
    return chosen;
  } finally {
    if (fd >= 0) n.close(fd);
    if (ns.owned) closeSync(ns.fd);
  }
}

/** The creators of the tun and tap kinds (registered by src/rtnl/kinds/table.ts). */
export const tunCreators: ReadonlyArray<readonly [kind: string, creator: LinkCreator]> = [
  ['tun', (o, c) => createTun('tun', o, c)],
  ['tap', (o, c) => createTun('tap', o, c)],
];
