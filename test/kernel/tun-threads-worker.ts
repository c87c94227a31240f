/**
 * Worker of test/kernel/tun-threads.test.ts: opens its own TUN device (the
 * library's Tun, default stream options) in the namespace it is given, gives
 * the kernel an address on it, and writes ICMP echo requests to that address.
 * The kernel's echo replies come back out of the device and are read through
 * the library's normal read path (PacketStream.drain -> native readSlab).
 * Every packet read is checked whole: IPv4, ICMP echo reply, this worker's
 * addresses and ICMP id, and a payload made only of 8-byte records (tag of
 * this worker, sequence number) repeated, of the length that sequence number
 * was sent with. A packet holding any of another worker's bytes (its
 * addresses, or a payload record with its tag) is counted as foreign (and as
 * whole foreign when it is another worker's packet intact); anything else
 * that is not ours intact, as corrupt.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { statSync } from 'node:fs';
import { Tun, Rtnl, packet } from '../../src/index.js';

export interface TunThreadJob {
  /** 1..250: the worker's tag, ICMP id and address block (10.77.<id>.0/24). */
  id: number;
  /** Network namespace (name) to open the device in. */
  ns: string;
  /** Echo requests to send. */
  packets: number;
  /** Requests in flight at most. */
  window: number;
}

export interface TunThreadResult {
  id: number;
  device: string;
  sent: number;
  /** Packets read that passed every check (ours, intact). */
  ok: number;
  /** Packets read that hold another worker's bytes (its addresses or payload records). */
  foreign: number;
  /** Of those, packets that are wholly another worker's, intact. */
  wholeForeign: number;
  /** Packets read that are not ours intact and hold nothing of another worker's. */
  corrupt: number;
  /** Requests never answered (not a failure: reported). */
  lost: number;
  /** The first few bad packets, described. */
  bad: string[];
  /** The stream's own counters. */
  packetsIn: number;
  readCalls: number;
  readWakeups: number;
  /** /proc/thread-self/ns/net inode of the worker thread before and after. */
  nsInoBefore: number;
  nsInoAfter: number;
}

/** Messages to the parent: 'ready' after the run (device still open), then 'closed'. */
export type TunThreadMessage = { type: 'done'; result: TunThreadResult } | { type: 'closed' } | { type: 'error'; error: string };

const TAG_BASE = 0x52540000;
const tagOf = (id: number): number => (TAG_BASE | id) >>> 0;
/** Payload bytes for a sequence number: 64..1016, a multiple of 8, varying packet to packet. */
const payloadLen = (seq: number): number => 8 * (8 + ((seq * 7) % 120));

function payload(id: number, seq: number): Buffer {
  const n = payloadLen(seq);
  const b = Buffer.allocUnsafe(n);
  const tag = tagOf(id);
  for (let o = 0; o < n; o += 8) {
    b.writeUInt32BE(tag, o);
    b.writeUInt32BE(seq >>> 0, o + 4);
  }
  return b;
}

/** Whether p is an intact echo reply of worker k; returns its sequence number or -1. */
function intactOf(p: Buffer, k: number): number {
  if (p.length < 28 + 64 || p[0] !== 0x45 || p[9] !== 1 || p[20] !== packet.ICMP_ECHOREPLY) return -1;
  if (p.readUInt16BE(2) !== p.length) return -1;
  if (p[12] !== 10 || p[13] !== 77 || p[14] !== k || p[15] !== 1) return -1; // src: the kernel's address
  if (p[16] !== 10 || p[17] !== 77 || p[18] !== k || p[19] !== 2) return -1; // dst: ours
  if (p.readUInt16BE(24) !== (0x5200 | k)) return -1;
  const tag = tagOf(k);
  const seq = p.readUInt32BE(32);
  if (p.length !== 28 + payloadLen(seq)) return -1;
  if (p.readUInt16BE(26) !== (seq & 0xffff)) return -1;
  for (let o = 28; o < p.length; o += 8) {
    if (p.readUInt32BE(o) !== tag || p.readUInt32BE(o + 4) !== seq) return -1;
  }
  if (!packet.checksumsValid(p)) return -1;
  return seq;
}

