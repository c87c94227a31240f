/**
 * Numbers of the netlink capture format (LINKTYPE_NETLINK with its cooked header).
 * @module
 */

/** LINKTYPE_NETLINK: Linux netlink, with the 16-byte cooked header. */
export const LINKTYPE_NETLINK = 253;
/** Size of the cooked header (struct sll_header) before the netlink datagram. */
export const NETLINK_COOKED_HEADER_SIZE = 16;
import { UAPI } from '../rtnl/uapi.js';
const { ARPHRD_NETLINK, PACKET_BROADCAST, PACKET_HOST, PACKET_KERNEL, PACKET_LOOPBACK, PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING, PACKET_USER } = UAPI;

/**
 * ARPHRD_NETLINK (linux/if_arp.h): the hardware type in the cooked header.
 * PACKET_HOST (linux/if_packet.h): what the recorder writes for datagrams received from the kernel.
 * PACKET_OUTGOING: what nlmon captures carry, and what the recorder writes for datagrams we sent.
 */
export { ARPHRD_NETLINK, PACKET_HOST, PACKET_OUTGOING };

/** PACKET_* (linux/if_packet.h) as names. */
export const PACKET_TYPE_NAMES: Readonly<Record<number, string>> = {
  [PACKET_HOST]: 'host',
  [PACKET_BROADCAST]: 'broadcast',
  [PACKET_MULTICAST]: 'multicast',
  [PACKET_OTHERHOST]: 'otherhost',
  [PACKET_OUTGOING]: 'outgoing',
  [PACKET_LOOPBACK]: 'loopback',
  [PACKET_USER]: 'user',
  [PACKET_KERNEL]: 'kernel',
};
