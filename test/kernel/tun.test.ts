// TUN/TAP devices against the live kernel, inside namespaces the tests
// create. Oracles: iproute2 (`ip -j -d link show`), ping's own verdict, and
// the kernel's neighbour table.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { Rtnl, Tun, packet, ArgumentError, NetlinkError, type TunQueue } from '../../src/index.js';
import { ktest, withNetns, ipJson, ip, sh, fdCount, fdList, madeLinks } from '../helpers.js';
import { rejectsA, throwsA } from '../expect.js';
import { native } from '../../src/netlink/native.js';

interface IpLink {
  ifindex: number;
  ifname: string;
  flags: string[];
  mtu: number;
  address?: string;
  master?: string;
  link_type?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `ip addr add CIDR dev DEV` through the library (IPv6 without DAD so it is usable at once). */
async function addAddr(ns: string, dev: string, cidr: string): Promise<void> {
  const rtnl = await Rtnl.open({ netns: ns });
  try {
    await rtnl.addrs.add(dev, cidr, cidr.includes(':') ? { flags: ['nodad'] } : {});
  } finally {
    await rtnl.close();
  }
}

function linkOf(ns: string, name: string): IpLink | undefined {
  const all = ipJson<IpLink[]>(ns, '-d', 'link', 'show');
  return all.find((l) => l.ifname === name);
}

interface PingResult {
  transmitted: number;
  received: number;
  loss: number;
  out: string;
}

/** `ip netns exec NS ping ARGS` without blocking the event loop (the responder runs meanwhile). */
function ping(ns: string, ...args: string[]): Promise<PingResult> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', ['netns', 'exec', ns, 'ping', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', () => {
      const m = /(\d+) packets transmitted, (\d+) received.*?(\d+(?:\.\d+)?)% packet loss/.exec(out);
      if (!m) return reject(new Error(`cannot parse ping output: ${out}`));
      resolve({ transmitted: Number(m[1]), received: Number(m[2]), loss: Number(m[3]), out });
    });
  });
}

