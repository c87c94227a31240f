// A live nlmon capture recorded by a real kernel (Debian 6.1 in the VM lane,
// scripts/capture-nlmon-fixture.sh running test/kernel/nlmon.test.ts), decoded
// on any machine: the scenario checks of the live test, the frame-by-frame
// view of tshark, and byte-exact re-encoding of every decoded body.
//
// The table EXPECTED is `tshark -r test/fixtures/nlmon-6.1.pcap -T fields
// -E occurrence=a -E aggregator='|' -e frame.number -e netlink.hdr_type
// -e netlink-route.nltype -e netlink.hdr_flags -e netlink.hdr_seq
// -e netlink.hdr_pid -e netlink.error -e netlink-route.ifla_ifname`
// (tshark 4.0), pasted; when tshark is installed the test runs it again and
// checks the table is still what it says.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readNetlinkCapture, type NetlinkPacket } from '../../src/pcap/index.js';
import { schemaFor } from '../../src/rtnl/schema.js';
import { Writer } from '../../src/netlink/writer.js';
import { NLMSG_ERROR, NLM_F_REQUEST } from '../../src/netlink/constants.js';
import { have, skip } from '../helpers.js';
import { NLMON, checkScenarioCapture } from '../nlmon-scenario.js';

const FIXTURE = 'test/fixtures/nlmon-6.1.pcap';
const TSHARK_FIELDS = ['frame.number', 'netlink.hdr_type', 'netlink-route.nltype', 'netlink.hdr_flags', 'netlink.hdr_seq', 'netlink.hdr_pid', 'netlink.error', 'netlink-route.ifla_ifname'];

// frame, control types (NLMSG_*, and the echoed request header's type in an error), rtnetlink types,
// flags (incl. the echoed header's), seqs, pids, errors, ifnames
const EXPECTED = `
1		18	0x0005	90712733	0		lo
2		16	0x0000	90712733	129		lo
3	0x0002|0x0012		0x0100|0x0005	90712733|90712733	129|0	0	
4		16	0x0605|0x0605	90778267	0		nlm-va
5	0x0002|0x0010		0x0100|0x0605|0x0605	90778267|90778267	2518676687|0	0	
6		16	0x0005	90778268	0		nlm-va
7	0x0002|0x0010		0x0100|0x0005	90778268|90778268	2518676687|0	0	
8		18	0x0005	90778269	0		nlm-va
9		16	0x0000	90778269	2518676687		nlm-va
10	0x0002|0x0012		0x0100|0x0005	90778269|90778269	2518676687|0	0	
11		20	0x0605|0x0605	90778270	0		
12	0x0002|0x0014		0x0100|0x0605|0x0605	90778270|90778270	2518676687|0	0	
13		18	0x0301|0x0301	90778271	0		
14		16|16	0x0002|0x0002	90778271|90778271	2518676687|2518676687		lo|nlmon0
15		16|16	0x0002|0x0002	90778271|90778271	2518676687|2518676687		nlm-vb|nlm-va
16	0x0003		0x0002	90778271	2518676687		
17		17	0x0005	90778272	0		nlm-va
18	0x0002|0x0011		0x0100|0x0005	90778272|90778272	2518676687|0	0	
19		18	0x0005	90778273	0		nlm-nope
20	0x0002|0x0012		0x0100|0x0005	90778273|90778273	2518676687|0	-19	
21		16	0x0005	0	0		
22	0x0002|0x0010		0x0000|0x0005	0|0	150|0	-19	
23		16	0x0605|0x0605	1795387050	0		dummy0
24	0x0002|0x0010		0x0100|0x0605|0x0605	1795387050|1795387050	150|0	0	
25		16	0x0005	0	0		
26	0x0002|0x0010		0x0000|0x0005	0|0	151|0	-19	
27		18	0x0301|0x0301	1795387051	0		
28		16|16|16	0x0002|0x0002|0x0002	1795387051|1795387051|1795387051	151|151|151		lo|nlmon0|dummy0
29	0x0003		0x0002	1795387051	151		
30		18	0x0005	90712734	0		lo
31		16	0x0000	90712734	129		lo
32	0x0002|0x0012		0x0100|0x0005	90712734|90712734	129|0	0	
`
  .trim()
  .split('\n')
  .map((l) => l.split('\t'));

const list = (s: string | undefined): string[] => (s ? s.split('|') : []);
const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;

async function load(): Promise<NetlinkPacket[]> {
  const out: NetlinkPacket[] = [];
  for await (const p of readNetlinkCapture(FIXTURE)) out.push(p);
  return out;
}

