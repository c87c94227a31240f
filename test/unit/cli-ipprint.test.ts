// The iproute2 printer: printf conversions as C prints them (the values are
// what glibc's printf gives for the same format and argument), one call per
// field giving both the text and the JSON, JSON written like iproute2's
// writer (u64 exact, raw numbers as given); and --json's <field>Name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IpPrinter, RawJson, ipJsonText, sprintf } from '../../src/cli/ipprint.js';
import { withIfNames } from '../../src/cli/format.js';
import { kindPrinter } from '../../src/cli/ipkinds.js';
import type { IpContext } from '../../src/cli/iplink.js';
import '../../src/rtnl/rtnl.js';
import '../../src/rtnl/kinds/index.js';

test('sprintf: the conversions iproute2 formats use, as glibc prints them', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['%s: ', ['lo'], 'lo: '],
    ['%-16s ', ['eth0'], 'eth0             '],
    ['%-14s ', ['UP'], 'UP             '],
    ['%d: ', [7], '7: '],
    ['mtu %u ', [1500], 'mtu 1500 '],
    ['%#x', [0], '0'],
    ['%#x', [0x8001], '0x8001'],
    ['%#llx ', [0x10n], '0x10 '],
    ['%x', [255], 'ff'],
    ['%02x', [5], '05'],
    ['%#.4x', [0x8001], '0x8001'],
    ['%#.4x', [1], '0x0001'],
    ['%.4x', [1], '0001'],
    ['%4s.%s ', ['2', '50'], '   2.50 '],
    ['%*s ', [10, '1582'], '      1582 '],
    ['%*s', [-6, 'ab'], 'ab    '],
    ['%5d|%-5d|%05d', [42, 42, 42], '   42|42   |00042'],
    ['%llu', [18446744073709551615n], '18446744073709551615'],
    ['%gs ', [1.5], '1.5s '],
    ['%gs ', [2], '2s '],
    ['%.2f', [299.978], '299.98'],
    ['100%% %s', ['done'], '100% done'],
  ];
  for (const [fmt, args, want] of cases) assert.is(sprintf(fmt, ...args), want, `${fmt} ${String(args)}`);
});

test('printer: one call per field; text only in text mode, JSON only in JSON mode; arrays and objects nest', () => {
  const run = (p: IpPrinter): void => {
    p.openObject();
    p.int('any', 'ifindex', '%d: ', 3);
    p.openArray('any', p.json ? 'flags' : '<');
    p.string('any', null, '%s,', 'UP');
    p.string('any', null, '%s', 'LOWER_UP');
    p.closeArray('any', '> ');
    p.string('json', 'only_json', null, 'x');
    p.fp('only text ');
    p.onOff('any', 'learning', 'learning %s ', false);
    p.hex0x('any', 'id', 'port_id %#x ', 0x8001);
    p.raw('gc_timer', '299.98');
    p.null('any', 'ecn', 'ecn ', null);
    p.openObject('rx');
    p.uint('json', 'bytes', null, 2n ** 64n - 1n);
    p.uint('json', 'packets', null, 12n);
    p.closeObject();
    p.closeObject();
  };
  const t = new IpPrinter(false);
  run(t);
  assert.equal(t.lines(), ['3: <UP,LOWER_UP> only text learning off port_id 0x8001 ecn']);
  const j = new IpPrinter(true);
  run(j);
  assert.is(
    ipJsonText(j.objects()),
    '[{"ifindex":3,"flags":["UP","LOWER_UP"],"only_json":"x","learning":false,"id":"0x8001","gc_timer":299.98,"ecn":null,"rx":{"bytes":18446744073709551615,"packets":12}}]',
  );
  // pretty: indented, the same values
  const pretty = ipJsonText(j.objects(), '    ');
  assert.ok(pretty.startsWith('[\n    {\n        "ifindex": 3,'), pretty);
  assert.equal(JSON.parse(pretty), JSON.parse(ipJsonText(j.objects())));
  assert.is(ipJsonText([new RawJson('0.00'), null, true, 'a"b']), '[0.00,null,true,"a\\"b"]');
  // a name whose bytes are not UTF-8 (x\xff decodes as "x\udcff"): \xNN in text, the library's string in JSON
  const t2 = new IpPrinter(false);
  t2.string('any', 'ifname', '%s: ', 'x\udcff');
  t2.fp('altname y\udcfe');
  assert.equal(t2.lines(), ['x\\xff: altname y\\xfe']);
  const j2 = new IpPrinter(true);
  j2.openObject();
  j2.string('any', 'ifname', '%s: ', 'x\udcff');
  j2.closeObject();
  assert.equal(JSON.parse(ipJsonText(j2.objects())), [{ ifname: 'x\udcff' }]);
});

