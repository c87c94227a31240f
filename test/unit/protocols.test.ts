// The protocol registry: each built-in protocol names, finds schemas and
// maps ext-ack offsets; a protocol with per-context state (generic netlink,
// src/genl/protocol.ts) learns family ids per decode
// context (socket or capture), never process-wide; nf_tables transactions go
// through the engine's batch as the bytes encodeBatch makes (which the nft
// codec tests hold against nft's own).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeKernel } from '../fake-transport.js';
import { BUILTIN_PROTOCOLS, protocolFor } from '../../src/protocols.js';
import { createDecodeContext, registerProtocol, rawProtocol, type Protocol } from '../../src/netlink/protocol.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { NETLINK_GENERIC, NETLINK_NETFILTER, NETLINK_ROUTE, NLM_F_ACK, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REQUEST } from '../../src/netlink/constants.js';
import { splitMessages } from '../../src/netlink/message.js';
import { Writer } from '../../src/netlink/writer.js';
import { encodeAttrs } from '../../src/netlink/attr.js';
import { decodeDatagram, flagNames } from '../../src/pcap/netlink.js';
import { routeProtocol } from '../../src/rtnl/schema.js';
import { genlProtocol as genericProtocol, genlIds, ctrlPolicy, GENL_HDRLEN, GENL_ID_CTRL } from '../../src/genl/index.js';
import { GENL_UAPI } from '../../src/genl/uapi.js';
import { netfilterProtocol } from '../../src/nft/protocol.js';
import { accept, addRule, addTable, batchParts, encodeBatch, nftType, tcp } from '../../src/nft/index.js';
const { CTRL_CMD_DELFAMILY, CTRL_CMD_GETFAMILY, CTRL_CMD_NEWFAMILY } = GENL_UAPI;

test('the registry: built-in protocols by number, raw ones for the rest, user protocols used by sockets opened by number', async () => {
  assert.is(protocolFor(NETLINK_ROUTE), routeProtocol);
  assert.is(protocolFor(NETLINK_NETFILTER), netfilterProtocol);
  assert.is(protocolFor(NETLINK_GENERIC), genericProtocol);
  assert.equal(BUILTIN_PROTOCOLS.map((p) => p.name), ['NETLINK_ROUTE', 'NETLINK_GENERIC', 'NETLINK_NETFILTER']);
  const raw = protocolFor(9);
  assert.is(raw.name, 'NETLINK_AUDIT');
  assert.is(raw.messageName(2), 'NLMSG_ERROR');
  assert.is(raw.messageName(0x3e8), 'type 0x3e8');
  const mine: Protocol = { ...rawProtocol(25), name: 'NETLINK_MINE', messageName: (t) => `MINE_${t}` };
  registerProtocol(mine);
  const k = new FakeKernel();
  k.script = (m, kk) => kk.deliver(kk.ack(m, -22));
  const s = NetlinkSocket.open({ protocol: 25, transport: k });
  const e = await s.request(0x42, undefined).catch((x: Error) => x);
  assert.match((e as Error).message, /MINE_66 failed/);
  s.close();
});

test('NETLINK_ROUTE: names, operations, ext-ack paths by schema', () => {
  assert.is(routeProtocol.messageName(16), 'RTM_NEWLINK');
  assert.is(routeProtocol.operation?.(18), 'get');
  assert.is(routeProtocol.operation?.(17), 'del');
  assert.is(routeProtocol.messageName(3), 'NLMSG_DONE');
});

// ------------------------------------------------------------------ nf_tables

const MSGS = () => [addTable({ family: 'ip', name: 'nat' }), addRule({ family: 'ip', table: 'nat', chain: 'post', expr: [tcp.dport(8080), accept()] })];

test('nf_tables transaction through the engine: one datagram, the bytes encodeBatch makes (BEGIN/END without ACK, every message with it)', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (m.flags & NLM_F_ACK) kk.deliver(kk.ack(m));
  };
  const s = NetlinkSocket.open({ protocol: netfilterProtocol, transport: k });
  const out = await s.batch(batchParts(MSGS()));
  assert.is(out.length, 4);
  assert.ok(out.every((o) => o.ok));
  assert.is(k.sent.length, 1);
  const first = splitMessages(k.sent[0]!)[0]!.seq;
  const expected = encodeBatch(MSGS(), { seq: first, extraFlags: NLM_F_ACK }).bytes;
  assert.is(k.sent[0]!.toString('hex'), expected.toString('hex'));
  s.close();
});

test('nf_tables messages named and decoded through the registry (capture decoder): NEW flags named, objects by kind', () => {
  const { bytes } = encodeBatch(MSGS(), { seq: 7 });
  const r = decodeDatagram(bytes, NETLINK_NETFILTER);
  assert.equal(r.messages.map((m) => m.typeName), ['NFNL_MSG_BATCH_BEGIN', 'NFT_MSG_NEWTABLE', 'NFT_MSG_NEWRULE', 'NFNL_MSG_BATCH_END']);
  assert.equal(r.messages.map((m) => m.kind), ['batch', 'table', 'rule', 'batch']);
  const rule = r.messages[2]!.object!;
  assert.is(rule.table, 'nat');
  assert.is(rule.chain, 'post');
  assert.is(rule.family, 2);
  assert.equal(flagNames(nftType('NEWRULE'), NLM_F_REQUEST | NLM_F_CREATE | NLM_F_APPEND, NETLINK_NETFILTER), ['REQUEST', 'CREATE', 'APPEND']);
  // the schema re-encodes its object byte for byte
  const m = splitMessages(bytes)[2]!;
  const s = netfilterProtocol.schemaFor(m)!;
  const w = new Writer();
  s.encode(w, s.decode(m.buf, m.offset + 16, m.offset + m.len, m.type));
  assert.is(w.toBuffer().toString('hex'), m.buf.subarray(m.offset + 16, m.offset + m.len).toString('hex'));
});

