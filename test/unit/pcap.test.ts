// Capture reading/writing on real nlmon captures from kernels (../shared/corpus,
// see its SOURCES.md) and on hand-built pcap/pcapng files. Expected values come
// from SOURCES.md, from pyroute2's own decode (pyroute2_nl0.json) and from
// `tshark -T fields` runs on the same files, never from our own output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import {
  readNetlinkCapture,
  readPackets,
  CaptureFormatError,
  LinkTypeError,
  PcapWriter,
  decodeDatagram,
  type NetlinkPacket,
} from '../../src/pcap/index.js';
import { schemaFor } from '../../src/rtnl/schema.js';
import { formatRouteMessage } from '../../src/cli/format.js';
import type { Link } from '../../src/rtnl/link.js';
import { NETLINK_GENERIC, NETLINK_ROUTE, NETLINK_SOCK_DIAG, NLMSG_DONE, NLMSG_ERROR } from '../../src/netlink/constants.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { Writer } from '../../src/netlink/writer.js';
import { skip } from '../helpers.js';
import { corpusFile, corpusMissing } from '../corpus.js';
import { rejectsA } from '../expect.js';

async function readAll(src: Parameters<typeof readNetlinkCapture>[0]): Promise<NetlinkPacket[]> {
  const out: NetlinkPacket[] = [];
  for await (const p of readNetlinkCapture(src)) out.push(p);
  return out;
}

/** Every string/number reachable in a decoded object (to find values without knowing field names). */
function values(o: unknown, acc: unknown[] = []): unknown[] {
  if (o === null || o === undefined) return acc;
  if (typeof o !== 'object') {
    acc.push(o);
    return acc;
  }
  if (o instanceof Uint8Array) return acc;
  for (const v of Object.values(o as Record<string, unknown>)) values(v, acc);
  return acc;
}

function ctest(name: string, files: string[], fn: (...paths: string[]) => Promise<void>): void {
  if (corpusMissing) return skip(test, name, corpusMissing);
  const paths = files.map((f) => corpusFile(f));
  const missing = files.filter((_, i) => !paths[i]);
  if (missing.length) return skip(test, name, `corpus file(s) missing: ${missing.join(', ')}`);
  test(name, () => fn(...(paths as string[])));
}

// ------------------------------------------------------------ corpus

ctest('nldecap two_packets (le): GETADDR dump request, then 3 RTM_NEWADDR in one frame', ['pcaps/nldecap_two_packets_le.pcap'], async (f) => {
  const ps = await readAll(f);
  assert.is(ps.length, 2);
  const [a, b] = ps as [NetlinkPacket, NetlinkPacket];
  assert.is(a.family, NETLINK_ROUTE);
  assert.is(a.hatype, 824);
  assert.is(a.messages.length, 1);
  const req = a.messages[0]!;
  assert.is(req.type, U.RTM_GETADDR);
  assert.is(req.typeName, 'RTM_GETADDR');
  assert.is(req.len, 20);
  assert.is(req.seq, 1489398119);
  assert.equal(req.flagNames, ['REQUEST', 'DUMP']);
  assert.equal(b.messages.map((m) => m.typeName), ['RTM_NEWADDR', 'RTM_NEWADDR', 'RTM_NEWADDR']);
  assert.ok(b.messages.every((m) => m.seq === 1489398119 && m.flagNames.includes('MULTI')));
  assert.is(a.timestampNs, 1489398119206131000n);
  assert.is(b.timestampNs, 1489398119206164000n);
  // addresses per SOURCES.md: lo 127.0.0.1/8, eth0.23 10.4.1.245/24, eth0.4002 172.30.1.94/24
  const names = new Map<number, string>();
  const lines = b.messages.map((m) => formatRouteMessage(m.raw, m.object, { details: false, names })[0]!);
  assert.match(lines[0]!, /inet 127\.0\.0\.1\/8 .*scope host .*\blo$/);
  assert.match(lines[1]!, /inet 10\.4\.1\.245\/24 brd 10\.4\.1\.255 scope global .*\beth0\.23$/);
  assert.match(lines[2]!, /inet 172\.30\.1\.94\/24 .*\beth0\.4002$/);
  if (schemaFor(U.RTM_NEWADDR)) {
    // once the address schema is registered, the decoded objects carry the same values
    const v = b.messages.map((m) => values(m.object));
    assert.ok(v[0]!.includes('127.0.0.1') && v[0]!.includes('lo'), 'lo address decoded');
    assert.ok(v[1]!.includes('10.4.1.245') && v[1]!.includes('eth0.23'));
    assert.ok(v[2]!.includes('172.30.1.94') && v[2]!.includes('eth0.4002'));
  }
});