/** The name getent knows for a uid/gid (ip prints names when it can), else the number. */
function idAsIpPrints(db: 'passwd' | 'group', id: number): string | number {
  const r = spawnSync('getent', [db, String(id)], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.split(':')[0]! : id;
}

/** The first child process makes libuv open its SIGCHLD pipe (kept for the process's life): do it before counting fds. */
let warmed = false;
async function warmUp(): Promise<void> {
  if (warmed) return;
  await new Promise((r) => spawn('true', [], { stdio: 'ignore' }).on('close', r));
  warmed = true;
}

const isEcho4 = (p: Buffer, off = 0): boolean => p.length > off && p[off]! >> 4 === 4 && packet.parseIcmpEcho(p, off)?.request === true;

// ------------------------------------------------------------------ seed 004

ktest(
  test,
  'seed 004: tun0 (IFF_TUN|IFF_NO_PI) in a namespace; ping 172.21.22.26 yields 84-byte ICMP echo requests; replies give 0% loss',
  async () => {
    await warmUp();
    await withNetns(1, async (ns) => {
      const fds = fdCount();
      const hostLinks = ipJson<IpLink[]>(undefined, 'link', 'show').map((l) => l.ifname);
      const tun = await Tun.open({ name: 'tun0', mode: 'tun', netns: ns });
      try {
        assert.is(tun.name, 'tun0');
        assert.is(tun.mode, 'tun');
        assert.is(tun.pi, false);
        // `ip addr add 172.21.22.23/24 dev tun0` and `ip link set tun0 up`, through the library
        await addAddr(ns, 'tun0', '172.21.22.23/24');
        const rtnl = await Rtnl.open({ netns: ns });
        try {
          await rtnl.links.set('tun0', { up: true });
        } finally {
          await rtnl.close();
        }
        const o = linkOf(ns, 'tun0')!;
        assert.ok(o, 'ip sees tun0 in the namespace');
        assert.is(o.ifindex, tun.ifindex, 'ifindex');
        assert.is(o.mtu, tun.mtu, 'mtu');
        assert.ok(o.flags.includes('POINTOPOINT') && o.flags.includes('NOARP') && o.flags.includes('UP'), `flags ${o.flags}`);
        assert.is(o.linkinfo?.info_kind, 'tun');
        assert.is(o.linkinfo?.info_data?.type, 'tun');
        assert.is(o.linkinfo?.info_data?.pi, false);
        assert.equal(ipJson<IpLink[]>(undefined, 'link', 'show').map((l) => l.ifname), hostLinks, 'nothing appeared in the host namespace');

        // Part 1, like the article: nobody answers, ping loses everything, the program reads 84-byte requests.
        const requests: Buffer[] = [];
        const onData = (p: Buffer): void => {
          if (isEcho4(p)) requests.push(p);
        };
        tun.on('data', onData);
        const r1 = await ping(ns, '-c', '3', '-i', '0.3', '-W', '1', '172.21.22.26');
        assert.is(r1.transmitted, 3);
        assert.is(r1.received, 0, 'no responder: 100% loss');
        assert.is(requests.length, 3, 'three echo requests read from the stream');
        const ids = new Set<number>();
        requests.forEach((p, i) => {
          assert.is(p.length, 84, 'ICMP echo request of 84 bytes (56 data)');
          const h = packet.parseIp(p);
          assert.is(h.version, 4);
          assert.is(h.protocol, 1);
          assert.is(h.src, '172.21.22.23');
          assert.is(h.dst, '172.21.22.26');
          const e = packet.parseIcmpEcho(p)!;
          assert.is(e.seq, i + 1);
          ids.add(e.id);
          assert.ok(packet.checksumsValid(p));
        });
        assert.is(ids.size, 1);
        tun.off('data', onData);

        // Part 2: answer from user space; ping must see every reply.
        let answered = 0;
        tun.on('data', (p: Buffer) => {
          if (!isEcho4(p)) return;
          tun.write(packet.icmpEchoReply(p));
          answered++;
        });
        const r2 = await ping(ns, '-c', '3', '-i', '0.3', '-W', '2', '172.21.22.26');
        assert.is(r2.transmitted, 3);
        assert.is(r2.received, 3, r2.out);
        assert.is(r2.loss, 0);
        assert.is(answered, 3);
        assert.ok(tun.stats.packetsOut >= 3);
      } finally {
        await tun.close();
      }
      assert.is(linkOf(ns, 'tun0'), undefined, 'a non-persistent device disappears on close');
      assert.is(fdCount(), fds, `fds leaked: ${fdList().join(', ')}`);
    });
  },
  ['tun'],
);

// ---------------------------------------------------------- names and basics

ktest(
  test,
  'name templates: the kernel picks the number; the chosen name, ifindex and mtu match ip',
  async () => {
    await withNetns(1, async (ns) => {
      const a = await Tun.open({ name: 'tt%d', netns: ns, up: true, mtu: 1280 });
      const b = await Tun.open({ name: 'tt%d', netns: ns });
      const c = await Tun.open({ netns: ns, mode: 'tap' });
      try {
        assert.is(a.name, 'tt0');
        assert.is(b.name, 'tt1');
        assert.is(c.name, 'tap0', 'default name for tap');
        for (const t of [a, b, c]) {
          const o = linkOf(ns, t.name)!;
          assert.ok(o, `ip sees ${t.name}`);
          assert.is(o.ifindex, t.ifindex, `${t.name} ifindex`);
          assert.is(o.mtu, t.mtu, `${t.name} mtu`);
        }
        assert.is(a.mtu, 1280);
        assert.ok(linkOf(ns, 'tt0')!.flags.includes('UP'));
        assert.ok(!linkOf(ns, 'tt1')!.flags.includes('UP'));
        assert.is(linkOf(ns, 'tap0')!.linkinfo?.info_data?.type, 'tap');
        assert.is(linkOf(ns, 'tap0')!.link_type, 'ether');
        await b.setMtu(1400);
        assert.is(b.mtu, 1400);
        assert.is(linkOf(ns, 'tt1')!.mtu, 1400);
        // rename elsewhere, refresh() picks it up
        ip(ns, 'link', 'set', 'tt1', 'name', 'renamed1');
        await b.refresh();
        assert.is(b.name, 'renamed1');
      } finally {
        await a.close();
        await b.close();
        await c.close();
      }
      assert.equal(madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((l) => l.ifname)), ['lo']);
    });
  },
  ['tun', 'tap'],
);

