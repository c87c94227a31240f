/**
 * The generic netlink controller ("nlctrl", id 16): family lookup by name,
 * the list of families, their commands and multicast groups (`genl ctrl list`).
 * @module
 */
import { nestedArray } from './codecs.js';
import { policy, string, u16, u32, type Policy } from '../netlink/attr.js';
import { registerGenlFamily, type GenlFamilySpec } from './protocol.js';
import { GENL_UAPI as G } from './uapi.js';

/** CTRL_ATTR_OP_*: one command of a family. */
export interface CtrlOpAttrs {
  /** CTRL_ATTR_OP_ID */
  id?: number;
  /** CTRL_ATTR_OP_FLAGS: GENL_ADMIN_PERM, GENL_CMD_CAP_DO/DUMP/HASPOL, GENL_UNS_ADMIN_PERM */
  flags?: number;
}
/** CTRL_ATTR_MCAST_GRP_*: one multicast group of a family. */
export interface CtrlMcastGroupAttrs {
  /** CTRL_ATTR_MCAST_GRP_NAME */
  name?: string;
  /** CTRL_ATTR_MCAST_GRP_ID: the number to join (NETLINK_ADD_MEMBERSHIP) */
  id?: number;
}
/** CTRL_ATTR_*: a family as the controller describes it. */
export interface CtrlAttrs {
  /** CTRL_ATTR_FAMILY_ID */
  familyId?: number;
  /** CTRL_ATTR_FAMILY_NAME */
  familyName?: string;
  /** CTRL_ATTR_VERSION */
  version?: number;
  /** CTRL_ATTR_HDRSIZE: the family's header after genlmsghdr */
  hdrSize?: number;
  /** CTRL_ATTR_MAXATTR */
  maxAttr?: number;
  /** CTRL_ATTR_OPS */
  ops?: CtrlOpAttrs[];
  /** CTRL_ATTR_MCAST_GROUPS */
  mcastGroups?: CtrlMcastGroupAttrs[];
  /** CTRL_ATTR_OP (GETPOLICY requests) */
  op?: number;
  unknown?: import('../netlink/attr.js').UnknownAttr[];
}

export const ctrlOpPolicy = policy('CTRL_ATTR_OP', G, [
  ['CTRL_ATTR_OP_ID', 'id', u32],
  ['CTRL_ATTR_OP_FLAGS', 'flags', u32],
]);
export const ctrlMcastGroupPolicy = policy('CTRL_ATTR_MCAST_GRP', G, [
  ['CTRL_ATTR_MCAST_GRP_NAME', 'name', string],
  ['CTRL_ATTR_MCAST_GRP_ID', 'id', u32],
]);
/**
 * CTRL_ATTR_*. CTRL_ATTR_POLICY and CTRL_ATTR_OP_POLICY (policy dumps,
 * CTRL_CMD_GETPOLICY) are not decoded: they stay raw in `unknown`.
 */
export const ctrlPolicy: Policy = policy('CTRL_ATTR', G, [
  ['CTRL_ATTR_FAMILY_ID', 'familyId', u16],
  ['CTRL_ATTR_FAMILY_NAME', 'familyName', string],
  ['CTRL_ATTR_VERSION', 'version', u32],
  ['CTRL_ATTR_HDRSIZE', 'hdrSize', u32],
  ['CTRL_ATTR_MAXATTR', 'maxAttr', u32],
  ['CTRL_ATTR_OPS', 'ops', nestedArray(ctrlOpPolicy, { numbering: 'index', nestedFlag: false })],
  ['CTRL_ATTR_MCAST_GROUPS', 'mcastGroups', nestedArray(ctrlMcastGroupPolicy, { numbering: 'index', nestedFlag: false })],
  ['CTRL_ATTR_OP', 'op', u32],
]);

