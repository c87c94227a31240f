/**
 * nf_tables expressions: one attribute policy per expression name
 * (NFTA_PAYLOAD_*, NFTA_META_*, NFTA_CMP_* ...), the NFTA_DATA_* values and
 * verdicts they carry, and the typed objects a rule's expression list decodes
 * into. An expression is `{ name, data }`: NFTA_EXPR_NAME and NFTA_EXPR_DATA,
 * the data's policy chosen by the name. An expression this library has no
 * policy for keeps its NFTA_EXPR_DATA verbatim in `unknown`, so a rule using
 * it still re-encodes byte for byte.
 * @module
 */
import {
  binary,
  nested,
  policy,
  string,
  u8,
  type AttrSetBase,
  type Policy,
  type UnknownAttr,
  moreConsts,
} from '../netlink/attr.js';
import { be16, be32, be64, bes32, flagsOf, listOf, named } from './codecs.js';
import { NFT_UAPI as U } from './uapi.js';

/**
 * Constants newer than the pinned 6.1 headers, next to their use (kernel
 * release that added them upstream).
 */
export const NFT_PAYLOAD_TUN_HEADER = 4; // 6.2 (inner/tunnel matching)
export const NFTA_BITWISE_SREG2 = 8; // 6.13 (bitwise with two register operands)
export const NFT_BITWISE_AND = 3; // 6.13
export const NFT_BITWISE_OR = 4; // 6.13
export const NFT_BITWISE_XOR = 5; // 6.13
export const NFT_META_BRI_BROUTE = 35; // 6.4

const C = moreConsts(U, { NFTA_BITWISE_SREG2 });

// ------------------------------------------------------------------ values

/** Verdict names of NFTA_VERDICT_CODE (netfilter NF_* and nf_tables NFT_* verdicts). */
export const VERDICTS = {
  0: 'drop',
  1: 'accept',
  2: 'stolen',
  3: 'queue',
  4: 'repeat',
  5: 'stop',
  [-1]: 'continue',
  [-2]: 'break',
  [-3]: 'jump',
  [-4]: 'goto',
  [-5]: 'return',
} as const;
export type VerdictName = (typeof VERDICTS)[keyof typeof VERDICTS];

/** NFTA_VERDICT_* */
export interface VerdictAttrs extends AttrSetBase {
  /** NFTA_VERDICT_CODE (be32, signed) */
  code?: VerdictName | number;
  /** NFTA_VERDICT_CHAIN: target of jump/goto */
  chain?: string;
  /** NFTA_VERDICT_CHAIN_ID: target chain by transaction id */
  chainId?: number;
}
export const verdictPolicy: Policy = policy('NFTA_VERDICT', C, [
  ['NFTA_VERDICT_CODE', 'code', named(bes32, VERDICTS, 'verdict')],
  ['NFTA_VERDICT_CHAIN', 'chain', string],
  ['NFTA_VERDICT_CHAIN_ID', 'chainId', be32],
]);

/** NFTA_DATA_*: a value (bytes as the kernel compares them) or a verdict. */
export interface DataAttrs extends AttrSetBase {
  /** NFTA_DATA_VALUE: up to 64 bytes (NFT_DATA_VALUE_MAXLEN) */
  value?: Uint8Array;
  /** NFTA_DATA_VERDICT */
  verdict?: VerdictAttrs;
}
export const dataPolicy: Policy = policy('NFTA_DATA', C, [
  ['NFTA_DATA_VALUE', 'value', binary],
  ['NFTA_DATA_VERDICT', 'verdict', nested(verdictPolicy, { nestedFlag: true })],
]);
const data = nested(dataPolicy, { nestedFlag: true });

/** Registers: NFT_REG_VERDICT (0), NFT_REG_1..4 (1..4, 16 bytes each), NFT_REG32_00..15 (8..23, 4 bytes each). */
export type Register = number;
const reg = be32;

// ------------------------------------------------------------ expressions

