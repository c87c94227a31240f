/**
 * nf_tables objects: attribute policies and typed shapes of tables, chains,
 * rules, sets, set elements and the ruleset generation (NFTA_TABLE_*,
 * NFTA_CHAIN_*, NFTA_HOOK_*, NFTA_RULE_*, NFTA_SET_*, NFTA_SET_ELEM_*,
 * NFTA_GEN_*). API names are camelCase, the uapi name is beside each field.
 * @module
 */
import { binary, nested, policy, string, type AttrSetBase, type Policy, moreConsts } from '../netlink/attr.js';
import { be32, be64, bes32, flagsOf, listOf, named } from './codecs.js';
import { dataPolicy, exprList, exprNested, type DataAttrs, type Expr } from './expr.js';
import { NFT_UAPI as U } from './uapi.js';

/** Newer than the pinned 6.1 headers (kernel release that added them upstream). */
export const NFT_TABLE_F_PERSIST = 4; // 6.9
export const NFTA_SET_TYPE = 19; // 6.17: set backend name (read only)
export const NFTA_SET_COUNT = 20; // 6.17: number of elements (read only)

const C = moreConsts(U, { NFTA_SET_TYPE, NFTA_SET_COUNT });

/** nfgen_family values (NFPROTO_*) by nft's family names. */
export const FAMILIES = { 1: 'inet', 2: 'ip', 3: 'arp', 5: 'netdev', 7: 'bridge', 10: 'ip6' } as const;
export type FamilyName = (typeof FAMILIES)[keyof typeof FAMILIES];
const FAMILY_BY_NAME: Record<string, number> = { inet: 1, ip: 2, arp: 3, netdev: 5, bridge: 7, ip6: 10 };
/** NFPROTO_* number of a family name (undefined if unknown). */
export function familyNumber(name: string): number | undefined {
  return FAMILY_BY_NAME[name];
}
/** Family name of an NFPROTO_* number, or the number. */
export function familyName(n: number): FamilyName | number {
  return (FAMILIES as Record<number, FamilyName>)[n] ?? n;
}

// ------------------------------------------------------------------ tables

export const TABLE_FLAGS = { 1: 'dormant', 2: 'owner', [NFT_TABLE_F_PERSIST]: 'persist' } as const;
export type TableFlag = (typeof TABLE_FLAGS)[keyof typeof TABLE_FLAGS];
/** NFTA_TABLE_* */
export interface TableAttrs extends AttrSetBase {
  /** NFTA_TABLE_NAME */ name?: string;
  /** NFTA_TABLE_FLAGS */ flags?: Array<TableFlag | number>;
  /** NFTA_TABLE_USE: number of chains (read only) */ use?: number;
  /** NFTA_TABLE_HANDLE */ handle?: bigint;
  /** NFTA_TABLE_USERDATA */ userdata?: Uint8Array;
  /** NFTA_TABLE_OWNER: netlink port id of the owner (read only) */ owner?: number;
}
export const tablePolicy: Policy = policy('NFTA_TABLE', C, [
  ['NFTA_TABLE_NAME', 'name', string],
  ['NFTA_TABLE_FLAGS', 'flags', flagsOf(be32, TABLE_FLAGS)],
  ['NFTA_TABLE_USE', 'use', be32, { readOnly: true }],
  ['NFTA_TABLE_HANDLE', 'handle', be64],
  ['NFTA_TABLE_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_TABLE_USERDATA', 'userdata', binary],
  ['NFTA_TABLE_OWNER', 'owner', be32, { readOnly: true }],
]);

// ------------------------------------------------------------------ chains

/** NFTA_HOOK_* */
export interface HookAttrs extends AttrSetBase {
  /** NFTA_HOOK_HOOKNUM: NF_INET_* / NF_NETDEV_* (names depend on the family: see hookName) */ hooknum?: number;
  /** NFTA_HOOK_PRIORITY (be32, signed) */ priority?: number;
  /** NFTA_HOOK_DEV (netdev family) */ dev?: string;
  /** NFTA_HOOK_DEVS: NFTA_DEVICE_NAME attributes */ devs?: { names?: string[] } & AttrSetBase;
}
const devicePolicy = policy('NFTA_DEVICE', C, [['NFTA_DEVICE_NAME', 'names', string, { multi: true }]]);
export const hookPolicy: Policy = policy('NFTA_HOOK', C, [
  ['NFTA_HOOK_HOOKNUM', 'hooknum', be32],
  ['NFTA_HOOK_PRIORITY', 'priority', bes32],
  ['NFTA_HOOK_DEV', 'dev', string],
  ['NFTA_HOOK_DEVS', 'devs', nested(devicePolicy, { nestedFlag: true })],
]);

