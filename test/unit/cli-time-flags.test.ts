// rtnl-dump on hostile captures and attributes (issue 12, item 8 c and d):
// (c) pcapng timestamps anywhere in 64 bits (if_tsresol, if_tsoffset): a time
// no Date can hold is printed raw and the file goes on; times before 1970 and
// after 9999 are right to the nanosecond; classic pcap's 32-bit seconds too.
// (d) -d text shows the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits of attributes
// kept raw, as --json does (its "flags").
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';
import { isoNs } from '../../src/cli/format.js';
import { readNetlinkCapture } from '../../src/pcap/index.js';
import { NLA_F_NESTED, NLA_F_NET_BYTEORDER, NLMSG_DONE, NLM_F_MULTI } from '../../src/netlink/constants.js';
import { Writer } from '../../src/netlink/writer.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s) };
  const code = await main(argv, io);
  return { code, out, err: err.join('\n') };
}

async function withFile<T>(bytes: Buffer, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-time-'));
  try {
    const f = join(dir, 'c.pcapng');
    writeFileSync(f, bytes);
    return await fn(f);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

// ------------------------------------------------------------------ (c)

/** A LINKTYPE_NETLINK packet: cooked header + NLMSG_DONE with seq. */
function packet(seq: number): Buffer {
  const w = new Writer();
  const s = w.msgStart(NLMSG_DONE, NLM_F_MULTI, seq, 0);
  w.u32(0);
  w.msgEnd(s);
  const cooked = Buffer.alloc(16);
  cooked.writeUInt16BE(4, 0);
  cooked.writeUInt16BE(824, 2);
  return Buffer.concat([cooked, w.toBuffer()]);
}

/** A little-endian pcapng block. */
function block(type: number, body: Buffer): Buffer {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const b = Buffer.alloc(12 + padded.length);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(b.length, 4);
  padded.copy(b, 8);
  b.writeUInt32LE(b.length, b.length - 4);
  return b;
}

function shb(): Buffer {
  const body = Buffer.alloc(16, 0xff);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  return block(0x0a0d0d0a, body);
}

/** Interface description: LINKTYPE_NETLINK with optional if_tsresol (code 9) and if_tsoffset (code 14, s64 seconds). */
function idb(tsresol?: number, tsoffset?: bigint): Buffer {
  const parts = [Buffer.from([253, 0, 0, 0, 0, 0, 4, 0])];
  if (tsresol !== undefined) parts.push(Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0]));
  if (tsoffset !== undefined) {
    const o = Buffer.alloc(12);
    o.writeUInt16LE(14, 0);
    o.writeUInt16LE(8, 2);
    o.writeBigInt64LE(tsoffset, 4);
    parts.push(o);
  }
  parts.push(Buffer.alloc(4));
  return block(1, Buffer.concat(parts));
}

/** Enhanced packet block with a raw 64-bit timestamp in the interface's units. */
function epb(iface: number, ts: bigint, data: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt32LE(iface, 0);
  h.writeUInt32LE(Number(ts >> 32n), 4);
  h.writeUInt32LE(Number(ts & 0xffffffffn), 8);
  h.writeUInt32LE(data.length, 12);
  h.writeUInt32LE(data.length, 16);
  return block(6, Buffer.concat([h, data]));
}

const BIG = 1n << 50n; // seconds: about 3.6e7 years, past what a Date holds (8.64e15 ms, 275760 AD)

