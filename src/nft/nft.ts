/**
 * nf_tables as a first-class family: `Nft.open({ netns })` opens a
 * NETLINK_NETFILTER socket (the core engine with `netfilterProtocol`),
 * applies transactions (NFNL_MSG_BATCH_BEGIN ... END in one datagram, all
 * or nothing, each message answered on its own so a failure names its
 * message, optional generation id check), lists tables, chains, rules, sets
 * and their elements as typed objects, and monitors ruleset changes
 * (NFNLGRP_NFTABLES).
 *
 * ```ts
 * const nft = await Nft.open({ netns: 'host' });
 * const tx = nft.transaction();
 * tx.addTable({ family: 'ip', name: 'nat' });
 * tx.addChain({ family: 'ip', table: 'nat', name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 'srcnat' });
 * tx.addRule({ family: 'ip', table: 'nat', chain: 'postrouting', expr: [match.ip.saddr('172.18.0.0/16'), masquerade()] });
 * const { objects } = await tx.commit();   // objects[2].handle: the new rule's handle
 * ```
 * @module
 */
import { tracer } from '../netlink/debug.js';
import { NLM_F_ECHO, NLM_F_REQUEST } from '../netlink/constants.js';
import { ENOBUFS } from '../netlink/errno.js';
import { ArgumentError, NetlinkError } from '../netlink/errors.js';
import { describe } from '../netlink/ip.js';
import type { AttrSetBase } from '../netlink/attr.js';
import type { RawMessage } from '../netlink/message.js';
import { NetlinkSocket, checkSocketOptions, type BatchPart, type NetnsRef, type SocketOptions } from '../netlink/socket.js';
import { Writer } from '../netlink/writer.js';
import { typedElements, type TypedElement } from './elements.js';
import { batchParts, decodeNftMessage, nftMessageName, nftType, toObject, writeNftPayload, type NftMessage } from './message.js';
import { familyName, familyNumber, type Chain, type FamilyName, type NftSet, type Rule, type SetElement, type SetElements, type Table } from './objects.js';
import { netfilterProtocol } from './protocol.js';
import {
  addChain,
  addElements,
  addRule,
  addSet,
  addTable,
  delChain,
  delElements,
  delRule,
  delSet,
  delTable,
  dumpElements,
  dumpRequest,
  flushChain,
  flushRuleset,
  flushSet,
  flushTable,
  getGen,
  type ChainSpec,
  type RuleSpec,
  type SetElementsSpec,
  type SetSpec,
  type TableSpec,
} from './requests.js';
import { NFT_UAPI } from './uapi.js';
const { NFNLGRP_NFTABLES, NFNL_SUBSYS_NFTABLES } = NFT_UAPI;

const dbg = tracer('rtnetlink:nft');

/** Options of {@link Nft.open}: socket options (netns, timeout, rcvbuf, tap, ...). */
export type NftOptions = Omit<SocketOptions, 'protocol' | 'groups' | 'typeName' | 'describeOffset' | 'summarize' | 'listenAllNsid'>;

/** Options of {@link Nft.commit}. */
export interface CommitOptions {
  /**
   * NFNL_BATCH_GENID: apply only if the ruleset is still at this generation
   * (from {@link Nft.getGen} or {@link Ruleset.genId}); otherwise the kernel
   * refuses the whole batch with ERESTART and nothing changes.
   */
  genId?: number;
  /**
   * NLM_F_ECHO on every message: the kernel answers each with the object as
   * created (handles included), returned in `objects`. Default true.
   */
  echo?: boolean;
  /** Timeout in ms for the answers. */
  timeout?: number;
}

/** An object the kernel echoed for one message of a transaction. */
export type EchoedObject = Table | Chain | Rule | NftSet | SetElements | Record<string, unknown>;

