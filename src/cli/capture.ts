/**
 * The commands of rtnl-dump that decode captured bytes (`pcap`, `hex`) or
 * speak another protocol than rtnetlink (`nft`). main.ts loads this module
 * with import() when one of them runs, so that `rtnl-dump link` does not load
 * the capture reader, the protocol registry and nf_tables (issue 16: start-up).
 * @module
 */
import { NETLINK_GENERIC, NLMSG_MIN_TYPE } from '../netlink/constants.js';
import { DecodeError } from '../netlink/errors.js';
import { type DecodeContext, type DecodeOptions, type Protocol } from '../netlink/protocol.js';
import { routeProtocol } from '../rtnl/schema.js';
import { protocolFor } from '../protocols.js';
import { captureContexts, decodeDatagram, readNetlinkCapture, type CapturedMessage, type NetlinkPacket } from '../pcap/netlink.js';
import { CaptureFormatError } from '../pcap/reader.js';
import { PACKET_TYPE_NAMES } from '../pcap/constants.js';
import { formatObjectMessage, formatRouteMessage, isoNs, timeText, toJson, type FormatOptions } from './format.js';
import { genlMessageLines } from './genl.js';
import { GenlFamilyIds, decodeGenlMessage, genlIds, genlProtocol, type GenlMessage } from '../genl/protocol.js';
import { Nft } from '../nft/nft.js';
import { netfilterProtocol } from '../nft/protocol.js';
import { familyName as nftFamilyName, type FamilyName as NftFamilyName } from '../nft/objects.js';
import { formatChainHead, formatRuleExpr, formatRuleset } from '../nft/print.js';
import { parseHex, payloadHex, UsageError, type Args, type CliIo } from './main.js';

// ------------------------------------------------------------ nft

export async function nftCommand(a: Args, io: CliIo): Promise<number> {
  if (a.positional.length > 1) throw new UsageError(`expected at most one FAMILY, got ${a.positional.length} arguments`, 'nft');
  const family = a.positional[0];
  if (family !== undefined && !['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'].includes(family)) throw new UsageError(`unknown family "${family}" (ip, ip6, inet, arp, bridge, netdev)`, 'nft');
  const h = await Nft.open(a.netns !== undefined ? { netns: a.netns } : {});
  try {
    const rs = await h.ruleset(family !== undefined ? { family: family as NftFamilyName } : {});
    if (a.json) io.out(toJson({ ...rs, sets: rs.sets.map(({ elements, ...s }) => ({ ...s, elements: elements.map(({ raw: _raw, ...e }) => e) })) }, a.pretty ? 2 : 1));
    else for (const l of formatRuleset(rs, { handles: a.details > 0 })) io.out(l);
  } finally {
    await h.close();
  }
  return 0;
}

/** nfnetlink messages in captures and hex: nf_tables objects as nft statements. */
function netfilterLines(m: CapturedMessage): string[] | undefined {
  if (!m.object) return undefined;
  const o = m.object as Record<string, unknown> & { family?: number };
  const fam = typeof o.family === 'number' ? String(nftFamilyName(o.family)) : '';
  const kind = m.typeName.replace(/^NFT_MSG_/, '');
  const verb = /^(NEW|DEL|GET|DESTROY)/.exec(kind)?.[1];
  const what = kind.replace(/^(NEW|DEL|GET|DESTROY)/, '').toLowerCase();
  const names = ['table', 'chain', 'set', 'name'].map((k) => o[k]).filter((v) => typeof v === 'string').join(' ');
  const handle = typeof o.handle === 'bigint' ? ` handle ${o.handle}` : '';
  if (what === 'rule' && verb === 'NEW') return [`rule ${fam} ${names}${handle}: ${formatRuleExpr(o.expr as never, nftFamilyName(o.family ?? 0))}`];
  if (what === 'chain' && verb === 'NEW') {
    const head = formatChainHead({ ...(o as object), family: nftFamilyName(o.family ?? 0) } as never);
    return [`chain ${fam} ${names}${handle}${head ? ` { ${head} }` : ''}`];
  }
  if (what === 'gen') return [`generation ${String(o.id)}${o.procName !== undefined ? ` by ${String(o.procName)} (pid ${String(o.procPid)})` : ''}`];
  if (!verb) return undefined;
  return [`${verb === 'NEW' ? '' : `${verb.toLowerCase()} `}${what} ${fam} ${names}${handle}`.replace(/\s+/g, ' ').trim()];
}