ctest('nldecap two_packets: big-endian file header gives the same packets as little-endian', ['pcaps/nldecap_two_packets_le.pcap', 'pcaps/nldecap_two_packets_be.pcap'], async (le, be) => {
  const a = await readAll(le);
  const b = await readAll(be);
  assert.is(b.length, a.length);
  for (let i = 0; i < a.length; i++) {
    assert.is(b[i]!.timestampNs, a[i]!.timestampNs);
    assert.ok(b[i]!.data.equals(a[i]!.data), `frame ${i + 1} bytes`);
    assert.equal(b[i]!.messages.map((m) => [m.type, m.seq, m.len]), a[i]!.messages.map((m) => [m.type, m.seq, m.len]));
  }
});

interface Py {
  'pcap header': string;
  exception: string | null;
  data: { index: number; ifi_type?: number; flags: number; family: number; header: { length: number; type: number; flags: number; sequence_number: number; pid: number }; attrs: Array<[string, unknown]> } | string;
}

ctest('pyroute2 nl0.pcap: 19 frames, families, link names/indexes/mtu per tshark, and pyroute2 decode agrees', ['pcaps/pyroute2_nl0.pcap', 'pcaps/pyroute2_nl0.json'], async (f, j) => {
  const ps = await readAll(f);
  assert.is(ps.length, 19);
  // NETLINK_ROUTE frames 4-12, NETLINK_GENERIC the rest (SOURCES.md)
  assert.equal(
    ps.map((p) => p.family),
    ps.map((p) => (p.frame >= 4 && p.frame <= 12 ? NETLINK_ROUTE : NETLINK_GENERIC)),
  );
  const types = (n: number): string[] => ps[n - 1]!.messages.map((m) => m.typeName);
  assert.equal(types(4), ['RTM_GETLINK']);
  assert.equal(types(8), ['NLMSG_DONE']);
  assert.equal(types(9), ['RTM_GETADDR']);
  assert.equal(types(10), Array(5).fill('RTM_NEWADDR'));
  assert.equal(types(11), Array(4).fill('RTM_NEWADDR'));
  assert.equal(types(12), ['NLMSG_DONE']);
  // links (names, indexes, mtu as tshark reads them)
  const links = [5, 6, 7].flatMap((n) => ps[n - 1]!.messages.map((m) => m.object as unknown as Link));
  assert.equal(
    links.map((l) => [l.name, l.index, l.mtu]),
    [
      ['lo', 1, 65536], ['wlp0s20f3', 2, 1500],
      ['virbr1', 3, 1500], ['virbr0', 4, 1500], ['nlmon0', 5, 3776], ['wg-int', 2622, 1420], ['gre0', 238, 1476],
      ['gretap0', 239, 1462], ['erspan0', 240, 1450], ['tunl0', 243, 1480], ['sit0', 246, 1480],
    ],
  );
  const kind = (n: string): string | undefined => links.find((l) => l.name === n)!.kind;
  assert.equal(
    ['virbr0', 'nlmon0', 'wg-int', 'gretap0', 'erspan0', 'tunl0', 'sit0'].map(kind),
    ['bridge', 'nlmon', 'wireguard', 'gretap', 'erspan', 'ipip', 'sit'],
  );
  for (const n of [4, 5, 6, 7, 8]) assert.ok(ps[n - 1]!.messages.every((m) => m.seq === 1710366817), `seq of frame ${n}`);
  for (const n of [9, 10, 11, 12]) assert.ok(ps[n - 1]!.messages.every((m) => m.seq === 1710366818), `seq of frame ${n}`);
  // addresses of frame 10 (tshark: labels lo, wlp0s20f3, virbr1, virbr0, wg-int)
  const names = new Map(links.map((l) => [l.index, l.name]));
  const addrLines = ps[9]!.messages.map((m) => formatRouteMessage(m.raw, m.object, { details: false, names })[0]!);
  const expected = [['127.0.0.1', 'lo'], ['172.16.254.133', 'wlp0s20f3'], ['192.168.39.1', 'virbr1'], ['192.168.124.1', 'virbr0'], ['172.16.250.121', 'wg-int']];
  expected.forEach(([addr, label], i) => assert.match(addrLines[i]!, new RegExp(`inet ${addr.replace(/\./g, '\\.')}/\\d+ .*\\b${label}$`)));
  // frame 19: an error ACK for a generic request of type 0x25 with seq 256 (tshark)
  const err = ps[18]!.messages[0]!;
  assert.is(err.type, NLMSG_ERROR);
  assert.is(err.seq, 256);
  assert.is(err.error?.request.type, 0x25);
  assert.is(ps[16]!.messages[0]!.type, NLMSG_DONE);
  // other families: raw messages with their headers and payload
  assert.is(ps[0]!.messages[0]!.type, 0x24); // tshark -V: "Netlink message header (type: 0x0024)", length 36
  assert.is(ps[0]!.messages[0]!.len, 36);
  assert.is(ps[0]!.messages[0]!.seq, 1709936513);
  assert.is(ps[0]!.messages[0]!.object, undefined);
  assert.is(ps[0]!.messages[0]!.payload.length, ps[0]!.messages[0]!.len - 16);

  // pyroute2's decode of the first message of each NETLINK_ROUTE frame: a second opinion
  const py = JSON.parse(readFileSync(j, 'utf8')) as Py[];
  assert.is(py.length, 9);
  py.forEach((e, i) => {
    const p = ps[3 + i]!;
    const m = p.messages[0]!;
    const ts = /ts_sec=(\d+), ts_usec=(\d+), incl_len=(\d+)/.exec(e['pcap header'])!;
    assert.is(p.timestampNs, BigInt(ts[1]!) * 1_000_000_000n + BigInt(ts[2]!) * 1000n, `time of frame ${p.frame}`);
    assert.is(p.data.length, Number(ts[3]), `length of frame ${p.frame}`);
    if (typeof e.data !== 'object' || e.data === null) return;
    const d = e.data;
    assert.equal([m.len, m.type, m.flags, m.seq, m.pid], [d.header.length, d.header.type, d.header.flags, d.header.sequence_number, d.header.pid], `header of frame ${p.frame}`);
    const o = m.object as Record<string, unknown>;
    if (m.type === U.RTM_NEWLINK) {
      assert.equal([o.index, o.type, o.flags], [d.index, d.ifi_type, d.flags]);
      const attr = (n: string): unknown => d.attrs.find((a) => a[0] === n)?.[1];
      assert.is(o.name, attr('IFLA_IFNAME'));
      assert.is(o.mtu, attr('IFLA_MTU'));
      assert.is(o.txQueueLen, attr('IFLA_TXQLEN'));
      assert.is(o.address, attr('IFLA_ADDRESS'));
    }
  });
});

