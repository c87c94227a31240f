// rtnl-dump without a kernel: hex and pcap decoding, help, usage errors and
// exit codes (in-process through main(), and once through the bin script).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, parseHex, type CliIo } from '../../src/cli/main.js';
import { Writer } from '../../src/netlink/writer.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { getInet6StatsLayout, setInet6StatsLayout } from '../../src/rtnl/afspec.js';
import { skip } from '../helpers.js';
import { corpusFile, corpusMissing, repoRoot } from '../corpus.js';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s) };
  const code = await main(argv, io);
  return { code, out, err: err.join('\n') };
}

/** An RTM_NEWLINK with a name, an mtu, a veth kind, and an attribute no kernel defines (type 999). */
function linkMessage(): Buffer {
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWLINK, 0, 77, 1234);
  w.u8(0);
  w.u8(0);
  w.u16(1);
  w.s32(42);
  w.u32(0x1003);
  w.u32(0);
  w.attrString(U.IFLA_IFNAME, 'x0');
  w.attrU32(U.IFLA_MTU, 1400);
  const li = w.nestStart(U.IFLA_LINKINFO);
  w.attrString(U.IFLA_INFO_KIND, 'veth');
  w.attrEnd(li);
  const u = w.attrStart(999);
  w.bytes(Buffer.from([0xab, 0xcd]));
  w.attrEnd(u);
  w.msgEnd(s);
  return w.toBuffer();
}

test('hex: decodes a link message by name; -d shows every attribute, the unknown one as unknown(type=999) <hex>', async () => {
  const hex = linkMessage().toString('hex');
  const r = await run('hex', hex);
  assert.is(r.code, 0, r.err);
  assert.match(r.out[0]!, /^RTM_NEWLINK len=\d+ flags=0 seq=77 pid=1234$/);
  // flags 0x1003 = UP|BROADCAST|MULTICAST without RUNNING: ip prints NO-CARRIER first, in its own flag order
  assert.is(r.out[1], '  42: x0: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1400');
  const d = await run('hex', '-d', hex.replace(/(..)/g, '$1 '));
  assert.is(d.code, 0, d.err);
  const text = d.out.join('\n');
  assert.match(text, /IFLA_IFNAME "x0"/);
  assert.match(text, /IFLA_MTU 1400/);
  assert.match(text, /IFLA_LINKINFO\n\s+IFLA_INFO_KIND "veth"/);
  assert.match(text, /unknown\(type=999\) abcd/);
  const j = await run('hex', '--json', hex);
  const m = JSON.parse(j.out[0]!);
  assert.equal([m.typeName, m.seq, m.pid, m.kind], ['RTM_NEWLINK', 77, 1234, 'link']);
  assert.equal([m.object.name, m.object.index, m.object.mtu, m.object.kind], ['x0', 42, 1400, 'veth']);
  assert.equal(m.object.unknown, [{ type: 999, flags: 0, data: 'abcd' }]);
});

test('hex: a short IFA_CACHEINFO / NDA_CACHEINFO (truncated or hostile bytes) prints no undefined or NaN, and -dd still shows the bytes', async () => {
  // RTM_NEWADDR 10.0.0.1/24 on index 1 with a 4-byte IFA_CACHEINFO (the struct has 16)
  const addr = '280000001400000001000000000000000218000001000000080001000a0000010800060064000000';
  // RTM_NEWNEIGH 10.0.0.2 on index 1, state REACHABLE, with an 8-byte NDA_CACHEINFO (the struct has 16)
  const w = new Writer();
  const m = w.msgStart(U.RTM_NEWNEIGH, 0, 1, 0);
  w.u8(2); w.u8(0); w.u16(0); w.s32(1); w.u16(2); w.u8(0); w.u8(1);
  const a = w.attrStart(U.NDA_DST);
  w.bytes(Buffer.from([10, 0, 0, 2]));
  w.attrEnd(a);
  const c = w.attrStart(U.NDA_CACHEINFO);
  w.u32(100); w.u32(200);
  w.attrEnd(c);
  w.msgEnd(m);
  for (const [hex, what] of [[addr, 'address'], [w.toBuffer().toString('hex'), 'neighbour']] as const) {
    for (const flags of [[], ['-d']]) {
      const r = await run('hex', ...flags, hex);
      assert.is(r.code, 0, `${what} ${flags.join(' ')}: ${r.err}`);
      const text = r.out.join('\n');
      assert.not.match(text, /undefined|NaN/, `${what} ${flags.join(' ')}:\n${text}`);
    }
    const dd = await run('hex', '-dd', hex);
    assert.match(dd.out.join('\n'), /CACHEINFO/, `${what}: -dd shows the attribute`);
  }
});