ktest(
  test,
  'ICMPv6 echo through tun, without and with packet information (tun_pi)',
  async () => {
    await withNetns(1, async (ns) => {
      for (const pi of [false, true]) {
        const tun = await Tun.open({ name: 'tun6', netns: ns, pi, up: true });
        try {
          assert.is(tun.pi, pi);
          await addAddr(ns, 'tun6', 'fd00:6::1/64');
          const off = pi ? 4 : 0;
          const protos = new Set<number>();
          tun.on('data', (p: Buffer) => {
            if (pi) protos.add(p.readUInt16BE(2));
            if (p.length <= off || p[off]! >> 4 !== 6) return;
            const e = packet.parseIcmpEcho(p, off);
            if (e?.request) tun.write(packet.icmpEchoReply(p, off));
          });
          const r = await ping(ns, '-6', '-c', '3', '-i', '0.3', '-W', '2', 'fd00:6::2');
          assert.is(r.received, 3, `pi=${pi}: ${r.out}`);
          if (pi) assert.ok(protos.has(0x86dd), 'tun_pi carries ETH_P_IPV6');
        } finally {
          await tun.close();
        }
      }
    });
  },
  ['tun'],
);

ktest(
  test,
  'vnetHdr + napi: packets carry a 10-byte virtio-net header; replies written through IFF_NAPI reach ping',
  async () => {
    await withNetns(1, async (ns) => {
      const tun = await Tun.open({ name: 'tv0', netns: ns, vnetHdr: true, napi: true, up: true });
      try {
        assert.ok(tun.vnetHdr);
        await addAddr(ns, 'tv0', '172.30.0.1/24');
        let seen = 0;
        tun.on('data', (p: Buffer) => {
          // struct virtio_net_hdr (10 bytes): no GSO for these packets
          if (p.length <= 10 || p[10]! >> 4 !== 4) return;
          assert.is(p[1], 0, 'gso_type VIRTIO_NET_HDR_GSO_NONE');
          if (!isEcho4(p, 10)) return;
          seen++;
          tun.write(packet.icmpEchoReply(p, 10)); // header kept in front
        });
        const r = await ping(ns, '-c', '3', '-i', '0.3', '-W', '2', '172.30.0.2');
        assert.is(r.received, 3, r.out);
        assert.is(seen, 3);
      } finally {
        await tun.close();
      }
    });
  },
  ['tun'],
);

// ----------------------------------------------------------------------- TAP

ktest(
  test,
  'TAP on a bridge: ARP and ICMP frames both ways between a namespace and the tap stream',
  async () => {
    await withNetns(2, async (nsA, nsB) => {
      const MAC = '02:00:00:77:00:01';
      const rtnl = await Rtnl.open({ netns: nsA });
      const tap = await Tun.open({ name: 'tap0', mode: 'tap', netns: nsA });
      try {
        await rtnl.links.add({ name: 'br0', kind: 'bridge' });
        await rtnl.links.add({ name: 'vA', kind: 'veth', peer: { name: 'vB', netns: nsB } });
        await rtnl.links.set('vA', { master: 'br0', up: true });
        await rtnl.links.set('tap0', { master: 'br0', up: true });
        await rtnl.links.set('br0', { up: true });
        const rB = await Rtnl.open({ netns: nsB });
        try {
          await rB.links.set('vB', { up: true });
        } finally {
          await rB.close();
        }
        await addAddr(nsB, 'vB', '10.77.0.2/24');
        assert.is(linkOf(nsA, 'tap0')!.master, 'br0');
        const vbMac = linkOf(nsB, 'vB')!.address!;

        const seen = { arp: 0, echo: 0, fromVb: 0 };
        tap.on('data', (f: Buffer) => {
          const eth = packet.parseEthernet(f);
          if (eth.src === vbMac) seen.fromVb++;
          const arp = packet.arpReplyFrame(f, MAC);
          if (arp && packet.parseArp(f, eth.payloadOffset).targetIp === '10.77.0.1') {
            seen.arp++;
            tap.write(arp);
            return;
          }
          if (eth.etherType === packet.ETH_P_IP && eth.dst === MAC && isEcho4(f, eth.payloadOffset)) {
            seen.echo++;
            tap.write(packet.icmpEchoReplyFrame(f, MAC)!);
          }
        });
        const r = await ping(nsB, '-c', '3', '-i', '0.3', '-W', '2', '10.77.0.1');
        assert.is(r.received, 3, r.out);
        assert.ok(seen.arp >= 1, 'an ARP request crossed the bridge into the tap stream');
        assert.is(seen.echo, 3, 'three ICMP echo frames reached the tap stream');
        assert.ok(seen.fromVb >= 4, 'frames came from vB (through veth and bridge)');
        // Independent oracle: our ARP reply frame reached nsB's neighbour table.
        const neigh = ipJson<Array<{ dst: string; lladdr?: string }>>(nsB, 'neigh', 'show', 'dev', 'vB');
        assert.is(neigh.find((n) => n.dst === '10.77.0.1')?.lladdr, MAC);
      } finally {
        await tap.close();
        await rtnl.close();
      }
    });
  },
  ['tap', 'bridge', 'veth'],
);

