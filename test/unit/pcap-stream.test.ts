// Boundedness (not speed): a capture of more than 150 MB decodes through the
// streamed reader while the process's resident memory grows by a small
// fraction of the file size.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNetlinkCapture } from '../../src/pcap/index.js';
import { PcapWriter } from '../../src/pcap/writer.js';
import { encodeLink, type Link } from '../../src/rtnl/link.js';
import { Writer } from '../../src/netlink/writer.js';
import { NETLINK_ROUTE, NLM_F_MULTI } from '../../src/netlink/constants.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';

const MiB = 1024 * 1024;

/** One datagram of `n` RTM_NEWLINK messages (like a link dump), seq patched per packet. */
function datagram(n: number): { bytes: Buffer; seqOffsets: number[] } {
  const w = new Writer(8192);
  const seqOffsets: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = w.msgStart(U.RTM_NEWLINK, NLM_F_MULTI, 0, 4242);
    seqOffsets.push(start + 8);
    encodeLink(w, {
      family: 0,
      type: 1,
      index: 100 + i,
      flags: 0x1003,
      change: 0,
      name: `veth${i}`,
      mtu: 1500,
      txQueueLen: 1000,
      address: '02:00:00:00:00:01',
      alias: 'x'.repeat(200),
      linkInfo: { kind: 'veth' },
    } as Partial<Link>);
    w.msgEnd(start);
  }
  return { bytes: w.toBuffer(), seqOffsets };
}

test('a 160 MB capture is decoded streamed: every frame in order, RSS growth far below the file size', async () => {
  const file = join(tmpdir(), `rtnl-stream-${process.pid}.pcap`);
  const { bytes, seqOffsets } = datagram(20);
  // Write the file with the library's writer, in big sequential chunks.
  const fd = openSync(file, 'w');
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    const b = Buffer.concat(batch);
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off);
    batch = [];
    batchBytes = 0;
  };
  const w = new PcapWriter((c) => {
    batch.push(c);
    batchBytes += c.length;
    if (batchBytes > 8 * MiB) flush();
  });
  let packets = 0;
  try {
    while (packets * (bytes.length + 32) < 160 * MiB) {
      packets++;
      for (const o of seqOffsets) bytes.writeUInt32LE(packets, o);
      w.write(bytes, packets % 2 ? 'in' : 'out', NETLINK_ROUTE, BigInt(packets) * 1000n);
    }
    w.close();
    flush();
  } finally {
    closeSync(fd);
  }
  try {
    const size = statSync(file).size;
    assert.ok(size > 100 * MiB, `file is ${size} bytes`);
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const rss0 = process.memoryUsage().rss;
    let maxRss = rss0;
    let maxFirstHalf = rss0;
    let n = 0;
    let msgs = 0;
    let inOrder = true;
    let last: Link | undefined;
    for await (const p of readNetlinkCapture(file)) {
      n++;
      msgs += p.messages.length;
      if (p.messages[0]!.seq !== n || p.pkttype !== (n % 2 ? 0 : 4)) inOrder = false;
      last = p.messages[19]!.object as unknown as Link;
      if (n % 256 === 0) {
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
        if (n <= packets / 2) maxFirstHalf = maxRss;
      }
    }
    maxRss = Math.max(maxRss, process.memoryUsage().rss);
    const growth = maxRss - rss0;
    const mb = (x: number): string => (x / MiB).toFixed(1);
    console.log(`  capture ${mb(size)} MiB, ${n} frames, ${msgs} messages; RSS ${mb(rss0)} -> max ${mb(maxFirstHalf)} MiB in the first half, ${mb(maxRss)} MiB overall (+${mb(growth)} MiB)`);
    assert.is(n, packets);
    assert.is(msgs, packets * 20);
    assert.ok(inOrder, 'frames come in file order with their direction');
    assert.is(last?.name, 'veth19');
    assert.is(last?.index, 119);
    // The heap settles at a working size (GC lag, semi-spaces) that does not depend on the file size:
    assert.ok(growth < Math.min(80 * MiB, size / 2), `RSS grew by ${mb(growth)} MiB for a ${mb(size)} MiB file`);
    // and reading the second half of the file adds (almost) nothing to the first half's peak.
    assert.ok(maxRss - maxFirstHalf < 24 * MiB, `second half raised the peak by ${mb(maxRss - maxFirstHalf)} MiB`);
  } finally {
    unlinkSync(file);
  }
});


test('a 124-byte capture whose record claims 60 MiB costs one chunk, not 60 MiB (the store grows with the bytes read)', async () => {
  const { readPackets, CaptureFormatError } = await import('../../src/pcap/index.js');
  const file = Buffer.alloc(24 + 16 + 84);
  file.writeUInt32LE(0xa1b2c3d4, 0);
  file.writeUInt16LE(2, 4);
  file.writeUInt16LE(4, 6);
  file.writeUInt32LE(262144, 16);
  file.writeUInt32LE(253, 20);
  file.writeUInt32LE(60 * MiB, 24 + 8); // captured length: far more than the file holds
  file.writeUInt32LE(60 * MiB, 24 + 12);
  // A source that notes the process's buffer memory when the reader asks for
  // more bytes: by then the reader has made room for what it expects.
  let atSecondPull = -1;
  const before = process.memoryUsage().arrayBuffers;
  const source = {
    *[Symbol.iterator](): Iterator<Uint8Array> {
      yield file;
      atSecondPull = process.memoryUsage().arrayBuffers - before;
    },
  };
  let err: unknown;
  try {
    for await (const p of readPackets(source)) void p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CaptureFormatError, String(err));
  assert.match(String((err as Error).message), /truncated/);
  assert.ok(atSecondPull >= 0, 'the reader asked for more bytes');
  assert.ok(atSecondPull < 8 * MiB, `buffers grew by ${(atSecondPull / MiB).toFixed(1)} MiB while reading a 124-byte file`);
});
test.run();
