/**
 * Network namespace ids (RTM_NEWNSID / RTM_GETNSID / RTM_DELNSID): the
 * number a namespace uses to refer to another one (IFLA_LINK_NETNSID of a
 * veth peer, `ip netns list-id`, `ip netns set NAME ID`). Ids are local to
 * the namespace the handle works in.
 *
 * ```ts
 * const r = await Rtnl.open({ netns: 'net0' });
 * await r.nsids.set('net1', 5);        // ip -n net0 netns set net1 5
 * await r.nsids.get('net1');           // 5 (undefined when none is assigned)
 * await r.nsids.set('net2', 'auto');   // the kernel picks one; returns it
 * await r.nsids.list();                // [{ nsid: 5, ... }, ...]  ip -n net0 netns list-id
 * ```
 * @module
 */
import { closeSync } from 'node:fs';
import { decodeAttrs, encodeAttrs, policy, s32, u32, type AttrSetBase, type Policy, type DecodeOptions } from '../netlink/attr.js';
import { NLM_F_CREATE, NLM_F_EXCL, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError, DecodeError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { openNetns, type NetlinkSocket, type NetnsRef } from '../netlink/socket.js';
import type { Writer } from '../netlink/writer.js';
import { encodeAttrsSkippingDerived, checkKeys, checkObject } from './rtcommon.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';
import { constants } from 'node:os';

/** NETNSA_NSID value meaning "no id assigned" (NETNSA_NSID_NOT_ASSIGNED, linux/net_namespace.h: -1). */
export const NETNSA_NSID_NOT_ASSIGNED = U.NETNSA_NSID_NOT_ASSIGNED;

/** NETNSA_* attributes. */
export interface NsIdAttrs extends AttrSetBase {
  /** NETNSA_NSID: the id (-1: not assigned) */
  nsid?: number;
  /** NETNSA_PID (requests): the namespace of this process */
  pid?: number;
  /** NETNSA_FD (requests): the namespace of this open fd */
  fd?: number;
  /** NETNSA_TARGET_NSID: ask in the namespace with this id (as seen from here) */
  targetNsid?: number;
  /** NETNSA_CURRENT_NSID: the id of the handle's namespace as seen from the target */
  currentNsid?: number;
}

/** An RTM_*NSID message: struct rtgenmsg + NETNSA_*. */
export interface NsId extends NsIdAttrs {
  /** rtgen_family (AF_UNSPEC) */
  family: number;
}

export const nsidPolicy: Policy = policy('NETNSA', U, [
  ['NETNSA_NSID', 'nsid', s32],
  ['NETNSA_PID', 'pid', u32],
  ['NETNSA_FD', 'fd', u32],
  ['NETNSA_TARGET_NSID', 'targetNsid', s32],
  ['NETNSA_CURRENT_NSID', 'currentNsid', s32],
]);

/** struct rtgenmsg is 1 byte; attributes start at NLMSG_ALIGN(1) = 4. */
export const RTGENMSG_SIZE = 4;

export function writeRtGenMsg(w: Writer, family = 0): void {
  w.u8(family);
  w.zero(3);
}

export function decodeNsId(buf: Buffer, off: number, end: number, opts?: DecodeOptions): NsId {
  if (end - off < 1) throw new DecodeError('rtgenmsg needs 1 byte', off, 'rtgenmsg');
  const n = decodeAttrs<NsId>(buf, Math.min(end, off + RTGENMSG_SIZE), end, nsidPolicy, nsidPolicy.name, opts);
  n.family = buf[off]!;
  return n;
}

export function encodeNsId(w: Writer, n: Partial<NsId>): void {
  writeRtGenMsg(w, n.family ?? 0);
  encodeAttrsSkippingDerived(w, nsidPolicy, n as Record<string, unknown>);
}

/** The RTM_*NSID messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const nsidSchema: RouteSchema<Partial<NsId>> = {
  types: [U.RTM_NEWNSID, U.RTM_DELNSID, U.RTM_GETNSID],
  name: 'nsid',
  headerSize: RTGENMSG_SIZE,
  policy: nsidPolicy,
  decode: (buf, off, end, _type, opts) => decodeNsId(buf, off, end, opts),
  encode: (w, obj) => encodeNsId(w, obj as Partial<NsId>),
};

function checkNsRef(ns: unknown, field: string): NetnsRef {
  if (typeof ns === 'string' && ns.length > 0) return ns;
  if (typeof ns === 'object' && ns !== null && !Array.isArray(ns)) {
    const o = ns as Record<string, unknown>;
    if ('pid' in o) {
      if (!Number.isInteger(o.pid) || (o.pid as number) <= 0) throw new ArgumentError(`${field}.pid`, 'expected a process id > 0');
      return ns as NetnsRef;
    }
    if ('fd' in o || 'path' in o || 'name' in o) return ns as NetnsRef;
  }
  throw new ArgumentError(field, `expected a namespace name, an absolute path, { fd }, { pid } or { path }, got ${describe(ns)}`);
}

/** rtnl.nsids: namespace ids as seen from the handle's namespace. */
export class NsIds {
  constructor(private readonly sock: NetlinkSocket) {}

  /** Run `fn` with the namespace as NETNSA_PID or NETNSA_FD (an fd opened and closed here). */
  private async withRef<T>(ns: NetnsRef, fn: (attrs: NsIdAttrs) => Promise<T>): Promise<T> {
    if (typeof ns === 'object' && 'pid' in ns) return fn({ pid: ns.pid });
    const h = openNetns(ns, 'netns');
    try {
      return await fn({ fd: h.fd });
    } finally {
      if (h.owned) closeSync(h.fd);
    }
  }

  /** The id of `ns` as seen from here (`ip netns list-id` / `ip netns identify`), or undefined when none is assigned. */
  async get(ns: NetnsRef): Promise<number | undefined> {
    const ref = checkNsRef(ns, 'netns');
    return this.withRef(ref, async (attrs) => {
      const replies = await this.sock.request(
        U.RTM_GETNSID,
        (w) => {
          writeRtGenMsg(w);
          encodeAttrs(w, nsidPolicy, attrs as Record<string, unknown>);
        },
        { what: `nsids.get ${JSON.stringify(ref)}` },
      );
      const m = replies.find((x) => x.type === U.RTM_NEWNSID);
      if (!m) throw new NetlinkError(-constants.errno.EPROTO, { message: 'nsids.get: the kernel answered without an id' });
      const id = decodeNsId(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len).nsid;
      return id === undefined || id < 0 ? undefined : id;
    });
  }

  /**
   * Assign an id to `ns` (`ip netns set NAME ID|auto`); returns the id.
   * NetlinkError EEXIST when `ns` already has an id or the id is taken.
   */
  async set(ns: NetnsRef, nsid: number | 'auto'): Promise<number> {
    const ref = checkNsRef(ns, 'netns');
    if (nsid !== 'auto' && (typeof nsid !== 'number' || !Number.isInteger(nsid) || nsid < 0 || nsid > 0x7fffffff)) {
      throw new ArgumentError('nsid', `expected an id 0..2147483647 or 'auto', got ${describe(nsid)}`);
    }
    return this.withRef(ref, async (attrs) => {
      await this.sock.request(
        U.RTM_NEWNSID,
        (w) => {
          writeRtGenMsg(w);
          encodeAttrs(w, nsidPolicy, { ...attrs, nsid: nsid === 'auto' ? NETNSA_NSID_NOT_ASSIGNED : nsid });
        },
        { what: `nsids.set ${JSON.stringify(ref)} ${String(nsid)}`, flags: NLM_F_CREATE | NLM_F_EXCL },
      );
      const id = await this.get(attrs.pid !== undefined ? { pid: attrs.pid } : { fd: attrs.fd! });
      if (id === undefined) throw new NetlinkError(-constants.errno.EPROTO, { message: 'nsids.set: no id assigned after all' });
      return id;
    });
  }

  /**
   * Every id assigned in this namespace (`ip netns list-id`). With
   * `targetNsid`, the ids of the namespace with that id instead, each with
   * `currentNsid` (this namespace's id there).
   */
  async list(opts: { targetNsid?: number } = {}): Promise<NsId[]> {
    const o = checkObject(opts, 'options', 'options');
    checkKeys(o, ['targetNsid'], 'options', 'nsids.list');
    if (o.targetNsid !== undefined && (!Number.isInteger(o.targetNsid) || (o.targetNsid as number) < 0)) throw new ArgumentError('options.targetNsid', 'expected an id >= 0');
    const msgs = await this.sock.dumpAll(
      U.RTM_GETNSID,
      (w) => {
        writeRtGenMsg(w);
        if (o.targetNsid !== undefined) encodeAttrs(w, nsidPolicy, { targetNsid: o.targetNsid });
      },
      { what: 'nsids.list' },
    );
    return msgs.filter((m) => m.type === U.RTM_NEWNSID).map((m) => decodeNsId(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len));
  }
}
