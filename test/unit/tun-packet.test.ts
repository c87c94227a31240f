// Packet helpers against packets captured from a real kernel (test/fixtures/
// tun-packets.json, made by scripts/capture-tun-fixtures.mjs): the kernel's
// own replies are the expected values for our builders.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { packet } from '../../src/index.js';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { throwsA } from '../expect.js';

const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/tun-packets.json', import.meta.url), 'utf8')).packets as Record<string, string>;
const P = (k: string): Buffer => {
  const h = fx[k];
  if (!h) throw new Error(`fixture ${k} missing`);
  return Buffer.from(h, 'hex');
};

/** Bytes equal except at the given offsets. */
function equalExcept(a: Uint8Array, b: Uint8Array, skip: number[], what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (skip.includes(i)) continue;
    if (a[i] !== b[i]) assert.unreachable(`${what}: byte ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

test('ICMP echo request from ping (seed 004): 84 bytes, IPv4, protocol 1, addresses, echo fields', () => {
  const p = P('icmp4EchoRequest');
  assert.is(p.length, 84);
  assert.is(packet.ipVersion(p), 4);
  const ip = packet.parseIp(p);
  assert.is(ip.version, 4);
  assert.is(ip.protocol, packet.IPPROTO_ICMP);
  assert.is(ip.src, '172.21.22.23');
  assert.is(ip.dst, '172.21.22.26');
  assert.is(ip.headerLength, 20);
  assert.is(ip.version === 4 && ip.totalLength, 84);
  const e = packet.parseIcmpEcho(p)!;
  assert.ok(e.request);
  assert.is(e.type, 8);
  assert.is(e.dataLength, 56);
  assert.is(e.seq, 1);
  assert.ok(packet.checksumsValid(p), 'kernel checksums verify');
});

test('icmpEchoReply matches the kernel reply to the same request (except IP id)', () => {
  const req = P('icmp4EchoRequestToKernel');
  const kernel = P('icmp4EchoReplyFromKernel');
  const ours = packet.icmpEchoReply(req);
  // The kernel picks a fresh IP id (bytes 4-5), hence a different header checksum (10-11).
  equalExcept(ours, kernel, [4, 5, 10, 11], 'echo reply');
  assert.ok(packet.checksumsValid(ours), 'our checksums verify');
  assert.ok(packet.checksumsValid(kernel));
  const e = packet.parseIcmpEcho(ours)!;
  assert.is(e.request, false);
  assert.is(e.type, packet.ICMP_ECHOREPLY);
});

test('ICMPv6: echo reply matches the kernel reply (except flow label)', () => {
  const req = P('icmp6EchoRequest');
  const ip = packet.parseIp(req);
  assert.is(ip.version, 6);
  assert.is(ip.protocol, packet.IPPROTO_ICMPV6);
  assert.is(ip.src, 'fd00:21::23');
  assert.is(ip.dst, 'fd00:21::26');
  assert.ok(packet.parseIcmpEcho(req)!.request);
  const ours = packet.icmpEchoReply(P('icmp6EchoRequestToKernel'));
  const kernel = P('icmp6EchoReplyFromKernel');
  // Byte 1-3: traffic class low nibble + flow label (the kernel picks its own flow label).
  equalExcept(ours, kernel, [1, 2, 3], 'ICMPv6 echo reply');
  assert.ok(packet.checksumsValid(ours));
  assert.ok(packet.checksumsValid(kernel));
});

test('buildUdp4 builds the same bytes as the kernel for the same datagram', () => {
  const k = P('udp4FromSocket');
  const u = packet.parseUdp(k)!;
  const ip = packet.parseIp(k);
  assert.is(Buffer.from(k.subarray(u.dataOffset)).toString(), 'hello tun');
  const ours = packet.buildUdp4({
    src: ip.src,
    dst: ip.dst,
    srcPort: u.srcPort,
    dstPort: u.dstPort,
    payload: Buffer.from('hello tun'),
    id: ip.version === 4 ? ip.id : 0,
    ttl: 64,
  });
  assert.is(ours.toString('hex'), k.toString('hex'));
  assert.ok(packet.checksumsValid(ours));
});

test('ARP: parse the kernel request; arpReplyFrame equals the kernel reply byte for byte', () => {
  const req = P('arpRequestFromKernel');
  const eth = packet.parseEthernet(req);
  assert.is(eth.dst, 'ff:ff:ff:ff:ff:ff');
  assert.is(eth.src, '02:00:00:00:66:01');
  assert.is(eth.etherType, packet.ETH_P_ARP);
  assert.equal(eth.vlans, []);
  const arp = packet.parseArp(req, eth.payloadOffset);
  assert.equal(arp, { op: 1, senderMac: '02:00:00:00:66:01', senderIp: '10.66.0.1', targetMac: '00:00:00:00:00:00', targetIp: '10.66.0.2' });
  const ours = packet.arpReplyFrame(P('arpRequestToKernel'), '02:00:00:00:66:01')!;
  assert.is(ours.toString('hex'), P('arpReplyFromKernel').toString('hex'));
  assert.is(packet.arpReplyFrame(P('arpReplyFromKernel'), '02:00:00:00:66:01'), undefined, 'a reply is not answered');
});

test('TAP ICMP frame: Ethernet + IPv4 echo; icmpEchoReplyFrame swaps MACs and answers', () => {
  const f = P('icmp4EchoFrame');
  const eth = packet.parseEthernet(f);
  assert.is(eth.etherType, packet.ETH_P_IP);
  assert.is(eth.dst, '02:00:00:00:66:02');
  const e = packet.parseIcmpEcho(f, eth.payloadOffset)!;
  assert.ok(e.request);
  const r = packet.icmpEchoReplyFrame(f)!;
  const reth = packet.parseEthernet(r);
  assert.is(reth.dst, eth.src);
  assert.is(reth.src, eth.dst);
  const rip = packet.parseIp(r, 14);
  assert.is(rip.src, '10.66.0.2');
  assert.is(rip.dst, '10.66.0.1');
  assert.ok(packet.checksumsValid(r, 14));
  assert.is(packet.icmpEchoReplyFrame(P('arpRequestFromKernel')), undefined);
});

test('parsers work at an offset (after tun_pi / virtio-net headers)', () => {
  const p = P('icmp4EchoRequest');
  const withPi = Buffer.concat([Buffer.from([0, 0, 0x08, 0x00]), p]);
  assert.is(packet.parseIp(withPi, 4).dst, '172.21.22.26');
  const r = packet.icmpEchoReply(withPi, 4);
  assert.is(r.subarray(0, 4).toString('hex'), '00000800', 'prefix kept');
  assert.ok(packet.checksumsValid(r, 4));
});

test('malformed and truncated packets: DecodeError, never out of bounds', () => {
  const p = P('icmp4EchoRequest');
  for (let n = 0; n < 20; n++) throwsA(() => packet.parseIp(p.subarray(0, n)), DecodeError);
  throwsA(() => packet.parseIp(p.subarray(0, 60)), DecodeError, /total length 84/);
  throwsA(() => packet.parseIp(Buffer.from([0x15, 0, 0, 0])), DecodeError, /version nibble 1/);
  const badIhl = Buffer.from(p);
  badIhl[0] = 0x44;
  throwsA(() => packet.parseIp(badIhl), DecodeError, /header length 16/);
  throwsA(() => packet.parseIp(P('icmp6EchoRequest').subarray(0, 39)), DecodeError);
  throwsA(() => packet.parseIp(P('icmp6EchoRequest').subarray(0, 80)), DecodeError, /payload length 64/);
  throwsA(() => packet.parseEthernet(Buffer.alloc(13)), DecodeError);
  throwsA(() => packet.parseArp(P('arpRequestFromKernel'), 20), DecodeError);
  throwsA(() => packet.parseIp(p, -1), DecodeError);
  const tag = Buffer.from(P('arpRequestFromKernel'));
  tag.writeUInt16BE(packet.ETH_P_8021Q, 12);
  const vlan = packet.parseEthernet(Buffer.concat([tag.subarray(0, 14), Buffer.from([0x00, 0x05, 0x08, 0x06]), tag.subarray(14)]));
  assert.equal(vlan.vlans, [5]);
  assert.is(vlan.etherType, packet.ETH_P_ARP);
  assert.is(vlan.payloadOffset, 18);
});

test('not an echo: parseIcmpEcho undefined; icmpEchoReply refuses with ArgumentError', () => {
  assert.is(packet.parseIcmpEcho(P('udp4FromSocket')), undefined);
  throwsA(() => packet.icmpEchoReply(P('udp4FromSocket')), ArgumentError, /echo request/);
  throwsA(() => packet.icmpEchoReply(P('icmp4EchoReplyFromKernel')), ArgumentError);
  throwsA(() => packet.buildUdp4({ src: '10.0.0.1', dst: 'nope', srcPort: 1, dstPort: 2, payload: 0 }), ArgumentError, /dst/);
  throwsA(() => packet.buildUdp4({ src: '10.0.0.1', dst: '10.0.0.2', srcPort: 70000, dstPort: 2, payload: 0 }), ArgumentError, /srcPort/);
});

test('inetChecksum: RFC 1071 example', () => {
  // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (one's complement sum), checksum 220d.
  const b = Buffer.from('0001f203f4f5f6f7', 'hex');
  assert.is(packet.onesSum(b, 0, b.length), 0xddf2);
  assert.is(packet.inetChecksum(b), 0x220d);
  // odd length pads with zero
  assert.is(packet.onesSum(Buffer.from([1, 2, 3]), 0, 3), 0x0102 + 0x0300);
});

test.run();
