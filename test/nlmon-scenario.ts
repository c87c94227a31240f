/**
 * The nlmon scenario shared by the live test (test/kernel/nlmon.test.ts, VM
 * lane) and the unit test on the capture it saved (test/fixtures/nlmon-6.1.pcap,
 * test/unit/nlmon-fixture.test.ts): what is done in the namespace while
 * `tcpdump -i nlmon0` records, and the checks a capture of it must pass.
 *
 * The checks find each conversation in the capture by what it is about (names,
 * types, the kernel's answers), not by position, so tcpdump's own traffic or
 * iproute2's probes (ip sends a seq-0 RTM_NEWLINK probe at start-up on some
 * versions) do not upset them.
 */
import * as assert from 'uvu/assert';
import type { CapturedMessage, NetlinkPacket } from '../src/pcap/index.js';
import { ARPHRD_NETLINK, LINKTYPE_NETLINK } from '../src/pcap/index.js';
import { NETLINK_ROUTE, NLM_F_REQUEST } from '../src/netlink/constants.js';
import { madeLinks } from './helpers.js';

/** Names and values the scenario uses (inside a namespace of its own). */
export const NLMON = {
  dev: 'nlmon0',
  vethA: 'nlm-va',
  vethB: 'nlm-vb',
  mtu: 1400,
  address: '192.0.2.1',
  prefixLen: 24,
  missing: 'nlm-nope',
  dummy: 'dummy0',
} as const;

/** The library's part, on a handle opened in the namespace (the one whose bytes are tapped). */
export async function librarySequence(r: import('../src/index.js').Rtnl): Promise<void> {
  await r.links.add({ kind: 'veth', name: NLMON.vethA, peer: NLMON.vethB });
  await r.links.set(NLMON.vethA, { mtu: NLMON.mtu });
  await r.addrs.add(NLMON.vethA, `${NLMON.address}/${NLMON.prefixLen}`);
  await r.links.list();
  await r.links.del(NLMON.vethA);
  await r.links.get(NLMON.missing).then(
    () => assert.unreachable(`${NLMON.missing} exists`),
    (e: { code?: string }) => assert.is(e.code, 'ENODEV'),
  );
}

/** iproute2's part: `ip -n NS ARGS` for each entry. */
export const IP_COMMANDS: string[][] = [
  ['link', 'add', NLMON.dummy, 'type', 'dummy'],
  ['link', 'show'],
];

/** A message with the frame it came in. */
export interface Found {
  frame: number;
  msg: CapturedMessage;
}

export interface ScenarioFindings {
  /** Netlink port id of the library's socket (the kernel's replies carry it). */
  libPid: number;
  /** The library's requests, in capture order. */
  libRequests: Found[];
  /** The kernel's messages to the library's socket, in capture order. */
  libReplies: Found[];
  /** iproute2's RTM_NEWLINK creating dummy0 and the kernel's answer. */
  ipCreate: Found;
  ipCreateAck: Found;
  /** iproute2's link dump request and the names the kernel listed. */
  ipDump: Found;
  ipDumpNames: string[];
  /** Every message of the capture, in order. */
  all: Found[];
}

type Obj = Record<string, any>;
const obj = (f: Found | undefined): Obj => (f?.msg.object ?? {}) as Obj;
const isReq = (m: CapturedMessage): boolean => (m.flags & NLM_F_REQUEST) !== 0;
const sameFlags = (m: CapturedMessage, names: string[]): void =>
  assert.equal([...m.flagNames].sort(), [...names].sort(), `flags of ${m.typeName} seq ${m.seq}`);

/**
 * Check a capture of the scenario: every frame decodes, the library's
 * requests got the answers they should, iproute2's requests are there.
 * Throws (uvu assertion) on the first mismatch.
 */
