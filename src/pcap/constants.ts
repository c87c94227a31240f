/**
 * Numbers of the netlink capture format (LINKTYPE_NETLINK with its cooked header).
 * @module
 */

/** LINKTYPE_NETLINK: Linux netlink, with the 16-byte cooked header. */
export const LINKTYPE_NETLINK = 253;
/** Size of the cooked header (struct sll_header) before the netlink datagram. */
export const NETLINK_COOKED_HEADER_SIZE = 16;
/** ARPHRD_NETLINK: the hardware type in the cooked header. */
export const ARPHRD_NETLINK = 824;
/** PACKET_HOST: what the recorder writes for datagrams received from the kernel. */
export const PACKET_HOST = 0;
/** PACKET_OUTGOING: what nlmon captures carry, and what the recorder writes for datagrams we sent. */
export const PACKET_OUTGOING = 4;

/** PACKET_* (linux/if_packet.h) as names. */
export const PACKET_TYPE_NAMES: Record<number, string> = {
  0: 'host',
  1: 'broadcast',
  2: 'multicast',
  3: 'otherhost',
  4: 'outgoing',
  5: 'loopback',
  6: 'user',
  7: 'kernel',
};
