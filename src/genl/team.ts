/**
 * The "team" generic netlink family: options and ports of a team device
 * (`teamnl`). The team device and its ports are links (rtnetlink):
 *
 *   ip link add team0 type team                     rtnl.links.add({ name: 'team0', kind: 'team' })
 *   teamnl team0 setoption mode activebackup        genl.team.setOptions('team0', { mode: 'activebackup' })
 *   ip link set eth1 master team0                   rtnl.links.set('eth1', { master: 'team0' })
 *   teamnl team0 setoption activeport 4             genl.team.setOptions('team0', { activeport: 'eth1' })
 *   teamnl -p eth2 team0 setoption enabled false    genl.team.setOptions('team0', { ports: { eth2: { enabled: false } } })
 *   teamnl team0 options / ports / getoption X      genl.team.options('team0') / ports('team0') / option('team0', 'X')
 *
 * Without teamd nothing watches links or runs LACP: the kernel's modes do
 * what the options say (activebackup sends through `activeport` only).
 * @module
 */
import { binary, enumOf, flag, nested, policy, s32, string, u32, u8, type Codec, type Policy } from '../netlink/attr.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import { bySibling } from './codecs.js';
import { checkDev, checkInt, checkObject } from './common.js';
import { registerGenlFamily, type GenlFamilySpec } from './protocol.js';
import type { DevRef, GenlTransport } from './transport.js';
import { GENL_UAPI as G } from './uapi.js';

export const TEAM_GENL_NAME = 'team';

/**
 * Attribute types of include/net/netlink.h (kernel-internal, stable since
 * 2.6) that TEAM_ATTR_OPTION_TYPE carries; not in any uapi header.
 */
export const NLA_U32 = 3;
export const NLA_STRING = 5;
export const NLA_FLAG = 6;
export const NLA_BINARY = 11;
export const NLA_S32 = 14;

export type TeamOptionType = 'u32' | 'string' | 'binary' | 'bool' | 's32';
const TYPE_CODES: Record<TeamOptionType, number> = { u32: NLA_U32, string: NLA_STRING, binary: NLA_BINARY, bool: NLA_FLAG, s32: NLA_S32 };
const optionType = enumOf<TeamOptionType>(u8, { [NLA_U32]: 'u32', [NLA_STRING]: 'string', [NLA_BINARY]: 'binary', [NLA_FLAG]: 'bool', [NLA_S32]: 's32' });
const DATA_CODECS: Record<TeamOptionType, Codec<unknown>> = { u32, string, binary, bool: flag, s32 } as Record<TeamOptionType, Codec<unknown>>;

/** TEAM_ATTR_OPTION_DATA, typed by the TEAM_ATTR_OPTION_TYPE before it. */
const optionData = bySibling('team option data', (p) => DATA_CODECS[p.type as TeamOptionType]);

