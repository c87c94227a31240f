/**
 * A minimal NETLINK_GENERIC entry for the protocol registry, for tests: it
 * shows what the registry has to carry for generic netlink (the library's
 * own generic netlink families plug in the same way).
 *
 * A generic netlink message's nlmsg_type is its family's id, which the
 * kernel assigns at run time (only the controller, "nlctrl", has a fixed
 * one: GENL_ID_CTRL = 16); after the nlmsghdr comes struct genlmsghdr
 * (cmd u8, version u8, reserved u16). So a schema is found by (family name,
 * cmd), and the name by the id: the id -> name table is the protocol's
 * per-context state, learned from the controller's CTRL_CMD_NEWFAMILY
 * messages seen in the same decode context (one per socket, one per
 * capture), never process-wide.
 */
import { decodeAttrs, policy, string, struct, u16, u32, type Policy } from '../src/netlink/attr.js';
import { NETLINK_GENERIC, NLMSG_HDRLEN, NLMSG_MIN_TYPE } from '../src/netlink/constants.js';
import type { RawMessage } from '../src/netlink/message.js';
import {
  controlName,
  headerSchema,
  summarizeObject,
  type DecodeContext,
  type MessageRef,
  type MessageSchema,
  type Protocol,
} from '../src/netlink/protocol.js';

/* linux/genetlink.h (test-only copy of the few numbers used here) */
export const GENL_ID_CTRL = NLMSG_MIN_TYPE;
export const GENL_MAX_ID = 1023;
export const GENL_NAMSIZ = 16;
export const CTRL_CMD_NEWFAMILY = 1;
export const CTRL_CMD_DELFAMILY = 2;
export const CTRL_CMD_GETFAMILY = 3;
const GENL_UAPI = { CTRL_ATTR_FAMILY_ID: 1, CTRL_ATTR_FAMILY_NAME: 2, CTRL_ATTR_VERSION: 3, CTRL_ATTR_HDRSIZE: 4, CTRL_ATTR_MAXATTR: 5 } as const;

/** sizeof(struct genlmsghdr): cmd, version, reserved (GENL_HDRLEN, a macro the generator does not evaluate). */
export const GENL_HDRLEN = 4;

/** One generic netlink family: its command names and the attributes of each command. */
export interface GenlFamily {
  /** The family name the controller reports (CTRL_ATTR_FAMILY_NAME), e.g. 'nlctrl', 'wireguard'. */
  readonly name: string;
  /** Command numbers -> names (CTRL_CMD_NEWFAMILY, WG_CMD_GET_DEVICE, ...). */
  readonly commands: Readonly<Record<number, string>>;
  /** Attribute policy of a command's messages (undefined: attributes stay raw). */
  policyFor(cmd: number): Policy | undefined;
}

const families = new Map<string, GenlFamily>();

/** Make a family's commands and policies known (by family name). */
export function registerGenlFamily(f: GenlFamily): void {
  families.set(f.name, f);
}

/** A registered family by name. */
export function genlFamily(name: string): GenlFamily | undefined {
  return families.get(name);
}

/** The controller's attributes (CTRL_ATTR_*). Ops, multicast groups and policies are kept raw (lossless) for now. */
export const ctrlPolicy = policy('CTRL_ATTR', GENL_UAPI, [
  ['CTRL_ATTR_FAMILY_ID', 'familyId', u16],
  ['CTRL_ATTR_FAMILY_NAME', 'familyName', string],
  ['CTRL_ATTR_VERSION', 'version', u32],
  ['CTRL_ATTR_HDRSIZE', 'hdrSize', u32],
  ['CTRL_ATTR_MAXATTR', 'maxAttr', u32],
]);

const CTRL_COMMANDS: Record<number, string> = { [CTRL_CMD_NEWFAMILY]: 'CTRL_CMD_NEWFAMILY', [CTRL_CMD_DELFAMILY]: 'CTRL_CMD_DELFAMILY', [CTRL_CMD_GETFAMILY]: 'CTRL_CMD_GETFAMILY' };

/** The controller family, "nlctrl" (GENL_ID_CTRL). */
export const nlctrl: GenlFamily = {
  name: 'nlctrl',
  commands: CTRL_COMMANDS,
  policyFor: () => ctrlPolicy,
};
registerGenlFamily(nlctrl);