/** NFTA_COUNTER_* of a base chain */
export interface ChainCounters extends AttrSetBase {
  bytes?: bigint;
  packets?: bigint;
}
const chainCountersPolicy = policy('NFTA_COUNTER', C, [
  ['NFTA_COUNTER_BYTES', 'bytes', be64],
  ['NFTA_COUNTER_PACKETS', 'packets', be64],
  ['NFTA_COUNTER_PAD', 'pad', binary, { readOnly: true }],
]);

export const CHAIN_FLAGS = { 1: 'base', 2: 'hw-offload', 4: 'binding' } as const;
export type ChainFlag = (typeof CHAIN_FLAGS)[keyof typeof CHAIN_FLAGS];
/** NFTA_CHAIN_* */
export interface ChainAttrs extends AttrSetBase {
  /** NFTA_CHAIN_TABLE */ table?: string;
  /** NFTA_CHAIN_HANDLE */ handle?: bigint;
  /** NFTA_CHAIN_NAME */ name?: string;
  /** NFTA_CHAIN_HOOK: base chains only */ hook?: HookAttrs;
  /** NFTA_CHAIN_POLICY: base chains only */ policy?: 'accept' | 'drop' | number;
  /** NFTA_CHAIN_USE: references (read only) */ use?: number;
  /** NFTA_CHAIN_TYPE: filter, nat, route */ type?: string;
  /** NFTA_CHAIN_COUNTERS */ counters?: ChainCounters;
  /** NFTA_CHAIN_FLAGS */ flags?: Array<ChainFlag | number>;
  /** NFTA_CHAIN_ID: refers to the chain inside a transaction */ id?: number;
  /** NFTA_CHAIN_USERDATA */ userdata?: Uint8Array;
}
export const chainPolicy: Policy = policy('NFTA_CHAIN', C, [
  ['NFTA_CHAIN_TABLE', 'table', string],
  ['NFTA_CHAIN_HANDLE', 'handle', be64],
  ['NFTA_CHAIN_NAME', 'name', string],
  ['NFTA_CHAIN_HOOK', 'hook', nested(hookPolicy, { nestedFlag: true })],
  ['NFTA_CHAIN_POLICY', 'policy', named(be32, { 0: 'drop', 1: 'accept' }, 'chain policy')],
  ['NFTA_CHAIN_USE', 'use', be32, { readOnly: true }],
  ['NFTA_CHAIN_TYPE', 'type', string],
  ['NFTA_CHAIN_COUNTERS', 'counters', nested(chainCountersPolicy, { nestedFlag: true })],
  ['NFTA_CHAIN_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_CHAIN_FLAGS', 'flags', flagsOf(be32, CHAIN_FLAGS)],
  ['NFTA_CHAIN_ID', 'id', be32],
  ['NFTA_CHAIN_USERDATA', 'userdata', binary],
]);

// ------------------------------------------------------------------- rules

/** NFTA_RULE_COMPAT_* (rules created by iptables-nft) */
const ruleCompatPolicy = policy('NFTA_RULE_COMPAT', C, [
  ['NFTA_RULE_COMPAT_PROTO', 'proto', be32],
  ['NFTA_RULE_COMPAT_FLAGS', 'flags', be32],
]);
/** NFTA_RULE_* */
export interface RuleAttrs extends AttrSetBase {
  /** NFTA_RULE_TABLE */ table?: string;
  /** NFTA_RULE_CHAIN */ chain?: string;
  /** NFTA_RULE_HANDLE */ handle?: bigint;
  /** NFTA_RULE_EXPRESSIONS */ expr?: Expr[];
  /** NFTA_RULE_COMPAT */ compat?: { proto?: number; flags?: number } & AttrSetBase;
  /** NFTA_RULE_POSITION: handle of the rule to insert after (append) or before (insert) */ position?: bigint;
  /** NFTA_RULE_USERDATA (nft keeps comments here) */ userdata?: Uint8Array;
  /** NFTA_RULE_ID: refers to the rule inside a transaction */ id?: number;
  /** NFTA_RULE_POSITION_ID: position by a rule id of the same transaction */ positionId?: number;
  /** NFTA_RULE_CHAIN_ID: chain by an id of the same transaction */ chainId?: number;
}
export const rulePolicy: Policy = policy('NFTA_RULE', C, [
  ['NFTA_RULE_TABLE', 'table', string],
  ['NFTA_RULE_CHAIN', 'chain', string],
  ['NFTA_RULE_HANDLE', 'handle', be64],
  ['NFTA_RULE_EXPRESSIONS', 'expr', exprList],
  ['NFTA_RULE_COMPAT', 'compat', nested(ruleCompatPolicy, { nestedFlag: true })],
  ['NFTA_RULE_POSITION', 'position', be64],
  ['NFTA_RULE_USERDATA', 'userdata', binary],
  ['NFTA_RULE_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_RULE_ID', 'id', be32],
  ['NFTA_RULE_POSITION_ID', 'positionId', be32],
  ['NFTA_RULE_CHAIN_ID', 'chainId', be32],
]);