/** What a committed transaction returns. */
export interface CommitResult {
  /** Per message of the transaction (same order): the objects the kernel echoed for it (empty without `echo`). */
  objects: EchoedObject[][];
  /** With echo: the generation the commit made (NFT_MSG_NEWGEN). */
  genId?: number;
}

/** One failed message of a transaction. */
export interface TransactionFailure {
  /** Index in the transaction's messages (-1: the batch as a whole, e.g. ERESTART for a stale genId). */
  index: number;
  /** What it was: "add rule ip nat postrouting". */
  what: string;
  error: Error;
}

/**
 * A transaction the kernel refused: nothing of it was applied. The errno,
 * ext-ack message and attribute path are those of the first message that
 * failed (`index`, `what`); `failures` has every failed message (the kernel
 * checks each one).
 */
export class NftTransactionError extends NetlinkError {
  override name = 'NftTransactionError';
  /** Index of the first failed message in the transaction (-1: the batch as a whole). */
  readonly index: number;
  /** Description of that message: "add rule ip nat postrouting". */
  readonly what: string;
  /** Every failure, in message order. */
  readonly failures: TransactionFailure[];
  constructor(failures: TransactionFailure[], count: number) {
    const f = failures[0]!;
    const ne = f.error instanceof NetlinkError ? f.error : undefined;
    const where = f.index < 0 ? 'the batch as a whole' : `message ${f.index} of ${count} (${f.what})`;
    super(ne?.errno ?? 5, { extack: ne?.extack ?? {}, request: ne?.request, message: `nft transaction refused at ${where}${failures.length > 1 ? ` (and ${failures.length - 1} more)` : ''}` });
    this.index = f.index;
    this.what = f.what;
    this.failures = failures;
  }
}

/** The ruleset generation (NFT_MSG_NEWGEN). */
export interface Generation {
  /** NFTA_GEN_ID */
  id: number;
  /** NFTA_GEN_PROC_PID: the process of the last change. */
  procPid?: number;
  /** NFTA_GEN_PROC_NAME */
  procName?: string;
}

/** A named set or map with its elements. */
export interface SetWithElements extends NftSet {
  /** The elements as values (see typedElements). */
  elements: TypedElement[];
}

/** Everything of a ruleset, read consistently (one generation). */
export interface Ruleset {
  /** Generation the lists were read at. */
  genId: number;
  tables: Table[];
  chains: Chain[];
  rules: Rule[];
  sets: SetWithElements[];
}

/** Filter of the list functions. */
export interface ListFilter {
  family?: FamilyName;
  table?: string;
  /** listRules only. */
  chain?: string;
}

/** A description of a message: "add rule ip nat postrouting", "delete table inet f". */
export function describeNftMessage(m: NftMessage<AttrSetBase>): string {
  const name = nftMessageName(m.type).replace(/^NFT_MSG_/, '');
  const op = /^(NEW|DEL|GET|DESTROY)/.exec(name)?.[1];
  const kind = name.replace(/^(NEW|DEL|GET|DESTROY)/, '').toLowerCase();
  const a = m.attrs as Record<string, unknown>;
  const verb = op === 'NEW' ? 'add' : op === 'DEL' ? (kind === 'rule' && a.handle === undefined ? 'flush' : 'delete') : op === 'DESTROY' ? 'destroy' : op === 'GET' ? 'get' : name;
  const parts = [verb, kind === 'setelem' ? 'element' : kind, m.family === 0 ? '' : String(familyName(m.family))];
  for (const k of ['table', 'chain', 'set', 'name']) if (typeof a[k] === 'string') parts.push(a[k] as string);
  if (typeof a.handle === 'bigint') parts.push(`handle ${a.handle}`);
  return parts.filter(Boolean).join(' ');
}

