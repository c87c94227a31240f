/**
 * nfnetlink framing for nf_tables: the nfgenmsg header, message types
 * `(NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_*`, the attribute policy of each
 * message, batches (NFNL_MSG_BATCH_BEGIN ... NFNL_MSG_BATCH_END in one
 * datagram) and mapping an extended-ACK offset back to an attribute path.
 * Pure byte builders and parsers: no socket here.
 * @module
 */
import { NLA_F_NESTED, NLA_TYPE_MASK, NLMSG_HDRLEN, NLMSG_TYPE_NAMES, NLM_F_REQUEST } from '../netlink/constants.js';
import { Policy, checkAttrs, decodeAttrs, encodeAttrs, type AttrSetBase, type NestedCodec } from '../netlink/attr.js';
import { ArgumentError, DecodeError } from '../netlink/errors.js';
import { checkRange, splitMessages, type RawMessage } from '../netlink/message.js';
import { Writer } from '../netlink/writer.js';
import { EXPR_POLICIES } from './expr.js';
import {
  batchPolicy,
  type BatchAttrs,
  chainPolicy,
  familyName,
  flowtablePolicy,
  genPolicy,
  objPolicy,
  rulePolicy,
  setElemListPolicy,
  setPolicy,
  tablePolicy,
} from './objects.js';
import { NFT_UAPI } from './uapi.js';
const { NFNL_MSG_BATCH_BEGIN, NFNL_MSG_BATCH_END, NFNL_SUBSYS_NFTABLES, NFNETLINK_V0 } = NFT_UAPI;

/** sizeof(struct nfgenmsg): nfgen_family (u8), version (u8), res_id (be16). */
export const NFGENMSG_LEN = 4;

/** Message types newer than the pinned 6.1 headers (kernel release that added them). */
export const NFT_MSG_GETRULE_RESET = 25; // 6.2
export const NFT_MSG_DESTROYTABLE = 26; // 6.3: delete, no error if absent
export const NFT_MSG_DESTROYCHAIN = 27; // 6.3
export const NFT_MSG_DESTROYRULE = 28; // 6.3
export const NFT_MSG_DESTROYSET = 29; // 6.3
export const NFT_MSG_DESTROYSETELEM = 30; // 6.3
export const NFT_MSG_DESTROYOBJ = 31; // 6.3
export const NFT_MSG_DESTROYFLOWTABLE = 32; // 6.3
export const NFT_MSG_GETSETELEM_RESET = 33; // after 6.3