// -------------------------------------------------------------------- sets

export const SET_FLAGS = {
  1: 'anonymous', 2: 'constant', 4: 'interval', 8: 'map', 16: 'timeout', 32: 'dynamic', 64: 'object', 128: 'concat', 256: 'expr',
} as const;
export type SetFlag = (typeof SET_FLAGS)[keyof typeof SET_FLAGS];

const setFieldPolicy = policy('NFTA_SET_FIELD', C, [['NFTA_SET_FIELD_LEN', 'len', be32]]);
const setDescPolicy = policy('NFTA_SET_DESC', C, [
  ['NFTA_SET_DESC_SIZE', 'size', be32],
  ['NFTA_SET_DESC_CONCAT', 'concat', listOf(setFieldPolicy, 'field')],
]);
/** NFTA_SET_DESC_* */
export interface SetDesc extends AttrSetBase {
  /** NFTA_SET_DESC_SIZE */ size?: number;
  /** NFTA_SET_DESC_CONCAT: field lengths of a concatenation */ concat?: Array<{ len?: number } & AttrSetBase>;
}
/** NFTA_SET_* */
export interface SetAttrs extends AttrSetBase {
  /** NFTA_SET_TABLE */ table?: string;
  /** NFTA_SET_NAME */ name?: string;
  /** NFTA_SET_FLAGS */ flags?: Array<SetFlag | number>;
  /** NFTA_SET_KEY_TYPE: nft datatype id (informational for the kernel) */ keyType?: number;
  /** NFTA_SET_KEY_LEN (bytes) */ keyLen?: number;
  /** NFTA_SET_DATA_TYPE: maps; 0xffffff00 = verdict */ dataType?: number;
  /** NFTA_SET_DATA_LEN */ dataLen?: number;
  /** NFTA_SET_POLICY */ policy?: 'performance' | 'memory' | number;
  /** NFTA_SET_DESC */ desc?: SetDesc;
  /** NFTA_SET_ID: refers to the set inside a transaction */ id?: number;
  /** NFTA_SET_TIMEOUT (ms) */ timeout?: bigint;
  /** NFTA_SET_GC_INTERVAL (ms) */ gcInterval?: number;
  /** NFTA_SET_USERDATA (nft's NFTNL_UDATA_SET_* TLVs) */ userdata?: Uint8Array;
  /** NFTA_SET_OBJ_TYPE */ objType?: number;
  /** NFTA_SET_HANDLE */ handle?: bigint;
  /** NFTA_SET_EXPR */ expr1?: Expr;
  /** NFTA_SET_EXPRESSIONS */ expr?: Expr[];
  /** NFTA_SET_TYPE: backend, e.g. "nft_set_rbtree_type" (6.17, read only) */ backend?: string;
  /** NFTA_SET_COUNT: elements (6.17, read only) */ count?: number;
}
export const setPolicy: Policy = policy('NFTA_SET', C, [
  ['NFTA_SET_TABLE', 'table', string],
  ['NFTA_SET_NAME', 'name', string],
  ['NFTA_SET_FLAGS', 'flags', flagsOf(be32, SET_FLAGS)],
  ['NFTA_SET_KEY_TYPE', 'keyType', be32],
  ['NFTA_SET_KEY_LEN', 'keyLen', be32],
  ['NFTA_SET_DATA_TYPE', 'dataType', be32],
  ['NFTA_SET_DATA_LEN', 'dataLen', be32],
  ['NFTA_SET_POLICY', 'policy', named(be32, { 0: 'performance', 1: 'memory' }, 'set policy')],
  ['NFTA_SET_DESC', 'desc', nested(setDescPolicy, { nestedFlag: true })],
  ['NFTA_SET_ID', 'id', be32],
  ['NFTA_SET_TIMEOUT', 'timeout', be64],
  ['NFTA_SET_GC_INTERVAL', 'gcInterval', be32],
  ['NFTA_SET_USERDATA', 'userdata', binary],
  ['NFTA_SET_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_SET_OBJ_TYPE', 'objType', be32],
  ['NFTA_SET_HANDLE', 'handle', be64],
  ['NFTA_SET_EXPR', 'expr1', exprNested],
  ['NFTA_SET_EXPRESSIONS', 'expr', exprList],
  ['NFTA_SET_TYPE', 'backend', string, { readOnly: true }],
  ['NFTA_SET_COUNT', 'count', be32, { readOnly: true }],
]);

