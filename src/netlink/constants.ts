/**
 * Netlink protocol constants. Everything <linux/netlink.h> defines comes
 * from the generated `./uapi.ts` (pinned headers, see uapi/README.md); this
 * module adds what is not a uapi constant: socket-level numbers from the C
 * library headers, sizes that C computes with sizeof, and name tables.
 * @module
 */
import { NETLINK_UAPI, NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN } from './uapi.js';

export * from './uapi.js';

/* Address families and socket options: <sys/socket.h> / <bits/socket.h> (the C library's, not uapi). */
export const AF_UNSPEC = 0;
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_BRIDGE = 7;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const AF_PACKET = 17;
export const AF_MPLS = 28;

export const SOCK_RAW = 3;
export const SOCK_DGRAM = 2;
export const SOL_SOCKET = 1;
export const SOL_NETLINK = 270;
export const SO_SNDBUF = 7;
export const SO_RCVBUF = 8;
export const SO_SNDBUFFORCE = 32;
export const SO_RCVBUFFORCE = 33;

/** NLMSG_HDRLEN: NLMSG_ALIGN(sizeof(struct nlmsghdr)), a macro the generator cannot evaluate. */
export const NLMSG_HDRLEN = 16;
/** NLA_HDRLEN: NLA_ALIGN(sizeof(struct nlattr)). */
export const NLA_HDRLEN = 4;
/**
 * NLA_TYPE_MASK as a 16-bit mask (0x3fff). The header's is the C int
 * ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER), i.e. -49153, which is also what
 * `uapi.NLA_TYPE_MASK` holds; this one can size a table.
 */
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

/** Names of the control message types every netlink protocol shares. */
export const NLMSG_TYPE_NAMES: Readonly<Record<number, string>> = {
  [NLMSG_NOOP]: 'NLMSG_NOOP',
  [NLMSG_ERROR]: 'NLMSG_ERROR',
  [NLMSG_DONE]: 'NLMSG_DONE',
  [NLMSG_OVERRUN]: 'NLMSG_OVERRUN',
};

/** The netlink protocols (families) of <linux/netlink.h>, by number: 0 -> 'NETLINK_ROUTE'. */
export const NETLINK_FAMILY_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  (
    [
      'NETLINK_ROUTE', 'NETLINK_USERSOCK', 'NETLINK_FIREWALL', 'NETLINK_SOCK_DIAG', 'NETLINK_NFLOG', 'NETLINK_XFRM', 'NETLINK_SELINUX',
      'NETLINK_ISCSI', 'NETLINK_AUDIT', 'NETLINK_FIB_LOOKUP', 'NETLINK_CONNECTOR', 'NETLINK_NETFILTER', 'NETLINK_IP6_FW', 'NETLINK_DNRTMSG',
      'NETLINK_KOBJECT_UEVENT', 'NETLINK_GENERIC', 'NETLINK_SCSITRANSPORT', 'NETLINK_ECRYPTFS', 'NETLINK_RDMA', 'NETLINK_CRYPTO', 'NETLINK_SMC',
    ] as const
  ).map((n) => [NETLINK_UAPI[n], n]),
);