// ------------------------------------------------------------------ generic netlink

function ctrlMessage(cmd: number, attrs: Record<string, unknown>, seq = 1): Buffer {
  const w = new Writer();
  const s = w.msgStart(GENL_ID_CTRL, 0, seq, 0);
  w.u8(cmd);
  w.u8(2);
  w.u16(0);
  encodeAttrs(w, ctrlPolicy, attrs);
  w.msgEnd(s);
  return w.toBuffer();
}
function familyMessage(id: number, cmd: number): Buffer {
  const w = new Writer();
  const s = w.msgStart(id, 0, 1, 0);
  w.u8(cmd);
  w.u8(1);
  w.u16(0);
  w.msgEnd(s);
  return w.toBuffer();
}

test('generic netlink: a family id is learned from CTRL_CMD_NEWFAMILY in its own decode context only, and forgotten on DELFAMILY', () => {
  const a = createDecodeContext(genericProtocol);
  const b = createDecodeContext(genericProtocol);
  const learn = decodeDatagram(ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: 0x1b, familyName: 'wireguard', version: 1 }), NETLINK_GENERIC, 0, undefined, a);
  assert.is(learn.messages[0]!.typeName, 'genl nlctrl CTRL_CMD_NEWFAMILY');
  assert.is(learn.messages[0]!.kind, 'nlctrl');
  assert.is((learn.messages[0]!.object!.attrs as Record<string, unknown>).familyName, 'wireguard');
  assert.is((learn.messages[0]!.object!.attrs as Record<string, unknown>).version, 1, 'CTRL_ATTR_VERSION is not the genlmsghdr version');
  assert.is(learn.messages[0]!.object!.version, 2);
  assert.is(learn.messages[0]!.object!.cmd, CTRL_CMD_NEWFAMILY);
  const wg = familyMessage(0x1b, 0);
  assert.is(decodeDatagram(wg, NETLINK_GENERIC, 0, undefined, a).messages[0]!.typeName, 'genl wireguard WG_CMD_GET_DEVICE');
  assert.is(decodeDatagram(wg, NETLINK_GENERIC, 0, undefined, b).messages[0]!.typeName, 'genl 0x1b cmd 0', 'another context has not learned it');
  assert.is(decodeDatagram(wg, NETLINK_GENERIC, 0, undefined, createDecodeContext(genericProtocol)).messages[0]!.typeName, 'genl 0x1b cmd 0', 'nor has a fresh one (nothing process-wide)');
  decodeDatagram(ctrlMessage(CTRL_CMD_DELFAMILY, { familyId: 0x1b, familyName: 'wireguard' }), NETLINK_GENERIC, 0, undefined, a);
  assert.is(decodeDatagram(wg, NETLINK_GENERIC, 0, undefined, a).messages[0]!.typeName, 'genl 0x1b cmd 0');
});

test('generic netlink: hostile controller messages teach nothing and never grow the table past the kernel limits', () => {
  const a = createDecodeContext(genericProtocol);
  const ids = genlIds(a);
  decodeDatagram(ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: 5000, familyName: 'x' }), NETLINK_GENERIC, 0, undefined, a);
  decodeDatagram(ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: 0x20, familyName: 'n'.repeat(40) }), NETLINK_GENERIC, 0, undefined, a);
  const broken = ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: 0x21, familyName: 'ok' });
  broken.writeUInt16LE(200, 16 + GENL_HDRLEN); // first attribute runs past the end
  const r = decodeDatagram(broken, NETLINK_GENERIC, 0, undefined, a);
  assert.ok(r.messages[0]!.decodeError, 'the malformed message is reported');
  assert.equal(ids.entries(), [[GENL_ID_CTRL, 'nlctrl']], 'only the controller, which is always known');
  for (let id = 0x10; id <= 0x3ff + 5; id++) decodeDatagram(ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: id & 0xffff, familyName: `f${id}` }), NETLINK_GENERIC, 0, undefined, a);
  assert.ok(ids.size <= 0x3ff - 0x10 + 1, `bounded by GENL_MAX_ID (${ids.size})`);
  assert.is(ids.name(GENL_ID_CTRL), 'nlctrl', 'the controller keeps its name');
});

test('generic netlink: a socket learns family ids from the answers it reads (its own context)', async () => {
  const k = new FakeKernel();
  k.script = (m, kk) => {
    if (m.type === GENL_ID_CTRL) {
      const reply = ctrlMessage(CTRL_CMD_NEWFAMILY, { familyId: 0x1c, familyName: 'team' }, m.seq);
      reply.writeUInt32LE(kk.portid, 12);
      kk.deliver([reply, kk.ack(m)]);
    }
  };
  const s = NetlinkSocket.open({ protocol: genericProtocol, transport: k });
  const other = NetlinkSocket.open({ protocol: genericProtocol, transport: new FakeKernel() });
  const replies = await s.request(GENL_ID_CTRL, (w) => {
    w.u8(CTRL_CMD_GETFAMILY);
    w.u8(1);
    w.u16(0);
    encodeAttrs(w, ctrlPolicy, { familyName: 'team' });
  });
  assert.is(replies.length, 1);
  assert.is(genericProtocol.messageName(0x1c, s.context), 'genl team');
  assert.is(genericProtocol.messageName(0x1c, other.context), 'genl 0x1c');
  s.close();
  other.close();
});

test.run();
