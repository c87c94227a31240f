/**
 * Generic netlink codecs against bytes of the real tools
 * (test/fixtures/genl-6.1.json from the VM lane, genl-host.json from the
 * host; scripts/capture-genl-fixtures.mjs): ip macsec, teamnl, wg, ethtool
 * and genl, requests and the kernel's answers.
 * - family ids are learnt from each case's controller exchange, never given;
 * - every message of every family decodes and re-encodes byte for byte;
 * - nothing the 6.1 kernel or the tools sent decodes to unknown attributes;
 * - extended-ACK offsets in the tools' failed requests map to attribute paths.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writer } from '../../src/netlink/writer.js';
import { parseError } from '../../src/netlink/message.js';
import { NLMSG_ERROR } from '../../src/netlink/constants.js';
import { describeGenlOffset, encodeGenlPayload, genlMessageName, GenlFamilyIds } from '../../src/genl/index.js';
import { allCases, caseIds, caseMessages, getCase, hostFixture, unknownPaths, vmFixture, zeroPadding } from '../genl-support.js';

const FAMILY_OF: Record<string, string[]> = {
  macsec: ['nlctrl', 'macsec'],
  team: ['nlctrl', 'team'],
  wireguard: ['nlctrl', 'wireguard'],
  ethtool: ['nlctrl', 'ethtool'],
  ctrl: ['nlctrl'],
};

test('family ids are learnt from the controller messages of each case; every generic message names its family', () => {
  let n = 0;
  for (const c of allCases()) {
    const ids = caseIds(c);
    for (const fam of FAMILY_OF[c.scenario]!) {
      if (c.scenario === 'wireguard' && c.name === 'set-bad-key') continue; // wg refused before talking to the kernel
      assert.ok(ids.id(fam) !== undefined, `${c.fixture} ${c.scenario}/${c.name}: no id learnt for ${fam}`);
    }
    for (const m of caseMessages(c)) {
      if (!m.decoded) continue;
      n++;
      assert.ok(m.decoded.family !== undefined, `${c.scenario}/${c.name}: type ${m.raw.type} has no family`);
      assert.ok(FAMILY_OF[c.scenario]!.includes(m.decoded.family!), `${c.scenario}/${c.name}: unexpected family ${m.decoded.family}`);
    }
  }
  assert.ok(n > 300, `only ${n} generic messages`);
});

test('every generic netlink message re-encodes byte for byte (requests and answers, both kernels; padding zeroed)', () => {
  let n = 0;
  let padded = 0;
  for (const c of allCases()) {
    for (const m of caseMessages(c)) {
      if (!m.decoded) continue;
      const w = new Writer(m.bytes.length + 64);
      w.bytes(m.bytes.subarray(0, 16)); // nlmsghdr as sent
      encodeGenlPayload(w, m.decoded);
      const again = w.toBuffer();
      again.writeUInt32LE(again.length, 0);
      const want = zeroPadding(m.bytes, m.decoded.policy, 20);
      if (!want.equals(m.bytes)) padded++;
      assert.is(again.toString('hex'), want.toString('hex'), `${c.fixture} ${c.scenario}/${c.name} ${m.decoded.family} ${m.decoded.cmdName}`);
      n++;
    }
  }
  assert.ok(n > 300, `only ${n} messages`);
  // libmnl leaves old buffer bytes in attribute padding: some ethtool/wg requests have them
  assert.ok(padded > 0 && padded < n / 4, `${padded} of ${n} messages had non-zero padding`);
});

test('the 6.1 fixtures decode completely: no unknown attributes, every message with a policy', () => {
  const problems: string[] = [];
  for (const c of vmFixture.cases) {
    for (const m of caseMessages(c)) {
      if (!m.decoded) continue;
      const where = `${c.scenario}/${c.name} ${m.decoded.family} ${m.decoded.cmdName}`;
      if (!m.decoded.attrs) problems.push(`${where}: no policy`);
      problems.push(...unknownPaths(m.decoded.attrs, where));
    }
  }
  assert.equal(problems, []);
});

test('the host kernel fixtures decode with policies; attributes newer than the pinned headers are named', () => {
  const problems: string[] = [];
  for (const c of hostFixture.cases) {
    for (const m of caseMessages(c)) {
      if (!m.decoded) continue;
      const where = `${c.scenario}/${c.name} ${m.decoded.family} ${m.decoded.cmdName}`;
      if (!m.decoded.attrs) problems.push(`${where}: no policy`);
      // ethtool's strset answers list every string set of the running kernel: their contents are known attributes too
      problems.push(...unknownPaths(m.decoded.attrs, where));
    }
  }
  assert.equal(problems, []);
});

test('message names: genl <family> <CMD>, ethtool replies by their own numbering', () => {
  const c = getCase('ethtool', 'features');
  const ids = caseIds(c);
  const names = caseMessages(c).map((m) => genlMessageName(m.raw, ids));
  assert.ok(names.includes('genl nlctrl CTRL_CMD_GETFAMILY'), names.join(', '));
  assert.ok(names.includes('genl nlctrl CTRL_CMD_NEWFAMILY'));
  assert.ok(names.includes('genl ethtool ETHTOOL_MSG_FEATURES_GET'));
  assert.ok(names.includes('genl ethtool ETHTOOL_MSG_FEATURES_GET_REPLY'));
  assert.ok(names.includes('genl ethtool ETHTOOL_MSG_STRSET_GET_REPLY'));
  assert.ok(names.includes('NLMSG_ERROR'));
  const w = getCase('wireguard', 'show-dump');
  const wn = caseMessages(w).map((m) => genlMessageName(m.raw, caseIds(w)));
  assert.ok(wn.includes('genl wireguard WG_CMD_GET_DEVICE'), wn.join(', '));
  // an id nobody announced
  const unknownIds = new GenlFamilyIds();
  const m = caseMessages(w).find((x) => x.decoded?.family === 'wireguard')!;
  assert.is(genlMessageName(m.raw, unknownIds), `genl 0x${m.raw.type.toString(16)} cmd 0`);
});

test("ext-ack offsets in the tools' failed requests map to attribute paths", () => {
  const cases: Array<[string, string, string, string]> = [
    ['ethtool', 'set-channels-bad', 'requested channel count exceeds maximum', 'ETHTOOL_A_CHANNELS_RX_COUNT'],
    ['ethtool', 'nodev', 'no device matches name', 'ETHTOOL_A_CHANNELS_HEADER'],
  ];
  for (const [scen, name, msg, path] of cases) {
    const c = getCase(scen, name);
    const ids = caseIds(c);
    const msgs = caseMessages(c);
    const err = msgs.find((m) => m.raw.type === NLMSG_ERROR && parseError(m.raw).error < 0)!;
    const e = parseError(err.raw);
    assert.is(e.extack.message, msg);
    // the tools do not set NETLINK_CAP_ACK: the request comes back whole in the error
    const req = msgs.filter((m) => m.dir === 'out').map((m) => m.bytes).find((b) => b.readUInt32LE(8) === e.request.seq)!;
    const got = describeGenlOffset(req, e.extack.offset!, ids);
    if (name === 'nodev') assert.match(got ?? '', /HEADER\/ETHTOOL_A_HEADER_DEV_NAME$/);
    else assert.is(got, path);
  }
});
test.run();