/** What a generic netlink message decodes to: the genlmsghdr fields and the attributes by API name. */
export interface GenlObject {
  /** genlmsghdr.cmd */
  cmd: number;
  /** genlmsghdr.version */
  version: number;
  [attr: string]: unknown;
}

/** Per-context state: family id -> name, learned from the controller. */
export interface GenlState {
  readonly names: Map<number, string>;
}

function stateOf(ctx: DecodeContext | undefined): GenlState | undefined {
  return ctx?.state as GenlState | undefined;
}

/** The family name of an id in a context (the controller's is always known). */
export function genlFamilyName(type: number, ctx?: DecodeContext): string | undefined {
  if (type === GENL_ID_CTRL) return nlctrl.name;
  return stateOf(ctx)?.names.get(type);
}

const schemas = new WeakMap<GenlFamily, Map<number, MessageSchema | null>>();

/** struct genlmsghdr: cmd, version, reserved. */
const genlmsghdr = struct<{ cmd: number; version: number }>('genlmsghdr', [['cmd', 'u8'], ['version', 'u8'], ['reserved', 'pad16']]);

function schemaOf(f: GenlFamily, cmd: number): MessageSchema | undefined {
  let byCmd = schemas.get(f);
  if (!byCmd) schemas.set(f, (byCmd = new Map()));
  let s = byCmd.get(cmd);
  if (s === undefined) {
    const pol = f.policyFor(cmd);
    s = pol ? headerSchema(f.name, genlmsghdr, pol, { cmd, version: 0 }) : null;
    byCmd.set(cmd, s);
  }
  return s ?? undefined;
}

function cmdOf(m: MessageRef | undefined): number | undefined {
  return m && m.len >= NLMSG_HDRLEN + 1 ? m.buf[m.offset + NLMSG_HDRLEN] : undefined;
}

/** NETLINK_GENERIC: names and schemas by (family learned from its id, cmd). */
export const genericProtocol: Protocol = {
  family: NETLINK_GENERIC,
  name: 'NETLINK_GENERIC',
  messageName(type, ctx, msg) {
    const c = controlName(type);
    if (c !== undefined) return c;
    const name = genlFamilyName(type, ctx);
    // a family whose id this context has not learned: the id, as for any unknown protocol
    if (name === undefined) return `type 0x${type.toString(16)}`;
    const cmd = cmdOf(msg);
    if (cmd === undefined) return name;
    return `${name}/${families.get(name)?.commands[cmd] ?? `cmd_${cmd}`}`;
  },
  schemaFor(m, ctx) {
    const name = genlFamilyName(m.type, ctx);
    const f = name !== undefined ? families.get(name) : undefined;
    const cmd = cmdOf(m);
    return f && cmd !== undefined ? schemaOf(f, cmd) : undefined;
  },
  summarize(m: RawMessage, ctx) {
    const s = genericProtocol.schemaFor(m, ctx);
    if (!s || m.len - NLMSG_HDRLEN < s.headerSize) return undefined;
    return summarizeObject(s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type), ['cmd', 'familyId', 'familyName']);
  },
  createState: (): GenlState => ({ names: new Map() }),
  observe(m, ctx) {
    if (m.type !== GENL_ID_CTRL) return;
    const cmd = cmdOf(m);
    if (cmd !== CTRL_CMD_NEWFAMILY && cmd !== CTRL_CMD_DELFAMILY) return;
    const st = stateOf(ctx);
    if (!st || m.len < NLMSG_HDRLEN + GENL_HDRLEN) return;
    let o: { familyId?: number; familyName?: string };
    try {
      o = decodeAttrs(m.buf, m.offset + NLMSG_HDRLEN + GENL_HDRLEN, m.offset + m.len, ctrlPolicy);
    } catch {
      return; // a malformed controller message teaches nothing (its decoder reports it)
    }
    // Bounded whatever a capture holds: ids up to GENL_MAX_ID, names shorter than GENL_NAMSIZ (as the kernel's).
    const id = o.familyId;
    if (id === undefined || id < GENL_ID_CTRL || id > GENL_MAX_ID) return;
    if (cmd === CTRL_CMD_DELFAMILY) st.names.delete(id);
    else if (typeof o.familyName === 'string' && o.familyName.length > 0 && Buffer.byteLength(o.familyName) < GENL_NAMSIZ) st.names.set(id, o.familyName);
  },
};