// ---------------------------------------------------------------- multiqueue

ktest(
  test,
  'multi-queue: one fd per queue, packets spread over queues; detach/attach; addQueue',
  async () => {
    await warmUp();
    await withNetns(1, async (ns) => {
      const fds = fdCount();
      const tun = await Tun.open({ name: 'mq0', netns: ns, queues: 4, up: true });
      try {
        assert.is(tun.queues.length, 4);
        assert.ok(tun.multiQueue);
        assert.is(new Set(tun.queues.map((q) => q.fd)).size, 4, 'four distinct fds');
        assert.is(fdCount(), fds + 4);
        await addAddr(ns, 'mq0', '10.88.0.1/24');
        const info = () => linkOf(ns, 'mq0')!.linkinfo!.info_data!;
        assert.is(info().multi_queue, true);
        assert.is(info().numqueues, 4);
        const counts = [0, 0, 0, 0, 0];
        const listen = (q: TunQueue): void => {
          q.on('data', (p: Buffer) => {
            if (isEcho4(p)) counts[q.index]!++;
          });
        };
        tun.queues.forEach(listen);
        // One echo request to each of 16 destinations: 16 flows, hashed over the queues.
        const burst = (n: number) => Promise.all(Array.from({ length: n }, (_, i) => ping(ns, '-c', '1', '-W', '1', `10.88.0.${10 + i}`)));
        await burst(16);
        assert.is(counts.reduce((a, b) => a + b, 0), 16, `all 16 requests read (per queue: ${counts})`);
        assert.ok(counts.filter((c) => c > 0).length >= 2, `packets spread over queues: ${counts}`);

        // Detach queues 1..3: only queue 0 gets traffic; ip reports 1 queue + 3 disabled.
        for (const q of tun.queues.slice(1)) q.detach();
        assert.equal(tun.queues.map((q) => q.attached), [true, false, false, false]);
        assert.is(info().numqueues, 1);
        assert.is(info().numdisabled, 3);
        counts.fill(0);
        await burst(8);
        assert.equal(counts, [8, 0, 0, 0, 0], 'detached queues get nothing');
        // A write on a detached queue waits (not lost, not an error) until attach.
        const req = packet.buildUdp4({ src: '10.88.0.9', dst: '10.88.0.1', srcPort: 1, dstPort: 9, payload: 8 });
        tun.queues[1]!.write(req);
        await sleep(20);
        assert.is(tun.queues[1]!.stats.packetsOut, 0);
        for (const q of tun.queues.slice(1)) q.attach();
        await sleep(20);
        assert.is(tun.queues[1]!.stats.packetsOut, 1, 'the parked write went out after attach');
        assert.is(info().numqueues, 4);
        assert.is(info().numdisabled, 0);
        counts.fill(0);
        await burst(16);
        assert.is(counts.reduce((a, b) => a + b, 0), 16);
        assert.ok(counts.filter((c) => c > 0).length >= 2, `spread again after attach: ${counts}`);

        const q4 = await tun.addQueue();
        assert.is(q4.index, 4);
        assert.is(tun.queues.length, 5);
        assert.is(info().numqueues, 5);
        listen(q4);
        // detaching a queue of a single-queue device is refused by the kernel
      } finally {
        await tun.close();
      }
      assert.ok(tun.queues.every((q) => q.destroyed && q.fd === -1), 'closing the device closes every queue');
      assert.is(fdCount(), fds, `fds leaked: ${fdList().join(', ')}`);
      assert.is(linkOf(ns, 'mq0'), undefined);
      const single = await Tun.open({ name: 'sq0', netns: ns });
      try {
        throwsA(() => single.detach(), NetlinkError, /only multi-queue.*EINVAL/);
        await rejectsA(single.addQueue(), ArgumentError, /not a multi-queue device/);
      } finally {
        await single.close();
      }
    });
  },
  ['tun'],
);

