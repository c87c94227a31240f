/**
 * rtnl-dump and generic netlink without a kernel: captures made of the real
 * tools' datagrams (test/fixtures/genl-6.1.json) decode by family and
 * command, family ids learnt from the controller messages in the capture (or
 * given with --genl-family), ext-ack offsets named; hex likewise; usage
 * errors exit 2.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliIo } from '../../src/cli/main.js';
import { PcapWriter } from '../../src/pcap/writer.js';
import { captureContexts, readNetlinkCapture } from '../../src/pcap/index.js';
import { genlIds } from '../../src/genl/index.js';
import { NETLINK_GENERIC } from '../../src/netlink/constants.js';
import { caseIds, getCase, type GenlCase } from '../genl-support.js';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(s) };
  const code = await main(argv, io);
  return { code, out, err: err.join('\n') };
}

const dir = mkdtempSync(join(tmpdir(), 'genl-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** A pcap of a case's datagrams, in order, as nlmon would have seen them. */
function capture(cases: GenlCase[], name: string): string {
  const file = join(dir, `${name}.pcap`);
  const w = PcapWriter.open(file);
  for (const c of cases) for (const d of c.datagrams) w.tap(d.dir, Buffer.from(d.hex, 'hex'), NETLINK_GENERIC);
  w.close();
  return file;
}

test('pcap: generic netlink decodes by family and command with ids learnt from the capture; errors name the offending attribute', async () => {
  const file = capture([getCase('macsec', 'add-txsa'), getCase('wireguard', 'show-dump'), getCase('ethtool', 'set-channels-bad')], 'mixed');
  const r = await run('pcap', file);
  assert.is(r.code, 0, r.err);
  const text = r.out.join('\n');
  for (const want of [
    'genl nlctrl CTRL_CMD_GETFAMILY',
    'CTRL_ATTR_FAMILY_NAME "macsec"',
    'genl macsec MACSEC_CMD_ADD_TXSA',
    'MACSEC_SA_ATTR_KEYID 01000000000000000000000000000000',
    'MACSEC_SA_ATTR_PN 1',
    'genl wireguard WG_CMD_GET_DEVICE',
    'WGDEVICE_A_IFNAME "wg0"',
    'WGPEER_A_ENDPOINT 10.0.0.2:51820',
    'WGALLOWEDIP_A_IPADDR fd00:9::2',
    'genl ethtool ETHTOOL_MSG_CHANNELS_SET',
    'msg="requested channel count exceeds maximum" offset=32 at=ETHTOOL_A_CHANNELS_RX_COUNT',
  ]) {
    assert.ok(text.includes(want), `missing: ${want}`);
  }
  // JSON lines carry the decoded message
  const j = await run('pcap', '--json', file);
  const msgs = j.out.filter(Boolean).flatMap((l) => JSON.parse(l).messages as Array<Record<string, any>>);
  const add = msgs.find((m) => m.typeName === 'genl macsec MACSEC_CMD_ADD_TXSA')!;
  assert.is(add.kind, 'macsec');
  assert.is(add.object.family, 'macsec');
  assert.is(add.object.cmdName, 'MACSEC_CMD_ADD_TXSA');
  assert.is(add.object.attrs.sa.keyId, '01000000000000000000000000000000');
  assert.is(add.object.attrs.sa.key, '81cb1ae2c6cfa4b4f3e9e3dc92d41a5e');
});

