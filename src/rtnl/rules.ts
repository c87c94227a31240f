/**
 * rtnl.rules: policy routing rules (RTM_*RULE), like `ip rule`.
 *
 * ```ts
 * await rtnl.rules.add({ priority: 100, from: '10.0.0.0/8', table: 100 });
 * await rtnl.rules.add({ priority: 200, not: true, fwmark: 0x10, fwmask: 0xff, iif: 'eth0', table: 'main' });
 * await rtnl.rules.add({ priority: 300, action: 'blackhole', to: '192.0.2.0/24' });
 * const rules = await rtnl.rules.list({ family: 'inet' });
 * await rtnl.rules.del({ priority: 100 });
 * ```
 * @module
 */
import { encodeAttrs } from '../netlink/attr.js';
import { AF_INET, AF_INET6, AF_UNSPEC, NLM_F_CREATE, NLM_F_EXCL, NLMSG_HDRLEN } from '../netlink/constants.js';
import { ArgumentError } from '../netlink/errors.js';
import { describe, formatPrefix, parsePrefix, type Prefix } from '../netlink/ip.js';
import type { NetlinkSocket } from '../netlink/socket.js';
import type { Links } from './links.js';
import { be64, decodeRule, encodeRule, RULE_ACTIONS, rulePolicy, writeFibRuleHdr, type Rule, type RuleActionName } from './rule.js';
import {
  checkBool,
  checkInt,
  checkKeys,
  checkObject,
  IP_PROTOS,
  parseFamily,
  parseTable,
  PROTOCOLS,
  type FamilyRef,
  type IpProtoName,
  type ProtocolName,
  type TableRef,
} from './rtcommon.js';
import { UAPI as U } from './uapi.js';
import { checkIfName } from './ifname.js';

/** A port or an inclusive range: 80, [1000, 2000] or { start, end }. */
export type PortRangeSpec = number | [number, number] | { start: number; end: number };

/** A rule to add or delete (fields mirror `ip rule`). */
export interface RuleSpec {
  /** 'inet' (default) or 'inet6'; taken from from/to when given. */
  family?: FamilyRef;
  /** FRA_PRIORITY (`pref`); the kernel picks one below the previous rule when omitted. */
  priority?: number;
  /** FRA_TABLE: 'main', 'local', 'default' or an id; implies action 'lookup'. */
  table?: TableRef;
  /** action: 'lookup' (default with a table), 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit'. */
  action?: RuleActionName;
  /** FRA_SRC: source prefix, or 'all'. */
  from?: string;
  /** FRA_DST: destination prefix, or 'all'. */
  to?: string;
  /** FRA_IIFNAME (need not exist yet). */
  iif?: string;
  /** FRA_OIFNAME (need not exist yet). */
  oif?: string;
  /** FRA_FWMARK */
  fwmark?: number;
  /** FRA_FWMASK */
  fwmask?: number;
  /** FIB_RULE_INVERT: the selector is negated (`ip rule add not ...`). */
  not?: boolean;
  /** FRA_GOTO: priority of the rule to jump to (action 'goto'). */
  goto?: number;
  /** tos */
  tos?: number;
  /** FRA_DSCP (kernel 6.13+) */
  dscp?: number;
  /** FRA_SUPPRESS_PREFIXLEN: reject lookup results with a prefix this short or shorter. */
  suppressPrefixlen?: number;
  /** FRA_SUPPRESS_IFGROUP */
  suppressIfgroup?: number;
  /** FRA_L3MDEV: use the table of the VRF the packet came through. */
  l3mdev?: boolean;
  /** FRA_UID_RANGE: [start, end] or { start, end } */
  uidRange?: [number, number] | { start: number; end: number };
  /** FRA_IP_PROTO: 'tcp', 'udp', ... or a number */
  ipProto?: IpProtoName | number;
  /** FRA_SPORT_RANGE */
  sport?: PortRangeSpec;
  /** FRA_DPORT_RANGE */
  dport?: PortRangeSpec;
  /** FRA_PROTOCOL: who installs the rule */
  protocol?: ProtocolName | number;
  /** FRA_FLOW: realms ((from << 16) | to) */
  flow?: number;
  /** FRA_TUN_ID */
  tunId?: bigint | number;
  /** FRA_FLOWLABEL (IPv6, kernel 6.14+) */
  flowlabel?: number;
  /** FRA_FLOWLABEL_MASK */
  flowlabelMask?: number;
}

/** Filter of rules.list() / dump(): the family is filtered by the kernel, the rest here. */
export interface RuleListFilter {
  /** 'inet' or 'inet6' (default both). */
  family?: FamilyRef;
  /** Only rules that look up this table. */
  table?: TableRef;
  /** Only the rule with this priority. */
  priority?: number;
}

const SPEC_KEYS = [
  'family', 'priority', 'table', 'action', 'from', 'to', 'iif', 'oif', 'fwmark', 'fwmask', 'not', 'goto', 'tos', 'dscp',
  'suppressPrefixlen', 'suppressIfgroup', 'l3mdev', 'uidRange', 'ipProto', 'sport', 'dport', 'protocol', 'flow', 'tunId',
  'flowlabel', 'flowlabelMask',
] as const;