// ---------------------------------------------------------------- persistent

ktest(
  test,
  'persistent tap with owner/group, vnet_hdr, multi_queue: visible in ip -d; reattach; delete',
  async () => {
    await warmUp();
    await withNetns(1, async (ns) => {
      const fds = fdCount();
      const UID = 4242;
      const GID = 4343;
      const t = await Tun.open({ name: 'ptap0', mode: 'tap', netns: ns, persist: true, owner: UID, group: GID, multiQueue: true, vnetHdr: true });
      assert.ok(t.persistent);
      await t.close();
      const o = linkOf(ns, 'ptap0');
      assert.ok(o, 'a persistent device survives its fds');
      assert.is(o!.linkinfo?.info_kind, 'tun');
      const d = o!.linkinfo!.info_data!;
      assert.is(d.type, 'tap');
      assert.is(d.pi, false);
      assert.is(d.vnet_hdr, true);
      assert.is(d.persist, true);
      assert.is(d.multi_queue, true);
      assert.is(d.user, idAsIpPrints('passwd', UID));
      assert.is(d.group, idAsIpPrints('group', GID));

      // Reattach with the same flags; the kernel says it is persistent.
      const again = await Tun.open({ name: 'ptap0', mode: 'tap', netns: ns, multiQueue: true, vnetHdr: true, queues: 2 });
      try {
        assert.ok(again.persistent);
        assert.is(again.ifindex, o!.ifindex);
        assert.is(linkOf(ns, 'ptap0')!.linkinfo!.info_data!.numqueues, 2);
        // Flags that differ from the device: EINVAL from TUNSETIFF, reported with a hint.
        const e = await rejectsA(Tun.open({ name: 'ptap0', mode: 'tun', netns: ns, multiQueue: true, vnetHdr: true }), NetlinkError, /EINVAL/);
        assert.is(e.syscall, 'ioctl(TUNSETIFF)');
        // exclusive: refuse to attach to an existing device
        await rejectsA(Tun.open({ name: 'ptap0', mode: 'tap', netns: ns, multiQueue: true, vnetHdr: true, exclusive: true }), NetlinkError, /EBUSY/);
        again.setOwner(UID + 1);
        assert.is(linkOf(ns, 'ptap0')!.linkinfo!.info_data!.user, idAsIpPrints('passwd', UID + 1));
      } finally {
        await again.close();
      }
      assert.ok(linkOf(ns, 'ptap0'), 'still there after the second close');

      await Tun.delete('ptap0', { netns: ns });
      assert.is(linkOf(ns, 'ptap0'), undefined, 'deleted');
      await rejectsA(Tun.delete('ptap0', { netns: ns }), NetlinkError, /ENODEV/);
      await rejectsA(Tun.delete('lo', { netns: ns }), ArgumentError, /not a tun\/tap device/);

      // setPersist(false) on an open persistent device: it goes when closed.
      const p = await Tun.open({ name: 'ptun1', netns: ns, persist: true });
      p.setPersist(false);
      assert.is(p.persistent, false);
      await p.close();
      assert.is(linkOf(ns, 'ptun1'), undefined);
      assert.is(fdCount(), fds, `fds leaked: ${fdList().join(', ')}`);
    });
  },
  ['tap', 'mapped-ids'],
);

// ------------------------------------------------------- rtnl.links.add tun