export const PAYLOAD_BASES = { 0: 'll', 1: 'network', 2: 'transport', 3: 'inner', [NFT_PAYLOAD_TUN_HEADER]: 'tunnel' } as const;
export type PayloadBase = (typeof PAYLOAD_BASES)[keyof typeof PAYLOAD_BASES];
/** payload: load bytes from a header into a register, or write a register into the packet. */
export interface PayloadData extends AttrSetBase {
  /** NFTA_PAYLOAD_DREG */ dreg?: Register;
  /** NFTA_PAYLOAD_BASE */ base?: PayloadBase | number;
  /** NFTA_PAYLOAD_OFFSET (bytes from the base) */ offset?: number;
  /** NFTA_PAYLOAD_LEN (bytes) */ len?: number;
  /** NFTA_PAYLOAD_SREG (payload write) */ sreg?: Register;
  /** NFTA_PAYLOAD_CSUM_TYPE */ csumType?: number;
  /** NFTA_PAYLOAD_CSUM_OFFSET */ csumOffset?: number;
  /** NFTA_PAYLOAD_CSUM_FLAGS */ csumFlags?: number;
}
const payloadPolicy = policy('NFTA_PAYLOAD', C, [
  ['NFTA_PAYLOAD_DREG', 'dreg', reg],
  ['NFTA_PAYLOAD_BASE', 'base', named(be32, PAYLOAD_BASES, 'payload base')],
  ['NFTA_PAYLOAD_OFFSET', 'offset', be32],
  ['NFTA_PAYLOAD_LEN', 'len', be32],
  ['NFTA_PAYLOAD_SREG', 'sreg', reg],
  ['NFTA_PAYLOAD_CSUM_TYPE', 'csumType', be32],
  ['NFTA_PAYLOAD_CSUM_OFFSET', 'csumOffset', be32],
  ['NFTA_PAYLOAD_CSUM_FLAGS', 'csumFlags', be32],
]);

/** NFT_META_* keys by their nft names. */
export const META_KEYS = {
  0: 'len', 1: 'protocol', 2: 'priority', 3: 'mark', 4: 'iif', 5: 'oif', 6: 'iifname', 7: 'oifname', 8: 'iiftype', 9: 'oiftype',
  10: 'skuid', 11: 'skgid', 12: 'nftrace', 13: 'rtclassid', 14: 'secmark', 15: 'nfproto', 16: 'l4proto', 17: 'ibrname', 18: 'obrname',
  19: 'pkttype', 20: 'cpu', 21: 'iifgroup', 22: 'oifgroup', 23: 'cgroup', 24: 'random', 25: 'secpath', 26: 'iifkind', 27: 'oifkind',
  28: 'ibrpvid', 29: 'ibrvproto', 30: 'time', 31: 'day', 32: 'hour', 33: 'sdif', 34: 'sdifname', [NFT_META_BRI_BROUTE]: 'broute',
} as const;
export type MetaKey = (typeof META_KEYS)[keyof typeof META_KEYS];
/** meta: load packet metadata into a register (dreg) or set it from one (sreg). */
export interface MetaData extends AttrSetBase {
  /** NFTA_META_DREG */ dreg?: Register;
  /** NFTA_META_KEY */ key?: MetaKey | number;
  /** NFTA_META_SREG */ sreg?: Register;
}
const metaPolicy = policy('NFTA_META', C, [
  ['NFTA_META_DREG', 'dreg', reg],
  ['NFTA_META_KEY', 'key', named(be32, META_KEYS, 'meta key')],
  ['NFTA_META_SREG', 'sreg', reg],
]);

export const CMP_OPS = { 0: 'eq', 1: 'neq', 2: 'lt', 3: 'lte', 4: 'gt', 5: 'gte' } as const;
export type CmpOp = (typeof CMP_OPS)[keyof typeof CMP_OPS];
/** cmp: compare a register with a value; the rule stops when false. */
export interface CmpData extends AttrSetBase {
  /** NFTA_CMP_SREG */ sreg?: Register;
  /** NFTA_CMP_OP */ op?: CmpOp | number;
  /** NFTA_CMP_DATA */ data?: DataAttrs;
}
const cmpPolicy = policy('NFTA_CMP', C, [
  ['NFTA_CMP_SREG', 'sreg', reg],
  ['NFTA_CMP_OP', 'op', named(be32, CMP_OPS, 'cmp op')],
  ['NFTA_CMP_DATA', 'data', data],
]);