ctest('ovs pcapng: 399 NETLINK_GENERIC frames, ns timestamps as tshark reads them', ['pcaps/ovs-netlink_drizzt.pcapng'], async (f) => {
  const ps = await readAll(f);
  assert.is(ps.length, 399);
  assert.ok(ps.every((p) => p.family === NETLINK_GENERIC && p.messages.length >= 1 && !p.error));
  // tshark -e frame.time_epoch: 1772027182.706963275 (frame 1), 1772027184.897938547 (frame 399)
  assert.is(ps[0]!.timestampNs, 1772027182706963275n);
  assert.is(ps[398]!.timestampNs, 1772027184897938547n);
  assert.equal([ps[0]!.messages[0]!.type, ps[0]!.messages[0]!.seq, ps[0]!.messages[0]!.len], [0x10, 1, 40]);
  assert.equal([ps[398]!.messages[0]!.seq, ps[398]!.messages[0]!.len], [1734, 32]);
  assert.is(ps[2]!.messages[0]!.len, 36);
});

ctest('xtcp2 sock_diag captures from kernels 4.19 to 7.0: family 4, SOCK_DIAG_BY_FAMILY and DONE', [
  'pcaps/xtcp2_sock_diag/4_19_319_netlink_sock_diag_request_single_packet_v4.pcap',
  'pcaps/xtcp2_sock_diag/4_19_319_netlink_sock_diag_response_dump_done.pcap',
  'pcaps/xtcp2_sock_diag/6_10_3_6_10_3_tcp_10_sockets.pcap',
  'pcaps/xtcp2_sock_diag/5_15_164_5_15_164_tcp_10_sockets.pcap',
], async (req, done, tcp10, mixed) => {
  const r = await readAll(req);
  assert.is(r.length, 1);
  assert.equal([r[0]!.family, r[0]!.familyName, r[0]!.messages[0]!.type, r[0]!.messages[0]!.seq], [NETLINK_SOCK_DIAG, 'NETLINK_SOCK_DIAG', 20, 123456]);
  assert.equal(r[0]!.messages[0]!.flagNames, ['REQUEST', 'DUMP']);
  const d = await readAll(done);
  assert.is(d[0]!.messages[0]!.type, NLMSG_DONE);
  const t = await readAll(tcp10);
  assert.is(t.length, 7);
  // 10 sockets answered over frames 2-3 and 6 (requests 1 and 5, DONE 4 and 7)
  assert.equal(t.map((p) => p.messages[0]!.type), [20, 20, 20, NLMSG_DONE, 20, 20, NLMSG_DONE]);
  // this one also caught NETLINK_ROUTE traffic (frames 8-20, tshark)
  const m = await readAll(mixed);
  assert.is(m.length, 20);
  assert.equal(m.map((p) => p.family), m.map((p) => (p.frame >= 8 ? NETLINK_ROUTE : NETLINK_SOCK_DIAG)));
  assert.equal(m[7]!.messages[0]!.typeName, 'RTM_NEWADDR');
  assert.equal(m[10]!.messages[0]!.typeName, 'NLMSG_ERROR');
  assert.is(m[10]!.messages[0]!.error!.request.typeName, 'RTM_NEWADDR');
  assert.is(m[10]!.messages[0]!.seq, 52);
  assert.equal(m[12]!.messages.every((x) => x.typeName === 'RTM_NEWROUTE' && x.seq === 53), true);
});