ktest(
  test,
  'rtnl.links.add({ kind: tun | tap }) creates persistent devices (ioctl path) with owner/group, mtu, up; links.del removes them',
  async () => {
    await withNetns(2, async (ns, other) => {
      const rtnl = await Rtnl.open({ netns: ns });
      try {
        await rtnl.links.add({ kind: 'tun', name: 'lt0', tun: { owner: 4242, group: 4343, multiQueue: true }, mtu: 1400, up: true });
        let o = linkOf(ns, 'lt0')!;
        assert.ok(o, 'created in the handle namespace');
        assert.is(o.mtu, 1400);
        assert.ok(o.flags.includes('UP'));
        const d = o.linkinfo!.info_data!;
        assert.is(d.type, 'tun');
        assert.is(d.persist, true);
        assert.is(d.multi_queue, true);
        assert.is(d.user, idAsIpPrints('passwd', 4242));
        assert.is(d.group, idAsIpPrints('group', 4343));
        // like RTM_NEWLINK: an existing name is EEXIST
        await rejectsA(rtnl.links.add({ kind: 'tun', name: 'lt0', tun: { multiQueue: true } }), NetlinkError, /EEXIST/);
        // replace attaches and updates
        await rtnl.links.replace({ kind: 'tun', name: 'lt0', tun: { multiQueue: true, owner: 4244 } });
        assert.is(linkOf(ns, 'lt0')!.linkinfo!.info_data!.user, idAsIpPrints('passwd', 4244));
        // a tap with a MAC address, created in another namespace than the handle's
        await rtnl.links.add({ kind: 'tap', name: 'lt1', address: '02:00:00:00:aa:01', netns: other, tun: { vnetHdr: true } });
        assert.is(linkOf(ns, 'lt1'), undefined, 'not in the handle namespace');
        o = linkOf(other, 'lt1')!;
        assert.is(o.address, '02:00:00:00:aa:01');
        assert.is(o.linkinfo!.info_data!.type, 'tap');
        assert.is(o.linkinfo!.info_data!.vnet_hdr, true);
        // the library sees it too, as kind 'tun'
        const lib = await rtnl.links.get('lt0');
        assert.is(lib.kind, 'tun');
        assert.is(lib.index, linkOf(ns, 'lt0')!.ifindex);
        // a device created this way can be opened as a stream
        const t = await Tun.open({ name: 'lt0', netns: ns, multiQueue: true });
        assert.ok(t.persistent);
        await t.close();
        // a failing follow-up change removes the new device again
        await rejectsA(rtnl.links.add({ kind: 'tun', name: 'lt2', master: 'nosuchdev' }), NetlinkError, /nosuchdev/);
        assert.is(linkOf(ns, 'lt2'), undefined, 'rolled back');
        await rtnl.links.del('lt0');
        assert.is(linkOf(ns, 'lt0'), undefined);
        const r2 = await Rtnl.open({ netns: other });
        try {
          await r2.links.del('lt1');
        } finally {
          await r2.close();
        }
        assert.is(linkOf(other, 'lt1'), undefined);
      } finally {
        await rtnl.close();
      }
    });
  },
  ['tun', 'tap', 'mapped-ids'],
);

ktest(
  test,
  'links.add tun/tap: bad options are ArgumentErrors before anything is created',
  async () => {
    await withNetns(1, async (ns) => {
      const rtnl = await Rtnl.open({ netns: ns });
      try {
        const cases: Array<[Record<string, unknown>, RegExp]> = [
          [{ kind: 'tun', name: 'x0', tun: { bogus: 1 } }, /tun\.bogus/],
          [{ kind: 'tun', name: 'x0', tun: { persist: false } }, /tun\.persist/],
          [{ kind: 'tun', name: 'x0', tun: { owner: -1 } }, /tun\.owner/],
          [{ kind: 'tun', name: 'x0', tun: { napiFrags: true, napi: true } }, /tun\.napiFrags.*tap/],
          [{ kind: 'tun', name: 'x0', address: '02:00:00:00:00:01' }, /address.*no link-layer address/],
          [{ kind: 'tap', name: 'x0', address: '02:00' }, /address/],
          [{ kind: 'tun', name: 'x0', mtu: 'big' }, /mtu/],
          [{ kind: 'tun', name: 'x0', up: 'yes' }, /up/],
          [{ kind: 'tun', name: 'x0', peer: 'y0' }, /peer/],
          [{ kind: 'tun', name: 'this-name-is-too-long' }, /name/],
          [{ kind: 'tun', name: 'x0', tun: 'mq' }, /tun:/],
        ];
        for (const [opts, re] of cases) {
          await rejectsA(rtnl.links.add(opts as never), ArgumentError, re);
        }
        assert.equal(madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((l) => l.ifname)), ['lo'], 'nothing was created');
      } finally {
        await rtnl.close();
      }
    });
  },
  ['tun'],
);