test('kind printers: addresses the library reads back under the option names print under ip\'s keys (by attribute: GROUP before GROUP6)', () => {
  // [kind, kind data as the library decodes it, ip -d text, ip -j -d info_data keys]
  const cases: Array<[string, Record<string, unknown>, string, string[]]> = [
    ['vxlan', { id: 1, remote: '192.0.2.7', local: '192.0.2.1' }, 'id 1 remote 192.0.2.7 local 192.0.2.1 ', ['id', 'remote', 'local']],
    ['vxlan', { id: 2, remote: '2001:db8::7', local: '2001:db8::1' }, 'id 2 remote 2001:db8::7 local 2001:db8::1 ', ['id', 'remote6', 'local6']],
    ['vxlan', { id: 3, group: 'ff05::5', local: '2001:db8::2' }, 'id 3 group ff05::5 local 2001:db8::2 ', ['id', 'group6', 'local6']],
    ['vxlan', { id: 4, group: '239.1.1.1' }, 'id 4 group 239.1.1.1 ', ['id', 'group']],
    // hostile data the decoder leaves under the attribute names (both GROUP and GROUP6): ip prints GROUP
    ['vxlan', { id: 5, group: '192.0.2.7', group6: '2001:db8::7' }, 'id 5 remote 192.0.2.7 ', ['id', 'remote']],
    ['vxlan', { id: 6, remote: '192.0.2.6', group: 'ff05::6' }, 'id 6 remote 192.0.2.6 ', ['id', 'remote']],
    ['geneve', { id: 11, remote: '2001:db8::11' }, 'id 11 remote 2001:db8::11 ', ['id', 'remote6']],
    ['geneve', { id: 10, remote: '192.0.2.1' }, 'id 10 remote 192.0.2.1 ', ['id', 'remote']],
    ['geneve', { id: 9, remote: '192.0.2.1', remote6: '2001:db8::1' }, 'id 9 remote 192.0.2.1 ', ['id', 'remote']],
    ['bridge', { vlanProtocol: '802.1ad' }, 'vlan_protocol 802.1ad ', ['vlan_protocol']],
    ['bridge', { vlanProtocol: 0x88a8 }, 'vlan_protocol 802.1ad ', ['vlan_protocol']],
  ];
  const ctx: IpContext = { names: new Map(), details: true, stats: 0, brief: false };
  for (const [kind, d, text, keys] of cases) {
    const t = new IpPrinter(false);
    t.fp('X ');
    kindPrinter(kind)!(t, d, ctx);
    assert.is(t.lines()[0], `X ${text}`.trimEnd(), `${kind} ${JSON.stringify(d)}`);
    const j = new IpPrinter(true);
    j.openObject(null);
    kindPrinter(kind)!(j, d, ctx);
    j.closeObject();
    assert.equal(Object.keys(JSON.parse(ipJsonText(j.objects()[0]!)) as object), keys, `${kind} ${JSON.stringify(d)} -j`);
  }
});

test('--json names: <field>Name after each known interface index; none for unknown indexes or another namespace\'s', () => {
  const names = new Map([[3, 'eth3'], [4, 'br4']]);
  const link = withIfNames('link', { index: 5, name: 'v5', link: 3, master: 4, linkInfo: { kind: 'vxlan', data: { id: 1, link: 4 } } }, names);
  assert.equal(Object.keys(link), ['index', 'name', 'link', 'linkName', 'master', 'masterName', 'linkInfo']);
  assert.is(link.linkName, 'eth3');
  assert.is(link.masterName, 'br4');
  assert.equal((link.linkInfo as { data: Record<string, unknown> }).data, { id: 1, link: 4, linkName: 'br4' });
  const peer = withIfNames('link', { index: 6, name: 'x6', link: 3, linkNetnsId: 0 }, names);
  assert.is(peer.linkName, undefined, 'the index of another namespace');
  const unknown = withIfNames('address', { index: 9, family: 2 }, names);
  assert.is('indexName' in unknown, false);
  const route = withIfNames('route', { oif: 4, multipath: [{ ifindex: 3, hops: 0 }, { ifindex: 8, hops: 0 }] }, names);
  assert.equal(route, { oif: 4, oifName: 'br4', multipath: [{ ifindex: 3, ifindexName: 'eth3', hops: 0 }, { ifindex: 8, hops: 0 }] });
  assert.equal(withIfNames('neighbour', { index: 3, master: 4 }, names), { index: 3, indexName: 'eth3', master: 4, masterName: 'br4' });
});

test.run();