// ------------------------------------------------------------ pcap / hex

function messageJson(m: CapturedMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { len: m.len, type: m.type, typeName: m.typeName, flags: m.flags, flagNames: m.flagNames, seq: m.seq, pid: m.pid };
  if (m.kind) out.kind = m.kind;
  if (m.object) out.object = m.object;
  if (m.error) out.error = m.error;
  if (m.done) out.done = m.done;
  if (!m.object && !m.error && !m.done) out.payload = payloadHex(m.payload);
  if (m.decodeError) out.decodeError = m.decodeError.message;
  return out;
}

/**
 * The lines of a message's body by its protocol: rtnetlink prints ip-like
 * summaries (also of messages without a schema, and of what still decodes
 * of a malformed one); other protocols print their decoded object.
 * undefined: show the payload bytes.
 */
const BODY_LINES = new Map<Protocol, (m: CapturedMessage, o: FormatOptions) => string[] | undefined>([
  [routeProtocol, (m, o) => (m.object || !m.schema || m.payload.length >= m.schema.headerSize ? formatRouteMessage(m.raw, m.object, o) : undefined)],
  [genlProtocol, genlBodyLines],
  [netfilterProtocol, (m, o) => (o.details && m.object && m.schema ? formatObjectMessage(m.schema, m.object, o) : netfilterLines(m))],
]);

/**
 * Generic netlink: every attribute by its uapi name; a family the capture
 * never announced with its raw attributes and how to name it.
 */
function genlBodyLines(m: CapturedMessage): string[] | undefined {
  if (m.object && m.schema) return genlMessageLines({ ...(m.object as unknown as GenlMessage), policy: m.schema.policy }, '');
  if (m.schema) return undefined; // malformed: the bytes and the decode error
  try {
    return genlMessageLines(decodeGenlMessage(m.raw, new GenlFamilyIds()), '');
  } catch (e) {
    if (e instanceof DecodeError) return undefined;
    throw e;
  }
}

/** The capture's decode contexts, with the generic netlink family ids given by --genl-family. */
function captureContextsOf(a: Args): (family: number) => DecodeContext {
  const contexts = captureContexts(decodeOptions(a));
  const ids = genlIds(contexts(NETLINK_GENERIC));
  for (const [id, name] of a.genlFamilies) ids.set(id, name);
  return contexts;
}

function bodyLines(m: CapturedMessage, family: number, o: FormatOptions): string[] | undefined {
  if (m.type < NLMSG_MIN_TYPE) return undefined;
  const custom = BODY_LINES.get(protocolFor(family));
  if (custom) return custom(m, o);
  return m.object && m.schema ? formatObjectMessage(m.schema, m.object, o) : undefined;
}

function messageLines(m: CapturedMessage, family: number, o: FormatOptions, indent: string): string[] {
  const head = `${indent}${m.typeName} len=${m.len} flags=${m.flagNames.join(',') || '0'} seq=${m.seq} pid=${m.pid}`;
  const out: string[] = [];
  let body: string[] | undefined;
  if (m.error) {
    const e = m.error;
    let s = `${head} ${e.error === 0 ? 'ACK' : `error=${e.error} ${e.code}`} for ${e.request.typeName} seq=${e.request.seq}`;
    if (e.extack.message) s += ` msg=${JSON.stringify(e.extack.message)}`;
    if (e.extack.offset !== undefined) s += ` offset=${e.extack.offset}`;
    if (e.extack.attributePath) s += ` at=${e.extack.attributePath}`;
    out.push(s);
  } else if (m.done) {
    out.push(`${head}${m.done.error ? ` error=${m.done.error} ${m.done.code}` : ''}`);
  } else if ((body = bodyLines(m, family, o))) {
    out.push(head);
    for (const l of body) out.push(`${indent}  ${l}`);
  } else {
    const n = m.payload.length;
    const shown = o.details || n <= 64 ? m.payload : m.payload.subarray(0, 64);
    out.push(`${head} payload ${n ? shown.toString('hex') : '(empty)'}${shown.length < n ? `... (${n} bytes)` : ''}`);
  }
  if (m.decodeError) out.push(`${indent}  decode error: ${m.decodeError.message}`);
  return out;
}