/** TEAM_ATTR_OPTION_*: one option (of the team, or of one port, or one array element). */
export const teamOptionPolicy = policy('TEAM_ATTR_OPTION', G, [
  ['TEAM_ATTR_OPTION_NAME', 'name', string],
  ['TEAM_ATTR_OPTION_CHANGED', 'changed', flag],
  ['TEAM_ATTR_OPTION_TYPE', 'type', optionType],
  ['TEAM_ATTR_OPTION_DATA', 'data', optionData],
  ['TEAM_ATTR_OPTION_REMOVED', 'removed', flag],
  ['TEAM_ATTR_OPTION_PORT_IFINDEX', 'port', u32],
  ['TEAM_ATTR_OPTION_ARRAY_INDEX', 'arrayIndex', u32],
]);
/** TEAM_ATTR_ITEM_OPTION list (every option repeats the attribute). */
export const teamOptionListPolicy = policy('TEAM_ATTR_ITEM_OPTION', G, [
  ['TEAM_ATTR_ITEM_OPTION', 'items', nested(teamOptionPolicy, { nestedFlag: true }), { multi: true }],
]);
/** TEAM_ATTR_PORT_*: one port. */
export const teamPortPolicy = policy('TEAM_ATTR_PORT', G, [
  ['TEAM_ATTR_PORT_IFINDEX', 'ifindex', u32],
  ['TEAM_ATTR_PORT_CHANGED', 'changed', flag],
  ['TEAM_ATTR_PORT_LINKUP', 'linkup', flag],
  ['TEAM_ATTR_PORT_SPEED', 'speed', u32],
  ['TEAM_ATTR_PORT_DUPLEX', 'duplex', enumOf<'half' | 'full'>(u8, { 0: 'half', 1: 'full' })],
  ['TEAM_ATTR_PORT_REMOVED', 'removed', flag],
]);
export const teamPortListPolicy = policy('TEAM_ATTR_ITEM_PORT', G, [
  ['TEAM_ATTR_ITEM_PORT', 'items', nested(teamPortPolicy, { nestedFlag: true }), { multi: true }],
]);
/** TEAM_ATTR_*: every team message. */
export const teamPolicy: Policy = policy('TEAM_ATTR', G, [
  ['TEAM_ATTR_TEAM_IFINDEX', 'ifindex', u32],
  ['TEAM_ATTR_LIST_OPTION', 'optionList', nested(teamOptionListPolicy, { nestedFlag: true })],
  ['TEAM_ATTR_LIST_PORT', 'portList', nested(teamPortListPolicy, { nestedFlag: true })],
]);

export const TEAM_COMMANDS: Record<number, string> = {
  [G.TEAM_CMD_NOOP]: 'TEAM_CMD_NOOP',
  [G.TEAM_CMD_OPTIONS_SET]: 'TEAM_CMD_OPTIONS_SET',
  [G.TEAM_CMD_OPTIONS_GET]: 'TEAM_CMD_OPTIONS_GET',
  [G.TEAM_CMD_PORT_LIST_GET]: 'TEAM_CMD_PORT_LIST_GET',
};

export const teamSpec: GenlFamilySpec = {
  name: TEAM_GENL_NAME,
  version: G.TEAM_GENL_VERSION,
  commands: TEAM_COMMANDS,
  policy: () => teamPolicy,
  summaryKeys: ['ifindex'],
};
registerGenlFamily(teamSpec);

/** The "change_event" multicast group (TEAM_GENL_CHANGE_EVENT_MC_GRP_NAME). */
export const TEAM_GENL_CHANGE_EVENT_MC_GRP_NAME = 'change_event';

// ------------------------------------------------------------------ types

export type TeamOptionValue = number | string | boolean | Uint8Array;

/** One option as the kernel lists it (`teamnl DEV options`). */
export interface TeamOption {
  /** TEAM_ATTR_OPTION_NAME ('mode', 'activeport', 'enabled', ...) */
  name: string;
  /** TEAM_ATTR_OPTION_TYPE */
  type: TeamOptionType | number;
  /** TEAM_ATTR_OPTION_DATA (a bool option that is off carries none: false) */
  value: TeamOptionValue | undefined;
  /** TEAM_ATTR_OPTION_PORT_IFINDEX: the port a per-port option belongs to */
  port?: number;
  /** The port's name, when it exists. */
  portName?: string;
  /** TEAM_ATTR_OPTION_ARRAY_INDEX of an array option */
  arrayIndex?: number;
  /** TEAM_ATTR_OPTION_CHANGED */
  changed: boolean;
  /** TEAM_ATTR_OPTION_REMOVED */
  removed: boolean;
}

/** One port (`teamnl DEV ports`). */
export interface TeamPort {
  ifindex: number;
  name?: string;
  /** TEAM_ATTR_PORT_LINKUP */
  linkup: boolean;
  /** TEAM_ATTR_PORT_SPEED, Mbit/s */
  speed?: number;
  /** TEAM_ATTR_PORT_DUPLEX */
  duplex?: 'half' | 'full' | number;
  changed: boolean;
  removed: boolean;
}