/** The nf_tables message kinds (low byte of nlmsg_type) with their attribute policy. */
const NFT_MSGS: Array<[msg: number, name: string, pol: Policy | undefined]> = [
  [0, 'NEWTABLE', tablePolicy], [1, 'GETTABLE', tablePolicy], [2, 'DELTABLE', tablePolicy],
  [3, 'NEWCHAIN', chainPolicy], [4, 'GETCHAIN', chainPolicy], [5, 'DELCHAIN', chainPolicy],
  [6, 'NEWRULE', rulePolicy], [7, 'GETRULE', rulePolicy], [8, 'DELRULE', rulePolicy],
  [9, 'NEWSET', setPolicy], [10, 'GETSET', setPolicy], [11, 'DELSET', setPolicy],
  [12, 'NEWSETELEM', setElemListPolicy], [13, 'GETSETELEM', setElemListPolicy], [14, 'DELSETELEM', setElemListPolicy],
  [15, 'NEWGEN', genPolicy], [16, 'GETGEN', genPolicy], [17, 'TRACE', undefined],
  [18, 'NEWOBJ', objPolicy], [19, 'GETOBJ', objPolicy], [20, 'DELOBJ', objPolicy], [21, 'GETOBJ_RESET', objPolicy],
  [22, 'NEWFLOWTABLE', flowtablePolicy], [23, 'GETFLOWTABLE', flowtablePolicy], [24, 'DELFLOWTABLE', flowtablePolicy],
  [NFT_MSG_GETRULE_RESET, 'GETRULE_RESET', rulePolicy],
  [NFT_MSG_DESTROYTABLE, 'DESTROYTABLE', tablePolicy], [NFT_MSG_DESTROYCHAIN, 'DESTROYCHAIN', chainPolicy],
  [NFT_MSG_DESTROYRULE, 'DESTROYRULE', rulePolicy], [NFT_MSG_DESTROYSET, 'DESTROYSET', setPolicy],
  [NFT_MSG_DESTROYSETELEM, 'DESTROYSETELEM', setElemListPolicy], [NFT_MSG_DESTROYOBJ, 'DESTROYOBJ', objPolicy],
  [NFT_MSG_DESTROYFLOWTABLE, 'DESTROYFLOWTABLE', flowtablePolicy], [NFT_MSG_GETSETELEM_RESET, 'GETSETELEM_RESET', setElemListPolicy],
];
/** nf_tables message kind names ('NEWRULE', ...) to their NFT_MSG_* number. */
export const NFT_MSG: Readonly<Record<string, number>> = Object.fromEntries(NFT_MSGS.map(([n, name]) => [name, n]));
export type NftMsgName =
  | 'NEWTABLE' | 'GETTABLE' | 'DELTABLE' | 'NEWCHAIN' | 'GETCHAIN' | 'DELCHAIN' | 'NEWRULE' | 'GETRULE' | 'DELRULE'
  | 'NEWSET' | 'GETSET' | 'DELSET' | 'NEWSETELEM' | 'GETSETELEM' | 'DELSETELEM' | 'NEWGEN' | 'GETGEN' | 'TRACE'
  | 'NEWOBJ' | 'GETOBJ' | 'DELOBJ' | 'GETOBJ_RESET' | 'NEWFLOWTABLE' | 'GETFLOWTABLE' | 'DELFLOWTABLE' | 'GETRULE_RESET'
  | 'DESTROYTABLE' | 'DESTROYCHAIN' | 'DESTROYRULE' | 'DESTROYSET' | 'DESTROYSETELEM' | 'DESTROYOBJ' | 'DESTROYFLOWTABLE'
  | 'GETSETELEM_RESET';

const byMsg: Array<[string, Policy | undefined] | undefined> = [];
for (const [n, name, pol] of NFT_MSGS) byMsg[n] = [name, pol];

/** nlmsg_type of an nf_tables message: (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_*. */
export function nftType(msg: NftMsgName | number): number {
  const n = typeof msg === 'number' ? msg : NFT_MSG[msg];
  if (n === undefined) throw new ArgumentError('type', `unknown nf_tables message "${String(msg)}"`);
  return (NFNL_SUBSYS_NFTABLES << 8) | n;
}

/** Whether an nlmsg_type belongs to NETLINK_NETFILTER's batch control or nf_tables. */
export function isNftType(type: number): boolean {
  return type === NFNL_MSG_BATCH_BEGIN || type === NFNL_MSG_BATCH_END || type >> 8 === NFNL_SUBSYS_NFTABLES;
}

/**
 * Name of a NETLINK_NETFILTER message type: 'NFT_MSG_NEWRULE',
 * 'NFNL_MSG_BATCH_BEGIN', 'NLMSG_ERROR', or 'NFNL_SUBSYS_3/MSG_1' for
 * subsystems other than nf_tables.
 */
export function nftMessageName(type: number): string {
  const control = NLMSG_TYPE_NAMES[type];
  if (control !== undefined) return control;
  switch (type) {
    case NFNL_MSG_BATCH_BEGIN: return 'NFNL_MSG_BATCH_BEGIN';
    case NFNL_MSG_BATCH_END: return 'NFNL_MSG_BATCH_END';
    default: break;
  }
  const sub = type >> 8;
  const msg = type & 0xff;
  if (sub === NFNL_SUBSYS_NFTABLES) {
    const e = byMsg[msg];
    return e ? `NFT_MSG_${e[0]}` : `NFT_MSG_${msg}`;
  }
  return `NFNL_SUBSYS_${sub}/MSG_${msg}`;
}