ctest('Ethernet captures are rejected with LinkTypeError before any packet', ['pcaps/negative/nldecap_1pkt_not_netlink_le.pcap', 'pcaps/negative/nldecap_1pkt_not_netlink_be.pcap'], async (le, be) => {
  for (const f of [le, be]) {
    const seen: unknown[] = [];
    const e = await rejectsA(
      (async () => {
        for await (const p of readNetlinkCapture(f)) seen.push(p);
      })(),
      LinkTypeError,
      /ETHERNET \(1\).*NETLINK \(253\)/,
    );
    assert.ok(e instanceof CaptureFormatError);
    assert.is(e.linktype, 1);
    assert.is(seen.length, 0);
  }
  // the generic reader reads them fine
  let n = 0;
  for await (const p of readPackets(le)) {
    n++;
    assert.is(p.linktype, 1);
  }
  assert.is(n, 1);
});

// ------------------------------------------------------- synthetic files

function pcapHeader(le: boolean, ns: boolean, linktype: number): Buffer {
  const h = Buffer.alloc(24);
  const w32 = (v: number, o: number): number => (le ? h.writeUInt32LE(v, o) : h.writeUInt32BE(v, o));
  const w16 = (v: number, o: number): number => (le ? h.writeUInt16LE(v, o) : h.writeUInt16BE(v, o));
  w32(ns ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(2, 4);
  w16(4, 6);
  w32(65535, 16);
  w32(linktype, 20);
  return h;
}

function pcapRecord(le: boolean, sec: number, frac: number, data: Buffer, orig = data.length): Buffer {
  const h = Buffer.alloc(16);
  const w32 = (v: number, o: number): number => (le ? h.writeUInt32LE(v, o) : h.writeUInt32BE(v, o));
  w32(sec, 0);
  w32(frac, 4);
  w32(data.length, 8);
  w32(orig, 12);
  return Buffer.concat([h, data]);
}

/** A netlink datagram: one message of `type` with a 4-byte payload, behind a cooked header of `family`. */
function frame(family: number, type: number, seq: number, pkttype = 4): Buffer {
  const w = new Writer();
  const s = w.msgStart(type, 0, seq, 0);
  w.u32(0xdeadbeef);
  w.msgEnd(s);
  const cooked = Buffer.alloc(16);
  cooked.writeUInt16BE(pkttype, 0);
  cooked.writeUInt16BE(824, 2);
  cooked.writeUInt16BE(family, 14);
  return Buffer.concat([cooked, w.toBuffer()]);
}

function block(le: boolean, type: number, body: Buffer): Buffer {
  const pad = (4 - (body.length % 4)) % 4;
  const total = 12 + body.length + pad;
  const b = Buffer.alloc(total);
  const w32 = (v: number, o: number): number => (le ? b.writeUInt32LE(v, o) : b.writeUInt32BE(v, o));
  w32(type, 0);
  w32(total, 4);
  body.copy(b, 8);
  w32(total, total - 4);
  return b;
}

function u32s(le: boolean, ...v: number[]): Buffer {
  const b = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => (le ? b.writeUInt32LE(x >>> 0, i * 4) : b.writeUInt32BE(x >>> 0, i * 4)));
  return b;
}