/** CTRL_CMD_* names. */
export const CTRL_COMMANDS: Record<number, string> = {
  [G.CTRL_CMD_NEWFAMILY]: 'CTRL_CMD_NEWFAMILY',
  [G.CTRL_CMD_DELFAMILY]: 'CTRL_CMD_DELFAMILY',
  [G.CTRL_CMD_GETFAMILY]: 'CTRL_CMD_GETFAMILY',
  [G.CTRL_CMD_NEWOPS]: 'CTRL_CMD_NEWOPS',
  [G.CTRL_CMD_DELOPS]: 'CTRL_CMD_DELOPS',
  [G.CTRL_CMD_GETOPS]: 'CTRL_CMD_GETOPS',
  [G.CTRL_CMD_NEWMCAST_GRP]: 'CTRL_CMD_NEWMCAST_GRP',
  [G.CTRL_CMD_DELMCAST_GRP]: 'CTRL_CMD_DELMCAST_GRP',
  [G.CTRL_CMD_GETMCAST_GRP]: 'CTRL_CMD_GETMCAST_GRP',
  [G.CTRL_CMD_GETPOLICY]: 'CTRL_CMD_GETPOLICY',
};

/** Version of our controller requests (what the kernel's nlctrl reports, 2). */
export const CTRL_VERSION = 2;

export const ctrlSpec: GenlFamilySpec = {
  name: 'nlctrl',
  version: CTRL_VERSION,
  commands: CTRL_COMMANDS,
  policy: (cmd) => (cmd === G.CTRL_CMD_GETPOLICY ? undefined : ctrlPolicy),
  summaryKeys: ['familyName', 'familyId', 'version'],
};
registerGenlFamily(ctrlSpec);

/** One command of a family, as the controller lists it. */
export interface GenlOp {
  /** Command number. */
  id: number;
  /** Its name when this library knows the family ('WG_CMD_GET_DEVICE'). */
  name?: string;
  /** CTRL_ATTR_OP_FLAGS as received. */
  flags: number;
  /** GENL_CMD_CAP_DO: can be sent as a request. */
  do: boolean;
  /** GENL_CMD_CAP_DUMP: can be dumped. */
  dump: boolean;
  /** GENL_CMD_CAP_HASPOL: has an attribute policy (CTRL_CMD_GETPOLICY). */
  hasPolicy: boolean;
  /** GENL_ADMIN_PERM: needs CAP_NET_ADMIN in the initial user namespace. */
  adminPerm: boolean;
  /** GENL_UNS_ADMIN_PERM: needs CAP_NET_ADMIN in the namespace's user namespace. */
  unsAdminPerm: boolean;
}

/** A multicast group of a family. */
export interface GenlMcastGroup {
  name: string;
  /** The group number to join. */
  id: number;
}

/** A generic netlink family as resolved on one socket. */
export interface GenlFamily {
  /** The id (nlmsg_type) the kernel gave the family when it registered. */
  id: number;
  name: string;
  version: number;
  /** Size of the family's header after genlmsghdr. */
  hdrSize: number;
  maxAttr: number;
  ops: GenlOp[];
  mcastGroups: GenlMcastGroup[];
}

/** The typed family from a decoded CTRL_CMD_NEWFAMILY message (undefined when it lacks an id or name). */
export function familyFromAttrs(a: CtrlAttrs, commandName?: (cmd: number) => string | undefined): GenlFamily | undefined {
  if (a.familyId === undefined || a.familyName === undefined) return undefined;
  return {
    id: a.familyId,
    name: a.familyName,
    version: a.version ?? 0,
    hdrSize: a.hdrSize ?? 0,
    maxAttr: a.maxAttr ?? 0,
    ops: (a.ops ?? []).map((o) => {
      const flags = o.flags ?? 0;
      const id = o.id ?? 0;
      const name = commandName?.(id);
      return {
        id,
        ...(name !== undefined ? { name } : {}),
        flags,
        do: (flags & G.GENL_CMD_CAP_DO) !== 0,
        dump: (flags & G.GENL_CMD_CAP_DUMP) !== 0,
        hasPolicy: (flags & G.GENL_CMD_CAP_HASPOL) !== 0,
        adminPerm: (flags & G.GENL_ADMIN_PERM) !== 0,
        unsAdminPerm: (flags & G.GENL_UNS_ADMIN_PERM) !== 0,
      };
    }),
    mcastGroups: (a.mcastGroups ?? []).filter((g) => g.name !== undefined && g.id !== undefined).map((g) => ({ name: g.name!, id: g.id! })),
  };
}