/** Attribute policy of a NETLINK_NETFILTER message type (undefined: attributes stay raw). */
export function nftPolicyFor(type: number): Policy | undefined {
  if (type === NFNL_MSG_BATCH_BEGIN || type === NFNL_MSG_BATCH_END) return batchPolicy;
  if (type >> 8 !== NFNL_SUBSYS_NFTABLES) return undefined;
  return byMsg[type & 0xff]?.[1];
}

/**
 * One nfnetlink message: nlmsghdr fields, struct nfgenmsg and the attributes.
 * This is the shape the transport sends and receives; typed objects (Table,
 * Rule, ...) are `attrs` plus the family name.
 */
export interface NftMessage<A extends AttrSetBase = Record<string, unknown>> {
  /** nlmsg_type, e.g. nftType('NEWRULE') */
  type: number;
  /** nlmsg_flags (NLM_F_REQUEST is added when encoding a request) */
  flags: number;
  /** nlmsg_seq (set by the batch builder / transport) */
  seq?: number;
  /** nlmsg_pid */
  pid?: number;
  /** nfgen_family: NFPROTO_* (1 inet, 2 ip, 10 ip6, 7 bridge, 5 netdev, 3 arp, 0 unspec) */
  family: number;
  /** nfgenmsg.version (NFNETLINK_V0) */
  version?: number;
  /** nfgenmsg.res_id, host order: NFNL_SUBSYS_NFTABLES in batch markers, the generation's low 16 bits in kernel replies */
  resId?: number;
  attrs: A;
}

/** Append one message to `w`; returns its offset. */
export function writeNftMessage(w: Writer, m: NftMessage<AttrSetBase>, seq = m.seq ?? 0, pid = m.pid ?? 0): number {
  const start = w.msgStart(m.type, m.flags, seq, pid);
  writeNftPayload(w, m);
  w.msgEnd(start);
  return start;
}

/** Append a message's payload (struct nfgenmsg and the attributes), the part after the nlmsghdr. */
export function writeNftPayload(w: Writer, m: NftMessage<AttrSetBase>): void {
  w.ensure(NFGENMSG_LEN);
  w.buf[w.pos] = m.family & 0xff;
  w.buf[w.pos + 1] = (m.version ?? NFNETLINK_V0) & 0xff;
  w.buf.writeUInt16BE((m.resId ?? 0) & 0xffff, w.pos + 2);
  w.pos += NFGENMSG_LEN;
  encodeAttrs(w, nftPolicyFor(m.type) ?? emptyPolicy, m.attrs as Record<string, unknown>);
}
const emptyPolicy = new Policy('NFNL', []);

/** Encode one message into its own Buffer. */
export function encodeNftMessage(m: NftMessage<AttrSetBase>, seq?: number, pid?: number): Buffer {
  const w = new Writer(256);
  writeNftMessage(w, m, seq, pid);
  return w.toBuffer();
}

/**
 * Decode one nfnetlink message (a RawMessage from splitMessages). Attributes
 * are decoded with the message type's policy; unknown ones (and all of them
 * for subsystems other than nf_tables) are kept raw. Throws DecodeError on
 * malformed framing.
 */
export function decodeNftMessage<A extends AttrSetBase = Record<string, unknown>>(m: RawMessage): NftMessage<A> {
  const p = m.offset + NLMSG_HDRLEN;
  const end = m.offset + m.len;
  const name = nftMessageName(m.type);
  if (end - p < NFGENMSG_LEN) throw new DecodeError(`${name}: ${end - p} bytes, need ${NFGENMSG_LEN} for struct nfgenmsg`, p, name);
  const pol = nftPolicyFor(m.type) ?? emptyPolicy;
  const attrs = decodeAttrs<A>(m.buf, p + NFGENMSG_LEN, end, pol, name);
  return {
    type: m.type,
    flags: m.flags,
    seq: m.seq,
    pid: m.pid,
    family: m.buf[p]!,
    version: m.buf[p + 1]!,
    resId: m.buf.readUInt16BE(p + 2),
    attrs,
  };
}