function shb(le: boolean): Buffer {
  const body = Buffer.alloc(16);
  if (le) {
    body.writeUInt32LE(0x1a2b3c4d, 0);
    body.writeUInt16LE(1, 4);
  } else {
    body.writeUInt32BE(0x1a2b3c4d, 0);
    body.writeUInt16BE(1, 4);
  }
  body.fill(0xff, 8, 16);
  return block(le, 0x0a0d0d0a, body);
}

function idb(le: boolean, linktype: number, tsresol?: number): Buffer {
  const head = Buffer.alloc(8);
  if (le) {
    head.writeUInt16LE(linktype, 0);
    head.writeUInt32LE(262144, 4);
  } else {
    head.writeUInt16BE(linktype, 0);
    head.writeUInt32BE(262144, 4);
  }
  const opts: Buffer[] = [];
  // an if_name option (skipped), then if_tsresol
  const name = Buffer.from('nlmon0\0\0');
  const o1 = Buffer.alloc(4);
  if (le) (o1.writeUInt16LE(2, 0), o1.writeUInt16LE(6, 2));
  else (o1.writeUInt16BE(2, 0), o1.writeUInt16BE(6, 2));
  opts.push(o1, name);
  if (tsresol !== undefined) {
    const o = Buffer.alloc(8);
    if (le) (o.writeUInt16LE(9, 0), o.writeUInt16LE(1, 2));
    else (o.writeUInt16BE(9, 0), o.writeUInt16BE(1, 2));
    o[4] = tsresol;
    opts.push(o);
  }
  opts.push(Buffer.alloc(4)); // opt_endofopt
  return block(le, 1, Buffer.concat([head, ...opts]));
}

function epb(le: boolean, iface: number, ts: bigint, data: Buffer): Buffer {
  const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
  return block(le, 6, Buffer.concat([u32s(le, iface, Number(ts >> 32n), Number(ts & 0xffffffffn), data.length, data.length), data, pad]));
}

function spb(le: boolean, data: Buffer): Buffer {
  const pad = Buffer.alloc((4 - (data.length % 4)) % 4);
  return block(le, 3, Buffer.concat([u32s(le, data.length), data, pad]));
}

