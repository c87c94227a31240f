/**
 * rtnl.bridgeVlans: per-port VLANs of VLAN-filtering bridges, like
 * `bridge vlan add|del|show`. Requests are AF_BRIDGE link messages:
 * RTM_SETLINK (add) / RTM_DELLINK (del) carrying IFLA_AF_SPEC =
 * { IFLA_BRIDGE_FLAGS?, IFLA_BRIDGE_VLAN_INFO... }; the list is an AF_BRIDGE
 * RTM_GETLINK dump with RTEXT_FILTER_BRVLAN.
 *
 *   bridge vlan add dev veth0 vid 10 pvid untagged
 *   await rtnl.bridgeVlans.add('veth0', { vid: 10, pvid: true, untagged: true });
 *   bridge vlan add dev br0 vid 20-29 self
 *   await rtnl.bridgeVlans.add('br0', { vid: 20, vidEnd: 29, self: true });
 *   bridge vlan show
 *   await rtnl.bridgeVlans.list();
 *
 * The kernel needs CONFIG_BRIDGE_VLAN_FILTERING; without it add/del fail
 * with EOPNOTSUPP and the list is empty.
 * @module
 */
import { encodeAttrs } from '../netlink/attr.js';
import { AF_BRIDGE, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import type { BridgeAfSpec, BridgeVlanInfo } from './afspec.js';
import { decodeLink, linkPolicyFor, writeIfInfoMsg } from './link.js';
import type { LinkRef, Links } from './links.js';
import { UAPI as U } from './uapi.js';

/** One VLAN (or range of VLANs) of a bridge port or of the bridge itself. */
export interface BridgeVlanEntry {
  /** Interface index of the port (or of the bridge for its own VLANs). */
  index: number;
  /** Interface name. */
  name: string;
  /** IFLA_MASTER: the bridge a port belongs to (absent for the bridge device itself). */
  master?: number;
  /** VLAN id (first of the range when compressed). */
  vid: number;
  /** Last VLAN id of a range (only in compressed lists). */
  vidEnd?: number;
  /** BRIDGE_VLAN_INFO_PVID: untagged ingress frames get this VLAN. */
  pvid: boolean;
  /** BRIDGE_VLAN_INFO_UNTAGGED: egress frames leave untagged. */
  untagged: boolean;
  /** BRIDGE_VLAN_INFO_* flags as reported (MASTER 1, PVID 2, UNTAGGED 4, RANGE_BEGIN 8, RANGE_END 16, BRENTRY 32). */
  flags: number;
}

/** What to add or delete. */
export interface BridgeVlanSpec {
  /** VLAN id 1..4094 (first of a range with vidEnd). */
  vid: number;
  /** Last VLAN id of a range (`vid 10-20`). */
  vidEnd?: number;
  /** `pvid`: untagged ingress traffic is assigned this VLAN (not allowed with a range). */
  pvid?: boolean;
  /** `untagged`: egress traffic leaves untagged. */
  untagged?: boolean;
  /** `self`: program the device itself (IFLA_BRIDGE_FLAGS = BRIDGE_FLAGS_SELF): the bridge's own VLANs when dev is the bridge. */
  self?: boolean;
  /** `master`: program the bridge the device is a port of (the default). */
  master?: boolean;
}

/** Filters for list(). */
export interface BridgeVlanListFilter {
  /** Only this port (name or index). */
  dev?: LinkRef;
  /** Ask the kernel for ranges (RTEXT_FILTER_BRVLAN_COMPRESSED, like `bridge vlan show`), default false: one entry per VLAN. */
  compressed?: boolean;
}

function checkVid(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4094) throw new ArgumentError(field, `expected a VLAN id 1..4094, got ${describe(v)}`);
  return v;
}

function checkSpec(spec: unknown): { flags: number; infos: BridgeVlanInfo[] } {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ArgumentError('vlan', `expected { vid, vidEnd?, pvid?, untagged?, self?, master? }, got ${describe(spec)}`);
  const s = spec as Record<string, unknown>;
  for (const k of Object.keys(s)) {
    if (!['vid', 'vidEnd', 'pvid', 'untagged', 'self', 'master'].includes(k)) throw new ArgumentError(`vlan.${k}`, `unknown option "${k}" (known: vid, vidEnd, pvid, untagged, self, master)`);
  }
  for (const k of ['pvid', 'untagged', 'self', 'master']) {
    if (s[k] !== undefined && typeof s[k] !== 'boolean') throw new ArgumentError(`vlan.${k}`, `expected true or false, got ${describe(s[k])}`);
  }
  const vid = checkVid(s.vid, 'vlan.vid');
  const vidEnd = s.vidEnd === undefined ? undefined : checkVid(s.vidEnd, 'vlan.vidEnd');
  if (vidEnd !== undefined && vidEnd < vid) throw new ArgumentError('vlan.vidEnd', `range end ${vidEnd} is below its start ${vid}`);
  if (vidEnd !== undefined && vidEnd !== vid && s.pvid) throw new ArgumentError('vlan.pvid', 'a range of VLANs cannot be the pvid');
  let info = 0;
  if (s.pvid) info |= U.BRIDGE_VLAN_INFO_PVID;
  if (s.untagged) info |= U.BRIDGE_VLAN_INFO_UNTAGGED;
  let flags = 0;
  if (s.self) flags |= U.BRIDGE_FLAGS_SELF;
  if (s.master) flags |= U.BRIDGE_FLAGS_MASTER;
  const infos: BridgeVlanInfo[] =
    vidEnd === undefined || vidEnd === vid
      ? [{ flags: info, vid }]
      : [
          { flags: info | U.BRIDGE_VLAN_INFO_RANGE_BEGIN, vid },
          { flags: info | U.BRIDGE_VLAN_INFO_RANGE_END, vid: vidEnd },
        ];
  return { flags, infos };
}