test('pcapng: a timestamp no Date can hold is printed raw and the file goes on; times past 9999 and before 1970 are exact', async () => {
  const file = Buffer.concat([
    shb(),
    idb(0), // interface 0: if_tsresol 10^0, whole seconds
    idb(undefined, 1n << 40n), // interface 1: microseconds, if_tsoffset 2^40 s (year 36812)
    idb(9, -1n), // interface 2: nanoseconds, if_tsoffset -1 s
    epb(0, 1_700_000_000n, packet(1)),
    epb(0, BIG, packet(2)),
    epb(1, 0n, packet(3)),
    epb(2, 999_500_000n, packet(4)), // 0.5 ms before the epoch
    epb(0, 1_700_000_001n, packet(5)),
  ]);
  const ns = [1_700_000_000n * 1_000_000_000n, BIG * 1_000_000_000n, (1n << 40n) * 1_000_000_000n, -500_000n, 1_700_000_001n * 1_000_000_000n];
  // the reader keeps every timestamp exactly (bigint ns)
  const ps = [];
  for await (const p of readNetlinkCapture(file)) ps.push(p);
  assert.equal(ps.map((p) => p.timestampNs), ns);
  // ISO strings from Date itself (the oracle), with the nanoseconds
  const year36812 = new Date(2 ** 40 * 1000).toISOString().replace('.000Z', '.000000000Z');
  assert.match(year36812, /^\+036812-/);
  const expectedTimes = ['2023-11-14T22:13:20.000000000Z', undefined, year36812, '1969-12-31T23:59:59.999500000Z', '2023-11-14T22:13:21.000000000Z'];
  await withFile(file, async (f) => {
    const t = await run('pcap', f);
    assert.is(t.code, 0, t.err);
    const heads = t.out.filter((l) => l.startsWith('frame '));
    assert.is(heads.length, 5, 'every frame printed, also after the out-of-range one');
    heads.forEach((h, i) => {
      const time = expectedTimes[i] ?? `timestamp ${ns[i]} ns (outside the date range)`;
      assert.ok(h.startsWith(`frame ${i + 1} ${time} NETLINK_ROUTE outgoing`), h);
    });
    const j = await run('pcap', '--json', f);
    assert.is(j.code, 0, j.err);
    const frames = j.out.map((l) => JSON.parse(l) as { frame: number; time?: string; timestampNs: string; messages: Array<{ seq: number }> });
    assert.equal(frames.map((x) => x.time), expectedTimes);
    assert.equal(frames.map((x) => x.timestampNs), ns.map(String));
    assert.equal(frames.map((x) => x.messages[0]!.seq), [1, 2, 3, 4, 5]);
  });
});

test('isoNs: exact around the epoch and at the edges of the Date range', () => {
  const maxMs = 8_640_000_000_000_000n;
  assert.is(isoNs(0n), '1970-01-01T00:00:00.000000000Z');
  assert.is(isoNs(-1n), '1969-12-31T23:59:59.999999999Z');
  assert.is(isoNs(-1_000_000_000n), '1969-12-31T23:59:59.000000000Z');
  assert.is(isoNs(1_999_999_999n), '1970-01-01T00:00:01.999999999Z');
  assert.is(isoNs(maxMs * 1_000_000n), new Date(Number(maxMs)).toISOString().replace('.000Z', '.000000000Z'));
  assert.is(isoNs(-maxMs * 1_000_000n), new Date(-Number(maxMs)).toISOString().replace('.000Z', '.000000000Z'));
  assert.is(isoNs(maxMs * 1_000_000n + 1_000_000_000n), undefined);
  assert.is(isoNs(-maxMs * 1_000_000n - 1n), undefined);
  assert.is(isoNs(-(1n << 200n)), undefined);
});

test('pcap (classic): the largest 32-bit seconds and fraction still print as a date', async () => {
  const h = Buffer.alloc(24);
  h.writeUInt32LE(0xa1b23c4d, 0); // nanosecond pcap
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(65535, 16);
  h.writeUInt32LE(253, 20);
  const data = packet(9);
  const r = Buffer.alloc(16);
  r.writeUInt32LE(0xffffffff, 0);
  r.writeUInt32LE(0xffffffff, 4); // not a valid fraction, but a number: 4.29 s more
  r.writeUInt32LE(data.length, 8);
  r.writeUInt32LE(data.length, 12);
  await withFile(Buffer.concat([h, r, data]), async (f) => {
    const t = await run('pcap', f);
    assert.is(t.code, 0, t.err);
    const ns = 0xffffffffn * 1_000_000_000n + 0xffffffffn;
    assert.is(t.out[0], `frame 1 ${new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().replace('.000Z', '')}.${String(ns % 1_000_000_000n).padStart(9, '0')}Z NETLINK_ROUTE outgoing ${data.length} bytes`);
  });
});

// ------------------------------------------------------------------ (d)

