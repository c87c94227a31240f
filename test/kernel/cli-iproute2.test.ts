// The installed iproute2, live (issue 12, item 8 a and b): what `ip` sends
// and receives in a namespace of this test, read byte for byte with strace
// (`-e write=all -e read=all` dumps every datagram; its own decode of each
// syscall gives the sent length and the first nlmsg_len), written to a pcap
// with PcapWriter (sent: outgoing, received: host) and given to `rtnl-dump
// pcap`. ip sends its address and neighbour dump requests as whole request
// buffers, zeros after the message: no frame may be called malformed, and each
// such request must report sent length - nlmsg_len bytes of padding. `ip link
// set dev X up` names X in a request with ifindex 0; the names printed for
// the kernel's addresses must be those of `ip -j addr show`, and the address
// dump request (ifindex 0, "every device") must not borrow X's name.
// unit/capture-iproute2 checks the same on a saved nlmon capture.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';
import { PcapWriter } from '../../src/pcap/index.js';
import { NETLINK_ROUTE } from '../../src/netlink/constants.js';
import { ktest, skip, withNetns, ip, ipJson, have, sh } from '../helpers.js';

const NAME = 'rtnl-dump pcap of the installed ip, traced live: padded dump requests are padding, not malformed; names from the kernel only';

interface Datagram {
  dir: 'in' | 'out';
  bytes: Buffer;
  /** What strace says: the syscall's result (bytes sent or received) and the first nlmsg_len it decoded. */
  syscallLength: number;
  nlmsgLen: number;
}

/** Datagrams of an strace -e write=all -e read=all log (MSG_PEEK reads carry no bytes and are left out). */
function parseStrace(log: string): Datagram[] {
  const out: Datagram[] = [];
  let cur: { dir: 'in' | 'out'; hex: string[]; syscallLength: number; nlmsgLen: number } | undefined;
  const flush = (): void => {
    if (cur && cur.hex.length) out.push({ dir: cur.dir, bytes: Buffer.from(cur.hex.join(''), 'hex'), syscallLength: cur.syscallLength, nlmsgLen: cur.nlmsgLen });
    cur = undefined;
  };
  for (const line of log.split('\n')) {
    const call = /^(?:\d+ +)?(sendto|sendmsg|recvmsg)\(.*\) = (\d+)$/.exec(line);
    if (call) {
      flush();
      cur = { dir: call[1] === 'recvmsg' ? 'in' : 'out', hex: [], syscallLength: Number(call[2]), nlmsgLen: Number(/nlmsg_len=(\d+)/.exec(line)?.[1] ?? NaN) };
      continue;
    }
    const dump = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)/.exec(line);
    if (dump && cur) cur.hex.push(dump[1]!.replace(/ /g, ''));
  }
  flush();
  return out;
}

if (!have('strace')) {
  skip(test, NAME, 'strace not installed (scripts/setup.sh installs it)');
} else {
  ktest(test, NAME, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtnl-ip2-'));
    try {
      await withNetns(
        1,
        async (ns) => {
          const va = `ipa${process.pid % 100000}`;
          const vb = `ipb${process.pid % 100000}`;
          ip(ns, 'link', 'add', va, 'type', 'veth', 'peer', 'name', vb);
          ip(ns, 'addr', 'add', '192.0.2.1/24', 'dev', va);
          ip(ns, 'neigh', 'add', '192.0.2.2', 'lladdr', '02:00:00:00:00:02', 'dev', va);
          const datagrams: Datagram[] = [];
          for (const args of [['link', 'set', 'dev', vb, 'up'], ['link', 'set', 'dev', va, 'up'], ['addr', 'show'], ['neigh', 'show'], ['route', 'show']]) {
            const log = join(dir, 'strace.log');
            sh('strace', ['-f', '-qq', '-e', 'trace=sendto,sendmsg,recvmsg', '-e', 'write=all', '-e', 'read=all', '-o', log, 'ip', '-n', ns, ...args]);
            datagrams.push(...parseStrace(readFileSync(log, 'utf8')));
          }
          for (const d of datagrams) assert.is(d.bytes.length, d.syscallLength, 'strace dumped every byte of the datagram');
          const padded = datagrams.filter((d) => d.dir === 'out' && d.bytes.length > d.nlmsgLen);
          assert.ok(padded.length >= 2, `ip pads its address and neighbour dump requests (sent: ${datagrams.filter((d) => d.dir === 'out').map((d) => `${d.nlmsgLen}/${d.syscallLength}`).join(' ')})`);

          const file = join(dir, 'ip.pcap');
          const w = PcapWriter.open(file);
          for (const d of datagrams) w.write(d.bytes, d.dir, NETLINK_ROUTE);
          w.close();
          const out: string[] = [];
          const err: string[] = [];
          const io: CliIo = { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s) };
          assert.is(await main(['pcap', '--json', file], io), 0, err.join('\n'));
          const frames = out.map((l) => JSON.parse(l) as { frame: number; error?: string; padding?: number; length: number });
          assert.is(frames.length, datagrams.length);
          assert.equal(frames.filter((f) => f.error).map((f) => `frame ${f.frame}: ${f.error}`), [], 'no frame is malformed');
          datagrams.forEach((d, i) => {
            const want = d.dir === 'out' && d.bytes.length > d.nlmsgLen ? d.syscallLength - d.nlmsgLen : undefined;
            assert.is(frames[i]!.padding, want, `frame ${i + 1} (${d.dir}, ${d.syscallLength} bytes, nlmsg_len ${d.nlmsgLen})`);
          });

          // names: the kernel's addresses by ip's names; the dump request of every device (index 0) nameless
          out.length = 0;
          assert.is(await main(['pcap', file], io), 0, err.join('\n'));
          const names = new Map(ipJson<Array<{ ifindex: number; ifname: string }>>(ns, 'link', 'show').map((l) => [l.ifindex, l.ifname]));
          let kernelAddrs = 0;
          let requests = 0;
          for (let i = 0; i < out.length; i++) {
            const head = /^ {2}(RTM_\w+) len=\d+ flags=(\S+) /.exec(out[i]!);
            if (!head) continue;
            const isRequest = head[2]!.split(',').includes('REQUEST');
            const body = out[i + 1] ?? '';
            if (isRequest && head[1] === 'RTM_GETADDR') {
              requests++;
              assert.match(body, /^ {4}0: if0 /, body);
            } else if (isRequest && head[1] === 'RTM_GETNEIGH') {
              requests++;
              assert.match(body, /^ {4}\? dev if0 /, body);
            } else if (!isRequest && head[1] === 'RTM_NEWADDR') {
              const m = /^ {4}(\d+): (\S+) /.exec(body);
              assert.ok(m, body);
              assert.is(m![2], names.get(Number(m![1])), body);
              kernelAddrs++;
            }
          }
          assert.ok(requests >= 2, 'the address and neighbour dump requests were printed');
          assert.ok(kernelAddrs >= 2, 'lo and the veth address were printed');
        },
        'ip2',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