test('nlmon-6.1.pcap: the scenario checks of the live test pass on the saved capture', async () => {
  const ps = await load();
  assert.is(ps.length, 32);
  const f = checkScenarioCapture(ps);
  assert.is(f.libPid, 2518676687);
  // the library's 7 requests: veth add, mtu, name lookup + address, dump, del, get of a missing link
  assert.equal(f.libRequests.map((x) => [x.frame, x.msg.typeName, x.msg.seq]), [
    [4, 'RTM_NEWLINK', 90778267],
    [6, 'RTM_NEWLINK', 90778268],
    [8, 'RTM_GETLINK', 90778269],
    [11, 'RTM_NEWADDR', 90778270],
    [13, 'RTM_GETLINK', 90778271],
    [17, 'RTM_DELLINK', 90778272],
    [19, 'RTM_GETLINK', 90778273],
  ]);
  assert.is(f.libReplies.length, 12, 'messages to the library: 5 ACKs, 1 ENODEV, 1 RTM_NEWLINK answering the name lookup, 4 dumped links, NLMSG_DONE');
  assert.equal([f.ipCreate.frame, f.ipCreate.msg.seq, f.ipCreateAck.frame, f.ipDump.frame], [23, 1795387050, 24, 27]);
  assert.equal(f.ipDumpNames, ['lo', NLMON.dev, NLMON.dummy]);
});

test('nlmon-6.1.pcap: frame by frame as tshark reads it (types, flags, seqs, pids, errors, ifnames)', async () => {
  const ps = await load();
  assert.is(ps.length, EXPECTED.length, 'frames');
  ps.forEach((p, i) => {
    const [num, hdrTypes, nltypes, flags, seqs, pids, errors, names] = EXPECTED[i]!;
    const where = `frame ${num}`;
    assert.is(p.frame, Number(num), where);
    const ms = p.messages;
    // control messages (and the echoed request of an error) by hdr_type, rtnetlink ones by nltype
    assert.equal(ms.flatMap((m) => (m.type < 16 ? [m.type, ...(m.type === NLMSG_ERROR ? [m.error!.request.type] : [])] : [])), list(hdrTypes).map(Number), `${where} control types`);
    assert.equal(ms.filter((m) => m.type >= 16).map((m) => m.type), list(nltypes).map(Number), `${where} rtnetlink types`);
    const echoed = <T>(m: (typeof ms)[number], own: T, req: T): T[] => (m.type === NLMSG_ERROR ? [own, req] : [own]);
    // tshark lists netlink.hdr_flags twice for a request with GET/NEW/DEL-specific bits (0x100-0x800): once per flags view
    const flagsField = (f: number): string[] => (f & NLM_F_REQUEST && f & 0xf00 ? [hex4(f), hex4(f)] : [hex4(f)]);
    assert.equal(ms.flatMap((m) => [...flagsField(m.flags), ...(m.error ? flagsField(m.error.request.flags) : [])]), list(flags), `${where} flags`);
    assert.equal(ms.flatMap((m) => echoed(m, m.seq, m.error?.request.seq ?? 0)), list(seqs).map(Number), `${where} seqs`);
    assert.equal(ms.flatMap((m) => echoed(m, m.pid, m.error?.request.pid ?? 0)), list(pids).map(Number), `${where} pids`);
    assert.equal(ms.filter((m) => m.error).map((m) => m.error!.error), list(errors).map(Number), `${where} errors`);
    assert.equal(ms.filter((m) => m.kind === 'link' && m.object).map((m) => m.object!.name).filter((n) => n !== ''), list(names), `${where} ifnames (no IFLA_IFNAME: '')`);
  });
});

if (have('tshark')) {
  test('nlmon-6.1.pcap: the table above is what tshark says', () => {
    const r = spawnSync('tshark', ['-r', FIXTURE, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|', ...TSHARK_FIELDS.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').map((l) => l.split('\t')), EXPECTED);
  });
} else {
  skip(test, 'nlmon-6.1.pcap: the table above is what tshark says', 'tshark not installed (scripts/setup.sh installs it)');
}

test('nlmon-6.1.pcap: every decoded body re-encodes to the captured bytes', async () => {
  let n = 0;
  for (const p of await load()) {
    for (const m of p.messages) {
      if (!m.object) continue;
      const w = new Writer();
      schemaFor(m.type)!.encode(w, m.object);
      const again = w.toBuffer();
      if (!again.equals(m.payload)) {
        let i = 0;
        while (i < again.length && again[i] === m.payload[i]) i++;
        assert.unreachable(`frame ${p.frame} ${m.typeName} seq ${m.seq}: re-encoded bytes differ at offset ${i} (len ${again.length} vs ${m.payload.length})`);
      }
      n++;
    }
  }
  assert.is(n, 23, 'decoded bodies: 13 requests (library, markers, ip; incl. the dump requests and ip\'s index-less probes), 10 RTM_NEWLINK answers');
});

test('nlmon-6.1.pcap: the fixture file is small and a plain microsecond pcap', () => {
  const b = readFileSync(FIXTURE);
  assert.ok(b.length < 20000, `${b.length} bytes`);
  assert.is(b.readUInt32LE(0), 0xa1b2c3d4, 'pcap magic, little-endian, microseconds (tcpdump -w)');
  assert.is(b.readUInt32LE(20), 253, 'LINKTYPE_NETLINK');
});

test.run();