export const BITWISE_OPS = { 0: 'mask-xor', 1: 'lshift', 2: 'rshift', [NFT_BITWISE_AND]: 'and', [NFT_BITWISE_OR]: 'or', [NFT_BITWISE_XOR]: 'xor' } as const;
export type BitwiseOp = (typeof BITWISE_OPS)[keyof typeof BITWISE_OPS];
/** bitwise: dreg = (sreg & mask) ^ xor (or a shift by `data`). */
export interface BitwiseData extends AttrSetBase {
  /** NFTA_BITWISE_SREG */ sreg?: Register;
  /** NFTA_BITWISE_DREG */ dreg?: Register;
  /** NFTA_BITWISE_LEN */ len?: number;
  /** NFTA_BITWISE_MASK */ mask?: DataAttrs;
  /** NFTA_BITWISE_XOR */ xor?: DataAttrs;
  /** NFTA_BITWISE_OP */ op?: BitwiseOp | number;
  /** NFTA_BITWISE_DATA (shift amount) */ data?: DataAttrs;
  /** NFTA_BITWISE_SREG2 (6.13) */ sreg2?: Register;
}
const bitwisePolicy = policy('NFTA_BITWISE', C, [
  ['NFTA_BITWISE_SREG', 'sreg', reg],
  ['NFTA_BITWISE_DREG', 'dreg', reg],
  ['NFTA_BITWISE_LEN', 'len', be32],
  ['NFTA_BITWISE_MASK', 'mask', data],
  ['NFTA_BITWISE_XOR', 'xor', data],
  ['NFTA_BITWISE_OP', 'op', named(be32, BITWISE_OPS, 'bitwise op')],
  ['NFTA_BITWISE_DATA', 'data', data],
  ['NFTA_BITWISE_SREG2', 'sreg2', reg],
]);

export const RANGE_OPS = { 0: 'eq', 1: 'neq' } as const;
/** range: from <= register <= to (or not). */
export interface RangeData extends AttrSetBase {
  /** NFTA_RANGE_SREG */ sreg?: Register;
  /** NFTA_RANGE_OP */ op?: 'eq' | 'neq' | number;
  /** NFTA_RANGE_FROM_DATA */ fromData?: DataAttrs;
  /** NFTA_RANGE_TO_DATA */ toData?: DataAttrs;
}
const rangePolicy = policy('NFTA_RANGE', C, [
  ['NFTA_RANGE_SREG', 'sreg', reg],
  ['NFTA_RANGE_OP', 'op', named(be32, RANGE_OPS, 'range op')],
  ['NFTA_RANGE_FROM_DATA', 'fromData', data],
  ['NFTA_RANGE_TO_DATA', 'toData', data],
]);

/** lookup: is the register's value in a set (or, for a map, load its data into dreg). */
export interface LookupData extends AttrSetBase {
  /** NFTA_LOOKUP_SET */ set?: string;
  /** NFTA_LOOKUP_SREG */ sreg?: Register;
  /** NFTA_LOOKUP_DREG */ dreg?: Register;
  /** NFTA_LOOKUP_SET_ID (a set created in the same transaction) */ setId?: number;
  /** NFTA_LOOKUP_FLAGS: ['inv'] = not in the set */ flags?: Array<'inv' | number>;
}
const lookupPolicy = policy('NFTA_LOOKUP', C, [
  ['NFTA_LOOKUP_SET', 'set', string],
  ['NFTA_LOOKUP_SREG', 'sreg', reg],
  ['NFTA_LOOKUP_DREG', 'dreg', reg],
  ['NFTA_LOOKUP_SET_ID', 'setId', be32],
  ['NFTA_LOOKUP_FLAGS', 'flags', flagsOf(be32, { 1: 'inv' })],
]);