test('pcap: nanosecond magic, both byte orders, snaplen-truncated frame flagged', async () => {
  for (const le of [true, false]) {
    const f1 = frame(NETLINK_ROUTE, NLMSG_DONE, 7);
    const f2 = frame(NETLINK_GENERIC, 0x10, 8);
    const cut = f2.subarray(0, 16 + 10); // header cut short by the snaplen
    const file = Buffer.concat([pcapHeader(le, true, 253), pcapRecord(le, 100, 123456789, f1), pcapRecord(le, 101, 5, cut, f2.length)]);
    const ps = await readAll([file]);
    assert.is(ps.length, 2);
    assert.is(ps[0]!.timestampNs, 100_123456789n);
    assert.is(ps[1]!.timestampNs, 101_000000005n);
    assert.equal([ps[0]!.messages[0]!.type, ps[0]!.messages[0]!.seq], [NLMSG_DONE, 7]);
    assert.is(ps[1]!.truncated, true);
    assert.is(ps[1]!.originalLength, f2.length);
    assert.ok(ps[1]!.error, 'cut message reported');
    assert.is(ps[1]!.messages.length, 0);
  }
});

test('pcapng: both byte orders, two sections, several interfaces with their own tsresol, EPB and SPB, unknown blocks skipped', async () => {
  const parts: Buffer[] = [];
  // section 1, big-endian: interface 0 in microseconds (default), interface 1 in 2^-10 s
  parts.push(shb(false), idb(false, 253), idb(false, 253, 0x80 | 10));
  parts.push(block(false, 0x00000bad, Buffer.from('custom block, skipped')));
  parts.push(epb(false, 0, 5_000_001n, frame(NETLINK_ROUTE, NLMSG_DONE, 1)));
  parts.push(epb(false, 1, 3n * 1024n + 512n, frame(NETLINK_GENERIC, 0x10, 2)));
  // section 2, little-endian: interfaces restart; interface 0 in ns
  parts.push(shb(true), idb(true, 253, 9));
  parts.push(block(true, 5, Buffer.alloc(20))); // interface statistics: skipped
  parts.push(epb(true, 0, 42_000000007n, frame(NETLINK_SOCK_DIAG, 20, 3)));
  parts.push(spb(true, frame(NETLINK_ROUTE, NLMSG_DONE, 4)));
  const file = Buffer.concat(parts);
  // feed it in awkward 7-byte chunks to exercise the buffering
  const chunks: Buffer[] = [];
  for (let i = 0; i < file.length; i += 7) chunks.push(file.subarray(i, i + 7));
  const ps = await readAll(Readable.from(chunks));
  assert.equal(ps.map((p) => [p.frame, p.interfaceId, p.family, p.messages[0]!.seq]), [
    [1, 0, NETLINK_ROUTE, 1],
    [2, 1, NETLINK_GENERIC, 2],
    [3, 0, NETLINK_SOCK_DIAG, 3],
    [4, 0, NETLINK_ROUTE, 4],
  ]);
  assert.is(ps[0]!.timestampNs, 5_000001000n);
  assert.is(ps[1]!.timestampNs, 3_500000000n);
  assert.is(ps[2]!.timestampNs, 42_000000007n);
  assert.is(ps[3]!.timestampNs, undefined, 'simple packet blocks carry no time');
});

test('corrupt and foreign files: CaptureFormatError with the place; packets before the damage are delivered', async () => {
  await rejectsA(readAll([Buffer.alloc(0)]), CaptureFormatError, /empty file/);
  await rejectsA(readAll([Buffer.from('GIF89a this is not a capture')]), CaptureFormatError, /not a pcap or pcapng capture/);
  await rejectsA(readAll([pcapHeader(true, false, 253).subarray(0, 20)]), CaptureFormatError, /truncated pcap file header/);
  const good = pcapRecord(true, 1, 0, frame(NETLINK_ROUTE, NLMSG_DONE, 1));
  const seen: NetlinkPacket[] = [];
  const it = readNetlinkCapture([Buffer.concat([pcapHeader(true, false, 253), good, good.subarray(0, 30)])]);
  const e = await rejectsA(
    (async () => {
      for await (const p of it) seen.push(p);
    })(),
    CaptureFormatError,
    /frame 2 is truncated/,
  );
  assert.is(seen.length, 1);
  assert.is(e.offset, 24 + good.length);
  // an absurd record length is refused, not allocated
  const huge = Buffer.concat([pcapHeader(true, false, 253), pcapRecord(true, 1, 0, Buffer.alloc(0), 0)]);
  huge.writeUInt32LE(0x7fffffff, 24 + 8);
  await rejectsA(readAll([huge]), CaptureFormatError, /exceeds the limit/);
  // pcapng: bad byte-order magic, block lengths that disagree, packet before any interface
  const badBom = shb(true);
  badBom.writeUInt32LE(0x11223344, 8);
  await rejectsA(readAll([badBom]), CaptureFormatError, /byte-order magic/);
  const disagree = Buffer.concat([shb(true), idb(true, 253)]);
  disagree.writeUInt32LE(disagree.readUInt32LE(disagree.length - 4) + 4, disagree.length - 4);
  await rejectsA(readAll([disagree]), CaptureFormatError, /lengths disagree/);
  await rejectsA(readAll([Buffer.concat([shb(true), epb(true, 0, 0n, frame(0, 3, 1))])]), CaptureFormatError, /interface 0, which was not described/);
  // pcapng with an Ethernet interface: LinkTypeError
  await rejectsA(readAll([Buffer.concat([shb(true), idb(true, 1)])]), LinkTypeError, /pcapng interface 0 has link type ETHERNET/);
  // a cooked header that is not ARPHRD_NETLINK is reported on the packet
  const notNl = frame(NETLINK_ROUTE, NLMSG_DONE, 1);
  notNl.writeUInt16BE(1, 2);
  const ps = await readAll([Buffer.concat([pcapHeader(true, false, 253), pcapRecord(true, 1, 0, notNl)])]);
  assert.match(ps[0]!.error!.message, /not ARPHRD_NETLINK/);
});

