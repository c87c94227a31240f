// A live nlmon capture (VM lane: the host kernel has no nlmon): tcpdump on
// nlmon0 records a namespace's netlink traffic while the library and iproute2
// work in it; the capture must decode completely with our pcap decoder, and
// what the kernel captured must be, byte for byte, what the library's tap says
// it sent and received. Netlink taps are per network namespace (the kernel
// keeps its tap list in the namespace's net_generic data and hands a datagram
// to the taps of the namespace of the user socket involved), so only the
// traffic of this test's namespace is in the capture: the test also works in a
// second namespace and in the initial one meanwhile and checks none of it shows.
//
// With RTNL_NLMON_KEEP=FILE the capture is copied to FILE
// (scripts/capture-nlmon-fixture.sh makes test/fixtures/nlmon-6.1.pcap this way).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rtnl } from '../../src/index.js';
import { readNetlinkCapture, type NetlinkPacket } from '../../src/pcap/index.js';
import { NLMSG_ERROR } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { ktest, skip, withNetns, ip, ipJson, have } from '../helpers.js';
import { NLMON, IP_COMMANDS, librarySequence, checkScenarioCapture } from '../nlmon-scenario.js';
const { RTM_NEWLINK } = UAPI;

const OTHER = 'nlm-other0';
const NAME = 'nlmon: tcpdump on nlmon0 captures the library and ip; every frame decodes; our datagrams byte for byte';

/** Packets written so far (tcpdump may be in the middle of a write: stop at the damage). */
async function readSoFar(file: string): Promise<NetlinkPacket[]> {
  const out: NetlinkPacket[] = [];
  try {
    for await (const p of readNetlinkCapture(file)) out.push(p);
  } catch {
    /* a partly written packet at the end */
  }
  return out;
}

async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** seq of a request datagram (nlmsghdr.nlmsg_seq). */
const seqOf = (b: Buffer): number => b.readUInt32LE(8);

/** Wait until the capture holds the kernel's ACK to `seq` sent to port `pid`. */
function ackCaptured(file: string, pid: number, seq: number): Promise<NetlinkPacket[]> {
  return until(`the ACK to seq ${seq} in the capture`, 30000, async () => {
    const ps = await readSoFar(file);
    const hit = ps.some((p) => p.messages.some((m) => m.type === NLMSG_ERROR && m.pid === pid && m.error?.request.seq === seq));
    return hit ? ps : undefined;
  });
}