function ruleprefix(v: unknown, field: string): Prefix | undefined {
  if (v === undefined || v === 'all') return undefined;
  return parsePrefix(v as string, field);
}

function range(v: unknown, field: string, max: number): { start: number; end: number } {
  if (typeof v === 'number') {
    const n = checkInt(v, field, 0, max);
    return { start: n, end: n };
  }
  let start: unknown;
  let end: unknown;
  if (Array.isArray(v) && v.length === 2) [start, end] = v;
  else if (typeof v === 'object' && v !== null && !Array.isArray(v)) ({ start, end } = v as { start: unknown; end: unknown });
  else throw new ArgumentError(field, `expected a number, [start, end] or { start, end }, got ${describe(v)}`);
  const s = checkInt(start, `${field}.start`, 0, max);
  const e = checkInt(end, `${field}.end`, 0, max);
  if (e < s) throw new ArgumentError(field, `range end ${e} is below its start ${s}`);
  return { start: s, end: e };
}

interface BuiltRule {
  header: { family: number; dstLen: number; srcLen: number; tos: number; hdrTable: number; action: number; flags: number };
  attrs: Record<string, unknown>;
  what: string;
}

/** Validate a rule spec (no I/O). */
function buildRule(input: unknown, mode: 'new' | 'del'): BuiltRule {
  const s = checkObject(input, 'rule', 'a rule');
  checkKeys(s, SPEC_KEYS, '', mode === 'new' ? 'rules.add' : 'rules.del');
  const from = ruleprefix(s.from, 'from');
  const to = ruleprefix(s.to, 'to');
  let family: number;
  if (s.family !== undefined) family = parseFamily(s.family, 'family', [AF_INET, AF_INET6]);
  else family = (from ?? to)?.family === 6 ? AF_INET6 : AF_INET;
  const fam = family === AF_INET ? 4 : 6;
  if (from && from.family !== fam) throw new ArgumentError('from', `"${String(s.from)}" is not an IPv${fam} prefix`);
  if (to && to.family !== fam) throw new ArgumentError('to', `"${String(s.to)}" is not an IPv${fam} prefix`);
  const header = { family, dstLen: to?.prefixLen ?? 0, srcLen: from?.prefixLen ?? 0, tos: 0, hdrTable: 0, action: 0, flags: 0 };
  const attrs: Record<string, unknown> = {};
  if (from) attrs.from = from.address;
  if (to) attrs.to = to.address;
  if (s.priority !== undefined) attrs.priority = checkInt(s.priority, 'priority', 0, 0xffffffff);
  let table: number | undefined;
  if (s.table !== undefined) {
    table = parseTable(s.table, 'table');
    header.hdrTable = table < 256 ? table : U.RT_TABLE_UNSPEC;
    attrs.table = table;
  }
  if (s.action !== undefined) header.action = RULE_ACTIONS.parse(s.action, 'action');
  else if (s.goto !== undefined) header.action = U.FR_ACT_GOTO;
  else if (mode === 'new') header.action = U.FR_ACT_TO_TBL;
  if (mode === 'new' && header.action === U.FR_ACT_TO_TBL && table === undefined && s.l3mdev === undefined) {
    throw new ArgumentError('table', "a 'lookup' rule needs a table (e.g. table: 'main') or l3mdev: true");
  }
  if (s.goto !== undefined) {
    if (header.action !== U.FR_ACT_GOTO) throw new ArgumentError('goto', "goto is only valid with action 'goto'");
    attrs.goto = checkInt(s.goto, 'goto', 0, 0xffffffff);
  }
  for (const k of ['iif', 'oif'] as const) {
    if (s[k] !== undefined) attrs[k] = checkIfName(s[k], k);
  }
  if (s.fwmark !== undefined) attrs.fwmark = checkInt(s.fwmark, 'fwmark', 0, 0xffffffff);
  if (s.fwmask !== undefined) attrs.fwmask = checkInt(s.fwmask, 'fwmask', 0, 0xffffffff);
  if (s.not !== undefined && checkBool(s.not, 'not')) header.flags |= U.FIB_RULE_INVERT;
  if (s.tos !== undefined) header.tos = checkInt(s.tos, 'tos', 0, 255);
  if (s.dscp !== undefined) attrs.dscp = checkInt(s.dscp, 'dscp', 0, 63);
  if (s.suppressPrefixlen !== undefined) attrs.suppressPrefixlen = checkInt(s.suppressPrefixlen, 'suppressPrefixlen', 0, 128);
  if (s.suppressIfgroup !== undefined) attrs.suppressIfgroup = checkInt(s.suppressIfgroup, 'suppressIfgroup', 0, 0xffffffff);
  if (s.l3mdev !== undefined) attrs.l3mdev = checkBool(s.l3mdev, 'l3mdev') ? 1 : 0;
  if (s.uidRange !== undefined) attrs.uidRange = range(s.uidRange, 'uidRange', 0xffffffff);
  if (s.ipProto !== undefined) attrs.ipProto = IP_PROTOS.parse(s.ipProto, 'ipProto');
  if (s.sport !== undefined) attrs.sportRange = range(s.sport, 'sport', 0xffff);
  if (s.dport !== undefined) attrs.dportRange = range(s.dport, 'dport', 0xffff);
  if (s.protocol !== undefined) attrs.protocol = PROTOCOLS.parse(s.protocol, 'protocol');
  if (s.flow !== undefined) attrs.flow = checkInt(s.flow, 'flow', 0, 0xffffffff);
  if (s.tunId !== undefined) attrs.tunId = be64.check(s.tunId, 'tunId', attrs);
  if (s.flowlabel !== undefined || s.flowlabelMask !== undefined) {
    if (fam !== 6) throw new ArgumentError('flowlabel', 'flow labels apply to IPv6 rules only');
    if (s.flowlabel !== undefined) attrs.flowlabel = checkInt(s.flowlabel, 'flowlabel', 0, 0xfffff);
    if (s.flowlabelMask !== undefined) attrs.flowlabelMask = checkInt(s.flowlabelMask, 'flowlabelMask', 0, 0xfffff);
  }
  const sel = [from ? `from ${formatPrefix(from)}` : '', to ? `to ${formatPrefix(to)}` : '', s.priority !== undefined ? `pref ${String(s.priority)}` : ''].filter(Boolean).join(' ');
  return { header, attrs, what: `rules.${mode === 'new' ? 'add' : 'del'} ${sel || 'all'}` };
}

