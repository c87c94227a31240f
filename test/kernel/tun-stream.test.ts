// PacketStream semantics on an AF_UNIX datagram socketpair: a packet fd
// with real EAGAIN/POLLOUT behaviour (a TUN fd almost never returns EAGAIN
// on write, so backpressure is exercised here). No root needed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { packetPair, PacketStream, ArgumentError } from '../../src/index.js';
import { fdCount } from '../helpers.js';
import { throwsA } from '../expect.js';

const pkt = (i: number, size = 200): Buffer => {
  const b = Buffer.alloc(size, i & 0xff);
  b.writeUInt32BE(i, 0);
  return b;
};
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('one write = one packet, one chunk = one packet, in order, both directions', async () => {
  const [a, b] = packetPair();
  try {
    const got: Buffer[] = [];
    b.on('data', (p: Buffer) => got.push(p));
    for (let i = 0; i < 50; i++) a.write(pkt(i, 4 + i * 7));
    while (got.length < 50) await tick();
    got.forEach((p, i) => {
      assert.is(p.length, 4 + i * 7, `size of packet ${i}`);
      assert.ok(p.equals(pkt(i, 4 + i * 7).subarray(0, p.length)));
    });
    const back: Buffer[] = [];
    a.on('data', (p: Buffer) => back.push(p));
    b.write(Buffer.from('pong'));
    while (back.length < 1) await tick();
    assert.is(back[0]!.toString(), 'pong');
    assert.is(a.stats.packetsOut, 50);
    assert.is(b.stats.packetsIn, 50);
  } finally {
    await a.close();
    await b.close();
  }
});

test('large and mixed packet sizes arrive intact (slab and overflow paths)', async () => {
  const [a, b] = packetPair();
  try {
    const sizes = [1, 60000, 3000, 2047, 2049, 65000, 64, 1500, 30000, 9000, 4, 100, 20000, 50000, 1];
    const sent = sizes.map((n, i) => Buffer.alloc(n, (i * 37) & 0xff));
    const got: Buffer[] = [];
    b.on('data', (p: Buffer) => got.push(p));
    for (const p of sent) a.write(p);
    while (got.length < sent.length) await tick();
    got.forEach((p, i) => assert.ok(p.equals(sent[i]!), `packet ${i} (${sizes[i]} bytes) intact`));
    assert.is(b.stats.bytesIn, sizes.reduce((x, y) => x + y, 0));
  } finally {
    await a.close();
    await b.close();
  }
});

test('write backpressure: EAGAIN waits for POLLOUT, write() returns false, nothing is lost', async () => {
  const [a, b] = packetPair({ writableHighWaterMark: 16 });
  try {
    const N = 2000;
    let sawFalse = false;
    let i = 0;
    // Write as fast as allowed while nobody reads b: the socket send buffer
    // (a few hundred such datagrams) fills, writes hit EAGAIN and wait.
    const writer = new Promise<void>((resolve) => {
      const pump = (): void => {
        while (i < N) {
          if (!a.write(pkt(i++))) {
            sawFalse = true;
            a.once('drain', pump);
            return;
          }
        }
        resolve();
      };
      pump();
    });
    await sleep(50);
    assert.ok(a.stats.writeWaits > 0, 'EAGAIN was hit and waited on');
    assert.ok(sawFalse, 'write() returned false while packets waited');
    assert.ok(a.stats.packetsOut < N, 'not everything went out while the reader was away');
    const stuckAt = a.stats.packetsOut;
    await sleep(50);
    assert.is(a.stats.packetsOut, stuckAt, 'nothing moves (and nothing is dropped) while the peer does not read');
    // Now read: everything arrives, in order, exactly once.
    const seen: number[] = [];
    b.on('data', (p: Buffer) => seen.push(p.readUInt32BE(0)));
    await writer;
    while (seen.length < N) await tick();
    assert.is(seen.length, N);
    for (let k = 0; k < N; k++) if (seen[k] !== k) assert.unreachable(`packet ${k} arrived as ${seen[k]}`);
    assert.is(a.stats.packetsOut, N);
  } finally {
    await a.close();
    await b.close();
  }
});