export const CT_KEYS = {
  0: 'state', 1: 'direction', 2: 'status', 3: 'mark', 4: 'secmark', 5: 'expiration', 6: 'helper', 7: 'l3protocol', 8: 'src', 9: 'dst',
  10: 'protocol', 11: 'proto-src', 12: 'proto-dst', 13: 'label', 14: 'packets', 15: 'bytes', 16: 'avgpkt', 17: 'zone', 18: 'event',
  19: 'ip saddr', 20: 'ip daddr', 21: 'ip6 saddr', 22: 'ip6 daddr', 23: 'id',
} as const;
export type CtKey = (typeof CT_KEYS)[keyof typeof CT_KEYS];
/** ct: load conntrack data into a register (or set it). */
export interface CtData extends AttrSetBase {
  /** NFTA_CT_DREG */ dreg?: Register;
  /** NFTA_CT_KEY */ key?: CtKey | number;
  /** NFTA_CT_DIRECTION (u8: 0 original, 1 reply) */ direction?: number;
  /** NFTA_CT_SREG */ sreg?: Register;
}
const ctPolicy = policy('NFTA_CT', C, [
  ['NFTA_CT_DREG', 'dreg', reg],
  ['NFTA_CT_KEY', 'key', named(be32, CT_KEYS, 'ct key')],
  ['NFTA_CT_DIRECTION', 'direction', u8],
  ['NFTA_CT_SREG', 'sreg', reg],
]);

/** counter: packets and bytes (as the kernel reports them). */
export interface CounterData extends AttrSetBase {
  /** NFTA_COUNTER_BYTES */ bytes?: bigint;
  /** NFTA_COUNTER_PACKETS */ packets?: bigint;
}
const counterPolicy = policy('NFTA_COUNTER', C, [
  ['NFTA_COUNTER_BYTES', 'bytes', be64],
  ['NFTA_COUNTER_PACKETS', 'packets', be64],
  ['NFTA_COUNTER_PAD', 'pad', binary, { readOnly: true }],
]);

/** limit: token bucket; `rate` per `unit` seconds. */
export interface LimitData extends AttrSetBase {
  /** NFTA_LIMIT_RATE */ rate?: bigint;
  /** NFTA_LIMIT_UNIT (seconds) */ unit?: bigint;
  /** NFTA_LIMIT_BURST */ burst?: number;
  /** NFTA_LIMIT_TYPE */ type?: 'packets' | 'bytes' | number;
  /** NFTA_LIMIT_FLAGS: ['inv'] = "over" */ flags?: Array<'inv' | number>;
}
const limitPolicy = policy('NFTA_LIMIT', C, [
  ['NFTA_LIMIT_RATE', 'rate', be64],
  ['NFTA_LIMIT_UNIT', 'unit', be64],
  ['NFTA_LIMIT_BURST', 'burst', be32],
  ['NFTA_LIMIT_TYPE', 'type', named(be32, { 0: 'packets', 1: 'bytes' }, 'limit type')],
  ['NFTA_LIMIT_FLAGS', 'flags', flagsOf(be32, { 1: 'inv' })],
  ['NFTA_LIMIT_PAD', 'pad', binary, { readOnly: true }],
]);

export const LOG_LEVELS = { 0: 'emerg', 1: 'alert', 2: 'crit', 3: 'err', 4: 'warn', 5: 'notice', 6: 'info', 7: 'debug', 8: 'audit' } as const;
export type LogLevel = (typeof LOG_LEVELS)[keyof typeof LOG_LEVELS];
/** log: to the kernel log (level) or to an nflog group. */
export interface LogData extends AttrSetBase {
  /** NFTA_LOG_GROUP (be16) */ group?: number;
  /** NFTA_LOG_PREFIX */ prefix?: string;
  /** NFTA_LOG_SNAPLEN */ snaplen?: number;
  /** NFTA_LOG_QTHRESHOLD (be16) */ qthreshold?: number;
  /** NFTA_LOG_LEVEL */ level?: LogLevel | number;
  /** NFTA_LOG_FLAGS (NF_LOG_* bits) */ flags?: number;
}
const logPolicy = policy('NFTA_LOG', C, [
  ['NFTA_LOG_GROUP', 'group', be16],
  ['NFTA_LOG_PREFIX', 'prefix', string],
  ['NFTA_LOG_SNAPLEN', 'snaplen', be32],
  ['NFTA_LOG_QTHRESHOLD', 'qthreshold', be16],
  ['NFTA_LOG_LEVEL', 'level', named(be32, LOG_LEVELS, 'log level')],
  ['NFTA_LOG_FLAGS', 'flags', be32],
]);