/** An RTM_NEWLINK with attributes kept raw: flagged unknown ones at the top and inside IFLA_LINKINFO. */
function flaggedLink(): Buffer {
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWLINK, 0, 5, 0);
  w.u8(0);
  w.u8(0);
  w.u16(1);
  w.s32(3);
  w.u32(0);
  w.u32(0);
  w.attrString(U.IFLA_IFNAME, 'f0');
  w.attrU32(999 | NLA_F_NET_BYTEORDER, 0x0100000a); // 0a000001 on the wire
  const n = w.nestStart(998); // NLA_F_NESTED
  w.attrU32(1, 5);
  w.attrU32(2 | NLA_F_NET_BYTEORDER, 0x0200000a);
  w.attrEnd(n);
  const both = w.attrStart(997 | NLA_F_NESTED | NLA_F_NET_BYTEORDER);
  w.attrEnd(both); // empty
  const li = w.nestStart(U.IFLA_LINKINFO);
  w.attrString(U.IFLA_INFO_KIND, 'veth');
  w.attrU16(77 | NLA_F_NET_BYTEORDER, 0x1234);
  w.attrEnd(li);
  w.attrU32(996, 7); // no flags
  w.msgEnd(s);
  return w.toBuffer();
}

test('-d text shows NLA_F_NESTED / NLA_F_NET_BYTEORDER of raw attributes, the same bits --json gives', async () => {
  const hex = flaggedLink().toString('hex');
  const d = await run('hex', '-d', hex);
  assert.is(d.code, 0, d.err);
  const lines = d.out.map((l) => l.trim());
  const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
  assert.ok(at(/^unknown\(type=999\) \[NLA_F_NET_BYTEORDER\] 0a000001$/) >= 0, d.out.join('\n'));
  const nest = at(/^unknown\(type=998\) \[NLA_F_NESTED\]$/);
  assert.ok(nest >= 0, d.out.join('\n'));
  assert.equal(lines.slice(nest + 1, nest + 3), ['unknown(type=1) 05000000', 'unknown(type=2) [NLA_F_NET_BYTEORDER] 0a000002']);
  assert.ok(at(/^unknown\(type=997\) \[NLA_F_NESTED\|NLA_F_NET_BYTEORDER\] \(empty\)$/) >= 0, d.out.join('\n'));
  assert.ok(at(/^unknown\(type=77\) \[NLA_F_NET_BYTEORDER\] 3412$/) >= 0, d.out.join('\n'));
  assert.ok(at(/^unknown\(type=996\) 07000000$/) >= 0, 'no flags: no brackets');
  // --json carries the same bits as numbers
  const j = await run('hex', '--json', hex);
  const obj = JSON.parse(j.out[0]!).object as { unknown: Array<{ type: number; flags: number }>; linkInfo: { unknown: Array<{ type: number; flags: number }> } };
  const flagsOf = (list: Array<{ type: number; flags: number }>): Record<number, number> => Object.fromEntries(list.map((u) => [u.type, u.flags]));
  assert.equal(flagsOf(obj.unknown), { 999: NLA_F_NET_BYTEORDER, 998: NLA_F_NESTED, 997: NLA_F_NESTED | NLA_F_NET_BYTEORDER, 996: 0 });
  assert.equal(flagsOf(obj.linkInfo.unknown), { 77: NLA_F_NET_BYTEORDER });
});

test('-d text of a family without a schema shows the flag bits too', async () => {
  // RTM_NEWQDISC: tcmsg (20 bytes), then attributes no schema here decodes
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWQDISC, 0, 6, 0);
  w.zero(20);
  w.attrU32(5 | NLA_F_NET_BYTEORDER, 0x01000000);
  const n = w.nestStart(2);
  w.attrU32(1, 9);
  w.attrEnd(n);
  w.msgEnd(s);
  const d = await run('hex', '-d', w.toBuffer().toString('hex'));
  assert.is(d.code, 0, d.err);
  const lines = d.out.map((l) => l.trim());
  assert.ok(lines.includes('unknown(type=5) [NLA_F_NET_BYTEORDER] 00000001'), d.out.join('\n'));
  const nest = lines.indexOf('unknown(type=2) [NLA_F_NESTED]');
  assert.ok(nest >= 0, d.out.join('\n'));
  assert.is(lines[nest + 1], 'unknown(type=1) 09000000');
});

test.run();