// -------------------------------------------------------------- error paths

ktest(
  test,
  'Tun.open: bad options are ArgumentErrors before any I/O; kernel refusals are NetlinkErrors; no fd leaks',
  async () => {
    await warmUp();
    await withNetns(1, async (ns) => {
      const fds = fdCount();
      const bad: Array<[Record<string, unknown>, RegExp]> = [
        [{ name: 'x'.repeat(16) }, /name.*15/],
        [{ name: 'a%sb' }, /%d/],
        [{ mode: 'tunnel' }, /mode/],
        [{ queues: 0 }, /queues/],
        [{ queues: 2, multiQueue: false }, /multiQueue/],
        [{ napiFrags: true, napi: true }, /napiFrags/],
        [{ vnetHdrSize: 12 }, /vnetHdrSize.*vnetHdr/],
        [{ offloads: ['csum'] }, /offloads/],
        [{ vnetHdr: true, offloads: ['warp'] }, /offloads\[0\]/],
        [{ owner: 1.5 }, /owner/],
        [{ mtu: 20 }, /mtu/],
        [{ readBatch: 0 }, /readBatch/],
        [{ colour: 'blue' }, /unknown option "colour"/],
        [{ netns: 42 }, /netns/],
      ];
      for (const [opts, re] of bad) await rejectsA(Tun.open({ netns: ns, ...opts } as never), ArgumentError, re);
      assert.is(fdCount(), fds, 'no fd opened for bad options');
      assert.equal(madeLinks(ipJson<IpLink[]>(ns, 'link', 'show').map((l) => l.ifname)), ['lo']);

      const one = await Tun.open({ name: 'busy0', netns: ns });
      try {
        // a single-queue device takes one fd
        const e = await rejectsA(Tun.open({ name: 'busy0', netns: ns }), NetlinkError, /in use.*EBUSY/);
        assert.is(e.code, 'EBUSY');
        // a name taken by another kind of device
        await rejectsA(Tun.open({ name: 'lo', netns: ns }), NetlinkError, /EINVAL|EBUSY|EEXIST/);
        await rejectsA(Tun.open({ netns: 'rtnl-no-such-namespace' }), NetlinkError, /ENOENT/);
      } finally {
        await one.close();
      }
      assert.is(fdCount(), fds, `fds leaked: ${fdList().join(', ')}`);
    });
  },
  ['tun'],
);

ktest(
  test,
  'a malformed packet written to tun: EINVAL destroys the stream by default; writeErrors: emit reports it and goes on',
  async () => {
    await withNetns(1, async (ns) => {
      const garbage = Buffer.from('00112233445566778899aabbccddeeff', 'hex'); // version nibble 0
      const strict = await Tun.open({ name: 'tw0', netns: ns, up: true });
      const err = await new Promise<NetlinkError>((resolve) => {
        strict.once('error', resolve);
        strict.write(garbage);
      });
      assert.instance(err, NetlinkError);
      assert.is(err.code, 'EINVAL');
      assert.ok(strict.destroyed);
      await strict.close();

      const t = await Tun.open({ name: 'tw1', netns: ns, up: true, writeErrors: 'emit' });
      try {
        await addAddr(ns, 'tw1', '10.55.0.1/24');
        const reported: string[] = [];
        t.on('writeError', (e: NetlinkError) => reported.push(e.code));
        // After the bad packet, an echo request to the kernel's own address: the kernel answers it.
        const req = packet.buildIcmp4Echo({ src: '10.55.0.2', dst: '10.55.0.1', id: 7, seq: 1 });
        assert.ok(packet.checksumsValid(req));
        const reply = new Promise<Buffer>((resolve) =>
          t.on('data', (p: Buffer) => {
            if (p[0]! >> 4 === 4 && packet.parseIcmpEcho(p)?.request === false) resolve(p);
          }),
        );
        t.write(garbage);
        t.write(req);
        const r = await reply;
        assert.is(packet.parseIp(r).src, '10.55.0.1');
        assert.equal(reported, ['EINVAL']);
        assert.is(t.stats.writeErrors, 1);
        assert.ok(!t.destroyed);
        const stats = ipJson<Array<{ stats64?: { rx?: { dropped: number } } }>>(ns, '-s', 'link', 'show', 'tw1')[0]!;
        assert.is(stats.stats64?.rx?.dropped, 1, 'the kernel counted the malformed packet as dropped');
      } finally {
        await t.close();
      }
    });
  },
  ['tun'],
);