/** immediate: load a constant (value or verdict) into a register; dreg 0 + verdict = the rule's verdict. */
export interface ImmediateData extends AttrSetBase {
  /** NFTA_IMMEDIATE_DREG */ dreg?: Register;
  /** NFTA_IMMEDIATE_DATA */ data?: DataAttrs;
}
const immediatePolicy = policy('NFTA_IMMEDIATE', C, [
  ['NFTA_IMMEDIATE_DREG', 'dreg', reg],
  ['NFTA_IMMEDIATE_DATA', 'data', data],
]);

/** NF_NAT_RANGE_* flags by name. */
export const NAT_FLAGS = {
  1: 'map-ips', 2: 'proto-specified', 4: 'random', 8: 'persistent', 16: 'fully-random', 32: 'proto-offset', 64: 'netmap',
} as const;
export type NatFlag = (typeof NAT_FLAGS)[keyof typeof NAT_FLAGS];
const natFlags = flagsOf(be32, NAT_FLAGS);

/** masq: source NAT to the outgoing interface's address. */
export interface MasqData extends AttrSetBase {
  /** NFTA_MASQ_FLAGS */ flags?: Array<NatFlag | number>;
  /** NFTA_MASQ_REG_PROTO_MIN */ regProtoMin?: Register;
  /** NFTA_MASQ_REG_PROTO_MAX */ regProtoMax?: Register;
}
const masqPolicy = policy('NFTA_MASQ', C, [
  ['NFTA_MASQ_FLAGS', 'flags', natFlags],
  ['NFTA_MASQ_REG_PROTO_MIN', 'regProtoMin', reg],
  ['NFTA_MASQ_REG_PROTO_MAX', 'regProtoMax', reg],
]);