test('hex: other families show header and payload; malformed bytes exit 1; bad hex exits 2', async () => {
  const w = new Writer();
  const s = w.msgStart(0x1c, 0x5, 9, 0);
  w.u32(0x01020304);
  w.msgEnd(s);
  const r = await run('hex', '--family', 'sock_diag', w.toBuffer().toString('hex'));
  assert.is(r.code, 0);
  assert.equal(r.out, ['type 0x1c len=20 flags=REQUEST,ACK seq=9 pid=0 payload 04030201']);
  const bad = await run('hex', '1400000010000000');
  assert.is(bad.code, 1);
  assert.match(bad.err, /malformed netlink bytes: truncated nlmsghdr/);
  for (const [arg, re] of [['zz', /not hex/], ['abc', /odd number of hex digits/]] as const) {
    const e = await run('hex', arg);
    assert.is(e.code, 2, arg);
    assert.match(e.err, re);
    assert.match(e.err, /usage: rtnl-dump hex/);
  }
  assert.is((await run('hex')).code, 2);
  assert.is((await run('hex', '--family', 'nosuch', '00')).code, 2);
  assert.equal([...parseHex('0x0A:0b 0C\n')], [10, 11, 12]);
});

test('usage: no command, unknown command/option, option of another command, missing values exit 2; --help exits 0', async () => {
  assert.is((await run()).code, 2);
  const u = await run('frobnicate');
  assert.is(u.code, 2);
  assert.match(u.err, /unknown command "frobnicate"/);
  assert.match((await run('link', '--bogus')).err, /unknown option --bogus/);
  assert.is((await run('link', '--bogus')).code, 2);
  assert.match((await run('pcap', 'f', '--netns', 'x')).err, /option --netns does not apply to "pcap"/);
  assert.is((await run('link', '--netns')).code, 2);
  assert.is((await run('monitor', '--count', '0')).code, 2);
  assert.is((await run('monitor', '--rcvbuf', 'lots')).code, 2);
  assert.is((await run('link', 'eth0', 'extra')).code, 2);
  assert.match((await run('route', 'eth0')).err, /unexpected argument "eth0"/);
  assert.match((await run('neigh', 'dev')).err, /dev needs an interface name/);
  assert.match((await run('rule', 'dev', 'x')).err, /unexpected argument "dev"/);
  assert.match((await run('pcap')).err, /missing FILE/);
  assert.is((await run('pcap')).code, 2);
  for (const c of ['link', 'addr', 'route', 'neigh', 'rule', 'monitor', 'pcap', 'hex']) {
    const h = await run(c, '--help');
    assert.is(h.code, 0, c);
    assert.match(h.out[0]!, new RegExp(`^usage: rtnl-dump ${c}`));
    assert.equal((await run('help', c)).out, h.out);
  }
  const top = await run('--help');
  assert.is(top.code, 0);
  assert.match(top.out.join('\n'), /exit codes: 0 success, 1 runtime error.*2 bad usage/);
});

test('dump options: -j and --json exclude each other, -p needs JSON, -br takes no -d/--json, -s and -br only where ip has them, bad dev names exit 2 before anything is sent', async () => {
  const usage = async (args: string[], re: RegExp): Promise<void> => {
    const r = await run(...args);
    assert.is(r.code, 2, args.join(' '));
    assert.match(r.err, re, args.join(' '));
  };
  await usage(['link', '-j', '--json'], /-j \(iproute2 JSON\) and --json \(decoded objects\) exclude each other/);
  await usage(['route', '-p'], /-p indents JSON: give -j or --json/);
  await usage(['addr', '-br', '-d'], /-br does not combine with -d/);
  await usage(['link', '-br', '--json'], /-br does not combine with --json/);
  await usage(['rule', '-s'], /option -s does not apply to "rule"/);
  await usage(['route', '-br'], /option -br does not apply to "route"/);
  await usage(['pcap', '-s', 'f'], /option -s does not apply to "pcap"/);
  await usage(['route', '-s'], /-s with route goes with -j/);
  await usage(['addr', '-s', '-br'], /-s with addr goes with -j/);
  // interface names as the kernel takes them (dev_valid_name): checked here, the namespace is never opened
  for (const bad of ['', 'a/b', 'a b', 'x'.repeat(16), '..', 'a:1']) {
    await usage(['link', '--netns', `rtnl-never-${process.pid}`, 'dev', bad], /dev: .* is not an interface name/);
  }
  await usage(['neigh', '--netns', `rtnl-never-${process.pid}`, 'dev', 'x'.repeat(16)], /is not an interface name/);
});

test('--version prints the package version (also -V); -j on pcap/hex/monitor is --json', async () => {
  const pkg = JSON.parse((await import('node:fs')).readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const v of ['--version', '-V']) {
    const r = await run(v);
    assert.is(r.code, 0);
    assert.equal(r.out, [`rtnl-dump ${pkg.version} (rtnetlink)`]);
  }
  const hex = linkMessage().toString('hex');
  assert.equal((await run('hex', '-j', hex)).out, (await run('hex', '--json', hex)).out);
});