ktest(
  test,
  'deleting the device under an open stream ends it with an error (EBADFD), fds released',
  async () => {
    await warmUp();
    await withNetns(1, async (ns) => {
      const fds = fdCount();
      const t = await Tun.open({ name: 'gone0', netns: ns, queues: 2 });
      const err = new Promise<NetlinkError>((resolve) => t.once('error', resolve));
      t.resume(); // reading
      ip(ns, 'link', 'del', 'gone0');
      const e = await err;
      assert.is(e.code, 'EBADFD');
      assert.match(e.message, /deleted/);
      await sleep(10);
      assert.ok(t.queues.every((q) => q.destroyed));
      assert.is(fdCount(), fds);
    });
  },
  ['tun'],
);

ktest(
  test,
  'reads at the end of a slab: a packet that does not fit the rest arrives intact as its own Buffer, the next small one lands in the slab; one larger than maxPacketSize ends the stream with EMSGSIZE',
  async () => {
    // maxPacketSize 1000: each read asks for up to 1001 bytes. 650 answers of
    // 100 bytes fill a slab to 65,000 of 65,536 bytes, all in one native read
    // call; from there on reads go to a buffer of the call (536 bytes left
    // < 1001). A 900-byte answer does not fit the slab's rest and must come
    // out whole as its own Buffer; a 100-byte one after it is copied into the
    // slab; a 2000-byte one is truncated by the kernel and must be reported,
    // not handed out.
    await withNetns(1, async (ns) => {
      sh('ip', ['netns', 'exec', ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      const t = await Tun.open({ name: 'big0', netns: ns, up: true, maxPacketSize: 1000, readBatch: 4096 });
      try {
        ip(ns, 'link', 'set', 'dev', 'big0', 'txqueuelen', '4000');
        await addAddr(ns, 'big0', '10.56.0.1/24');
        const echo = (seq: number, data: number) => packet.buildIcmp4Echo({ src: '10.56.0.2', dst: '10.56.0.1', id: 9, seq, data });
        const sizes = [...Array<number>(650).fill(100), 900, 100];
        // Not reading yet: the kernel queues the answers, and one read call takes them all.
        sizes.forEach((n, i) => t.write(echo(i, n - 28)));
        // (a request larger than maxPacketSize cannot go through t.write(): straight to the fd)
        assert.is(native().writeBatch(t.fd, [echo(sizes.length, 2000 - 28)], 0), 1);
        for (let i = 0; i < 10; i++) t.write(echo(sizes.length + 1 + i, 72));
        for (let i = 0; i < 200; i++) {
          const rx = ipJson<Array<{ stats64?: { rx?: { packets: number } } }>>(ns, '-s', 'link', 'show', 'big0')[0]!.stats64?.rx?.packets;
          if (rx === sizes.length + 11) break;
          await sleep(10);
        }
        const got: Buffer[] = [];
        const err = new Promise<NetlinkError>((resolve) => t.once('error', resolve));
        t.on('data', (p: Buffer) => got.push(Buffer.from(p)));
        const e = await err;
        assert.is(e.code, 'EMSGSIZE');
        assert.match(e.message, /larger than maxPacketSize \(1000\)/);
        assert.is(t.stats.readCalls, 1, 'one read call took everything (so the slab filled up within it)');
        assert.is(got.length, sizes.length, 'every packet before the large one');
        got.forEach((p, i) => {
          const r = packet.parseIcmpEcho(p);
          const want = echo(i, sizes[i]! - 28);
          const ok = p.length === sizes[i] && r?.request === false && r.seq === i && packet.checksumsValid(p) && p.subarray(28).equals(want.subarray(28));
          assert.ok(ok, `answer ${i} (${sizes[i]} bytes) intact`);
        });
      } finally {
        await t.close();
      }
    });
  },
  ['tun'],
);

ktest(
  test,
  'Tun.features() reports what TUNGETFEATURES says',
  () => {
    const f = Tun.features();
    assert.ok(f.tun && f.tap && f.noPi && f.vnetHdr && f.multiQueue, JSON.stringify(f));
    assert.is(typeof f.flags, 'number');
  },
  ['tun'],
);

test.run();