/** Decode every message of a datagram (NLMSG_ERROR/DONE are returned as raw-attribute messages: use parseError for them). */
export function decodeNftDatagram(buf: Buffer, start = 0, end = buf?.length): Array<NftMessage> {
  checkRange(buf, start, end, ['buf', 'start', 'end']);
  return splitMessages(buf, start, end).map((m) => (m.type < 16 ? { type: m.type, flags: m.flags, seq: m.seq, pid: m.pid, family: 0, attrs: {} } : decodeNftMessage(m)));
}

/** A decoded message with its family named: `{ family: 'ip', ...attrs }` (what list() returns). */
export function toObject<A extends AttrSetBase>(m: NftMessage<A>): A & { family: ReturnType<typeof familyName> } {
  const o = m.attrs as A & { family: ReturnType<typeof familyName> };
  // The attrs object keeps its wire layout under a symbol; adding `family`
  // (not an attribute) leaves re-encoding unchanged.
  o.family = familyName(m.family);
  return o;
}

// ----------------------------------------------------------------- batches

/** Options of {@link encodeBatch}. */
export interface BatchOptions {
  /** nlmsg_seq of NFNL_MSG_BATCH_BEGIN; the messages get seq+1, seq+2, ... and END the next one. Default 0. */
  seq?: number;
  /** nlmsg_pid written in every header (0: let the kernel fill it). */
  pid?: number;
  /** NFNL_BATCH_GENID: the kernel rejects the whole batch with ERESTART unless the ruleset generation is still this one. */
  genId?: number;
  /** Flags added to every message inside the batch (e.g. NLM_F_ACK to get one answer per message). */
  extraFlags?: number;
}

/** Where each message of an encoded batch sits: for mapping errors back. */
export interface BatchLayout {
  /** The datagram: BEGIN, the messages, END. */
  bytes: Buffer;
  /** nlmsg_seq of each message of the batch (same order as the input). */
  seqs: number[];
  /** Byte offset of each message's nlmsghdr in `bytes`. */
  offsets: number[];
  /** seq of BEGIN and END. */
  beginSeq: number;
  endSeq: number;
}

/**
 * Frame nf_tables messages as one transaction: NFNL_MSG_BATCH_BEGIN (res_id
 * NFNL_SUBSYS_NFTABLES), the messages with consecutive sequence numbers,
 * NFNL_MSG_BATCH_END. The kernel applies all of them or none. Every message
 * gets NLM_F_REQUEST. Returns the bytes and where each message is, so that an
 * error answer (matched by nlmsg_seq) names the message that caused it.
 */
export function encodeBatch(msgs: ReadonlyArray<NftMessage<AttrSetBase>>, opts: BatchOptions = {}): BatchLayout {
  const seq0 = opts.seq ?? 0;
  if (!Number.isInteger(seq0) || seq0 < 0 || seq0 > 0xffffffff) throw new ArgumentError('seq', `expected a u32, got ${String(opts.seq)}`);
  if (opts.genId !== undefined && (!Number.isInteger(opts.genId) || opts.genId < 0 || opts.genId > 0xffffffff)) {
    throw new ArgumentError('genId', `expected a u32 generation id, got ${String(opts.genId)}`);
  }
  const pid = opts.pid ?? 0;
  const w = new Writer(512 + msgs.length * 128);
  writeNftMessage(w, batchBegin(opts.genId), seq0 >>> 0, pid);
  const seqs: number[] = [];
  const offsets: number[] = [];
  let seq = seq0;
  for (const m of msgs) {
    seq = (seq + 1) >>> 0;
    seqs.push(seq);
    offsets.push(writeNftMessage(w, { ...m, flags: m.flags | NLM_F_REQUEST | (opts.extraFlags ?? 0) }, seq, pid));
  }
  seq = (seq + 1) >>> 0;
  writeNftMessage(w, batchEnd(), seq, pid);
  return { bytes: w.toBuffer(), seqs, offsets, beginSeq: seq0 >>> 0, endSeq: seq };
}