export const SET_ELEM_FLAGS = { 1: 'interval-end', 2: 'catchall' } as const;
export type SetElemFlag = (typeof SET_ELEM_FLAGS)[keyof typeof SET_ELEM_FLAGS];
/** NFTA_SET_ELEM_* */
export interface SetElemAttrs extends AttrSetBase {
  /** NFTA_SET_ELEM_KEY */ key?: DataAttrs;
  /** NFTA_SET_ELEM_DATA: a map's value (or verdict) */ data?: DataAttrs;
  /** NFTA_SET_ELEM_FLAGS */ flags?: Array<SetElemFlag | number>;
  /** NFTA_SET_ELEM_TIMEOUT (ms) */ timeout?: bigint;
  /** NFTA_SET_ELEM_EXPIRATION (ms, read only in dumps) */ expiration?: bigint;
  /** NFTA_SET_ELEM_USERDATA */ userdata?: Uint8Array;
  /** NFTA_SET_ELEM_EXPR */ expr1?: Expr;
  /** NFTA_SET_ELEM_OBJREF */ objref?: string;
  /** NFTA_SET_ELEM_KEY_END: end of a range (concatenated interval sets) */ keyEnd?: DataAttrs;
  /** NFTA_SET_ELEM_EXPRESSIONS */ expr?: Expr[];
}
const dataNested = nested(dataPolicy, { nestedFlag: true });
export const setElemPolicy: Policy = policy('NFTA_SET_ELEM', C, [
  ['NFTA_SET_ELEM_KEY', 'key', dataNested],
  ['NFTA_SET_ELEM_DATA', 'data', dataNested],
  ['NFTA_SET_ELEM_FLAGS', 'flags', flagsOf(be32, SET_ELEM_FLAGS)],
  ['NFTA_SET_ELEM_TIMEOUT', 'timeout', be64],
  ['NFTA_SET_ELEM_EXPIRATION', 'expiration', be64],
  ['NFTA_SET_ELEM_USERDATA', 'userdata', binary],
  ['NFTA_SET_ELEM_EXPR', 'expr1', exprNested],
  ['NFTA_SET_ELEM_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_SET_ELEM_OBJREF', 'objref', string],
  ['NFTA_SET_ELEM_KEY_END', 'keyEnd', dataNested],
  ['NFTA_SET_ELEM_EXPRESSIONS', 'expr', exprList],
]);
/** NFTA_SET_ELEM_LIST_* */
export interface SetElemListAttrs extends AttrSetBase {
  /** NFTA_SET_ELEM_LIST_TABLE */ table?: string;
  /** NFTA_SET_ELEM_LIST_SET */ set?: string;
  /** NFTA_SET_ELEM_LIST_ELEMENTS */ elements?: SetElemAttrs[];
  /** NFTA_SET_ELEM_LIST_SET_ID */ setId?: number;
}
export const setElemListPolicy: Policy = policy('NFTA_SET_ELEM_LIST', C, [
  ['NFTA_SET_ELEM_LIST_TABLE', 'table', string],
  ['NFTA_SET_ELEM_LIST_SET', 'set', string],
  ['NFTA_SET_ELEM_LIST_ELEMENTS', 'elements', listOf(setElemPolicy, 'element', true)],
  ['NFTA_SET_ELEM_LIST_SET_ID', 'setId', be32],
]);

// --------------------------------------------------------- gen and others