/** Per-port options of the kernel's team driver. */
export interface TeamPortOptions {
  /** `enabled` (bool): the port takes part in transmission */
  enabled?: boolean;
  /** `user_linkup` (bool) */
  user_linkup?: boolean;
  /** `user_linkup_enabled` (bool) */
  user_linkup_enabled?: boolean;
  /** `priority` (s32) */
  priority?: number;
  /** `queue_id` (u32) */
  queue_id?: number;
  [option: string]: TeamOptionValue | undefined;
}

/**
 * Options to set, by the kernel's option names. Team-wide options at the top
 * level, per-port ones under `ports` by port name (or index). Interface-valued
 * options (`activeport`) take a name or an index. The order is kept: set
 * `mode` before the options its mode brings (`activeport` exists only in
 * activebackup mode).
 */
export interface TeamOptionChanges {
  /** `mode` (string): roundrobin, activebackup, loadbalance, broadcast, random; only while the team has no ports */
  mode?: string;
  /** `activeport` (u32, activebackup): the port to send through, by name or index (0: none) */
  activeport?: DevRef;
  notify_peers_count?: number;
  notify_peers_interval?: number;
  mcast_rejoin_count?: number;
  mcast_rejoin_interval?: number;
  /** `lb_tx_method` (string, loadbalance): hash or hash_to_port_mapping */
  lb_tx_method?: string;
  /** `bpf_hash_func` (binary, loadbalance): a classic BPF program */
  bpf_hash_func?: Uint8Array;
  lb_stats_refresh_interval?: number;
  /** Per-port options by port name or index. */
  ports?: Record<string, TeamPortOptions>;
  [option: string]: TeamOptionValue | DevRef | Record<string, TeamPortOptions> | undefined;
}

/** One option item to set, for array options and full control (`teamnl -p PORT -a INDEX DEV setoption NAME VALUE`). */
export interface TeamOptionItem {
  name: string;
  value: TeamOptionValue | DevRef;
  /** The port of a per-port option. */
  port?: DevRef;
  /** The element of an array option (lb_tx_hash_to_port_mapping). */
  arrayIndex?: number;
  /** The option's type; default: known options' type, else asked from the kernel. */
  type?: TeamOptionType;
}

interface KnownOption {
  type: TeamOptionType;
  perPort?: boolean;
  array?: boolean;
  /** The value is an interface index (a name is resolved). */
  ifindexValue?: boolean;
  readOnly?: boolean;
}

/** The options of the kernel's team driver and its modes (drivers/net/team/*.c, 6.1). */
export const TEAM_OPTIONS: Readonly<Record<string, KnownOption>> = {
  mode: { type: 'string' },
  notify_peers_count: { type: 'u32' },
  notify_peers_interval: { type: 'u32' },
  mcast_rejoin_count: { type: 'u32' },
  mcast_rejoin_interval: { type: 'u32' },
  enabled: { type: 'bool', perPort: true },
  user_linkup: { type: 'bool', perPort: true },
  user_linkup_enabled: { type: 'bool', perPort: true },
  priority: { type: 's32', perPort: true },
  queue_id: { type: 'u32', perPort: true },
  activeport: { type: 'u32', ifindexValue: true },
  lb_tx_method: { type: 'string' },
  bpf_hash_func: { type: 'binary' },
  lb_tx_hash_to_port_mapping: { type: 'u32', array: true, ifindexValue: true },
  lb_hash_stats: { type: 'binary', array: true, readOnly: true },
  lb_port_stats: { type: 'binary', perPort: true, readOnly: true },
  lb_stats_refresh_interval: { type: 'u32' },
};

// --------------------------------------------------------------- checks