test('pcap: a family the capture never announces stays numeric until given with --genl-family', async () => {
  // only the dump exchange, without wg's controller lookup
  const c = getCase('wireguard', 'show-dump');
  const ids = caseIds(c);
  const wgId = ids.id('wireguard')!;
  const noCtrl: GenlCase = { ...c, datagrams: c.datagrams.filter((d) => Buffer.from(d.hex, 'hex').readUInt16LE(4) !== 16) };
  const file = capture([noCtrl], 'noctrl');
  const plain = await run('pcap', file);
  assert.ok(plain.out.some((l) => l.includes(`genl 0x${wgId.toString(16)} cmd 0`)), plain.out.join('\n'));
  assert.ok(plain.out.some((l) => l.includes(`--genl-family ${wgId}=NAME`)));
  const given = await run('pcap', '--genl-family', `${wgId}=wireguard`, file);
  assert.ok(given.out.some((l) => l.includes('genl wireguard WG_CMD_GET_DEVICE')), given.out.join('\n'));
  assert.ok(given.out.some((l) => l.includes('WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL 25')));
  // the library API: ids given to readNetlinkCapture through its decode contexts, one table per capture
  const contexts = captureContexts();
  genlIds(contexts(NETLINK_GENERIC)).set(wgId, 'wireguard');
  let named = 0;
  for await (const p of readNetlinkCapture(file, { contexts })) for (const m of p.messages) if ((m.object as { family?: string } | undefined)?.family === 'wireguard') named++;
  assert.ok(named >= 2);
  let unnamed = 0;
  for await (const p of readNetlinkCapture(file)) for (const m of p.messages) if (m.type === wgId && !m.object && m.typeName.startsWith('genl 0x')) unnamed++;
  assert.ok(unnamed >= 2, 'a second capture does not inherit the first one\'s ids');
});

test('hex --family generic: ids from a controller message in the same bytes, or --genl-family', async () => {
  const c = getCase('team', 'set-mode');
  const ids = caseIds(c);
  const teamId = ids.id('team')!;
  const set = c.datagrams.filter((d) => d.dir === 'out').map((d) => Buffer.from(d.hex, 'hex')).find((b) => b.readUInt16LE(4) === teamId && b[16] === 1)!;
  const r = await run('hex', '--family', 'generic', '--genl-family', `0x${teamId.toString(16)}=team`, set.toString('hex'));
  assert.is(r.code, 0, r.err);
  const text = r.out.join('\n');
  assert.ok(text.includes('genl team TEAM_CMD_OPTIONS_SET'), text);
  assert.ok(text.includes('TEAM_ATTR_OPTION_NAME "mode"'));
  assert.ok(text.includes('TEAM_ATTR_OPTION_TYPE string'));
  assert.ok(text.includes('TEAM_ATTR_OPTION_DATA "activebackup"'));
  // the controller's answer and the request in one hex input
  const ctrlAnswer = c.datagrams.find((d) => d.dir === 'in')!.hex;
  const both = await run('hex', '--family', 'generic', ctrlAnswer + set.toString('hex'));
  assert.ok(both.out.join('\n').includes('genl team TEAM_CMD_OPTIONS_SET'));
});

test('usage: --genl-family needs ID=NAME with an id of 16..1023 (GENL_MAX_ID) and only applies to pcap and hex; genl commands reject unknown options', async () => {
  for (const v of ['33', 'x=macsec', '5=macsec', '1024=macsec', '70000=macsec', '33=name-longer-than-15']) {
    const r = await run('hex', '--family', 'generic', '--genl-family', v, '00');
    assert.is(r.code, 2, v);
    assert.match(r.err, /--genl-family/);
  }
  assert.is((await run('link', '--genl-family', '33=macsec')).code, 2);
  for (const argv of [['ethtool'], ['team'], ['ethtool', '-x', 'v0'], ['ethtool', '-k', '-l', 'v0'], ['genl', 'extra'], ['macsec', 'a', 'b'], ['wireguard', '--netns']]) {
    const r = await run(...argv);
    assert.is(r.code, 2, argv.join(' '));
    assert.match(r.err, /usage: rtnl-dump/);
  }
  const h = await run('help', 'ethtool');
  assert.is(h.code, 0);
  assert.match(h.out.join('\n'), /ethtool -k/);
  assert.match((await run('--help')).out.join('\n'), /wireguard\s+show WireGuard devices/);
});

test.run();
