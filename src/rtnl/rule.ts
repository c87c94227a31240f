/**
 * Policy routing rules: struct fib_rule_hdr + FRA_* attributes, decoded
 * into a typed {@link Rule}. Registered for RTM_NEWRULE / RTM_DELRULE /
 * RTM_GETRULE.
 *
 * Decoded conventions: `from` / `to` are "prefix/len" (FRA_SRC / FRA_DST +
 * the header lengths; absent = all); `table` is FRA_TABLE, or the header's
 * table when FRA_TABLE is absent (filled in by the decoder, never encoded).
 * @module
 */
import { be32, binary, decodeAttrs, NOFIT, policy, s32, string, struct, u16, u32, u8, type AttrSetBase, type Codec, type Policy, type DecodeOptions, moreConsts } from '../netlink/attr.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { Writer } from '../netlink/writer.js';
import { namedU8 } from './addr.js';
import { prefixAddr } from './route.js';
import { encodeAttrsSkippingDerived, FlagTable, IP_PROTOS, NameTable, PROTOCOLS, setDerived, type IpProtoName, type ProtocolName } from './rtcommon.js';
import type { RouteSchema } from './schema.js';
import { UAPI as U } from './uapi.js';

/** FRA_* numbers newer than the 6.1 uapi headers (fib_rules.h, kernels 6.13..6.16). */
export const FRA_DSCP = 25;
export const FRA_FLOWLABEL = 26;
export const FRA_FLOWLABEL_MASK = 27;
export const FRA_SPORT_MASK = 28;
export const FRA_DPORT_MASK = 29;
export const FRA_DSCP_MASK = 30;

const FRA_CONSTS = moreConsts(U, { FRA_DSCP, FRA_FLOWLABEL, FRA_FLOWLABEL_MASK, FRA_SPORT_MASK, FRA_DPORT_MASK, FRA_DSCP_MASK });

/** fib_rule_hdr.action (FR_ACT_*): 'lookup' is FR_ACT_TO_TBL. */
export type RuleActionName = 'unspec' | 'lookup' | 'goto' | 'nop' | 'blackhole' | 'unreachable' | 'prohibit';
export const RULE_ACTIONS = new NameTable<RuleActionName>(
  'rule action',
  {
    [U.FR_ACT_UNSPEC]: 'unspec',
    [U.FR_ACT_TO_TBL]: 'lookup',
    [U.FR_ACT_GOTO]: 'goto',
    [U.FR_ACT_NOP]: 'nop',
    [U.FR_ACT_BLACKHOLE]: 'blackhole',
    [U.FR_ACT_UNREACHABLE]: 'unreachable',
    [U.FR_ACT_PROHIBIT]: 'prohibit',
  },
  { to_tbl: U.FR_ACT_TO_TBL, table: U.FR_ACT_TO_TBL },
);

/** FIB_RULE_* flags. */
export const RULE_FLAGS = new FlagTable('rule flag', [
  [U.FIB_RULE_PERMANENT, 'permanent'],
  [U.FIB_RULE_INVERT, 'not'],
  [U.FIB_RULE_UNRESOLVED, 'unresolved'],
  [U.FIB_RULE_IIF_DETACHED, 'iif_detached'],
  [U.FIB_RULE_OIF_DETACHED, 'oif_detached'],
  [U.FIB_RULE_FIND_SADDR, 'find_saddr'],
]);
/** Names of the FIB_RULE_* bits in a rule's flags (e.g. ['not']). */
export function ruleFlagNames(flags: number): string[] {
  return RULE_FLAGS.names(flags);
}

/** struct fib_rule_uid_range (FRA_UID_RANGE) */
export interface UidRange {
  start: number;
  end: number;
}
/** struct fib_rule_port_range (FRA_SPORT_RANGE / FRA_DPORT_RANGE) */
export interface PortRange {
  start: number;
  end: number;
}
export const uidRange = struct<UidRange>('fib_rule_uid_range', [
  ['start', 'u32'],
  ['end', 'u32'],
]);
export const portRange = struct<PortRange>('fib_rule_port_range', [
  ['start', 'u16'],
  ['end', 'u16'],
]);