/** NFTA_GEN_* */
export interface GenAttrs extends AttrSetBase {
  /** NFTA_GEN_ID: ruleset generation */ id?: number;
  /** NFTA_GEN_PROC_PID: process that made the last change */ procPid?: number;
  /** NFTA_GEN_PROC_NAME */ procName?: string;
}
export const genPolicy: Policy = policy('NFTA_GEN', C, [
  ['NFTA_GEN_ID', 'id', be32],
  ['NFTA_GEN_PROC_PID', 'procPid', be32],
  ['NFTA_GEN_PROC_NAME', 'procName', string],
]);

/** NFTA_OBJ_* (stateful objects: named counters, quotas, ...); the object data stays raw. */
export interface ObjAttrs extends AttrSetBase {
  table?: string; name?: string; type?: number; data?: Uint8Array; use?: number; handle?: bigint; userdata?: Uint8Array;
}
export const objPolicy: Policy = policy('NFTA_OBJ', C, [
  ['NFTA_OBJ_TABLE', 'table', string],
  ['NFTA_OBJ_NAME', 'name', string],
  ['NFTA_OBJ_TYPE', 'type', be32],
  ['NFTA_OBJ_DATA', 'data', binary],
  ['NFTA_OBJ_USE', 'use', be32, { readOnly: true }],
  ['NFTA_OBJ_HANDLE', 'handle', be64],
  ['NFTA_OBJ_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_OBJ_USERDATA', 'userdata', binary],
]);

/** NFTA_FLOWTABLE_* (hook kept raw-ish: devices list decoded). */
export const flowtablePolicy: Policy = policy('NFTA_FLOWTABLE', C, [
  ['NFTA_FLOWTABLE_TABLE', 'table', string],
  ['NFTA_FLOWTABLE_NAME', 'name', string],
  ['NFTA_FLOWTABLE_HOOK', 'hook', nested(hookPolicy, { nestedFlag: true })],
  ['NFTA_FLOWTABLE_USE', 'use', be32, { readOnly: true }],
  ['NFTA_FLOWTABLE_HANDLE', 'handle', be64],
  ['NFTA_FLOWTABLE_PAD', 'pad', binary, { readOnly: true }],
  ['NFTA_FLOWTABLE_FLAGS', 'flags', be32],
]);

/** NFNL_BATCH_* (attributes of NFNL_MSG_BATCH_BEGIN) */
export interface BatchAttrs extends AttrSetBase {
  /** NFNL_BATCH_GENID: the batch fails with ERESTART unless the ruleset generation is still this one */ genId?: number;
}
export const batchPolicy: Policy = policy('NFNL_BATCH', C, [['NFNL_BATCH_GENID', 'genId', be32]]);

// ---------------------------------------------------------- typed objects

/** What every decoded object carries besides its attributes. */
export interface NftObjectBase {
  /** nfgen_family as nft names it (ip, ip6, inet, arp, bridge, netdev), or the number. */
  family: FamilyName | number;
}
/** A table as dumped (NFT_MSG_NEWTABLE). */
export type Table = NftObjectBase & TableAttrs;
/** A chain as dumped (NFT_MSG_NEWCHAIN). */
export type Chain = NftObjectBase & ChainAttrs;
/** A rule as dumped (NFT_MSG_NEWRULE). */
export type Rule = NftObjectBase & RuleAttrs;
/** A set or map as dumped (NFT_MSG_NEWSET). */
export type NftSet = NftObjectBase & SetAttrs;
/** The elements of a set as dumped (NFT_MSG_NEWSETELEM). */
export type SetElements = NftObjectBase & SetElemListAttrs;
/** A set element. */
export type SetElement = SetElemAttrs;

/** Hook names by family: NF_INET_* for ip/ip6/inet/bridge, NF_ARP_* for arp, NF_NETDEV_* for netdev (and inet ingress). */
export const HOOKS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  ip: { prerouting: 0, input: 1, forward: 2, output: 3, postrouting: 4 },
  ip6: { prerouting: 0, input: 1, forward: 2, output: 3, postrouting: 4 },
  inet: { prerouting: 0, input: 1, forward: 2, output: 3, postrouting: 4, ingress: 5 },
  bridge: { prerouting: 0, input: 1, forward: 2, output: 3, postrouting: 4 },
  arp: { input: 0, output: 1 },
  netdev: { ingress: 0, egress: 1 },
};
/** Name of a hook number in a family, or the number. */
export function hookName(family: FamilyName | number, hooknum: number): string | number {
  const t = typeof family === 'string' ? HOOKS[family] : undefined;
  if (t) for (const [k, v] of Object.entries(t)) if (v === hooknum) return k;
  return hooknum;
}