function batchBegin(genId: number | undefined): NftMessage<BatchAttrs> {
  return { type: NFNL_MSG_BATCH_BEGIN, flags: NLM_F_REQUEST, family: 0, resId: NFNL_SUBSYS_NFTABLES, attrs: genId !== undefined ? { genId } : {} };
}

function batchEnd(): NftMessage<BatchAttrs> {
  return { type: NFNL_MSG_BATCH_END, flags: NLM_F_REQUEST, family: 0, resId: NFNL_SUBSYS_NFTABLES, attrs: {} };
}

/** One message of a transaction as the core's request engine takes it (NetlinkSocket.batch()). */
export interface NftBatchPart {
  type: number;
  flags: number;
  body: (w: Writer) => void;
  ack: boolean;
  what?: string;
}

/**
 * The messages of a transaction for `NetlinkSocket.batch()`:
 * NFNL_MSG_BATCH_BEGIN and NFNL_MSG_BATCH_END sent without NLM_F_ACK (the
 * kernel answers them only to refuse the batch as a whole), every message
 * in between with NLM_F_ACK, so each is answered and an error names its
 * message. The socket numbers them consecutively, as the kernel requires.
 *
 *   const out = await sock.batch(batchParts([addTable(...), addChain(...)]));
 *   // out[i + 1] is msgs[i]'s outcome
 */
export function batchParts(msgs: ReadonlyArray<NftMessage<AttrSetBase>>, opts: Pick<BatchOptions, 'genId'> = {}): NftBatchPart[] {
  if (!Array.isArray(msgs)) throw new ArgumentError('msgs', 'expected an array of nf_tables messages');
  if (opts.genId !== undefined && (!Number.isInteger(opts.genId) || opts.genId < 0 || opts.genId > 0xffffffff)) {
    throw new ArgumentError('genId', `expected a u32 generation id, got ${String(opts.genId)}`);
  }
  const part = (m: NftMessage<AttrSetBase>, ack: boolean): NftBatchPart => ({ type: m.type, flags: m.flags & ~NLM_F_REQUEST, body: (w) => writeNftPayload(w, m), ack });
  return [part(batchBegin(opts.genId), false), ...msgs.map((m) => part(m, true)), part(batchEnd(), false)];
}

/** Index of the batch message an answer's nlmsg_seq refers to (-1: BEGIN/END or not ours). */
export function batchIndexOfSeq(layout: BatchLayout, seq: number): number {
  const i = (seq - layout.seqs[0]!) >>> 0;
  return layout.seqs.length > 0 && i < layout.seqs.length ? i : -1;
}

// ------------------------------------------------------------ error paths

/**
 * Name the attribute at byte `offset` of a message (an extended-ACK
 * NLMSGERR_ATTR_OFFS, counted from the start of the nlmsghdr), e.g.
 * "NFTA_RULE_EXPRESSIONS/NFTA_LIST_ELEM[1](cmp)/NFTA_EXPR_DATA/NFTA_CMP_DATA".
 * `msg` is the request as sent (one message: nlmsghdr + nfgenmsg + attributes).
 * Returns undefined when the offset points into a header or outside.
 */
export function describeNftOffset(msg: Buffer, offset: number): string | undefined {
  if (!Buffer.isBuffer(msg) || msg.length < NLMSG_HDRLEN + NFGENMSG_LEN) return undefined;
  const type = msg.readUInt16LE(4);
  const len = Math.min(msg.readUInt32LE(0), msg.length);
  const start = NLMSG_HDRLEN + NFGENMSG_LEN;
  if (!Number.isInteger(offset) || offset < start || offset >= len) return undefined;
  return pathIn(msg, start, len, nftPolicyFor(type), offset, 0);
}