/** 64-bit big-endian (FRA_TUN_ID), as bigint. */
export const be64: Codec<bigint> = {
  name: 'be64',
  size: 8,
  decode: (b, o, len) => (len === 8 ? b.readBigUInt64BE(o) : NOFIT),
  encode: (w, v) => {
    w.ensure(8);
    w.buf.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)), w.pos);
    w.pos += 8;
  },
  check: (v, f) => {
    const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
    if (b === undefined || BigInt.asUintN(64, b) !== b) throw new ArgumentError(f, `expected a u64 (bigint or safe integer), got ${describe(v)}`);
    return b;
  },
};

/** FRA_* attributes of a rule. */
export interface RuleAttrs extends AttrSetBase {
  /** FRA_DST + dst_len: destination prefix "10.0.0.0/8" (absent: all) */
  to?: string;
  /** FRA_SRC + src_len: source prefix (absent: all) */
  from?: string;
  /** FRA_IIFNAME: input interface name */
  iif?: string;
  /** FRA_GOTO: target priority of a goto rule */
  goto?: number;
  /** FRA_PRIORITY: the rule's preference */
  priority?: number;
  /** FRA_FWMARK */
  fwmark?: number;
  /** FRA_FLOW: realms */
  flow?: number;
  /** FRA_TUN_ID */
  tunId?: bigint;
  /** FRA_SUPPRESS_IFGROUP (-1: not set) */
  suppressIfgroup?: number;
  /** FRA_SUPPRESS_PREFIXLEN (-1: not set; the kernel reports it on every rule) */
  suppressPrefixlen?: number;
  /** FRA_TABLE (u32); the header's table when absent */
  table?: number;
  /** FRA_FWMASK */
  fwmask?: number;
  /** FRA_OIFNAME: output interface name */
  oif?: string;
  /** FRA_PAD */
  pad?: Uint8Array;
  /** FRA_L3MDEV: look up the table of the l3mdev (VRF) */
  l3mdev?: number;
  /** FRA_UID_RANGE */
  uidRange?: UidRange;
  /** FRA_PROTOCOL: who installed the rule (RTPROT_*) */
  protocol?: ProtocolName | number;
  /** FRA_IP_PROTO */
  ipProto?: IpProtoName | number;
  /** FRA_SPORT_RANGE */
  sportRange?: PortRange;
  /** FRA_DPORT_RANGE */
  dportRange?: PortRange;
  /** FRA_DSCP (6.13+) */
  dscp?: number;
  /** FRA_FLOWLABEL (6.14+, IPv6) */
  flowlabel?: number;
  /** FRA_FLOWLABEL_MASK */
  flowlabelMask?: number;
  /** FRA_SPORT_MASK (6.15+) */
  sportMask?: number;
  /** FRA_DPORT_MASK */
  dportMask?: number;
  /** FRA_DSCP_MASK (6.16+) */
  dscpMask?: number;
}

/** struct fib_rule_hdr */
export interface FibRuleHdr {
  /** family: AF_INET (2), AF_INET6 (10) */
  family: number;
  /** dst_len */
  dstLen: number;
  /** src_len */
  srcLen: number;
  /** tos */
  tos: number;
  /** table: id if < 256; else RT_TABLE_UNSPEC in requests, RT_TABLE_COMPAT (252) from the kernel (the id is in FRA_TABLE / `table`) */
  hdrTable: number;
  /** action: FR_ACT_* ('lookup', 'goto', 'nop', 'blackhole', 'unreachable', 'prohibit') */
  action: RuleActionName | number;
  /** flags: FIB_RULE_* (see {@link ruleFlagNames}; FIB_RULE_INVERT is `not`) */
  flags: number;
}

/** A rule as the kernel reports it. */
export interface Rule extends FibRuleHdr, RuleAttrs {
  /** Preference (FRA_PRIORITY, 0 when the kernel leaves it out). */
  priority: number;
  /** Table id (FRA_TABLE, else the header's table). */
  table: number;
}

