// A plain iproute2 capture, read as the kernel reads it (issue 12, item 8 a
// and b). test/fixtures/iproute2-6.1.pcap is tcpdump on nlmon0 in a namespace
// of the VM lane (Debian 6.1 kernel, iproute2 6.1) while only ip works there
// (scripts/capture-iproute2-fixture.sh): `ip monitor` listening, a dummy d0
// and a veth pair v0/v1 created and set up, addresses, a route, a neighbour
// and a rule added, everything listed, d0 deleted, links listed again.
// test/fixtures/iproute2-6.1.json is `ip -j link show` / `ip -j addr show`
// taken in the same run just before d0 was deleted: the oracle for names.
//
// (a) iproute2 sends its address, route and neighbour dump requests as whole
// request buffers (`send(fd, &req, sizeof(req), 0)`): the message and then
// the zeroed rest of a 128- or 256-byte attribute area. The kernel's
// netlink_rcv_skb stops at a header whose nlmsg_len is below 16, so the zeros
// are ignored; the decoder must report them as padding, not as malformed.
// (b) The text output's index -> name table must learn from the kernel's
// RTM_NEWLINK only (not from requests, which name devices with ifindex 0),
// and forget an index on the kernel's RTM_DELLINK.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { main, type CliIo } from '../../src/cli/main.js';
import { formatRouteMessage, type NameCache } from '../../src/cli/format.js';
import { readNetlinkCapture, decodeDatagram, type NetlinkPacket } from '../../src/pcap/index.js';
import { splitMessagesPartial } from '../../src/netlink/message.js';
import { DecodeError } from '../../src/netlink/errors.js';
import { NETLINK_ROUTE, NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL, NLM_F_MULTI, NLM_F_REQUEST } from '../../src/netlink/constants.js';
import { Writer } from '../../src/netlink/writer.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';

const FIXTURE = 'test/fixtures/iproute2-6.1.pcap';
const ORACLE = JSON.parse(readFileSync('test/fixtures/iproute2-6.1.json', 'utf8')) as {
  links: Array<{ ifindex: number; ifname: string }>;
  addrs: Array<{ ifindex: number; ifname: string; addr_info: Array<{ local: string }> }>;
};

/**
 * sizeof(req) of iproute2's dump requests (lib/libnetlink.c): nlmsghdr, the
 * family header, and a zeroed attribute area, sent whole.
 */
const IPROUTE2_REQ_SIZE: Record<number, number> = {
  [U.RTM_GETADDR]: 16 + 8 + 128, // rtnl_addrdump_req: ifaddrmsg + buf[128]
  [U.RTM_GETROUTE]: 16 + 12 + 128, // rtnl_routedump_req: rtmsg + buf[128]
  [U.RTM_GETNEIGH]: 16 + 12 + 256, // rtnl_neighdump_req: ndmsg + buf[256]
};

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s) };
  const code = await main(argv, io);
  return { code, out, err: err.join('\n') };
}

async function load(): Promise<NetlinkPacket[]> {
  const ps: NetlinkPacket[] = [];
  for await (const p of readNetlinkCapture(FIXTURE)) ps.push(p);
  return ps;
}

// ------------------------------------------------------------------ (a)

test('iproute2 capture: every frame decodes; the padded dump requests report their zero tail as padding', async () => {
  const ps = await load();
  assert.is(ps.length, 151, 'tcpdump said 151 packets captured');
  assert.equal(
    ps.filter((p) => p.error).map((p) => `frame ${p.frame}: ${p.error!.message}`),
    [],
    'no frame is malformed',
  );
  const padded = ps.filter((p) => p.padding !== undefined);
  // the dumps of ip addr show, ip route show, ip -6 route show, ip neigh show and ip -j addr show (the
  // oracle's); link and rule dump requests go out at their length
  assert.is(padded.length, 5);
  for (const p of padded) {
    assert.is(p.messages.length, 1, `frame ${p.frame}: one message`);
    const m = p.messages[0]!;
    assert.is(m.flags, NLM_F_REQUEST | NLM_F_DUMP, `frame ${p.frame}: a dump request`);
    const size = IPROUTE2_REQ_SIZE[m.type];
    assert.ok(size, `frame ${p.frame}: ${m.typeName} is one of the padded requests`);
    assert.is(p.data.length - 16, size, `frame ${p.frame}: ip sent sizeof(req)`);
    assert.is(p.padding, size! - m.len, `frame ${p.frame}: padding = sizeof(req) - nlmsg_len`);
    assert.ok(p.data.subarray(16 + m.len).every((b) => b === 0));
  }
  assert.equal([...new Set(padded.map((p) => p.messages[0]!.typeName))].sort(), ['RTM_GETADDR', 'RTM_GETNEIGH', 'RTM_GETROUTE']);
  // no other frame carries anything after its messages
  for (const p of ps.filter((x) => x.padding === undefined)) {
    const last = p.messages[p.messages.length - 1]!;
    assert.ok([last.raw.offset + last.len, last.raw.offset + ((last.len + 3) & ~3)].includes(p.data.length), `frame ${p.frame}: messages fill the datagram`);
  }
});