test('PcapWriter: cooked header with family and direction, read back identically', async () => {
  const chunks: Buffer[] = [];
  const w = new PcapWriter((c) => chunks.push(Buffer.from(c)), { nanosecond: true });
  const out = frame(NETLINK_ROUTE, U.RTM_GETLINK, 11).subarray(16);
  const inn = frame(NETLINK_ROUTE, NLMSG_DONE, 11).subarray(16);
  w.tap('out', out, NETLINK_ROUTE);
  w.write(inn, 'in', NETLINK_ROUTE, 1_700_000_000_123456789n);
  w.write(frame(NETLINK_GENERIC, 0x10, 5).subarray(16), 'in', NETLINK_GENERIC);
  w.close();
  w.write(inn, 'in', NETLINK_ROUTE); // ignored after close
  assert.is(w.packets, 3);
  const file = Buffer.concat(chunks);
  assert.is(file.readUInt32LE(0), 0xa1b23c4d);
  assert.is(file.readUInt32LE(20), 253);
  const ps = await readAll([file]);
  assert.equal(ps.map((p) => [p.pkttype, p.family, p.messages[0]!.type, p.messages[0]!.seq]), [
    [4, NETLINK_ROUTE, U.RTM_GETLINK, 11],
    [0, NETLINK_ROUTE, NLMSG_DONE, 11],
    [0, NETLINK_GENERIC, 0x10, 5],
  ]);
  assert.is(ps[1]!.timestampNs, 1_700_000_000_123456789n);
  assert.ok(ps[0]!.data.subarray(16).equals(out));
});

test('decodeDatagram: malformed framing reported, earlier messages kept; never throws', () => {
  const good = frame(NETLINK_ROUTE, NLMSG_DONE, 1).subarray(16);
  const bad = Buffer.concat([good, Buffer.from([0x40, 0, 0, 0, 3, 0, 0, 0])]);
  const r = decodeDatagram(bad, NETLINK_ROUTE);
  assert.is(r.messages.length, 1);
  assert.match(r.error!.message, /truncated nlmsghdr/);
  const lenTooBig = Buffer.from(good);
  lenTooBig.writeUInt32LE(999, 0);
  assert.match(decodeDatagram(lenTooBig, NETLINK_ROUTE).error!.message, /runs past the end/);
  // a link message whose attributes are garbage: decodeError on the message, header still there
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWLINK, 0, 9, 0);
  w.zero(16);
  w.u16(40); // attribute length past the end
  w.u16(3);
  w.msgEnd(s);
  const m = decodeDatagram(w.toBuffer(), NETLINK_ROUTE).messages[0]!;
  assert.is(m.seq, 9);
  assert.is(m.kind, 'link');
  assert.ok(m.decodeError);
  assert.is(m.object, undefined);
});

test.run();