export const rulePolicy: Policy = policy('FRA', FRA_CONSTS, [
  ['FRA_DST', 'to', prefixAddr],
  ['FRA_SRC', 'from', prefixAddr],
  ['FRA_IIFNAME', 'iif', string],
  ['FRA_GOTO', 'goto', u32],
  ['FRA_PRIORITY', 'priority', u32],
  ['FRA_FWMARK', 'fwmark', u32],
  ['FRA_FLOW', 'flow', u32],
  ['FRA_TUN_ID', 'tunId', be64],
  ['FRA_SUPPRESS_IFGROUP', 'suppressIfgroup', s32],
  ['FRA_SUPPRESS_PREFIXLEN', 'suppressPrefixlen', s32],
  ['FRA_TABLE', 'table', u32],
  ['FRA_FWMASK', 'fwmask', u32],
  ['FRA_OIFNAME', 'oif', string],
  ['FRA_PAD', 'pad', binary, { readOnly: true }],
  ['FRA_L3MDEV', 'l3mdev', u8],
  ['FRA_UID_RANGE', 'uidRange', uidRange],
  ['FRA_PROTOCOL', 'protocol', namedU8(PROTOCOLS)],
  ['FRA_IP_PROTO', 'ipProto', namedU8(IP_PROTOS)],
  ['FRA_SPORT_RANGE', 'sportRange', portRange],
  ['FRA_DPORT_RANGE', 'dportRange', portRange],
  ['FRA_DSCP', 'dscp', u8],
  ['FRA_FLOWLABEL', 'flowlabel', be32],
  ['FRA_FLOWLABEL_MASK', 'flowlabelMask', be32],
  ['FRA_SPORT_MASK', 'sportMask', u16],
  ['FRA_DPORT_MASK', 'dportMask', u16],
  ['FRA_DSCP_MASK', 'dscpMask', u8],
]);

export const FIB_RULE_HDR_SIZE = 12;

/** Encode struct fib_rule_hdr. */
export function writeFibRuleHdr(w: Writer, h: Partial<FibRuleHdr>): void {
  w.ensure(FIB_RULE_HDR_SIZE);
  w.u8(h.family ?? 0);
  w.u8(h.dstLen ?? 0);
  w.u8(h.srcLen ?? 0);
  w.u8(h.tos ?? 0);
  w.u8(h.hdrTable ?? 0);
  w.u8(0);
  w.u8(0);
  w.u8(typeof h.action === 'string' ? RULE_ACTIONS.parse(h.action, 'action') : (h.action ?? 0));
  w.u32(h.flags ?? 0);
}

/** Decode a rule message payload (fib_rule_hdr + attributes) at buf[off, end). */
export function decodeRule(buf: Buffer, off: number, end: number, opts?: DecodeOptions): Rule {
  if (end - off < FIB_RULE_HDR_SIZE) throw new DecodeError(`fib_rule_hdr needs ${FIB_RULE_HDR_SIZE} bytes, have ${end - off}`, off, 'fib_rule_hdr');
  const r = decodeAttrs<Rule>(buf, off + FIB_RULE_HDR_SIZE, end, rulePolicy, rulePolicy.name, opts);
  r.family = buf[off]!;
  r.dstLen = buf[off + 1]!;
  r.srcLen = buf[off + 2]!;
  r.tos = buf[off + 3]!;
  r.hdrTable = buf[off + 4]!;
  r.action = RULE_ACTIONS.name(buf[off + 7]!);
  r.flags = buf.readUInt32LE(off + 8);
  if (r.to !== undefined) r.to = `${r.to}/${r.dstLen}`;
  if (r.from !== undefined) r.from = `${r.from}/${r.srcLen}`;
  if (r.table === undefined) setDerived(r, 'table', r.hdrTable);
  if (r.priority === undefined) setDerived(r, 'priority', 0); // the kernel leaves out FRA_PRIORITY for preference 0
  return r;
}

/** Encode a rule (header + attributes) as a message payload. */
export function encodeRule(w: Writer, r: Partial<Rule>): void {
  writeFibRuleHdr(w, r);
  encodeAttrsSkippingDerived(w, rulePolicy, r as Record<string, unknown>);
}

/** The RTM_*RULE messages of the NETLINK_ROUTE protocol (its schema table is in schema.ts). */
export const ruleSchema: RouteSchema<Partial<Rule>> = {
  types: [U.RTM_NEWRULE, U.RTM_DELRULE, U.RTM_GETRULE],
  name: 'rule',
  headerSize: FIB_RULE_HDR_SIZE,
  policy: rulePolicy,
  decode: (buf, off, end, _type, opts) => decodeRule(buf, off, end, opts),
  encode: (w, obj) => encodeRule(w, obj as Partial<Rule>),
};

declare module './monitor.js' {
  interface MonitorObjectMap {
    /** RTM_NEWRULE / RTM_DELRULE events (groups 'ipv4-rule', 'ipv6-rule') */
    rule: Rule;
  }
}
