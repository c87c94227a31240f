/**
 * tun/tap devices as the kernel dumps them (IFLA_TUN_*, IFLA_INFO_KIND "tun"
 * for both). Read-only: the kernel does not create tun/tap devices over
 * rtnetlink ("tun/tap creation via rtnetlink is not supported"); they are
 * made with the TUNSETIFF ioctl on /dev/net/tun (see the Tun module, or
 * `ip tuntap add`).
 * @module
 */
import { bool8, enumOf, policy, u32, u8, type Policy } from '../../netlink/attr.js';
import { once } from '../../netlink/once.js';
import { UAPI } from '../uapi.js';
import type { LinkKind } from './registry.js';

/** IFLA_INFO_DATA of a tun/tap device (all read-only). */
export interface TunData {
  /** IFLA_TUN_OWNER: uid allowed to attach (absent: any) */
  owner?: number;
  /** IFLA_TUN_GROUP: gid allowed to attach (absent: any) */
  group?: number;
  /** IFLA_TUN_TYPE: IFF_TUN 1 'tun' (L3) or IFF_TAP 2 'tap' (L2) */
  type?: 'tun' | 'tap' | number;
  /** IFLA_TUN_PI: packet information header (not IFF_NO_PI) */
  pi?: boolean | number;
  /** IFLA_TUN_VNET_HDR: IFF_VNET_HDR */
  vnetHdr?: boolean | number;
  /** IFLA_TUN_PERSIST: IFF_PERSIST */
  persist?: boolean | number;
  /** IFLA_TUN_MULTI_QUEUE: IFF_MULTI_QUEUE */
  multiQueue?: boolean | number;
  /** IFLA_TUN_NUM_QUEUES (multi-queue only): attached queues */
  numQueues?: number;
  /** IFLA_TUN_NUM_DISABLED_QUEUES (multi-queue only) */
  numDisabledQueues?: number;
}

const ro = { readOnly: true } as const;
export const tunPolicy: () => Policy = once(() => policy('IFLA_TUN', UAPI, [
  ['IFLA_TUN_OWNER', 'owner', u32, ro],
  ['IFLA_TUN_GROUP', 'group', u32, ro],
  ['IFLA_TUN_TYPE', 'type', enumOf<'tun' | 'tap'>(u8, { 1: 'tun', 2: 'tap' }), ro],
  ['IFLA_TUN_PI', 'pi', bool8, ro],
  ['IFLA_TUN_VNET_HDR', 'vnetHdr', bool8, ro],
  ['IFLA_TUN_PERSIST', 'persist', bool8, ro],
  ['IFLA_TUN_MULTI_QUEUE', 'multiQueue', bool8, ro],
  ['IFLA_TUN_NUM_QUEUES', 'numQueues', u32, ro],
  ['IFLA_TUN_NUM_DISABLED_QUEUES', 'numDisabledQueues', u32, ro],
]));

declare module './registry.js' {
  interface KindData {
    tun: TunData;
  }
}

/** The tun kind (registered by kinds/table.ts). */
export const tunKind: LinkKind = { kind: 'tun', get data() { return tunPolicy(); }, module: 'tun' };