export function checkScenarioCapture(packets: NetlinkPacket[]): ScenarioFindings {
  assert.ok(packets.length > 0, 'the capture holds packets');
  const all: Found[] = [];
  for (const p of packets) {
    const where = `frame ${p.frame}`;
    assert.is(p.linktype, LINKTYPE_NETLINK, `${where}: LINKTYPE_NETLINK`);
    assert.is(p.hatype, ARPHRD_NETLINK, `${where}: ARPHRD_NETLINK`);
    assert.is(p.pkttype, 4, `${where}: nlmon frames are PACKET_OUTGOING`);
    assert.is(p.family, NETLINK_ROUTE, `${where}: only rtnetlink talks in this namespace (${p.familyName})`);
    assert.not.ok(p.truncated, `${where}: not cut by the snaplen`);
    assert.is(p.error, undefined, `${where}: framing error ${p.error?.message}`);
    assert.ok(p.messages.length > 0, `${where}: holds messages`);
    let len = 0;
    for (const m of p.messages) {
      const what = `${where} ${m.typeName} seq ${m.seq}`;
      assert.is(m.decodeError, undefined, `${what}: ${m.decodeError?.message}`);
      assert.not.ok(m.flagNames.some((f) => f.startsWith('0x')), `${what}: unknown flag bits ${m.flagNames.join('|')}`);
      if (m.type === 2) assert.ok(m.error, `${what}: NLMSG_ERROR decoded`);
      else if (m.type === 3) assert.ok(m.done, `${what}: NLMSG_DONE decoded`);
      else {
        // Every rtnetlink type seen here has a schema (no "RTM_type_N" and no undecoded body).
        assert.ok(m.type >= 16 && m.kind, `${what}: a message type with a schema`);
        assert.ok(m.object, `${what}: body decoded`);
      }
      len += (m.len + 3) & ~3;
      all.push({ frame: p.frame, msg: m });
    }
    assert.is(len, p.data.length - 16, `${where}: the messages fill the datagram`);
  }

  const errors = all.filter((f) => f.msg.error);
  const answerTo = (req: Found, pid?: number): Found | undefined =>
    errors.find((e) => e.frame > req.frame && e.msg.error!.request.seq === req.msg.seq && e.msg.error!.request.type === req.msg.type && (pid === undefined || e.msg.pid === pid));

  // ---- the library: found through its first request (the veth pair) and the kernel's ACK to it
  const create = all.find((f) => isReq(f.msg) && f.msg.typeName === 'RTM_NEWLINK' && obj(f).name === NLMON.vethA && obj(f).linkInfo?.kind === 'veth');
  assert.ok(create, `the library's RTM_NEWLINK creating ${NLMON.vethA} was captured`);
  assert.is(obj(create).linkInfo?.data?.peer?.name, NLMON.vethB, 'the request names the peer');
  // links.add() asks for the kernel's echo (NLM_F_ECHO) to return the link; captures recorded before that lack it
  sameFlags(create!.msg, ['REQUEST', 'ACK', 'EXCL', 'CREATE', ...([...create!.msg.flagNames].includes('ECHO') ? ['ECHO'] : [])]);
  const createAck = answerTo(create!);
  assert.ok(createAck, 'the kernel answered the veth creation');
  assert.is(createAck!.msg.error!.error, 0, 'veth created (ACK)');
  const libPid = createAck!.msg.pid;
  assert.ok(libPid !== 0, 'replies carry the socket port id');

  const libReplies = all.filter((f) => f.msg.pid === libPid && !isReq(f.msg));
  const libSeqs = new Set(libReplies.map((f) => f.msg.seq));
  const libRequests = all.filter((f) => isReq(f.msg) && f.msg.pid === 0 && libSeqs.has(f.msg.seq) && f.frame >= create!.frame);
  // Request seqs are unique and increase; every reply answers one of them.
  const seqs = libRequests.map((f) => f.msg.seq);
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `library seqs increase: ${seqs.join(', ')}`);
  for (const r of libReplies) assert.ok(seqs.includes(r.msg.seq), `reply seq ${r.msg.seq} answers a library request`);

  const req = (pred: (f: Found) => boolean, what: string): Found => {
    const f = libRequests.find(pred);
    assert.ok(f, `library request captured: ${what}`);
    return f!;
  };
  const ack = (r: Found, code?: string): Found => {
    const a = answerTo(r, libPid);
    assert.ok(a, `answer to ${r.msg.typeName} seq ${r.msg.seq}`);
    assert.is(a!.msg.error!.code, code, `${r.msg.typeName} seq ${r.msg.seq} answered ${code ?? 'ACK'}`);
    return a!;
  };
  ack(create!);
  // Index of the veth as the kernel reports it (the dump below), to follow requests by index.
  const dump = req((f) => f.msg.typeName === 'RTM_GETLINK' && f.msg.flagNames.includes('DUMP'), 'RTM_GETLINK dump');
  sameFlags(dump.msg, ['REQUEST', 'DUMP']);
  const dumped = libReplies.filter((f) => f.msg.seq === dump.msg.seq && f.msg.typeName === 'RTM_NEWLINK');
  for (const d of dumped) assert.ok(d.msg.flagNames.includes('MULTI'), 'dump replies are NLM_F_MULTI');
  assert.equal(madeLinks(dumped.map((d) => obj(d).name as string)).sort(), ['lo', NLMON.dev, NLMON.vethA, NLMON.vethB].sort(), 'the dump lists the namespace\'s links');
  const done = libReplies.find((f) => f.msg.seq === dump.msg.seq && f.msg.done);
  assert.ok(done && done.frame >= dumped[dumped.length - 1]!.frame, 'NLMSG_DONE ends the dump');
  assert.is(done!.msg.done!.error, 0);
  const a = obj(dumped.find((d) => obj(d).name === NLMON.vethA));
  const b = obj(dumped.find((d) => obj(d).name === NLMON.vethB));
  assert.is(a.mtu, NLMON.mtu, `the dump shows ${NLMON.vethA} with the mtu set`);
  assert.is(a.link, b.index, 'veth peers point at each other');
  const isA = (o: Obj): boolean => o.name === NLMON.vethA || o.index === a.index;

  const setMtu = req((f) => f.msg.typeName === 'RTM_NEWLINK' && f.frame > create!.frame && obj(f).mtu === NLMON.mtu && isA(obj(f)), 'RTM_NEWLINK mtu');
  sameFlags(setMtu.msg, ['REQUEST', 'ACK']);
  ack(setMtu);
  const newAddr = req((f) => f.msg.typeName === 'RTM_NEWADDR', 'RTM_NEWADDR');
  const ao = obj(newAddr);
  assert.is(ao.index, a.index, 'RTM_NEWADDR on the veth');
  assert.is(ao.local ?? ao.address, NLMON.address);
  assert.is(ao.prefixLen, NLMON.prefixLen);
  sameFlags(newAddr.msg, ['REQUEST', 'ACK', 'EXCL', 'CREATE']);
  ack(newAddr);
  const del = req((f) => f.msg.typeName === 'RTM_DELLINK' && isA(obj(f)), 'RTM_DELLINK');
  sameFlags(del.msg, ['REQUEST', 'ACK']);
  ack(del);
  const get = req((f) => f.msg.typeName === 'RTM_GETLINK' && obj(f).name === NLMON.missing, `RTM_GETLINK ${NLMON.missing}`);
  sameFlags(get.msg, ['REQUEST', 'ACK']);
  ack(get, 'ENODEV');
  assert.ok(setMtu.frame < newAddr.frame && newAddr.frame < dump.frame && dump.frame < del.frame && del.frame < get.frame, 'in the order they were made');

  // ---- iproute2: `ip link add dummy0 type dummy`, then `ip link show`
  const ipCreate = all.find((f) => isReq(f.msg) && f.msg.typeName === 'RTM_NEWLINK' && obj(f).name === NLMON.dummy);
  assert.ok(ipCreate, `ip's RTM_NEWLINK for ${NLMON.dummy} was captured`);
  assert.is(obj(ipCreate).linkInfo?.kind, 'dummy', 'IFLA_INFO_KIND dummy');
  sameFlags(ipCreate!.msg, ['REQUEST', 'ACK', 'EXCL', 'CREATE']);
  assert.ok(ipCreate!.frame > get.frame, 'ip came after the library');
  const ipCreateAck = answerTo(ipCreate!);
  assert.ok(ipCreateAck, `the kernel answered ip's request`);
  assert.is(ipCreateAck!.msg.error!.error, 0, `${NLMON.dummy} created (ACK)`);
  assert.ok(ipCreateAck!.msg.pid !== libPid, 'answered to another socket than the library\'s');
  const ipDump = all.find((f) => f.frame > ipCreateAck!.frame && isReq(f.msg) && f.msg.typeName === 'RTM_GETLINK' && f.msg.flagNames.includes('DUMP'));
  assert.ok(ipDump, `ip link show's dump request was captured`);
  const ipReplies = all.filter((f) => f.frame > ipDump!.frame && f.msg.seq === ipDump!.msg.seq && !isReq(f.msg) && f.msg.pid !== libPid && f.msg.pid !== 0);
  const ipDumpNames = ipReplies.filter((f) => f.msg.typeName === 'RTM_NEWLINK').map((f) => obj(f).name as string);
  assert.equal(madeLinks(ipDumpNames).sort(), ['lo', NLMON.dev, NLMON.dummy].sort(), 'ip link show lists lo, nlmon0 and dummy0 (the veths are gone)');
  assert.ok(ipReplies.some((f) => f.msg.done && f.msg.done.error === 0), 'and ends with NLMSG_DONE');
  return { libPid, libRequests, libReplies, ipCreate: ipCreate!, ipCreateAck: ipCreateAck!, ipDump: ipDump!, ipDumpNames, all };
}