function checkMessage(m: unknown, i: number): NftMessage<AttrSetBase> {
  const f = `messages[${i}]`;
  if (typeof m !== 'object' || m === null) throw new ArgumentError(f, `expected an nf_tables message (from nft.addTable(), addRule(), ...), got ${describe(m)}`);
  const x = m as Partial<NftMessage<AttrSetBase>>;
  if (typeof x.type !== 'number' || x.type >> 8 !== NFNL_SUBSYS_NFTABLES) throw new ArgumentError(`${f}.type`, `expected an nf_tables message type, got ${describe(x.type)}`);
  if (typeof x.flags !== 'number' || !Number.isInteger(x.flags) || x.flags < 0 || x.flags > 0xffff) throw new ArgumentError(`${f}.flags`, `expected u16 flags, got ${describe(x.flags)}`);
  if (typeof x.family !== 'number' || !Number.isInteger(x.family) || x.family < 0 || x.family > 255) throw new ArgumentError(`${f}.family`, `expected an NFPROTO_* number, got ${describe(x.family)}`);
  if (typeof x.attrs !== 'object' || x.attrs === null) throw new ArgumentError(`${f}.attrs`, `expected the attributes object, got ${describe(x.attrs)}`);
  return x as NftMessage<AttrSetBase>;
}

/** A message's payload encoded now (validation before anything is sent); an encoding error names the message. */
function encodePayload(m: NftMessage<AttrSetBase>, i: number): Buffer {
  const w = new Writer(256);
  try {
    writeNftPayload(w, m);
  } catch (e) {
    if (e instanceof ArgumentError) throw new ArgumentError(`messages[${i}].${e.field}`, e.message.slice(e.field.length + 2));
    throw new ArgumentError(`messages[${i}]`, (e as Error).message);
  }
  return w.toBuffer();
}

/** A typed object from a received nf_tables message. */
function objectOf(m: RawMessage): EchoedObject {
  return toObject(decodeNftMessage(m)) as EchoedObject;
}

function checkFilter(f: unknown, keys: string[]): ListFilter {
  if (f === undefined) return {};
  if (typeof f !== 'object' || f === null || Array.isArray(f)) throw new ArgumentError('filter', `expected { ${keys.join(', ')} }, got ${describe(f)}`);
  const o = f as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new ArgumentError(`filter.${k}`, `unknown filter "${k}" (${keys.join(', ')})`);
  if (o.family !== undefined && (typeof o.family !== 'string' || familyNumber(o.family) === undefined)) {
    throw new ArgumentError('filter.family', `expected ip, ip6, inet, arp, bridge or netdev, got ${describe(o.family)}`);
  }
  for (const k of ['table', 'chain']) if (o[k] !== undefined && (typeof o[k] !== 'string' || o[k] === '')) throw new ArgumentError(`filter.${k}`, `expected a name, got ${describe(o[k])}`);
  return o as ListFilter;
}

/** A transaction being built: messages in order, applied as one batch by commit(). */
export class NftTransaction {
  /** The messages so far. */
  readonly messages: Array<NftMessage<AttrSetBase>> = [];
  private readonly nft: Nft;
  private committed = false;

  /** @internal */
  constructor(nft: Nft) {
    this.nft = nft;
  }