function checkValue(type: TeamOptionType, v: unknown, f: string): TeamOptionValue {
  switch (type) {
    case 'u32':
      return checkInt(v, f, 0, 0xffffffff, 'a u32');
    case 's32':
      return checkInt(v, f, -0x80000000, 0x7fffffff, 'an s32');
    case 'bool':
      if (typeof v !== 'boolean') throw new ArgumentError(f, `expected true or false, got ${describe(v)}`);
      return v;
    case 'string':
      if (typeof v !== 'string' || v.includes('\0')) throw new ArgumentError(f, `expected a string, got ${describe(v)}`);
      if (Buffer.byteLength(v) >= G.TEAM_STRING_MAX_LEN) throw new ArgumentError(f, `"${v}" is longer than ${G.TEAM_STRING_MAX_LEN - 1} bytes (TEAM_STRING_MAX_LEN)`);
      return v;
    case 'binary':
      if (!(v instanceof Uint8Array)) throw new ArgumentError(f, `expected bytes (a Buffer or Uint8Array), got ${describe(v)}`);
      return v;
  }
}

function checkOptionName(n: unknown, f: string): string {
  if (typeof n !== 'string' || n.length === 0 || n.includes('\0')) throw new ArgumentError(f, `expected an option name, got ${describe(n)}`);
  return n;
}

/** An item with everything resolved but interface names. */
interface PendingItem {
  name: string;
  field: string;
  value: unknown;
  port?: DevRef;
  arrayIndex?: number;
  type?: TeamOptionType;
}

function flatten(changes: unknown): PendingItem[] {
  if (Array.isArray(changes)) {
    return changes.map((x, i) => {
      const f = `options[${i}]`;
      const r = checkObject(x, f);
      for (const k of Object.keys(r)) if (r[k] !== undefined && !['name', 'value', 'port', 'arrayIndex', 'type'].includes(k)) throw new ArgumentError(`${f}.${k}`, `unknown key "${k}" (known: name, value, port, arrayIndex, type)`);
      const item: PendingItem = { name: checkOptionName(r.name, `${f}.name`), field: `${f}.value`, value: r.value };
      if (r.port !== undefined) item.port = checkDev(r.port, `${f}.port`);
      if (r.arrayIndex !== undefined) item.arrayIndex = checkInt(r.arrayIndex, `${f}.arrayIndex`, 0, 0xffffffff, 'an array index');
      if (r.type !== undefined) {
        if (typeof r.type !== 'string' || !(r.type in TYPE_CODES)) throw new ArgumentError(`${f}.type`, `expected one of ${Object.keys(TYPE_CODES).join(', ')}, got ${describe(r.type)}`);
        item.type = r.type as TeamOptionType;
      }
      return item;
    });
  }
  const r = checkObject(changes, 'options');
  const out: PendingItem[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (v === undefined) continue;
    if (k === 'ports') {
      const ports = checkObject(v, 'options.ports');
      for (const [p, po] of Object.entries(ports)) {
        const port = /^\d+$/.test(p) ? Number(p) : p;
        checkDev(port, `options.ports.${p}`);
        for (const [n, x] of Object.entries(checkObject(po, `options.ports.${p}`))) {
          if (x === undefined) continue;
          out.push({ name: n, field: `options.ports.${p}.${n}`, value: x, port });
        }
      }
      continue;
    }
    out.push({ name: k, field: `options.${k}`, value: v });
  }
  return out;
}

// ------------------------------------------------------------------- API

/** `teamnl`: options and ports of team devices. */
export class Team {
  constructor(private readonly t: GenlTransport) {}

  private async teamIndex(dev: DevRef): Promise<number> {
    const link = await this.t.link(dev, 'dev');
    if (link.linkInfo?.kind !== 'team') throw new ArgumentError('dev', `${JSON.stringify(dev)} is ${link.linkInfo?.kind ? `a ${link.linkInfo.kind} device` : 'not a team device'}`);
    return link.index;
  }