function isDecodedRule(v: unknown): v is Rule {
  const r = v as Rule;
  return typeof r === 'object' && r !== null && typeof r.family === 'number' && typeof r.hdrTable === 'number' && r.action !== undefined && typeof r.dstLen === 'number';
}

export class Rules {
  constructor(
    protected readonly sock: NetlinkSocket,
    protected readonly links: Links,
  ) {}

  /** Stream rules (`ip rule show`). */
  async *dump(filter: RuleListFilter = {}): AsyncGenerator<Rule> {
    const { family, match } = this.filter(filter);
    for await (const m of this.sock.dump(U.RTM_GETRULE, (w) => writeFibRuleHdr(w, { family }), { what: 'rules.list' })) {
      if (m.type !== U.RTM_NEWRULE) continue;
      const r = decodeRule(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
      if (match(r)) yield r;
    }
  }

  /** All rules matching the filter, in kernel order (by priority). */
  async list(filter: RuleListFilter = {}): Promise<Rule[]> {
    const { family, match } = this.filter(filter);
    return this.sock.collect(
      U.RTM_GETRULE,
      (w) => writeFibRuleHdr(w, { family }),
      (m) => {
        if (m.type !== U.RTM_NEWRULE) return undefined;
        const r = decodeRule(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len);
        return match(r) ? r : undefined;
      },
      { what: 'rules.list' },
    );
  }

  private filter(filter: RuleListFilter): { family: number; match: (r: Rule) => boolean } {
    const f = checkObject(filter, 'filter', 'a filter');
    checkKeys(f, ['family', 'table', 'priority'], 'filter', 'rules.list');
    const family = f.family === undefined ? AF_UNSPEC : parseFamily(f.family, 'filter.family', [AF_UNSPEC, AF_INET, AF_INET6]);
    const table = f.table === undefined ? undefined : parseTable(f.table, 'filter.table');
    const prio = f.priority === undefined ? undefined : checkInt(f.priority, 'filter.priority', 0, 0xffffffff);
    return { family, match: (r) => (table === undefined || r.table === table) && (prio === undefined || (r.priority ?? 0) === prio) };
  }

  /** Add a rule (`ip rule add`). EEXIST if an identical rule exists. */
  async add(rule: RuleSpec): Promise<void> {
    const b = buildRule(rule, 'new');
    await this.sock.request(
      U.RTM_NEWRULE,
      (w) => {
        writeFibRuleHdr(w, b.header);
        encodeAttrs(w, rulePolicy, b.attrs);
      },
      { what: b.what, flags: NLM_F_CREATE | NLM_F_EXCL },
    );
  }

  /**
   * Delete a rule (`ip rule del`): the first rule matching every given field
   * (e.g. just `{ priority: 100 }`), or a {@link Rule} from list().
   * NetlinkError ENOENT when none matches.
   */
  async del(rule: RuleSpec | Rule): Promise<void> {
    if (isDecodedRule(rule)) {
      const r = rule;
      await this.sock.request(U.RTM_DELRULE, (w) => encodeRule(w, r), { what: `rules.del pref ${r.priority ?? 0}` });
      return;
    }
    const b = buildRule(rule, 'del');
    await this.sock.request(
      U.RTM_DELRULE,
      (w) => {
        writeFibRuleHdr(w, b.header);
        encodeAttrs(w, rulePolicy, b.attrs);
      },
      { what: b.what },
    );
  }
}

export type { Rule };