test('hex --inet6-stats: per-link IPv6 counters by the capturing kernel\'s layout; a bad layout exits 2', async () => {
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWLINK, 0, 1, 0);
  w.zero(16);
  w.attrString(U.IFLA_IFNAME, 'x0');
  const af = w.nestStart(U.IFLA_AF_SPEC);
  const i6 = w.nestStart(10 /* AF_INET6 */);
  const st = w.attrStart(U.IFLA_INET6_STATS);
  for (let i = 0; i < 38; i++) w.u64(i === 0 ? 38 : 1000 + i);
  w.attrEnd(st);
  w.attrEnd(i6);
  w.attrEnd(af);
  w.msgEnd(s);
  const hex = w.toBuffer().toString('hex');
  const stats = async (layout: string): Promise<Record<string, number>> => {
    const r = await run('hex', '--json', '--inet6-stats', layout, hex);
    assert.is(r.code, 0, r.err);
    return JSON.parse(r.out[0]!).object.afSpec.inet6.stats;
  };
  const saved = getInet6StatsLayout();
  try {
    // the option is the command's decode option: the process default stays what it was, whichever it is
    for (const dflt of ['legacy', '6.15'] as const) {
      setInet6StatsLayout(dflt);
      assert.is((await stats('legacy')).outForwDatagrams, 1004);
      assert.is(getInet6StatsLayout(), dflt);
      assert.is((await stats('6.15')).inNoECTPkts, 1004);
      assert.is((await stats('6.15')).outForwDatagrams, 1011);
      assert.is(getInet6StatsLayout(), dflt);
    }
  } finally {
    setInet6StatsLayout(saved);
  }
  const bad = await run('hex', '--inet6-stats', '6.2', hex);
  assert.is(bad.code, 2);
  assert.match(bad.err, /--inet6-stats: expected legacy/);
  assert.match((await run('link', '--inet6-stats', 'legacy')).err, /does not apply to "link"/);
});

test('pcap: unreadable files exit 1 with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-cli-'));
  try {
    const missing = await run('pcap', join(dir, 'nope.pcap'));
    assert.is(missing.code, 1);
    assert.match(missing.err, /cannot read .*nope\.pcap: ENOENT/);
    const isDir = await run('pcap', dir);
    assert.is(isDir.code, 1);
    assert.match(isDir.err, /EISDIR/);
    const junk = join(dir, 'junk.pcap');
    writeFileSync(junk, 'hello, not a capture');
    const j = await run('pcap', junk);
    assert.is(j.code, 1);
    assert.match(j.err, /not a pcap or pcapng capture/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

if (corpusMissing) {
  skip(test, 'pcap: corpus captures as text and JSON lines', corpusMissing);
} else {
  test('pcap: corpus captures as text and JSON lines; Ethernet capture refused', async () => {
    const f = corpusFile('pcaps/pyroute2_nl0.pcap')!;
    const j = await run('pcap', '--json', f);
    assert.is(j.code, 0, j.err);
    assert.is(j.out.length, 19);
    const frames = j.out.map((l) => JSON.parse(l));
    assert.equal(frames.map((x) => x.frame), Array.from({ length: 19 }, (_, i) => i + 1));
    const lo = frames[4].messages[0];
    assert.equal([lo.typeName, lo.seq, lo.object.name, lo.object.index, lo.object.mtu], ['RTM_NEWLINK', 1710366817, 'lo', 1, 65536]);
    assert.is(frames[4].familyName, 'NETLINK_ROUTE');
    assert.is(frames[4].time, '2024-03-13T21:53:37.724888000Z');
    assert.is(frames[0].familyName, 'NETLINK_GENERIC');
    assert.is(frames[0].messages[0].payload.length, (frames[0].messages[0].len - 16) * 2, 'payload as hex');
    assert.is(frames[18].messages[0].error.request.type, 0x25);
    const t = await run('pcap', '-d', f);
    assert.is(t.code, 0);
    const text = t.out.join('\n');
    assert.match(text, /^frame 5 2024-03-13T21:53:37\.724888000Z NETLINK_ROUTE outgoing 2916 bytes$/m);
    assert.match(text, /^ {4}1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 /m);
    assert.match(text, /IFLA_IFNAME "wg-int"/);
    assert.match(text, /IFLA_INFO_KIND "wireguard"/);
    assert.match(text, /^ {2}NLMSG_DONE len=20 flags=MULTI seq=1710366817 /m);
    const eth = corpusFile('pcaps/negative/nldecap_1pkt_not_netlink_le.pcap')!;
    const e = await run('pcap', eth);
    assert.is(e.code, 1);
    assert.match(e.err, /link type ETHERNET \(1\); expected NETLINK \(253\)/);
  });
}

test('bin/rtnl-dump.js: exit codes through the real entry point', () => {
  const bin = join(repoRoot, 'bin', 'rtnl-dump.js');
  const bad = spawnSync(process.execPath, [bin, 'nosuchcommand'], { encoding: 'utf8' });
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /unknown command/);
  const ok = spawnSync(process.execPath, [bin, 'hex', linkMessage().toString('hex')], { encoding: 'utf8' });
  assert.is(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /42: x0:/);
  const rt = spawnSync(process.execPath, [bin, 'hex', '0100'], { encoding: 'utf8' });
  assert.is(rt.status, 1);
});

test.run();