test('read backpressure: a full readable buffer stops polling; the kernel keeps the rest', async () => {
  const [a, b] = packetPair({ readableHighWaterMark: 4, readBatch: 2 });
  try {
    for (let i = 0; i < 8; i++) a.write(pkt(i));
    b.pause();
    b.read(0); // start reading without consuming
    await sleep(50);
    const calls = b.stats.readCalls;
    assert.ok(b.stats.packetsIn >= 4 && b.stats.packetsIn < 8, `read only up to the high-water mark (read ${b.stats.packetsIn})`);
    await sleep(50);
    assert.is(b.stats.readCalls, calls, 'no reads while the buffer is full');
    const seen: number[] = [];
    b.on('data', (p: Buffer) => seen.push(p.readUInt32BE(0)));
    b.resume();
    while (seen.length < 8) await tick();
    assert.equal(seen, [0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    await a.close();
    await b.close();
  }
});

test('async iteration yields packets', async () => {
  const [a, b] = packetPair();
  try {
    for (let i = 0; i < 5; i++) a.write(pkt(i, 10));
    const seen: number[] = [];
    for await (const p of b) {
      seen.push((p as Buffer).readUInt32BE(0));
      if (seen.length === 5) break;
    }
    assert.equal(seen, [0, 1, 2, 3, 4]);
    assert.ok(b.destroyed, 'breaking out of for-await destroys the stream');
  } finally {
    await a.close();
    await b.close();
  }
});

test('bad packets are refused before anything is written (ArgumentError)', async () => {
  const [a, b] = packetPair({ maxPacketSize: 1000 });
  try {
    throwsA(() => a.write('text' as unknown as Buffer), ArgumentError, /Buffer or Uint8Array/);
    throwsA(() => a.write(Buffer.alloc(0)), ArgumentError, /1\.\.1000 bytes/);
    throwsA(() => a.write(Buffer.alloc(1001)), ArgumentError, /got 1001/);
    assert.is(a.stats.packetsOut, 0);
    throwsA(() => new PacketStream(-1, { readBatch: 0 }), ArgumentError, /readBatch/);
    throwsA(() => packetPair({ writeErrors: 'drop' as 'emit' }), ArgumentError, /writeErrors/);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a write the kernel refuses destroys the stream with the errno, or is reported with writeErrors: emit', async () => {
  // A unix datagram larger than the socket buffer fails with EMSGSIZE.
  const [a, b] = packetPair({ maxPacketSize: 262143 });
  const errP = new Promise<Error>((r) => a.once('error', r));
  a.write(Buffer.alloc(262143));
  const err = (await errP) as Error & { code?: string };
  assert.is(err.code, 'EMSGSIZE');
  assert.match(err.message, /refused a packet of 262143 bytes/);
  await a.close();
  await b.close();

  const [c, d] = packetPair({ writeErrors: 'emit', maxPacketSize: 262143 });
  try {
    const reported: Array<[string, number]> = [];
    c.on('writeError', (e: Error & { code?: string }, p: Uint8Array) => reported.push([e.code!, p.length]));
    const got: Buffer[] = [];
    d.on('data', (p: Buffer) => got.push(p));
    c.write(pkt(1, 10));
    c.write(Buffer.alloc(262143));
    c.write(pkt(2, 10));
    while (got.length < 2) await tick();
    assert.equal(reported, [['EMSGSIZE', 262143]]);
    assert.equal(got.map((p) => p.readUInt32BE(0)), [1, 2]);
    assert.is(c.stats.writeErrors, 1);
    assert.ok(!c.destroyed);
  } finally {
    await c.close();
    await d.close();
  }
});

test('closing with packets still waiting: their write callbacks get an error (none is silently lost)', async () => {
  const [a, b] = packetPair();
  const results: Array<string | null> = [];
  for (let i = 0; i < 2000; i++) a.write(pkt(i), (e) => results.push(e ? (e as Error & { code?: string }).code ?? e.message : null));
  await sleep(20);
  const written = a.stats.packetsOut;
  assert.ok(written < 2000, 'some packets wait (the peer does not read)');
  await a.close();
  await sleep(10);
  assert.is(results.length, 2000, 'every write callback was called');
  assert.is(results.filter((r) => r === null).length, written, 'written packets succeeded');
  assert.ok(results.slice(written).every((r) => r !== null), `the rest failed: ${results.slice(written)}`);
  await b.close();
});

test('close releases the fds (no leaks), also with writes pending', async () => {
  const before = fdCount();
  for (let k = 0; k < 5; k++) {
    const [a, b] = packetPair();
    for (let i = 0; i < 100; i++) a.write(pkt(i));
    await a.close();
    await b.close();
    assert.ok(a.fd === -1 && b.fd === -1);
  }
  assert.is(fdCount(), before);
});

test.run();