  /** Add messages built with the request functions (nft.addTable(), delRule(), ...). */
  add(...msgs: Array<NftMessage<AttrSetBase>>): this {
    msgs.forEach((m, i) => checkMessage(m, this.messages.length + i));
    this.messages.push(...msgs);
    return this;
  }
  /** `nft add table` */
  addTable(spec: TableSpec): this {
    return this.add(addTable(spec));
  }
  /** `nft delete table` (by name or handle) */
  delTable(spec: Parameters<typeof delTable>[0]): this {
    return this.add(delTable(spec));
  }
  /** `nft add chain` */
  addChain(spec: ChainSpec): this {
    return this.add(addChain(spec));
  }
  /** `nft delete chain` (by name or handle) */
  delChain(spec: Parameters<typeof delChain>[0]): this {
    return this.add(delChain(spec));
  }
  /** `nft flush chain` (without chain: every rule of the table) */
  flushChain(spec: Parameters<typeof flushChain>[0]): this {
    return this.add(flushChain(spec));
  }
  /** `nft flush table` (its rules) */
  flushTable(spec: Parameters<typeof flushTable>[0]): this {
    return this.add(flushTable(spec));
  }
  /** `nft flush ruleset` (every table, or those of one family) */
  flushRuleset(family?: FamilyName): this {
    return this.add(flushRuleset(family));
  }
  /** `nft add rule` / `insert rule` / `replace rule` */
  addRule(spec: RuleSpec): this {
    return this.add(addRule(spec));
  }
  /** `nft delete rule ... handle N` */
  delRule(spec: Parameters<typeof delRule>[0]): this {
    return this.add(delRule(spec));
  }
  /** `nft add set` / `add map` */
  addSet(spec: SetSpec): this {
    return this.add(addSet(spec));
  }
  /** `nft delete set` (by name or handle) */
  delSet(spec: Parameters<typeof delSet>[0]): this {
    return this.add(delSet(spec));
  }
  /** `nft add element` */
  addElements(spec: SetElementsSpec): this {
    return this.add(addElements(spec));
  }
  /** `nft delete element` */
  delElements(spec: SetElementsSpec): this {
    return this.add(delElements(spec));
  }
  /** `nft flush set` */
  flushSet(spec: Parameters<typeof flushSet>[0]): this {
    return this.add(flushSet(spec));
  }

  /** Apply every message as one batch (all or nothing). Throws NftTransactionError naming the failed message. */
  async commit(opts: CommitOptions = {}): Promise<CommitResult> {
    if (this.committed) throw new ArgumentError('transaction', 'already committed');
    this.committed = true;
    return this.nft.commit(this.messages, opts);
  }
}

/** A ruleset change (or the end of a transaction: kind 'gen'). */
export interface NftChangeEvent {
  type: 'new' | 'del';
  /** table, chain, rule, set, setelem, gen, obj, flowtable */
  kind: string;
  /** NFT_MSG_NEWRULE ... */
  typeName: string;
  /** The object (typed, family named). */
  object: EchoedObject;
  /** netlink port id of the socket that made the change (nlmsg_pid). */
  portid: number;
  /** nlmsg_seq of the request that made it. */
  seq: number;
}
/** Notifications were lost (receive buffer overrun): list again to resync. */
export interface NftOverrunEvent {
  type: 'overrun';
}
/** A notification that does not decode (kept with the error). */
export interface NftErrorEvent {
  type: 'error';
  error: Error;
}
export type NftEvent = NftChangeEvent | NftOverrunEvent | NftErrorEvent;

/** Options of {@link Nft.monitor}. */
export interface NftMonitorOptions {
  /** Events queued before reading stops (the kernel then drops and reports an overrun). Default 4096. */
  highWaterMark?: number;
  /** Receive buffer of the notification socket. Default 4 MiB. */
  rcvbuf?: number;
}

/** Ruleset changes of a namespace (NFNLGRP_NFTABLES) as an async iterator; close() ends it. */
export class NftMonitor implements AsyncIterableIterator<NftEvent> {
  /** The notification socket. */
  readonly socket: NetlinkSocket;
  private readonly queue: NftEvent[] = [];
  private waiter: ((r: IteratorResult<NftEvent>) => void) | undefined;
  private closed = false;
  private readonly hwm: number;