  private async rawOptions(ifindex: number, what: string): Promise<Record<string, unknown>[]> {
    const replies = await this.t.call(TEAM_GENL_NAME, G.TEAM_CMD_OPTIONS_GET, { ifindex }, { what });
    const out: Record<string, unknown>[] = [];
    for (const m of replies) {
      const items = (m.attrs?.optionList as { items?: Record<string, unknown>[] } | undefined)?.items;
      if (items) out.push(...items);
    }
    return out;
  }

  /** `teamnl DEV options`: every option of the team, its ports and array elements. */
  async options(dev: DevRef): Promise<TeamOption[]> {
    checkDev(dev);
    const ifindex = await this.teamIndex(dev);
    const raw = await this.rawOptions(ifindex, `team.options ${String(dev)}`);
    const names = new Map<number, string | undefined>();
    const out: TeamOption[] = [];
    for (const o of raw) {
      const type = o.type as TeamOptionType | number;
      const port = o.port as number | undefined;
      let portName: string | undefined;
      if (port !== undefined) {
        if (!names.has(port)) names.set(port, await this.t.ifname(port));
        portName = names.get(port);
      }
      out.push({
        name: (o.name as string) ?? '',
        type,
        value: (o.data as TeamOptionValue | undefined) ?? (type === 'bool' ? false : undefined),
        ...(port !== undefined ? { port } : {}),
        ...(portName !== undefined ? { portName } : {}),
        ...(o.arrayIndex !== undefined ? { arrayIndex: o.arrayIndex as number } : {}),
        changed: o.changed === true,
        removed: o.removed === true,
      });
    }
    return out;
  }

  /**
   * `teamnl [-p PORT] [-a INDEX] DEV getoption NAME`: one option's value.
   * NetlinkError ENOENT when the team has no such option (for that port or index).
   */
  async option(dev: DevRef, name: string, where: { port?: DevRef; arrayIndex?: number } = {}): Promise<TeamOptionValue | undefined> {
    checkDev(dev);
    checkOptionName(name, 'name');
    const w = checkObject(where, 'where');
    if (w.port !== undefined) checkDev(w.port, 'where.port');
    if (w.arrayIndex !== undefined) checkInt(w.arrayIndex, 'where.arrayIndex', 0, 0xffffffff, 'an array index');
    const port = w.port !== undefined ? await this.t.ifindex(w.port as DevRef, 'where.port') : undefined;
    const all = await this.options(dev);
    const o = all.find((x) => x.name === name && x.port === port && x.arrayIndex === (w.arrayIndex as number | undefined));
    if (!o) throw new NetlinkError(-2, { message: `team.option ${String(dev)}: no option "${name}"${port !== undefined ? ` for port ${String(w.port)}` : ''}${w.arrayIndex !== undefined ? ` at index ${String(w.arrayIndex)}` : ''}` });
    return o.value;
  }