test('rtnl-dump pcap on the iproute2 capture: exit 0, no "malformed", a padding line per padded request', async () => {
  for (const json of [false, true]) {
    const r = await run('pcap', ...(json ? ['--json'] : []), FIXTURE);
    assert.is(r.code, 0, r.err);
    if (json) {
      const frames = r.out.map((l) => JSON.parse(l) as { frame: number; error?: string; padding?: number });
      assert.equal(frames.filter((f) => f.error), []);
      assert.equal(
        frames.filter((f) => f.padding).map((f) => f.padding),
        [128, 120, 120, 256, 128],
      );
    } else {
      const text = r.out.join('\n');
      assert.not.match(text, /malformed/);
      assert.is(r.out.filter((l) => /^ {2}padding: \d+ zero bytes after the last message/.test(l)).length, 5);
      assert.match(text, /RTM_GETNEIGH len=28 flags=REQUEST,DUMP .*\n.*\n {2}padding: 256 zero bytes after the last message \(skipped, as the kernel does\)/);
    }
  }
});

test('rtnl-dump hex: a dump request followed by zeros exits 0 and says how many; anything else after a message is still malformed', async () => {
  // the RTM_GETADDR dump request of the issue (iproute2's, seq 0) plus 16 zero bytes
  const req = '1800000016000103' + '00'.repeat(16);
  const ok = await run('hex', req + '00'.repeat(16));
  assert.is(ok.code, 0, ok.err);
  assert.is(ok.out[0], 'RTM_GETADDR len=24 flags=REQUEST,DUMP seq=0 pid=0');
  assert.is(ok.out[ok.out.length - 1], 'padding: 16 zero bytes after the last message (skipped, as the kernel does)');
  // iproute2's real request from the capture: 128 zero bytes
  const ps = await load();
  const getaddr = ps.find((p) => p.padding && p.messages[0]!.type === U.RTM_GETADDR)!;
  const real = await run('hex', getaddr.data.subarray(16).toString('hex'));
  assert.is(real.code, 0, real.err);
  assert.match(real.out.join('\n'), /padding: 128 zero bytes/);
  const j = await run('hex', '--json', req + '00'.repeat(16));
  assert.is(j.code, 0, j.err);
  assert.is(j.out.length, 1, 'JSON Lines hold the messages only');
  assert.is(JSON.parse(j.out[0]!).typeName, 'RTM_GETADDR');
  assert.match(j.err, /padding: 16 zero bytes/);
  // genuinely malformed: a nonzero byte in the tail, a short header that is not zeros, a length past the end
  for (const [tail, re] of [
    ['00'.repeat(15) + '01', /nlmsg_len 0 is below the 16-byte header/],
    ['08000000' + '01'.repeat(12), /nlmsg_len 8 is below the 16-byte header/],
    ['000001', /truncated nlmsghdr \(3 bytes/],
    ['40000000' + '00'.repeat(12), /nlmsg_len 64 runs past the end/],
  ] as const) {
    const bad = await run('hex', req + tail);
    assert.is(bad.code, 1, tail);
    assert.match(bad.err, re, tail);
    assert.is(bad.out[0], 'RTM_GETADDR len=24 flags=REQUEST,DUMP seq=0 pid=0', 'the message before is still printed');
  }
});

test('splitMessagesPartial zeroPadding follows netlink_rcv_skb: zeros where it stops are padding, any other byte is an error', () => {
  const w = new Writer();
  const s = w.msgStart(U.RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 1, 0);
  w.zero(8);
  w.msgEnd(s);
  const msg = w.toBuffer();
  const zeros = (n: number): Buffer => Buffer.alloc(n);
  for (const n of [1, 4, 12, 15, 16, 17, 128, 256, 4096]) {
    const b = Buffer.concat([msg, zeros(n)]);
    const r = splitMessagesPartial(b, 0, b.length, { zeroPadding: true });
    assert.is(r.error, undefined, `${n} zeros`);
    assert.is(r.padding, n, `${n} zeros`);
    assert.is(r.messages.length, 1);
    // without the option every byte must belong to a message
    assert.ok(splitMessagesPartial(b).error instanceof DecodeError, `${n} zeros, strict`);
    assert.is(splitMessagesPartial(b).padding, undefined);
  }
  assert.equal(splitMessagesPartial(msg, 0, msg.length, { zeroPadding: true }), splitMessagesPartial(msg), 'no tail: no padding field');
  // a message hidden after a zero header: the kernel would skip it; we do not call that padding
  const hidden = Buffer.concat([msg, zeros(16), msg]);
  const h = splitMessagesPartial(hidden, 0, hidden.length, { zeroPadding: true });
  assert.match(h.error!.message, /nlmsg_len 0 is below/);
  assert.is(h.error!.offset, msg.length);
  assert.is(h.padding, undefined);
  // the same bytes inside a bigger buffer (a pcap frame after its cooked header)
  const framed = Buffer.concat([Buffer.alloc(16, 0xee), msg, zeros(128)]);
  assert.is(decodeDatagram(framed, NETLINK_ROUTE, 16).padding, 128);
});

// ------------------------------------------------------------------ (b)

test('iproute2 capture: text names come from the kernel only (ifindex 0 in requests is no device); deleted links are forgotten', async () => {
  const r = await run('pcap', FIXTURE);
  assert.is(r.code, 0, r.err);
  const byIndex = new Map(ORACLE.links.map((l) => [l.ifindex, l.ifname]));
  // Requests of `ip addr show` / `ip neigh show` ask for every device: ifindex 0
  let requests = 0;
  let kernelAddrs = 0;
  for (let i = 0; i < r.out.length; i++) {
    const head = /^ {2}(RTM_\w+) len=\d+ flags=(\S+) /.exec(r.out[i]!);
    if (!head) continue;
    const body = r.out[i + 1] ?? '';
    const isRequest = head[2]!.split(',').includes('REQUEST');
    if (isRequest && head[1] === 'RTM_GETADDR') {
      requests++;
      assert.match(body, /^ {4}0: if0 /, `line ${i + 2}: ${body}`);
    } else if (isRequest && head[1] === 'RTM_GETNEIGH') {
      requests++;
      assert.match(body, /^ {4}\? dev if0 /, `line ${i + 2}: ${body}`);
    } else if (!isRequest && (head[1] === 'RTM_NEWADDR' || head[1] === 'RTM_DELADDR')) {
      // the kernel's addresses: by the name ip gives that index
      const m = /^ {4}(\d+): (\S+) /.exec(body)!;
      assert.ok(m, body);
      assert.is(m[2], byIndex.get(Number(m[1])), `line ${i + 2}: ${body}`);
      kernelAddrs++;
    }
  }
  assert.is(requests, 3, 'two address dump requests and one neighbour dump request');
  assert.ok(kernelAddrs >= ORACLE.addrs.reduce((n, a) => n + a.addr_info.length, 0), 'every address ip lists was seen');
});

test('iproute2 capture: after the whole capture the name table is ip\'s view without the deleted d0', async () => {
  const names: NameCache = new Map();
  const o = { details: false, names };
  for (const p of await load()) for (const m of p.messages) if (m.type >= 16) formatRouteMessage(m.raw, m.object, o);
  const expected = ORACLE.links.filter((l) => l.ifname !== 'd0').map((l) => [l.ifindex, l.ifname] as [number, string]);
  assert.equal([...names].sort((a, b) => a[0] - b[0]), expected);
});

test('rtnl-dump hex: names from the kernel\'s RTM_NEWLINK only; requests teach nothing; RTM_DELLINK forgets', async () => {
  const w = new Writer();
  const link = (type: number, flags: number, index: number, name: string): void => {
    const s = w.msgStart(type, flags, 1, 0);
    w.u8(0);
    w.u8(0);
    w.u16(1);
    w.s32(index);
    w.u32(0);
    w.u32(0);
    w.attrString(U.IFLA_IFNAME, name);
    w.msgEnd(s);
  };
  const addr = (flags: number, index: number): void => {
    const s = w.msgStart(U.RTM_NEWADDR, flags, 1, 0);
    w.u8(2); // AF_INET
    w.u8(24);
    w.u8(0x80); // IFA_F_PERMANENT
    w.u8(0);
    w.u32(index);
    w.attrBytes(U.IFA_LOCAL, Buffer.from([192, 0, 2, index]));
    w.msgEnd(s);
  };
  const getAddr = (): void => {
    const s = w.msgStart(U.RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 2, 0);
    w.zero(8);
    w.msgEnd(s);
  };
  const getNeigh = (): void => {
    const s = w.msgStart(U.RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, 3, 0);
    w.zero(12);
    w.msgEnd(s);
  };
  // `ip link add d0 type dummy`: a request naming d0 with ifindex 0; then dumps asking for index 0
  link(U.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, 0, 'd0');
  getAddr();
  getNeigh();
  // a request naming a device by index (not the kernel's word) and the kernel's address on it
  link(U.RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, 9, 'req9');
  addr(0, 9);
  // the kernel announces index 7, its address, then deletes it; a later mention is nameless
  link(U.RTM_NEWLINK, 0, 7, 'k7');
  addr(NLM_F_MULTI, 7);
  link(U.RTM_DELLINK, 0, 7, 'k7');
  addr(0, 7);
  const r = await run('hex', w.toBuffer().toString('hex'));
  assert.is(r.code, 0, r.err);
  const summaries = r.out.filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim());
  assert.equal(
    summaries.map((l) => l.split(/ {2,}|: <| NONE$/)[0]),
    ['0: d0', '0: if0', '? dev if0', '9: req9', '9: if9', '7: k7', '7: k7', '7: k7', '7: if7'],
  );
});

test.run();