  /** @internal */
  constructor(opts: SocketOptions, mon: NftMonitorOptions) {
    this.hwm = mon.highWaterMark ?? 4096;
    this.socket = NetlinkSocket.open({ ...opts, protocol: netfilterProtocol, groups: [NFNLGRP_NFTABLES], rcvbuf: mon.rcvbuf ?? opts.rcvbuf });
    this.socket.onMulticast((m) => this.onMessage(m));
    this.socket.onError((e) => this.push(e instanceof NetlinkError && e.errno === ENOBUFS ? { type: 'overrun' } : { type: 'error', error: e }));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private onMessage(m: RawMessage): void {
    const typeName = nftMessageName(m.type);
    const op = /^NFT_MSG_(NEW|DEL|DESTROY)(.*)$/.exec(typeName);
    if (!op) return;
    let object: EchoedObject;
    try {
      object = objectOf(m);
    } catch (e) {
      this.push({ type: 'error', error: e as Error });
      return;
    }
    this.push({ type: op[1] === 'NEW' ? 'new' : 'del', kind: op[2]!.toLowerCase(), typeName, object, portid: m.pid, seq: m.seq });
  }

  private push(ev: NftEvent): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: ev, done: false });
      return;
    }
    this.queue.push(ev);
    if (this.queue.length >= this.hwm && !this.socket.readingHeld) this.socket.holdReading();
  }

  next(): Promise<IteratorResult<NftEvent>> {
    const ev = this.queue.shift();
    if (ev) {
      if (this.socket.readingHeld && this.queue.length < this.hwm / 2) this.socket.releaseReading();
      return Promise.resolve({ value: ev, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  return(): Promise<IteratorResult<NftEvent>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stop: the socket closes, a waiting next() ends. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.socket.close();
    const w = this.waiter;
    this.waiter = undefined;
    w?.({ value: undefined, done: true });
  }
}

/** An nf_tables handle: one NETLINK_NETFILTER socket, in the caller's namespace or `netns`. */
export class Nft {
  /** The socket (the core engine; stats, raw requests). */
  readonly socket: NetlinkSocket;
  /** The namespace this handle works in (undefined: the caller's). */
  readonly netns: NetnsRef | undefined;
  private readonly options: NftOptions;

  private constructor(sock: NetlinkSocket, opts: NftOptions) {
    this.socket = sock;
    this.netns = opts.netns;
    this.options = opts;
  }

  /** Open a handle (NETLINK_NETFILTER) in the current namespace or `opts.netns`. */
  static async open(opts: NftOptions = {}): Promise<Nft> {
    checkSocketOptions(opts);
    for (const k of ['protocol', 'groups', 'typeName', 'describeOffset', 'summarize', 'listenAllNsid']) {
      if ((opts as Record<string, unknown>)[k] !== undefined) throw new ArgumentError(k, `not an option of Nft.open (the handle sets it)`);
    }
    const sock = NetlinkSocket.open({ ...opts, protocol: netfilterProtocol });
    dbg('open portid=%d netns=%o', sock.portid, opts.netns);
    return new Nft(sock, opts);
  }

  /** Close the socket; pending requests reject with SocketClosedError. */
  async close(): Promise<void> {
    this.socket.close();
  }

  /** A new transaction: add messages, then commit() applies them as one batch. */
  transaction(): NftTransaction {
    return new NftTransaction(this);
  }

  /**
   * Apply messages as one transaction: NFNL_MSG_BATCH_BEGIN, the messages
   * (each with NLM_F_ACK, consecutive sequence numbers), NFNL_MSG_BATCH_END
   * in one datagram. All or nothing: if the kernel refuses any message,
   * nothing is applied and NftTransactionError names the message (index,
   * "add rule ip nat postrouting"), with the errno, the ext-ack message and
   * the attribute path of that message. Messages are validated and encoded
   * before anything is sent.
   */
  async commit(messages: ReadonlyArray<NftMessage<AttrSetBase>>, opts: CommitOptions = {}): Promise<CommitResult> {
    if (!Array.isArray(messages) || messages.length === 0) throw new ArgumentError('messages', 'expected a non-empty array of nf_tables messages');
    if (typeof opts !== 'object' || opts === null) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
    for (const k of Object.keys(opts)) if (!['genId', 'echo', 'timeout'].includes(k)) throw new ArgumentError(k, `unknown option "${k}" (genId, echo, timeout)`);
    if (opts.echo !== undefined && typeof opts.echo !== 'boolean') throw new ArgumentError('echo', `expected true or false, got ${describe(opts.echo)}`);
    if (opts.timeout !== undefined && (typeof opts.timeout !== 'number' || !(opts.timeout >= 0))) throw new ArgumentError('timeout', `expected ms >= 0, got ${describe(opts.timeout)}`);
    const echo = opts.echo ?? true;
    const msgs = messages.map((m, i) => checkMessage(m, i));
    const payloads = msgs.map((m, i) => encodePayload(m, i));
    const whats = msgs.map(describeNftMessage);
    const frame = batchParts([], opts.genId !== undefined ? { genId: opts.genId } : {}); // validates genId
    const parts: BatchPart[] = [
      { ...frame[0]!, what: 'nft transaction (NFNL_MSG_BATCH_BEGIN)' },
      ...msgs.map((m, i) => ({ type: m.type, flags: (m.flags & ~NLM_F_REQUEST) | (echo ? NLM_F_ECHO : 0), body: payloads[i], ack: true, what: whats[i] })),
      { ...frame[1]!, what: 'nft transaction (NFNL_MSG_BATCH_END)' },
    ];
    const out = await this.socket.batch(parts, opts.timeout !== undefined ? { timeout: opts.timeout } : {});
    const failures: TransactionFailure[] = [];
    const begin = out[0]!;
    const end = out[out.length - 1]!;
    if (!begin.ok) failures.push({ index: -1, what: 'the batch (NFNL_MSG_BATCH_BEGIN)', error: begin.error });
    else if (!end.ok) failures.push({ index: -1, what: 'the batch (NFNL_MSG_BATCH_END)', error: end.error });
    else {
      for (let i = 0; i < msgs.length; i++) {
        const o = out[i + 1]!;
        if (!o.ok) failures.push({ index: i, what: whats[i]!, error: o.error });
      }
    }
    if (failures.length) throw new NftTransactionError(failures, msgs.length);
    // With echo the kernel also sends NFT_MSG_NEWGEN (the generation this commit made), answered as the first message's
    const GEN = nftType('NEWGEN');
    let genId: number | undefined;
    const objects = out.slice(1, -1).map((o) => {
      if (!o.ok) return [];
      const objs: EchoedObject[] = [];
      for (const r of o.replies) {
        if (r.type === GEN) genId = (decodeNftMessage(r).attrs as { id?: number }).id;
        else if (r.type >> 8 === NFNL_SUBSYS_NFTABLES) objs.push(objectOf(r));
      }
      return objs;
    });
    return genId !== undefined ? { objects, genId } : { objects };
  }

  private async one<T extends EchoedObject>(m: NftMessage<AttrSetBase>): Promise<T | undefined> {
    const r = await this.commit([m]);
    return r.objects[0]![0] as T | undefined;
  }

  /** `nft add table`; resolves with the table as created (handle). */
  addTable(spec: TableSpec): Promise<Table | undefined> {
    return this.run(() => addTable(spec));
  }
  /** `nft delete table` by name or handle. */
  async delTable(spec: Parameters<typeof delTable>[0]): Promise<void> {
    await this.run(() => delTable(spec));
  }
  /** `nft add chain`; resolves with the chain (handle). */
  addChain(spec: ChainSpec): Promise<Chain | undefined> {
    return this.run(() => addChain(spec));
  }
  /** `nft delete chain` by name or handle. */
  async delChain(spec: Parameters<typeof delChain>[0]): Promise<void> {
    await this.run(() => delChain(spec));
  }
  /** `nft add rule` (insert/replace/position options); resolves with the rule (its handle). */
  addRule(spec: RuleSpec): Promise<Rule | undefined> {
    return this.run(() => addRule(spec));
  }
  /** `nft delete rule ... handle N`. */
  async delRule(spec: Parameters<typeof delRule>[0]): Promise<void> {
    await this.run(() => delRule(spec));
  }
  /** `nft add set` / `add map`; resolves with the set (handle). */
  addSet(spec: SetSpec): Promise<NftSet | undefined> {
    return this.run(() => addSet(spec));
  }
  /** `nft delete set` by name or handle. */
  async delSet(spec: Parameters<typeof delSet>[0]): Promise<void> {
    await this.run(() => delSet(spec));
  }
  /** `nft add element`. */
  async addElements(spec: SetElementsSpec): Promise<void> {
    await this.run(() => addElements(spec));
  }
  /** `nft delete element`. */
  async delElements(spec: SetElementsSpec): Promise<void> {
    await this.run(() => delElements(spec));
  }
  /** `nft flush chain` (without chain: `nft flush table`). */
  async flushChain(spec: Parameters<typeof flushChain>[0]): Promise<void> {
    await this.run(() => flushChain(spec));
  }
  /** `nft flush set`. */
  async flushSet(spec: Parameters<typeof flushSet>[0]): Promise<void> {
    await this.run(() => flushSet(spec));
  }
  /** `nft flush ruleset` (of one family, or all). */
  async flushRuleset(family?: FamilyName): Promise<void> {
    await this.run(() => flushRuleset(family));
  }

  private async run<T extends EchoedObject>(build: () => NftMessage<AttrSetBase>): Promise<T | undefined> {
    return this.one<T>(build());
  }

  /** NFT_MSG_GETGEN: the ruleset generation (for `commit({ genId })`). */
  async getGen(): Promise<Generation> {
    const m = getGen();
    const replies = await this.socket.request(m.type, (w) => writeNftPayload(w, m), { what: 'nft get generation' });
    const r = replies.find((x) => x.type === nftType('NEWGEN'));
    if (!r) throw new NetlinkError(5, { message: 'NFT_MSG_GETGEN: no NFT_MSG_NEWGEN in the answer' });
    const g = decodeNftMessage(r).attrs as { id?: number; procPid?: number; procName?: string };
    const out: Generation = { id: g.id ?? 0 };
    if (g.procPid !== undefined) out.procPid = g.procPid;
    if (g.procName !== undefined) out.procName = g.procName;
    return out;
  }

  private async dump<T>(m: NftMessage<AttrSetBase>, what: string): Promise<T[]> {
    return this.socket.collect(m.type, (w) => writeNftPayload(w, m), (r) => (r.type >> 8 === NFNL_SUBSYS_NFTABLES ? (objectOf(r) as T) : undefined), { what });
  }

  /** `nft list tables`: every table (of a family). */
  async listTables(filter?: Pick<ListFilter, 'family'>): Promise<Table[]> {
    const f = checkFilter(filter, ['family']);
    return this.dump<Table>(dumpRequest('tables', f.family), 'nft list tables');
  }
  /** `nft list chains`: every chain (of a family / table). */
  async listChains(filter?: Pick<ListFilter, 'family' | 'table'>): Promise<Chain[]> {
    const f = checkFilter(filter, ['family', 'table']);
    const all = await this.dump<Chain>(dumpRequest('chains', f.family), 'nft list chains');
    return all.filter((c) => f.table === undefined || c.table === f.table);
  }
  /** Every rule (of a family / table / chain), in chain order, with handles and expressions. */
  async listRules(filter?: ListFilter): Promise<Rule[]> {
    const f = checkFilter(filter, ['family', 'table', 'chain']);
    const m = dumpRequest('rules', f.family);
    // the kernel filters rule dumps by NFTA_RULE_TABLE / NFTA_RULE_CHAIN
    if (f.table !== undefined) (m.attrs as Record<string, unknown>).table = f.table;
    if (f.chain !== undefined && f.table !== undefined) (m.attrs as Record<string, unknown>).chain = f.chain;
    const all = await this.dump<Rule>(m, 'nft list rules');
    return all.filter((r) => (f.table === undefined || r.table === f.table) && (f.chain === undefined || r.chain === f.chain));
  }
  /** `nft list sets` / `list maps`: every named set and map (anonymous ones left out unless `anonymous`). */
  async listSets(filter?: Pick<ListFilter, 'family' | 'table'> & { anonymous?: boolean }): Promise<NftSet[]> {
    const { anonymous, ...rest } = (filter ?? {}) as { anonymous?: boolean } & ListFilter;
    const f = checkFilter(rest, ['family', 'table']);
    const all = await this.dump<NftSet>(dumpRequest('sets', f.family), 'nft list sets');
    return all.filter((s) => (f.table === undefined || s.table === f.table) && (anonymous || !s.flags?.includes('anonymous')));
  }
  /** The raw elements of a set (NFT_MSG_GETSETELEM dump), as the kernel holds them. */
  async listRawElements(spec: { family: FamilyName; table: string; set: string }): Promise<SetElement[]> {
    const lists = await this.dump<SetElements>(dumpElements(spec), `nft list set ${spec.family} ${spec.table} ${spec.set}`);
    return lists.flatMap((l) => l.elements ?? []);
  }
  /** A set's elements as values: addresses, ports, prefixes and ranges of interval sets, map values. */
  async listElements(spec: { family: FamilyName; table: string; set: string }): Promise<TypedElement[]> {
    const raw = await this.listRawElements(spec);
    const sets = await this.listSets({ family: spec.family, table: spec.table, anonymous: true });
    const s = sets.find((x) => x.name === spec.set);
    if (!s) throw new NetlinkError(2, { message: `set ${spec.family} ${spec.table} ${spec.set}` });
    return typedElements(s, raw);
  }

  /**
   * The whole ruleset (`nft list ruleset`) of one generation: the generation
   * is read before and after the dumps and they are repeated (up to 5
   * times) while it changes.
   */
  async ruleset(filter?: Pick<ListFilter, 'family'>): Promise<Ruleset> {
    const f = checkFilter(filter, ['family']);
    for (let attempt = 0; ; attempt++) {
      const g0 = await this.getGen();
      const tables = await this.listTables(f);
      const chains = await this.listChains(f);
      const rules = await this.listRules(f);
      const sets: SetWithElements[] = [];
      for (const s of await this.listSets(f)) {
        const fam = typeof s.family === 'string' ? s.family : undefined;
        const raw = fam && s.table && s.name ? await this.listRawElements({ family: fam, table: s.table, set: s.name }) : [];
        sets.push({ ...s, elements: typedElements(s, raw) });
      }
      const g1 = await this.getGen();
      if (g0.id === g1.id || attempt >= 4) return { genId: g1.id, tables, chains, rules, sets };
      dbg('ruleset changed while listing (gen %d -> %d), again', g0.id, g1.id);
    }
  }

  /** Ruleset changes (NFNLGRP_NFTABLES) on a socket of its own in the same namespace. */
  monitor(opts: NftMonitorOptions = {}): NftMonitor {
    if (typeof opts !== 'object' || opts === null) throw new ArgumentError('options', `expected an options object, got ${describe(opts)}`);
    for (const k of Object.keys(opts)) if (!['highWaterMark', 'rcvbuf'].includes(k)) throw new ArgumentError(k, `unknown option "${k}" (highWaterMark, rcvbuf)`);
    if (opts.highWaterMark !== undefined && (!Number.isInteger(opts.highWaterMark) || opts.highWaterMark < 1)) throw new ArgumentError('highWaterMark', `expected a positive integer, got ${describe(opts.highWaterMark)}`);
    const { tap, netns, timeout, extAck, capAck, transport, rcvbuf } = this.options;
    return new NftMonitor({ tap, netns, timeout, extAck, capAck, transport, rcvbuf }, opts);
  }
}