export class BridgeVlans {
  constructor(
    private readonly sock: NetlinkSocket,
    private readonly links: Links,
  ) {}

  /** `bridge vlan add dev DEV vid VID [pvid] [untagged] [self] [master]`. */
  async add(dev: LinkRef, spec: BridgeVlanSpec): Promise<void> {
    await this.change(U.RTM_SETLINK, dev, spec, 'bridgeVlans.add');
  }

  /** `bridge vlan del dev DEV vid VID [self] [master]`. */
  async del(dev: LinkRef, spec: BridgeVlanSpec): Promise<void> {
    await this.change(U.RTM_DELLINK, dev, spec, 'bridgeVlans.del');
  }

  private async change(type: number, dev: LinkRef, spec: BridgeVlanSpec, what: string): Promise<void> {
    const { flags, infos } = checkSpec(spec);
    const index = await this.links.index(dev, 'dev');
    const afSpec: BridgeAfSpec = { vlanInfo: infos };
    if (flags) afSpec.flags = flags;
    await this.sock.request(
      type,
      (w) => {
        writeIfInfoMsg(w, { family: AF_BRIDGE, index });
        encodeAttrs(w, linkPolicyFor(AF_BRIDGE), { afSpec });
      },
      { what: `${what} ${String(dev)} vid ${spec.vid}${spec.vidEnd !== undefined ? `-${spec.vidEnd}` : ''}` },
    );
  }

  /** `bridge vlan show`: the VLANs of every port (and bridge), or of one device. */
  async list(filter: BridgeVlanListFilter = {}): Promise<BridgeVlanEntry[]> {
    if (typeof filter !== 'object' || filter === null) throw new ArgumentError('filter', 'expected an object');
    for (const k of Object.keys(filter)) if (k !== 'dev' && k !== 'compressed') throw new ArgumentError(`filter.${k}`, 'unknown filter (known: dev, compressed)');
    const only = filter.dev === undefined ? undefined : await this.links.index(filter.dev, 'filter.dev');
    const mask = filter.compressed ? U.RTEXT_FILTER_BRVLAN_COMPRESSED : U.RTEXT_FILTER_BRVLAN;
    const msgs = await this.sock.dumpAll(
      U.RTM_GETLINK,
      (w) => {
        writeIfInfoMsg(w, { family: AF_BRIDGE });
        w.attrU32(U.IFLA_EXT_MASK, mask);
      },
      { what: 'bridgeVlans.list' },
    );
    const out: BridgeVlanEntry[] = [];
    for (const m of msgs) {
      if (m.type !== U.RTM_NEWLINK) continue;
      const l = decodeLink(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      if (l.family !== AF_BRIDGE || (only !== undefined && l.index !== only)) continue;
      const spec = l.afSpec;
      if (!spec?.vlanInfo) continue;
      let begin: BridgeVlanInfo | undefined;
      for (const vi of spec.vlanInfo) {
        if (vi.flags & U.BRIDGE_VLAN_INFO_RANGE_BEGIN) {
          begin = vi;
          continue;
        }
        const e: BridgeVlanEntry = {
          index: l.index,
          name: l.name,
          vid: begin ? begin.vid : vi.vid,
          pvid: (vi.flags & U.BRIDGE_VLAN_INFO_PVID) !== 0,
          untagged: (vi.flags & U.BRIDGE_VLAN_INFO_UNTAGGED) !== 0,
          flags: begin ? begin.flags & ~U.BRIDGE_VLAN_INFO_RANGE_BEGIN : vi.flags,
        };
        if (begin && vi.flags & U.BRIDGE_VLAN_INFO_RANGE_END) e.vidEnd = vi.vid;
        if (l.master !== undefined) e.master = l.master;
        out.push(e);
        begin = undefined;
      }
    }
    return out;
  }
}