/** Whether p holds bytes of another worker's packets: its addresses, or a payload record with another worker's tag. */
function holdsForeign(p: Buffer, id: number): boolean {
  if (p.length >= 20 && p[12] === 10 && p[13] === 77 && p[14] !== id) return true;
  if (p.length >= 20 && p[16] === 10 && p[17] === 77 && p[18] !== id) return true;
  for (let o = 28; o + 4 <= p.length; o += 8) {
    const t = p.readUInt32BE(o);
    if ((t & 0xffffff00) === TAG_BASE && t !== tagOf(id)) return true;
  }
  return false;
}

function describePacket(p: Buffer): string {
  const head = p.subarray(0, Math.min(p.length, 48)).toString('hex');
  return `${p.length} bytes: ${head}${p.length > 48 ? '...' : ''}`;
}

async function run(job: TunThreadJob): Promise<void> {
  const port = parentPort!;
  const nsInoBefore = statSync('/proc/thread-self/ns/net').ino;
  const tun = await Tun.open({ name: `tt${job.id}`, netns: job.ns, up: true });
  try {
    const rtnl = await Rtnl.open({ netns: job.ns });
    try {
      await rtnl.addrs.add(tun.name, `10.77.${job.id}.1/24`);
    } finally {
      await rtnl.close();
    }
    const src = `10.77.${job.id}.2`;
    const dst = `10.77.${job.id}.1`;
    const icmpId = 0x5200 | job.id;
    const res: TunThreadResult = {
      id: job.id, device: tun.name, sent: 0, ok: 0, foreign: 0, wholeForeign: 0, corrupt: 0, lost: 0, bad: [],
      packetsIn: 0, readCalls: 0, readWakeups: 0, nsInoBefore, nsInoAfter: 0,
    };
    let next = 0; // the next sequence number we expect an answer for
    let progress = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = (): void => {
        while (res.sent < job.packets && res.sent - next < job.window) {
          const seq = res.sent++;
          tun.write(packet.buildIcmp4Echo({ src, dst, id: icmpId, seq: seq & 0xffff, data: payload(job.id, seq) }));
        }
        if (next >= job.packets) finish();
      };
      const finish = (): void => {
        clearInterval(timer);
        tun.off('data', onData);
        resolve();
      };
      const onData = (p: Buffer): void => {
        progress++;
        const seq = intactOf(p, job.id);
        if (seq >= 0) {
          res.ok++;
          if (seq >= next) {
            res.lost += seq - next; // answers come in order: a gap is lost
            next = seq + 1;
          }
        } else {
          const whole = p.length > 18 && p[14] !== job.id && intactOf(p, p[14]!) >= 0;
          const foreign = whole || holdsForeign(p, job.id);
          if (whole) res.wholeForeign++;
          if (foreign) res.foreign++;
          else res.corrupt++;
          if (res.bad.length < 5) res.bad.push(`${whole ? 'whole foreign packet' : foreign ? 'foreign bytes' : 'corrupt'}: ${describePacket(p)}`);
        }
        pump();
      };
      // A request whose answer never comes (dropped somewhere): after a quiet
      // interval, count what is in flight as lost and go on.
      let seen = -1;
      const timer = setInterval(() => {
        if (progress === seen && res.sent > next) {
          res.lost += res.sent - next;
          next = res.sent;
          pump();
        }
        seen = progress;
      }, 200);
      tun.on('data', onData);
      tun.once('error', (e) => {
        clearInterval(timer);
        reject(e);
      });
      pump();
    });
    res.packetsIn = tun.stats.packetsIn;
    res.readCalls = tun.stats.readCalls;
    res.readWakeups = tun.stats.readWakeups;
    res.nsInoAfter = statSync('/proc/thread-self/ns/net').ino;
    // Keep the device until the parent has read its counters with iproute2.
    const closeNow = new Promise<void>((resolve) => port.once('message', () => resolve()));
    port.postMessage({ type: 'done', result: res } satisfies TunThreadMessage);
    await closeNow;
  } finally {
    await tun.close();
  }
  port.postMessage({ type: 'closed' } satisfies TunThreadMessage);
}

run(workerData as TunThreadJob).catch((e: unknown) => {
  parentPort!.postMessage({ type: 'error', error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies TunThreadMessage);
});
