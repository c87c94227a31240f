// Capture real packets from TUN/TAP devices for the packet-helper unit tests
// (run once, as root, after `npm run build`): test/fixtures/tun-packets.json.
// Everything happens in a scratch namespace that is deleted afterwards.
//
// Pairs are captured so that the unit tests compare our builders with what
// the kernel itself produces: an echo request we write to the kernel's own
// address and the kernel's echo reply; an ARP request for the kernel's
// address and the kernel's ARP reply; a UDP datagram sent by a socket.
import { Rtnl, Tun, netns, packet } from 'rtnetlink';
import { execFileSync, spawn } from 'node:child_process';
import { release } from 'node:os';
import { writeFileSync } from 'node:fs';

const ns = 'rtnl-tunfix-' + process.pid;
const sh = (...a) => execFileSync('ip', ['netns', 'exec', ns, ...a]);
const next = (stream, pred) =>
  new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for a packet')), 5000);
    const on = (p) => {
      if (!pred(p)) return;
      clearTimeout(t);
      stream.off('data', on);
      resolve(Buffer.from(p));
    };
    stream.on('data', on);
  });
const isV4Echo = (req) => (p) => p[0] >> 4 === 4 && packet.parseIcmpEcho(p)?.request === req;
const isV6Echo = (req) => (p) => p[0] >> 4 === 6 && packet.parseIcmpEcho(p)?.request === req;
const out = { note: `captured by scripts/capture-tun-fixtures.mjs from kernel ${release()}`, packets: {} };

await netns.add(ns);
try {
  // ---- TUN: ICMP, ICMPv6, UDP
  const tun = await Tun.open({ name: 'tun0', netns: ns, up: true });
  if (process.env.DEBUG_TUNFIX) tun.on("data", (p) => console.error("seen", p.toString("hex").slice(0, 120)));
  const rtnl = await Rtnl.open({ netns: ns });
  await rtnl.addrs.add('tun0', '172.21.22.23/24');
  await rtnl.addrs.add('tun0', 'fd00:21::23/64', { flags: ['nodad'] });
  let w = next(tun, isV4Echo(true));
  const ping = spawn('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', '-p', '42', '172.21.22.26']);
  const req4 = await w;
  await new Promise((r) => ping.on('close', r));
  out.packets.icmp4EchoRequest = req4.toString('hex');
  // The same request turned around (to the kernel's address): the kernel's own reply.
  const toKernel4 = packet.icmpEchoReply(req4); // swaps addresses (type becomes reply)...
  toKernel4[20] = 8; // ...so make it a request again, checksum fixed below
  toKernel4.writeUInt16BE(0, 22);
  toKernel4.writeUInt16BE(packet.inetChecksum(toKernel4, 20), 22);
  w = next(tun, isV4Echo(false));
  tun.write(toKernel4);
  out.packets.icmp4EchoRequestToKernel = toKernel4.toString('hex');
  out.packets.icmp4EchoReplyFromKernel = (await w).toString('hex');

  w = next(tun, isV6Echo(true));
  const ping6 = spawn('ip', ['netns', 'exec', ns, 'ping', '-6', '-c', '1', '-W', '1', 'fd00:21::26']);
  const req6 = await w;
  await new Promise((r) => ping6.on('close', r));
  out.packets.icmp6EchoRequest = req6.toString('hex');
  const toKernel6 = packet.icmpEchoReply(req6);
  toKernel6[40] = 128;
  toKernel6.writeUInt16BE(0, 42);
  // recompute the ICMPv6 checksum with the pseudo header
  {
    let s = packet.onesSum(toKernel6, 8, 40);
    const len = toKernel6.length - 40;
    s += (len >>> 16) + (len & 0xffff) + 58;
    toKernel6.writeUInt16BE(packet.inetChecksum(toKernel6, 40, toKernel6.length, s), 42);
  }
  w = next(tun, isV6Echo(false));
  tun.write(toKernel6);
  out.packets.icmp6EchoRequestToKernel = toKernel6.toString('hex');
  out.packets.icmp6EchoReplyFromKernel = (await w).toString('hex');

  w = next(tun, (p) => p[0] >> 4 === 4 && p[9] === 17);
  sh('bash', '-c', 'echo -n "hello tun" > /dev/udp/172.21.22.26/9999');
  out.packets.udp4FromSocket = (await w).toString('hex');
  await tun.close();

  // ---- TAP: ARP request from the kernel, the kernel's ARP reply, an ICMP frame
  const tap = await Tun.open({ name: 'tap0', mode: 'tap', netns: ns, up: true });
  if (process.env.DEBUG_TUNFIX) tap.on("data", (p) => console.error("tap seen", p.toString("hex").slice(0, 120)));
  await rtnl.links.set('tap0', { address: '02:00:00:00:66:01' });
  await rtnl.addrs.add('tap0', '10.66.0.1/24');
  const isArp = (op) => (f) => f.length >= 42 && f.readUInt16BE(12) === packet.ETH_P_ARP && packet.parseArp(f, 14).op === op;
  w = next(tap, isArp(1));
  const ping3 = spawn('ip', ['netns', 'exec', ns, 'ping', '-c', '1', '-W', '1', '10.66.0.2']);
  const arpReq = await w;
  out.packets.arpRequestFromKernel = arpReq.toString('hex');
  // Ask the kernel for its own address, from 02:00:00:00:66:02 / 10.66.0.2.
  const ask = packet.buildEthernet(
    { dst: 'ff:ff:ff:ff:ff:ff', src: '02:00:00:00:66:02', etherType: packet.ETH_P_ARP },
    packet.buildArp({ op: 1, senderMac: '02:00:00:00:66:02', senderIp: '10.66.0.2', targetMac: '00:00:00:00:00:00', targetIp: '10.66.0.1' }),
  );
  w = next(tap, isArp(2));
  // The request teaches the kernel 10.66.0.2's MAC: the pending ping goes out as an ICMP frame.
  const icmpFrame = next(tap, (f) => f.readUInt16BE(12) === packet.ETH_P_IP && packet.parseIcmpEcho(f, 14)?.request);
  tap.write(ask);
  out.packets.arpRequestToKernel = ask.toString('hex');
  out.packets.arpReplyFromKernel = (await w).toString('hex');
  out.packets.icmp4EchoFrame = (await icmpFrame).toString('hex');
  await new Promise((r) => ping3.on('close', r));
  await tap.close();
  await rtnl.close();
} finally {
  await netns.del(ns);
}
writeFileSync('test/fixtures/tun-packets.json', JSON.stringify(out, null, 1) + '\n');
console.log(Object.keys(out.packets).join(', '));