export const NFPROTO_NAMES = { 0: 'unspec', 1: 'inet', 2: 'ipv4', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ipv6' } as const;
/** nat: snat/dnat to addresses and ports held in registers. */
export interface NatData extends AttrSetBase {
  /** NFTA_NAT_TYPE */ type?: 'snat' | 'dnat' | number;
  /** NFTA_NAT_FAMILY (NFPROTO_IPV4/IPV6) */ family?: 'ipv4' | 'ipv6' | (typeof NFPROTO_NAMES)[keyof typeof NFPROTO_NAMES] | number;
  /** NFTA_NAT_REG_ADDR_MIN */ regAddrMin?: Register;
  /** NFTA_NAT_REG_ADDR_MAX */ regAddrMax?: Register;
  /** NFTA_NAT_REG_PROTO_MIN */ regProtoMin?: Register;
  /** NFTA_NAT_REG_PROTO_MAX */ regProtoMax?: Register;
  /** NFTA_NAT_FLAGS */ flags?: Array<NatFlag | number>;
}
const natPolicy = policy('NFTA_NAT', C, [
  ['NFTA_NAT_TYPE', 'type', named(be32, { 0: 'snat', 1: 'dnat' }, 'nat type')],
  ['NFTA_NAT_FAMILY', 'family', named(be32, NFPROTO_NAMES, 'nfproto')],
  ['NFTA_NAT_REG_ADDR_MIN', 'regAddrMin', reg],
  ['NFTA_NAT_REG_ADDR_MAX', 'regAddrMax', reg],
  ['NFTA_NAT_REG_PROTO_MIN', 'regProtoMin', reg],
  ['NFTA_NAT_REG_PROTO_MAX', 'regProtoMax', reg],
  ['NFTA_NAT_FLAGS', 'flags', natFlags],
]);

/** redir: destination NAT to the local machine (optionally to ports). */
export interface RedirData extends AttrSetBase {
  /** NFTA_REDIR_REG_PROTO_MIN */ regProtoMin?: Register;
  /** NFTA_REDIR_REG_PROTO_MAX */ regProtoMax?: Register;
  /** NFTA_REDIR_FLAGS */ flags?: Array<NatFlag | number>;
}
const redirPolicy = policy('NFTA_REDIR', C, [
  ['NFTA_REDIR_REG_PROTO_MIN', 'regProtoMin', reg],
  ['NFTA_REDIR_REG_PROTO_MAX', 'regProtoMax', reg],
  ['NFTA_REDIR_FLAGS', 'flags', natFlags],
]);

/** notrack: no attributes. */
export type NotrackData = AttrSetBase;
const notrackPolicy = policy('NFTA_NOTRACK', C, []);

// A few more that real rulesets (e.g. Docker's, distributions' defaults) use,
// so their rules decode into fields rather than raw bytes.

/** reject: ICMP unreachable or TCP reset. */
export interface RejectData extends AttrSetBase {
  /** NFTA_REJECT_TYPE */ type?: 'icmp' | 'tcp-reset' | 'icmpx' | number;
  /** NFTA_REJECT_ICMP_CODE (u8) */ icmpCode?: number;
}
const rejectPolicy = policy('NFTA_REJECT', C, [
  ['NFTA_REJECT_TYPE', 'type', named(be32, { 0: 'icmp', 1: 'tcp-reset', 2: 'icmpx' }, 'reject type')],
  ['NFTA_REJECT_ICMP_CODE', 'icmpCode', u8],
]);

/** byteorder: convert a register between host and network order. */
export interface ByteorderData extends AttrSetBase {
  sreg?: Register; dreg?: Register; op?: 'ntoh' | 'hton' | number; len?: number; size?: number;
}
const byteorderPolicy = policy('NFTA_BYTEORDER', C, [
  ['NFTA_BYTEORDER_SREG', 'sreg', reg],
  ['NFTA_BYTEORDER_DREG', 'dreg', reg],
  ['NFTA_BYTEORDER_OP', 'op', named(be32, { 0: 'ntoh', 1: 'hton' }, 'byteorder op')],
  ['NFTA_BYTEORDER_LEN', 'len', be32],
  ['NFTA_BYTEORDER_SIZE', 'size', be32],
]);

/** fib: route lookup result. */
export interface FibData extends AttrSetBase {
  dreg?: Register; result?: 'oif' | 'oifname' | 'type' | number; flags?: Array<'saddr' | 'daddr' | 'mark' | 'iif' | 'oif' | 'present' | number>;
}
const fibPolicy = policy('NFTA_FIB', C, [
  ['NFTA_FIB_DREG', 'dreg', reg],
  ['NFTA_FIB_RESULT', 'result', named(be32, { 1: 'oif', 2: 'oifname', 3: 'type' }, 'fib result')],
  ['NFTA_FIB_FLAGS', 'flags', flagsOf(be32, { 1: 'saddr', 2: 'daddr', 4: 'mark', 8: 'iif', 16: 'oif', 32: 'present' })],
]);

/** quota */
export interface QuotaData extends AttrSetBase { bytes?: bigint; flags?: Array<'inv' | 'depleted' | number>; consumed?: bigint }
const quotaPolicy = policy('NFTA_QUOTA', C, [
  ['NFTA_QUOTA_BYTES', 'bytes', be64],
  ['NFTA_QUOTA_FLAGS', 'flags', flagsOf(be32, { 1: 'inv', 2: 'depleted' })],
  ['NFTA_QUOTA_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_QUOTA_CONSUMED', 'consumed', be64],
]);

/** exthdr: IPv6 extension header / TCP option / IPv4 option fields. */
export interface ExthdrData extends AttrSetBase {
  dreg?: Register; type?: number; offset?: number; len?: number; flags?: number; op?: 'ipv6' | 'tcpopt' | 'ipv4' | 'sctp' | 'dccp' | number; sreg?: Register;
}
const exthdrPolicy = policy('NFTA_EXTHDR', C, [
  ['NFTA_EXTHDR_DREG', 'dreg', reg],
  ['NFTA_EXTHDR_TYPE', 'type', u8],
  ['NFTA_EXTHDR_OFFSET', 'offset', be32],
  ['NFTA_EXTHDR_LEN', 'len', be32],
  ['NFTA_EXTHDR_FLAGS', 'flags', be32],
  ['NFTA_EXTHDR_OP', 'op', named(be32, { 0: 'ipv6', 1: 'tcpopt', 2: 'ipv4', 3: 'sctp', 4: 'dccp' }, 'exthdr op')],
  ['NFTA_EXTHDR_SREG', 'sreg', reg],
]);

/** queue: to a userspace queue. */
export interface QueueData extends AttrSetBase { num?: number; total?: number; flags?: number; sregQnum?: Register }
const queuePolicy = policy('NFTA_QUEUE', C, [
  ['NFTA_QUEUE_NUM', 'num', be16],
  ['NFTA_QUEUE_TOTAL', 'total', be16],
  ['NFTA_QUEUE_FLAGS', 'flags', be16],
  ['NFTA_QUEUE_SREG_QNUM', 'sregQnum', reg],
]);

/** The expression policies by NFTA_EXPR_NAME. `dynset` and the others nft knows stay raw (lossless). */
export const EXPR_POLICIES: Readonly<Record<string, Policy>> = {
  payload: payloadPolicy,
  meta: metaPolicy,
  cmp: cmpPolicy,
  bitwise: bitwisePolicy,
  range: rangePolicy,
  lookup: lookupPolicy,
  ct: ctPolicy,
  counter: counterPolicy,
  limit: limitPolicy,
  log: logPolicy,
  immediate: immediatePolicy,
  masq: masqPolicy,
  nat: natPolicy,
  redir: redirPolicy,
  notrack: notrackPolicy,
  reject: rejectPolicy,
  byteorder: byteorderPolicy,
  fib: fibPolicy,
  quota: quotaPolicy,
  exthdr: exthdrPolicy,
  queue: queuePolicy,
};

/** Expression data types by name. */
export interface ExprDataMap {
  payload: PayloadData;
  meta: MetaData;
  cmp: CmpData;
  bitwise: BitwiseData;
  range: RangeData;
  lookup: LookupData;
  ct: CtData;
  counter: CounterData;
  limit: LimitData;
  log: LogData;
  immediate: ImmediateData;
  masq: MasqData;
  nat: NatData;
  redir: RedirData;
  notrack: NotrackData;
  reject: RejectData;
  byteorder: ByteorderData;
  fib: FibData;
  quota: QuotaData;
  exthdr: ExthdrData;
  queue: QueueData;
}
export type KnownExprName = keyof ExprDataMap;

/** One known expression: NFTA_EXPR_NAME and its NFTA_EXPR_DATA. */
export type KnownExpr = { [K in KnownExprName]: { name: K; data?: ExprDataMap[K]; unknown?: UnknownAttr[] } }[KnownExprName];
/**
 * An expression this library has no policy for (dynset, objref, hash, ...):
 * NFTA_EXPR_DATA kept verbatim in `unknown` (type 2 = NFTA_EXPR_DATA).
 */
export interface UnknownExpr {
  name: string;
  data?: undefined;
  unknown?: UnknownAttr[];
}
/** A rule's expression, discriminated by `name` (use {@link isExpr} to narrow). */
export type Expr = KnownExpr | UnknownExpr;

/** Narrow an expression to a known kind: `if (isExpr(e, 'cmp')) e.data.op`. */
export function isExpr<K extends KnownExprName>(e: Expr, name: K): e is Extract<KnownExpr, { name: K }> {
  return e.name === name && EXPR_POLICIES[name] !== undefined;
}

/** NFTA_EXPR_*: the data policy is chosen by the sibling NFTA_EXPR_NAME (like IFLA_INFO_DATA by IFLA_INFO_KIND). */
export const exprPolicy: Policy = policy('NFTA_EXPR', C, [
  ['NFTA_EXPR_NAME', 'name', string],
  ['NFTA_EXPR_DATA', 'data', nested((p) => (typeof p.name === 'string' ? EXPR_POLICIES[p.name] : undefined), { nestedFlag: true, name: 'nested(by NFTA_EXPR_NAME)' })],
]);

/** NFTA_RULE_EXPRESSIONS / NFTA_SET_EXPRESSIONS / ...: a list of expressions. */
export const exprList = listOf(exprPolicy, 'expr');
/** A single nested expression (NFTA_SET_EXPR, NFTA_SET_ELEM_EXPR). */
export const exprNested = nested(exprPolicy, { nestedFlag: true });