if (!have('tcpdump')) {
  skip(test, NAME, 'tcpdump not installed (scripts/setup.sh installs it)');
} else {
  ktest(
    test,
    NAME,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rtnl-nlmon-'));
      const file = join(dir, 'nlmon.pcap');
      let dumper: ChildProcess | undefined;
      try {
        await withNetns(2, async (ns, other) => {
          // A control handle (not tapped): makes nlmon0 and the start/stop markers.
          const ctlOut: Buffer[] = [];
          const ctl = await Rtnl.open({ netns: ns, tap: (d, b) => d === 'out' && ctlOut.push(Buffer.from(b)) });
          const tapped: Array<{ dir: 'in' | 'out'; bytes: Buffer }> = [];
          let r: Rtnl | undefined;
          try {
            await ctl.links.add({ kind: 'nlmon', name: NLMON.dev });
            await ctl.links.set(NLMON.dev, { up: true });
            const seen = ipJson<Array<{ ifname: string; flags: string[]; link_type: string }>>(ns, 'link', 'show', NLMON.dev)[0]!;
            assert.is(seen.link_type, 'netlink', 'ip sees an nlmon device');
            assert.ok(seen.flags.includes('UP'));

            // tcpdump in the namespace (`ip netns exec` execs it: the child is tcpdump itself)
            let stderr = '';
            const td = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '-i', NLMON.dev, '-w', file, '-U', '-n'], { stdio: ['ignore', 'ignore', 'pipe'] });
            dumper = td;
            td.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
            const exited = new Promise<number | null>((res) => td.on('exit', (code) => res(code)));
            await until('tcpdump to listen', 30000, async () => {
              if (td.exitCode !== null) throw new Error(`tcpdump exited (${td.exitCode}): ${stderr}`);
              return /listening on nlmon0, link-type NETLINK/.test(stderr) ? true : undefined;
            });
            // Start marker: once its ACK is in the file, the capture is running.
            await ctl.links.get('lo');
            await ackCaptured(file, ctl.socket.portid, seqOf(ctlOut[ctlOut.length - 1]!));

            // The scenario: the library on a tapped handle, then iproute2.
            r = await Rtnl.open({ netns: ns, tap: (d, b) => tapped.push({ dir: d, bytes: Buffer.from(b) }) });
            await librarySequence(r);
            // Traffic of another namespace and of the VM's own: not ours to see (taps are per namespace).
            ip(other, 'link', 'add', OTHER, 'type', 'dummy');
            ip(other, 'link', 'show');
            ip(undefined, 'link', 'show');
            for (const args of IP_COMMANDS) ip(ns, ...args);

            // Stop marker, then stop tcpdump once the marker's ACK is written.
            await ctl.links.get('lo');
            await ackCaptured(file, ctl.socket.portid, seqOf(ctlOut[ctlOut.length - 1]!));
            td.kill('SIGINT');
            let hang: NodeJS.Timeout | undefined;
            const code = await Promise.race([exited, new Promise<'hung'>((res) => (hang = setTimeout(() => res('hung'), 30000)))]);
            clearTimeout(hang);
            assert.is(code, 0, `tcpdump exits cleanly on SIGINT: ${stderr}`);
            dumper = undefined;
            assert.match(stderr, /\n0 packets dropped by kernel/, `tcpdump dropped nothing: ${stderr}`);
            const count = Number(/(\d+) packets? captured/.exec(stderr)?.[1]);

            const packets: NetlinkPacket[] = [];
            for await (const p of readNetlinkCapture(file)) packets.push(p); // the complete file: errors now are failures
            assert.is(packets.length, count, 'as many frames as tcpdump says it captured');
            const f = checkScenarioCapture(packets);

            // The library's socket: the kernel knows it by the port id the handle got.
            assert.is(f.libPid, r.socket.portid, 'the kernel answered our socket');
            // Every datagram of our socket, in order, is exactly what the tap saw.
            const libFrames = new Set([...f.libRequests, ...f.libReplies].map((x) => x.frame));
            const ours = packets.filter((p) => libFrames.has(p.frame)).map((p) => p.data.subarray(16));
            assert.is(ours.length, tapped.length, `the capture holds as many of our datagrams as the tap (${tapped.filter((t) => t.dir === 'out').length} out, ${tapped.filter((t) => t.dir === 'in').length} in)`);
            tapped.forEach((t, i) => assert.ok(ours[i]!.equals(t.bytes), `datagram ${i} (${t.dir}, ${t.bytes.length} bytes) is byte for byte the captured frame`));
            // The requests we sent, by seq and type, as the tap recorded them.
            const sent = tapped.filter((t) => t.dir === 'out').map((t) => [seqOf(t.bytes), t.bytes.readUInt16LE(4), t.bytes.readUInt16LE(6)]);
            assert.equal(f.libRequests.map((x) => [x.msg.seq, x.msg.type, x.msg.flags]), sent, 'requests: seq, type, flags');
            // links.add() returns the pair: from the kernel's echo (Linux >= 6.3), else by
            // looking up both ends (one RTM_GETLINK each), as on the VM lane's 6.1
            const first = tapped.find((t) => t.dir === 'out')!;
            const echoed = tapped.some((t) => t.dir === 'in' && t.bytes.readUInt16LE(4) === RTM_NEWLINK && seqOf(t.bytes) === seqOf(first.bytes));
            const lookups = echoed ? [] : ['RTM_GETLINK', 'RTM_GETLINK'];
            assert.equal(f.libRequests.map((x) => x.msg.typeName), ['RTM_NEWLINK', ...lookups, 'RTM_NEWLINK', 'RTM_GETLINK', 'RTM_NEWADDR', 'RTM_GETLINK', 'RTM_DELLINK', 'RTM_GETLINK']);

            // iproute2's view agrees with the capture of its own dump.
            const now = ipJson<Array<{ ifname: string }>>(ns, 'link', 'show').map((l) => l.ifname);
            assert.equal([...f.ipDumpNames].sort(), now.sort(), 'the captured `ip link show` answer lists what ip lists now');

            // Nothing of the other namespace's or the initial namespace's traffic was captured.
            const names = f.all.map((x) => x.msg.object?.name);
            assert.not.ok(names.includes(OTHER), `${OTHER} (created in another namespace) is not in the capture`);
            assert.is(f.all.filter((x) => x.msg.typeName === 'RTM_GETLINK' && x.msg.flagNames.includes('DUMP')).length, 2, 'two link dumps: the library\'s and ip\'s in this namespace');
            assert.ok(ipJson<Array<{ ifname: string }>>(other, 'link', 'show').some((l) => l.ifname === OTHER), `${OTHER} exists, in the other namespace`);

            if (process.env.RTNL_NLMON_KEEP) copyFileSync(file, process.env.RTNL_NLMON_KEEP);
          } finally {
            await r?.close();
            await ctl.close();
          }
        }, 'nlmon');
      } finally {
        if (dumper && dumper.exitCode === null) dumper.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    },
    ['nlmon', 'dummy'],
  );
}

test.run();