  /**
   * `teamnl [-p PORT] DEV setoption NAME VALUE`, several at once, in order,
   * in one message (the kernel applies them in order and stops at the first
   * error). Known options are checked against their type before any I/O;
   * for others the kernel's option list is read first to learn their type.
   */
  async setOptions(dev: DevRef, changes: TeamOptionChanges | TeamOptionItem[]): Promise<void> {
    checkDev(dev);
    const items = flatten(changes);
    if (items.length === 0) throw new ArgumentError('options', 'nothing to set');
    // checks that need no I/O: known option types, per-port or not, values
    const unknownNames: PendingItem[] = [];
    for (const it of items) {
      const known = TEAM_OPTIONS[it.name];
      if (!known) {
        if (it.type) it.value = checkValue(it.type, it.value, it.field);
        else unknownNames.push(it);
        continue;
      }
      if (it.type && it.type !== known.type) throw new ArgumentError(it.field.replace(/\.value$/, '.type'), `option ${it.name} is a ${known.type}, not a ${it.type}`);
      it.type = known.type;
      if (known.readOnly) throw new ArgumentError(it.field, `option ${it.name} is read-only`);
      if (known.perPort && it.port === undefined) throw new ArgumentError(it.field, `option ${it.name} is per port: give it under ports: { PORT: { ${it.name}: ... } }`);
      if (!known.perPort && it.port !== undefined) throw new ArgumentError(it.field, `option ${it.name} belongs to the team, not to a port`);
      if (known.array && it.arrayIndex === undefined) throw new ArgumentError(it.field, `option ${it.name} is an array: give { name, value, arrayIndex } items`);
      if (!known.array && it.arrayIndex !== undefined) throw new ArgumentError(it.field, `option ${it.name} is not an array`);
      if (known.ifindexValue && typeof it.value === 'string') checkDev(it.value, it.field);
      else it.value = checkValue(known.type, it.value, it.field);
    }
    const ifindex = await this.teamIndex(dev);
    if (unknownNames.length) {
      // learn the types of options this library does not know from the kernel
      const raw = await this.rawOptions(ifindex, `team.setOptions ${String(dev)} (option types)`);
      for (const it of unknownNames) {
        const o = raw.find((x) => x.name === it.name);
        if (!o) throw new ArgumentError(it.field.replace(/\.value$/, ''), `team ${String(dev)} has no option "${it.name}" (known: ${[...new Set(raw.map((x) => x.name as string))].join(', ')})`);
        if (typeof o.type !== 'string') throw new ArgumentError(it.field, `option ${it.name} has type ${String(o.type)}, which this library cannot write`);
        it.type = o.type as TeamOptionType;
        it.value = checkValue(it.type, it.value, it.field);
      }
    }
    const list: Record<string, unknown>[] = [];
    for (const it of items) {
      const o: Record<string, unknown> = { name: it.name };
      if (it.port !== undefined) o.port = await this.t.ifindex(it.port, it.field.replace(/\.[^.]+$/, ''));
      if (it.arrayIndex !== undefined) o.arrayIndex = it.arrayIndex;
      o.type = it.type;
      let v = it.value;
      if (TEAM_OPTIONS[it.name]?.ifindexValue && typeof v === 'string') v = await this.t.ifindex(v, it.field);
      if (v !== false) o.data = v; // a bool that is off is an option without data
      list.push(o);
    }
    // The kernel announces every change on the "change_event" group and returns
    // that send's error: ESRCH when nobody listens (teamd always does), although
    // the option was set. Listening for the duration of the request avoids it.
    await this.t.withMulticastGroup(TEAM_GENL_NAME, TEAM_GENL_CHANGE_EVENT_MC_GRP_NAME, () =>
      this.t.call(TEAM_GENL_NAME, G.TEAM_CMD_OPTIONS_SET, { ifindex, optionList: { items: list } }, { what: `team.setOptions ${String(dev)}` }),
    );
  }

  /** `teamnl DEV ports`: the team's ports with link state, speed and duplex. */
  async ports(dev: DevRef): Promise<TeamPort[]> {
    checkDev(dev);
    const ifindex = await this.teamIndex(dev);
    const replies = await this.t.call(TEAM_GENL_NAME, G.TEAM_CMD_PORT_LIST_GET, { ifindex }, { what: `team.ports ${String(dev)}` });
    const out: TeamPort[] = [];
    for (const m of replies) {
      for (const p of (m.attrs?.portList as { items?: Record<string, unknown>[] } | undefined)?.items ?? []) {
        const idx = p.ifindex as number;
        const name = await this.t.ifname(idx);
        out.push({
          ifindex: idx,
          ...(name !== undefined ? { name } : {}),
          linkup: p.linkup === true,
          ...(p.speed !== undefined ? { speed: p.speed as number } : {}),
          ...(p.duplex !== undefined ? { duplex: p.duplex as 'half' | 'full' | number } : {}),
          changed: p.changed === true,
          removed: p.removed === true,
        });
      }
    }
    return out;
  }
}

/** The API type of an option type code (for callers building raw messages). */
export function teamTypeCode(t: TeamOptionType): number {
  return TYPE_CODES[t];
}
