// Hostile bytes against the decoder, on this process's main thread with
// Node's default stack (as a library user runs it): depth bombs and floods
// end in DecodeError with the attribute path and bounded memory; exceptions
// that are not DecodeError (a bug) are never relabelled; names that are not
// UTF-8 never alias; a repeated attribute holds the occurrence the kernel
// applies (the last), re-encoding byte-exact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import '../../src/rtnl/kinds/index.js';
import { decodeAttrs, describeAttrs, encodeAttrs, MAX_ATTRS, MAX_NESTING, nested, policy, u32, type Codec } from '../../src/netlink/attr.js';
import { checkIfName } from '../../src/rtnl/ifname.js';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { splitMessages } from '../../src/netlink/message.js';
import { decodeString, printableString, stringBytes, stringByteLength } from '../../src/netlink/strings.js';
import { Writer } from '../../src/netlink/writer.js';
import { decodeLink, encodeLink, linkPolicy, type Link } from '../../src/rtnl/link.js';
import { decodeMessage, describeRequestOffset } from '../../src/rtnl/schema.js';
import { registerKind } from '../../src/rtnl/kinds/registry.js';
import { eventFromMessage } from '../../src/rtnl/monitor.js';
import { decodeDatagram, PcapWriter, readNetlinkCapture } from '../../src/pcap/index.js';
import { main, type CliIo } from '../../src/cli/main.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';

setFlagsFromString('--expose-gc');
const fullGc = runInNewContext('gc') as () => void;
const gc = (): void => {
  fullGc();
  fullGc();
};

/** An RTM_NEWLINK message: ifinfomsg, then the attributes `body` writes. */
function linkMsg(body: (w: Writer) => void, size = 1 << 16): Buffer {
  const w = new Writer(size);
  const st = w.msgStart(U.RTM_NEWLINK, 0, 1, 0);
  w.zero(16);
  body(w);
  w.msgEnd(st);
  return w.toBuffer();
}

