/**
 * Namespace ids (RTM_NEWNSID/DELNSID/GETNSID): struct rtgenmsg + NETNSA_*.
 * Registered so that `monitor(['nsid'])`, the CLI and the capture decoder
 * decode these messages like every other family.
 * @module
 */
import { decodeAttrs, encodeAttrs, policy, s32, u32, type AttrSetBase, type Policy } from '../netlink/attr.js';
import { DecodeError } from '../netlink/errors.js';
import { registerSchema } from './schema.js';
import * as U from './uapi.js';

/** An nsid message: the id a peer namespace has as seen from this one. */
export interface NsId extends AttrSetBase {
  /** rtgen_family (AF_UNSPEC) */
  family: number;
  /** NETNSA_NSID: the id (-1 = none assigned) */
  nsid?: number;
  /** NETNSA_PID: a process in the namespace (requests) */
  pid?: number;
  /** NETNSA_FD: an fd of the namespace (requests) */
  fd?: number;
  /** NETNSA_TARGET_NSID */
  targetNsid?: number;
  /** NETNSA_CURRENT_NSID */
  currentNsid?: number;
}

export const nsidPolicy: Policy = policy('NETNSA', U.UAPI, [
  ['NETNSA_NSID', 'nsid', s32],
  ['NETNSA_PID', 'pid', u32],
  ['NETNSA_FD', 'fd', u32],
  ['NETNSA_TARGET_NSID', 'targetNsid', s32],
  ['NETNSA_CURRENT_NSID', 'currentNsid', s32],
]);

/** struct rtgenmsg is one byte, padded to 4 (NLMSG_ALIGN) before the attributes. */
const RTGENMSG_SIZE = 4;

export function decodeNsId(buf: Buffer, off: number, end: number): NsId {
  if (end - off < 1) throw new DecodeError('rtgenmsg needs 1 byte', off, 'rtgenmsg');
  const attrs = end - off >= RTGENMSG_SIZE ? decodeAttrs<NsId>(buf, off + RTGENMSG_SIZE, end, nsidPolicy) : ({} as NsId);
  attrs.family = buf[off]!;
  return attrs;
}

registerSchema([U.RTM_NEWNSID, U.RTM_DELNSID, U.RTM_GETNSID], {
  name: 'nsid',
  headerSize: RTGENMSG_SIZE,
  policy: nsidPolicy,
  decode: (buf, off, end) => decodeNsId(buf, off, end),
  encode: (w, obj) => {
    w.u8((obj as Partial<NsId>).family ?? 0);
    w.zero(3);
    encodeAttrs(w, nsidPolicy, obj);
  },
});