function frameJson(p: NetlinkPacket): string {
  const o: Record<string, unknown> = {
    frame: p.frame,
    // time: ISO, absent when no date can hold the timestamp; timestampNs: always, exact
    ...(p.timestampNs !== undefined ? { time: isoNs(p.timestampNs), timestampNs: p.timestampNs.toString() } : {}),
    interfaceId: p.interfaceId,
    length: p.data.length,
    originalLength: p.originalLength,
    pkttype: p.pkttype,
    pkttypeName: PACKET_TYPE_NAMES[p.pkttype] ?? String(p.pkttype),
    family: p.family,
    familyName: p.familyName,
    messages: p.messages.map(messageJson),
  };
  if (p.truncated) o.truncated = true;
  if (p.padding) o.padding = p.padding;
  if (p.error) o.error = p.error.message;
  return toJson(o);
}

/** The decode options of `pcap` and `hex` (--inet6-stats): given to this command's decodes only, never set process-wide. */
function decodeOptions(a: Args): DecodeOptions {
  return a.inet6Stats ? { inet6StatsLayout: a.inet6Stats } : {};
}

export async function pcapCommand(a: Args, io: CliIo): Promise<number> {
  if (a.positional.length !== 1) throw new UsageError(a.positional.length ? `expected one FILE, got ${a.positional.length} arguments` : 'missing FILE', 'pcap');
  const file = a.positional[0]!;
  const o: FormatOptions = { details: a.details > 0, attrs: a.details > 0, names: new Map() };
  let frames = 0;
  try {
    for await (const p of readNetlinkCapture(file === '-' ? process.stdin : file, { contexts: captureContextsOf(a) })) {
      frames++;
      if (a.json) {
        io.out(frameJson(p));
        continue;
      }
      const t = p.timestampNs !== undefined ? ` ${timeText(p.timestampNs)}` : '';
      io.out(`frame ${p.frame}${t} ${p.familyName} ${PACKET_TYPE_NAMES[p.pkttype] ?? p.pkttype} ${p.data.length} bytes${p.truncated ? ` (truncated from ${p.originalLength})` : ''}`);
      for (const m of p.messages) for (const l of messageLines(m, p.family, o, '  ')) io.out(l);
      if (p.padding) io.out(`  ${paddingText(p.padding)}`);
      if (p.error) io.out(`  malformed: ${p.error.message}`);
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (e instanceof CaptureFormatError) throw new Error(`${file}: ${err.message}${frames ? ` (after ${frames} frames)` : ''}`);
    if (err.code && err.syscall) throw new Error(`cannot read ${file}: ${err.code} (${err.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')})`);
    throw e;
  }
  return 0;
}

/** The line for zero bytes after the last message (iproute2 sends whole request buffers). */
function paddingText(n: number): string {
  return `padding: ${n} zero byte${n === 1 ? '' : 's'} after the last message (skipped, as the kernel does)`;
}

export async function hexCommand(a: Args, io: CliIo): Promise<number> {
  if (a.positional.length === 0) throw new UsageError('missing HEX', 'hex');
  let text = a.positional.join('');
  if (a.positional.length === 1 && a.positional[0] === '-') {
    if (!io.stdin) throw new UsageError('stdin is not available', 'hex');
    text = await io.stdin();
  }
  const buf = parseHex(text);
  const { messages, error, padding } = decodeDatagram(buf, a.nlFamily, 0, buf.length, captureContextsOf(a)(a.nlFamily));
  const o: FormatOptions = { details: a.details > 0, attrs: a.details > 0, names: new Map() };
  if (a.json) {
    for (const m of messages) io.out(toJson(messageJson(m)));
    // JSON Lines of messages only: the padding note goes to stderr
    if (padding) io.err(`rtnl-dump: ${paddingText(padding)}`);
  } else {
    for (const m of messages) for (const l of messageLines(m, a.nlFamily, o, '')) io.out(l);
    if (padding) io.out(paddingText(padding));
  }
  if (error) {
    throw new DecodeError(`malformed netlink bytes: ${error.message.replace(/ at offset \d+$/, '')}`, error.offset);
  }
  return 0;
}