const MAX_PATH_DEPTH = 16;

function pathIn(buf: Buffer, off: number, end: number, pol: Policy | undefined, offset: number, depth: number): string | undefined {
  if (depth > MAX_PATH_DEPTH) return undefined;
  let p = off;
  let exprName: string | undefined;
  // NFTA_EXPR_NAME precedes NFTA_EXPR_DATA: remember it for the data's policy
  while (end - p >= 4) {
    const len = buf.readUInt16LE(p);
    const raw = buf.readUInt16LE(p + 2);
    if (len < 4 || p + len > end) return undefined;
    const type = raw & NLA_TYPE_MASK;
    const spec = pol?.byType[type];
    if (pol?.name === 'NFTA_EXPR' && spec?.name === 'name') {
      const nul = buf.indexOf(0, p + 4);
      exprName = buf.toString('latin1', p + 4, nul >= 0 && nul < p + len ? nul : p + len);
    }
    if (offset >= p && offset < p + len) {
      const name = spec?.uapi ?? `${pol ? pol.name + '_' : ''}type ${type}`;
      if (offset < p + 4) return name;
      let sub: Policy | undefined;
      let list = false;
      if (spec) {
        if (pol?.name === 'NFTA_EXPR' && spec.name === 'data') sub = exprName !== undefined ? EXPR_POLICIES[exprName] : undefined;
        else {
          const nc = spec.codec as Partial<NestedCodec>;
          if (spec.codec.name.endsWith('[]')) list = true;
          sub = nc.policyFor?.({});
        }
      }
      if (list && sub) {
        // a list: NFTA_LIST_ELEM[i], each of the element policy (the list policy's only attribute)
        const elemPol = (sub.byType[1]?.codec as Partial<NestedCodec> | undefined)?.policyFor?.({});
        let q = p + 4;
        let i = 0;
        while (p + len - q >= 4) {
          const l = buf.readUInt16LE(q);
          if (l < 4 || q + l > p + len) return name;
          if (offset >= q && offset < q + l) {
            let label = `NFTA_LIST_ELEM[${i}]`;
            const en = elemPol?.name === 'NFTA_EXPR' ? exprNameIn(buf, q + 4, q + l) : undefined;
            if (en !== undefined) label += `(${en})`;
            if (offset < q + 4) return `${name}/${label}`;
            const inner = pathIn(buf, q + 4, q + l, elemPol, offset, depth + 1);
            return inner ? `${name}/${label}/${inner}` : `${name}/${label}`;
          }
          q += (l + 3) & ~3;
          i++;
        }
        return name;
      }
      if (sub || raw & NLA_F_NESTED) {
        const inner = pathIn(buf, p + 4, p + len, sub, offset, depth + 1);
        return inner ? `${name}/${inner}` : name;
      }
      return name;
    }
    p += (len + 3) & ~3;
  }
  return undefined;
}

function exprNameIn(buf: Buffer, off: number, end: number): string | undefined {
  let p = off;
  while (end - p >= 4) {
    const len = buf.readUInt16LE(p);
    if (len < 4 || p + len > end) return undefined;
    if ((buf.readUInt16LE(p + 2) & NLA_TYPE_MASK) === 1) {
      const nul = buf.indexOf(0, p + 4);
      return buf.toString('latin1', p + 4, nul >= 0 && nul < p + len ? nul : p + len);
    }
    p += (len + 3) & ~3;
  }
  return undefined;
}

/** Validate user-supplied attributes of a message kind (ArgumentError naming the field). */
export function checkNftAttrs(type: number, attrs: unknown, field = 'attrs'): Record<string, unknown> {
  const pol = nftPolicyFor(type);
  if (!pol) throw new ArgumentError('type', `no attribute policy for ${nftMessageName(type)}`);
  return checkAttrs(pol, attrs, field);
}