/** IFLA_LINKINFO { kind veth, data { peer { ifinfomsg, <inner> } } }, `levels` deep (40 bytes a level). */
function vethChain(w: Writer, levels: number): void {
  const li = w.nestStart(U.IFLA_LINKINFO);
  w.attrString(U.IFLA_INFO_KIND, 'veth');
  const da = w.nestStart(U.IFLA_INFO_DATA);
  const pe = w.attrStart(U.VETH_INFO_PEER);
  w.zero(16);
  if (levels > 1) vethChain(w, levels - 1);
  w.attrEnd(pe);
  w.attrEnd(da);
  w.attrEnd(li);
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s) };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function heapAndBuffers(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// ------------------------------------------------------------ item 2: depth, floods, memory

test('a veth peer chain 500 levels deep (20 KB) is a DecodeError naming the nesting limit and the path, not a stack overflow', () => {
  const b = linkMsg((w) => vethChain(w, 500));
  assert.ok(b.length > 19000 && b.length < 21000, `${b.length} bytes`);
  const m = splitMessages(b)[0]!;
  let err: unknown;
  try {
    decodeMessage(m);
  } catch (e) {
    err = e;
  }
  assert.instance(err, DecodeError, `got ${String((err as Error)?.stack ?? err)}`);
  const e = err as DecodeError;
  assert.match(e.message, `nested more than ${MAX_NESTING} levels deep`);
  // the path runs through the peer's own attributes: IFLA/IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/IFLA_LINKINFO/...
  assert.ok(e.path.startsWith('IFLA/IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/'), e.path);
  assert.equal(e.path.split('/').length, MAX_NESTING + 1, e.path); // 'IFLA' and the 32 attributes it lies in
  // a chain that stays within the limit decodes (10 levels = 30 attribute sets), peer inside peer
  const ok = linkMsg((w) => vethChain(w, 10));
  let l = decodeLink(ok, 16, ok.length) as Partial<Link>;
  for (let i = 0; i < 9; i++) l = (l.linkInfo!.data as { peer: Partial<Link> }).peer;
  assert.equal(l.linkInfo?.kind, 'veth');
});

test('a plain NLA_F_NESTED chain 16,000 deep: the offset describer stops at the nesting limit, the decoder keeps it raw', () => {
  const b = linkMsg((w) => {
    const outer = w.nestStart(U.IFLA_AF_SPEC);
    const starts: number[] = [];
    for (let i = 0; i < 16000; i++) starts.push(w.nestStart(7));
    for (let i = starts.length - 1; i >= 0; i--) w.attrEnd(starts[i]!);
    w.attrEnd(outer);
  });
  const path = describeRequestOffset(b, b.length - 8);
  assert.ok(path !== undefined && path.startsWith('IFLA_AF_SPEC/') && path.endsWith('/...'), String(path));
  assert.ok(path!.split('/').length <= MAX_NESTING + 1, path);
  decodeLink(b, 16, b.length); // IFLA_AF_SPEC of family 7 is not ours to decode: kept raw, no recursion
});

test('a 64 KB depth bomb leaves no memory behind (the scratch pools are bounded by the nesting limit and the policies)', () => {
  const b = linkMsg((w) => vethChain(w, 1600));
  assert.ok(b.length > 63000, `${b.length} bytes`);
  const m = splitMessages(b)[0]!;
  for (let i = 0; i < 3; i++) assert.throws(() => decodeMessage(m), (e: unknown) => e instanceof DecodeError);
  gc();
  const before = heapAndBuffers();
  for (let i = 0; i < 20; i++) assert.throws(() => decodeMessage(m), (e: unknown) => e instanceof DecodeError);
  gc();
  const grown = heapAndBuffers() - before;
  assert.ok(grown < 2 * 1048576, `retained ${(grown / 1048576).toFixed(1)} MiB after 20 decodes of a 64 KB depth bomb`);
});

test(`a flood of 4-byte attributes: past ${MAX_ATTRS} in one message it is a DecodeError; below, memory stays within 48x the message`, () => {
  // 2 MiB of 4-byte attributes (524,284 of them)
  const big = linkMsg((w) => {
    for (let i = 0; i < 524284; i++) {
      w.u16(4);
      w.u16(0x3f00);
    }
  }, 2 << 20);
  gc();
  const before = heapAndBuffers();
  const e = (() => {
    try {
      decodeLink(big, 16, big.length);
    } catch (err) {
      return err;
    }
    return undefined;
  })();
  assert.instance(e, DecodeError);
  assert.match((e as Error).message, `more than ${MAX_ATTRS} attributes in one message`);
  assert.equal((e as DecodeError).path, 'IFLA');
  gc();
  assert.ok(heapAndBuffers() - before < 2 * 1048576, `retained ${((heapAndBuffers() - before) / 1048576).toFixed(1)} MiB after the refused flood`);
  // the same limit counts the attributes of every nested set together
  const nestedFlood = linkMsg((w) => {
    for (let k = 0; k < 5; k++) {
      const s = w.nestStart(U.IFLA_PROP_LIST);
      for (let i = 0; i < 16000; i++) {
        w.u16(4);
        w.u16(U.IFLA_ALT_IFNAME);
      }
      w.attrEnd(s);
    }
  }, 1 << 20);
  assert.throws(() => decodeLink(nestedFlood, 16, nestedFlood.length), (x: unknown) => x instanceof DecodeError && /IFLA\/IFLA_PROP_LIST/.test(x.path));
  // just below the limit: decoded, and the decoded object holds at most 48x the message (measured: 42x, each raw attribute an object and a view)
  const under = linkMsg((w) => {
    for (let i = 0; i < MAX_ATTRS - 1; i++) {
      w.u16(4);
      w.u16(0x3f00);
    }
  }, 1 << 20);
  gc();
  const b0 = heapAndBuffers();
  const l = decodeLink(under, 16, under.length);
  gc();
  const held = heapAndBuffers() - b0;
  assert.equal(l.unknown?.length, MAX_ATTRS - 1);
  assert.ok(held < 48 * under.length, `decoding ${under.length} bytes holds ${held} bytes (${(held / under.length).toFixed(1)}x)`);
  const w = new Writer(1 << 20);
  encodeLink(w, l);
  assert.ok(w.view().equals(under.subarray(16)), 'the flood re-encodes byte for byte');
});

test('a string attribute without a NUL is bounded by its attribute (not searched to the end of the datagram)', () => {
  // IFLA_IFNAME attributes with no zero byte anywhere (length 0x0101, NLA_F_NET_BYTEORDER set): each search must stop at its attribute
  const b = linkMsg((w) => {
    for (let i = 0; i < 60; i++) {
      w.u16(0x0101);
      w.u16(U.IFLA_IFALIAS | 0x4000);
      for (let k = 0; k < 0x0101 - 4; k++) w.u8(0x41);
      w.align4();
    }
  });
  const l = decodeLink(b, 16, b.length);
  assert.equal(l.alias, 'A'.repeat(0x0101 - 4));
  assert.equal(l.unknown?.length, 59);
});

// ------------------------------------------------------------ item 2: foreign exceptions

// A kind whose data codec has a bug: it throws a TypeError (not malformed bytes).
const buggy: Codec<number> = {
  name: 'buggy',
  size: 4,
  decode: () => {
    throw new TypeError('codec bug: cannot read properties of undefined');
  },
  encode: () => undefined,
  check: (v) => v as number,
};
registerKind({ kind: 'buggytest', data: policy('IFLA_BUGGY', { IFLA_BUGGY_X: 1 }, [['IFLA_BUGGY_X', 'x', buggy]]) });

function buggyMessage(): Buffer {
  return linkMsg((w) => {
    w.attrString(U.IFLA_IFNAME, 'b0');
    const li = w.nestStart(U.IFLA_LINKINFO);
    w.attrString(U.IFLA_INFO_KIND, 'buggytest');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    w.attrU32(1, 7);
    w.attrEnd(d);
    w.attrEnd(li);
  });
}

test('a TypeError from a codec is never relabelled DecodeError: capture decoder, capture reader, monitor events, rtnl-dump hex and pcap', async () => {
  const b = buggyMessage();
  assert.throws(() => decodeLink(b, 16, b.length), (e: unknown) => e instanceof TypeError && !(e instanceof DecodeError));
  // the capture decoder reports malformed bytes per message (decodeError); a bug propagates as itself
  assert.throws(() => decodeDatagram(b, 0), (e: unknown) => e instanceof TypeError && /codec bug/.test((e as Error).message));
  // a DecodeError is still reported per message, with the messages around it
  const bad = linkMsg((w) => w.attrU32(U.IFLA_MTU, 1));
  bad.writeUInt16LE(3, 32); // attribute length 3: malformed
  const r = decodeDatagram(bad, 0);
  assert.instance(r.messages[0]!.decodeError, DecodeError);
  // the streamed reader
  const chunks: Buffer[] = [];
  const pw = new PcapWriter((c) => chunks.push(c));
  pw.write(b, 'in', 0, 1n);
  const pcap = Buffer.concat(chunks);
  let readErr: unknown;
  try {
    for await (const _ of readNetlinkCapture(pcap)) void _;
  } catch (e) {
    readErr = e;
  }
  assert.ok(readErr instanceof TypeError && !(readErr instanceof DecodeError), String(readErr));
  // monitor: a bug building an event is thrown (the monitor turns it into an error event, as itself)
  assert.throws(() => eventFromMessage(splitMessages(b)[0]!), (e: unknown) => e instanceof TypeError && !(e instanceof DecodeError));
  // the CLI exits non-zero naming the error, instead of printing "decode error" and exiting 0
  const hex = await cli('hex', b.toString('hex'));
  assert.equal(hex.code, 1, hex.out);
  assert.match(hex.err, 'TypeError: codec bug');
  const dir = (await import('node:fs')).mkdtempSync('/tmp/rtnl-hostile-');
  const file = `${dir}/buggy.pcap`;
  (await import('node:fs')).writeFileSync(file, pcap);
  try {
    const p = await cli('pcap', file);
    assert.equal(p.code, 1, p.out);
    assert.match(p.err, 'TypeError: codec bug');
  } finally {
    (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
  }
});

test('rtnl-dump hex on the 500-level depth bomb prints a decode error with the path and exits 0 (malformed bytes, reported)', async () => {
  const b = linkMsg((w) => vethChain(w, 500));
  const r = await cli('hex', b.toString('hex'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, `decode error: attributes nested more than ${MAX_NESTING} levels deep (at IFLA/IFLA_LINKINFO/IFLA_INFO_DATA/VETH_INFO_PEER/`);
});

// ------------------------------------------------------------ item 3a: names keep their bytes

const NAME_BYTES = [Buffer.from('78ff', 'hex'), Buffer.from('78fe', 'hex'), Buffer.from('78efbfbd', 'hex')];

function nameMsg(name: Buffer): Buffer {
  return linkMsg((w) => {
    const s = w.attrStart(U.IFLA_IFNAME);
    w.bytes(name);
    w.u8(0);
    w.attrEnd(s);
  });
}

test('interface names x\\xff, x\\xfe and x\\xef\\xbf\\xbd decode to three different strings and encode back to their bytes', () => {
  const names = NAME_BYTES.map((n) => decodeLink(nameMsg(n), 16, nameMsg(n).length).name);
  assert.equal(new Set(names).size, 3, JSON.stringify(names));
  assert.equal(names[2], 'x\ufffd'); // a real U+FFFD is itself
  assert.equal(names.map(printableString), ['x\\xff', 'x\\xfe', 'x\ufffd']);
  NAME_BYTES.forEach((bytes, i) => {
    const msg = nameMsg(bytes);
    const l = decodeLink(msg, 16, msg.length);
    // the same bytes back: in a re-encoded message, and wherever a name is sent
    const w = new Writer();
    encodeLink(w, l);
    assert.ok(w.view().equals(msg.subarray(16)), `re-encoding ${bytes.toString('hex')}`);
    assert.ok(stringBytes(l.name).equals(bytes));
    assert.equal(stringByteLength(l.name), bytes.length);
    const w2 = new Writer();
    w2.attrString(U.IFLA_IFNAME, l.name);
    assert.ok(w2.view().subarray(4, 4 + bytes.length).equals(bytes));
    // and the name is accepted where a name is taken (its byte length is what counts)
    assert.equal(checkIfName(l.name, 'name'), l.name);
  });
});

test('every byte string decodes to a string that encodes back to it (invalid, overlong, surrogate, truncated sequences)', () => {
  const cases = ['c080', 'eda080', 'edb280', 'f4908080', 'e282', 'f09f98', 'f09f9880', 'c3a9', 'e282ac', 'ff41', '80', 'efbfbd', 'c3', 'e0a080', 'e08080'];
  const seen = new Map<string, string>();
  for (const h of cases) {
    const b = Buffer.from(h, 'hex');
    const s = decodeString(b, 0, b.length);
    assert.ok(stringBytes(s).equals(b), `${h} -> ${JSON.stringify(s)} -> ${stringBytes(s).toString('hex')}`);
    assert.ok(!seen.has(s), `${h} and ${seen.get(s)} decode to the same string`);
    seen.set(s, h);
  }
  // exhaustive over 1- and 2-byte strings: injective and lossless
  const all = new Set<string>();
  for (let a = 0; a < 256; a++) {
    for (let c = 0; c < 256; c++) {
      const b = Buffer.from([a, c]);
      const s = decodeString(b, 0, 2);
      assert.ok(stringBytes(s).equals(b), b.toString('hex'));
      all.add(s);
    }
  }
  assert.equal(all.size, 65536);
});

test('short ASCII strings come from a cache that never returns another string (collisions, evictions, offsets)', () => {
  // ~40,000 distinct 1..16-byte ASCII strings through the cache's 512 slots
  // (many share a slot), each decoded several times at different offsets of
  // a larger buffer, mixed with bytes that are not ASCII: every decode gives
  // the bytes' own text
  let seed = 12345;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
  const words: Buffer[] = [];
  for (let i = 0; i < 40000; i++) words.push(Buffer.from(Array.from({ length: 1 + rnd(16) }, () => 32 + rnd(95))));
  words.push(Buffer.from('veth'), Buffer.from('vet'), Buffer.from('veth\u00e9', 'utf8'), Buffer.from([0x76, 0x65, 0x74, 0xff]));
  for (let round = 0; round < 3; round++) {
    for (const w of words) {
      const pad = rnd(8);
      const b = Buffer.alloc(pad + w.length + 3, 0x41);
      w.copy(b, pad);
      const s = decodeString(b, pad, pad + w.length);
      if (!stringBytes(s).equals(w)) assert.unreachable(`${w.toString('hex')} decoded to ${JSON.stringify(s)}`);
    }
  }
  assert.is(decodeString(Buffer.from([0x76, 0x65, 0x74, 0xff]), 0, 4), 'vet\udcff');
});

test('names that would address other bytes than they say are refused with ArgumentError, before anything is sent', () => {
  // a lone surrogate that is not an escaped byte would go out as U+FFFD; escaped bytes that form UTF-8 would be "é"
  for (const bad of ['x\ud800', 'x\udcc3\udca9', 'a\u00a0b', 'a/b', 'x'.repeat(16)]) {
    assert.throws(() => checkIfName(bad, 'name'), (e: unknown) => e instanceof ArgumentError && e.field === 'name', bad);
  }
  // a name of 15 bytes written as escapes is 15 bytes, not 45
  assert.equal(checkIfName('\udcff'.repeat(15), 'name'), '\udcff'.repeat(15));
  // U+2003 (EM SPACE) is no byte the kernel calls space: allowed, as dev_valid_name allows it
  assert.equal(checkIfName('a\u2003b', 'name'), 'a\u2003b');
});

test('rtnl-dump prints a name that is not UTF-8 as \\xNN in text, and as the decoded string in JSON', async () => {
  const msg = nameMsg(NAME_BYTES[0]!);
  const t = await cli('hex', '-d', msg.toString('hex'));
  assert.equal(t.code, 0, t.err);
  assert.match(t.out, '0: x\\xff: <');
  assert.match(t.out, 'IFLA_IFNAME "x\\xff"');
  const j = await cli('hex', '--json', msg.toString('hex'));
  assert.equal((JSON.parse(j.out) as { object: { name: string } }).object.name, 'x\udcff');
});

// ------------------------------------------------------------ item 3b: repeated attributes

test('a repeated attribute holds the last occurrence (IFLA_MTU 1400 then 1300 -> 1300); the first stays raw and re-encoding is byte-exact', () => {
  const msg = linkMsg((w) => {
    w.attrString(U.IFLA_IFNAME, 'd0');
    w.attrU32(U.IFLA_MTU, 1400);
    w.attrU32(U.IFLA_TXQLEN, 7);
    w.attrU32(U.IFLA_MTU, 1300);
  });
  const l = decodeLink(msg, 16, msg.length);
  assert.equal(l.mtu, 1300);
  assert.equal(l.unknown?.map((u) => [u.type, Buffer.from(u.data).readUInt32LE(0)]), [[U.IFLA_MTU, 1400]]);
  assert.equal(describeAttrs(linkPolicy, l as unknown as Record<string, unknown>).map(([n, v]) => [n, v instanceof Uint8Array ? 'raw' : v]), [
    ['IFLA_IFNAME', 'd0'],
    ['IFLA_MTU(raw)', 'raw'],
    ['IFLA_TXQLEN', 7],
    ['IFLA_MTU', 1300],
  ]);
  const w = new Writer();
  encodeLink(w, l);
  assert.ok(w.view().equals(msg.subarray(16)));
  // the same again (the shape cache must not mix this layout up with another)
  const l2 = decodeLink(msg, 16, msg.length);
  assert.equal([l2.mtu, l2.txQueueLen, l2.name], [1300, 7, 'd0']);
  // three occurrences, and thousands: the last wins, every other one is kept in wire order
  const many = linkMsg((w2) => {
    for (let i = 0; i < 5000; i++) w2.attrU32(U.IFLA_MTU, 1000 + i);
  }, 1 << 17);
  const lm = decodeLink(many, 16, many.length);
  assert.equal(lm.mtu, 5999);
  assert.equal(lm.unknown?.length, 4999);
  assert.equal(Buffer.from(lm.unknown![4998]!.data).readUInt32LE(0), 5998);
  const wm = new Writer(1 << 17);
  encodeLink(wm, lm);
  assert.ok(wm.view().equals(many.subarray(16)));
});

test('when the last occurrence does not decode (wrong size), the field is absent rather than showing an earlier value', () => {
  const msg = linkMsg((w) => {
    w.attrU32(U.IFLA_MTU, 1400);
    const s = w.attrStart(U.IFLA_MTU);
    w.u16(1300);
    w.attrEnd(s);
  });
  const l = decodeLink(msg, 16, msg.length);
  assert.equal(l.mtu, undefined);
  assert.equal(l.unknown?.map((u) => u.data.length), [4, 2]);
  const w = new Writer();
  encodeLink(w, l);
  assert.ok(w.view().equals(msg.subarray(16)));
});

test('the last IFLA_INFO_KIND decides how IFLA_INFO_DATA reads, wherever it stands (as the kernel reads the set whole)', () => {
  const msg = linkMsg((w) => {
    const li = w.nestStart(U.IFLA_LINKINFO);
    w.attrString(U.IFLA_INFO_KIND, 'veth');
    const d = w.nestStart(U.IFLA_INFO_DATA);
    w.attrU32(U.IFLA_BR_FORWARD_DELAY, 1500);
    w.attrEnd(d);
    w.attrString(U.IFLA_INFO_KIND, 'bridge');
    w.attrEnd(li);
  });
  const l = decodeLink(msg, 16, msg.length);
  assert.equal(l.kind, 'bridge');
  assert.equal((l.linkInfo?.data as { forwardDelay?: number }).forwardDelay, 1500);
  const w = new Writer();
  encodeLink(w, l);
  assert.ok(w.view().equals(msg.subarray(16)));
  // the data before its kind, once: decoded too
  const first = linkMsg((w2) => {
    const li = w2.nestStart(U.IFLA_LINKINFO);
    const d = w2.nestStart(U.IFLA_INFO_DATA);
    w2.attrU32(U.IFLA_BR_FORWARD_DELAY, 900);
    w2.attrEnd(d);
    w2.attrString(U.IFLA_INFO_KIND, 'bridge');
    w2.attrEnd(li);
  });
  const lf = decodeLink(first, 16, first.length);
  assert.equal((lf.linkInfo?.data as { forwardDelay?: number }).forwardDelay, 900);
  const wf = new Writer();
  encodeLink(wf, lf);
  assert.ok(wf.view().equals(first.subarray(16)));
});

test('repeated attributes in a generic policy: values, raw kept in order, nested sets too', () => {
  const inner = policy('T_IN', { T_IN_A: 1 }, [['T_IN_A', 'a', u32]]);
  const outer = policy('T', { T_X: 1, T_N: 2 }, [
    ['T_X', 'x', u32],
    ['T_N', 'n', nested(inner)],
  ]);
  const w = new Writer();
  w.attrU32(1, 1);
  let s = w.nestStart(2);
  w.attrU32(1, 10);
  w.attrU32(1, 11);
  w.attrEnd(s);
  w.attrU32(99, 5);
  w.attrU32(1, 2);
  s = w.nestStart(2);
  w.attrU32(1, 20);
  w.attrEnd(s);
  const b = w.toBuffer();
  const o = decodeAttrs<{ x: number; n: { a: number; unknown?: unknown[] }; unknown?: Array<{ type: number }> }>(b, 0, b.length, outer);
  assert.equal(o.x, 2);
  assert.equal(o.n.a, 20);
  assert.equal(o.unknown?.map((u) => u.type), [1, 2, 99]);
  const w2 = new Writer();
  encodeAttrs(w2, outer, o as unknown as Record<string, unknown>);
  assert.ok(w2.view().equals(b));
  // the inner set's own repeat: the last value, the first raw
  const w3 = new Writer();
  const o3 = decodeAttrs<{ n: { a: number } }>(b, 0, 28, outer);
  assert.equal(o3.n.a, 11);
  encodeAttrs(w3, outer, o3 as unknown as Record<string, unknown>);
  assert.ok(w3.view().equals(b.subarray(0, 28)));
});

test.run();
