// Set elements read back as values (typedElements) and rules read back as nft
// statements (formatRuleExpr), from the messages the builders make and from
// the kernel dumps of the fixtures (nft 1.0.6, kernel 6.18; nft's text of the
// same rules is in each case's script).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { addElements, addSet, addRule, typedElements, formatRuleExpr, match, tcp, masquerade, dnat, ct, accept, counter, type SetElement, type NftSet } from '../../src/nft/index.js';
import { splitMessages } from '../../src/netlink/message.js';
import { decodeNftMessage, nftType, toObject } from '../../src/nft/message.js';

const setOf = (type: 'ipv4_addr' | 'inet_service' | 'ipv6_addr', flags: Array<'interval'> = []): NftSet => {
  const a = addSet({ family: 'ip', table: 't', name: 's', type, flags }).attrs;
  return { family: 'ip', ...a } as NftSet;
};
const elemsOf = (type: 'ipv4_addr' | 'inet_service' | 'ipv6_addr', interval: boolean, elements: Array<string | number>): SetElement[] =>
  addElements({ family: 'ip', table: 't', set: 's', type, interval, elements }).attrs.elements!;

test('interval sets read back as the prefixes, ranges and values given (nft encoding: leading end at 0, end = last + 1)', () => {
  const given = ['10.0.0.0/8', '172.16.0.5-172.16.0.9', '192.168.1.1'];
  const el = elemsOf('ipv4_addr', true, given);
  assert.is(el.length, 7, 'a leading end element and start/end per interval');
  assert.equal(typedElements(setOf('ipv4_addr', ['interval']), el).map((e) => e.key), given);
  // shuffled as a dump may come
  assert.equal(typedElements(setOf('ipv4_addr', ['interval']), [...el].reverse()).map((e) => e.key), given);
  // an interval up to the end of the key space has no end element
  const top = elemsOf('ipv4_addr', true, ['0.0.0.0/1', '255.255.255.0/24']);
  assert.equal(typedElements(setOf('ipv4_addr', ['interval']), top).map((e) => e.key), ['0.0.0.0/1', '255.255.255.0/24']);
  assert.equal(typedElements(setOf('inet_service', ['interval']), elemsOf('inet_service', true, ['1024-2000', 22])).map((e) => e.key), [22, '1024-2000']);
  assert.equal(typedElements(setOf('ipv6_addr', ['interval']), elemsOf('ipv6_addr', true, ['fd00::/64'])).map((e) => e.key), ['fd00::/64']);
});

test('plain sets in key order; unknown key types as hex', () => {
  assert.equal(typedElements(setOf('inet_service'), elemsOf('inet_service', false, [443, 22])).map((e) => e.key), [22, 443]);
  assert.equal(typedElements({ keyType: 99, keyLen: 2 }, elemsOf('inet_service', false, [22])).map((e) => e.key), ['0x0016']);
});

test('rules read back as nft statements (the builders output)', () => {
  const r = (expr: Parameters<typeof addRule>[0]['expr'], family: 'ip' | 'inet' = 'ip') => formatRuleExpr(addRule({ family, table: 't', chain: 'c', expr }).attrs.expr, family);
  assert.is(r([match.ip.saddr('172.18.0.0/16'), match.oifname.not('docker0'), masquerade()]), 'ip saddr 172.18.0.0/16 oifname != "docker0" masquerade');
  assert.is(r([match.iifname.not('docker0'), tcp.dport(8080), dnat({ addr: '172.18.0.2', port: 80 })]), 'iifname != "docker0" tcp dport 8080 dnat to 172.18.0.2:80');
  assert.is(r([ct.state('established', 'related'), counter(), accept()], 'inet'), 'ct state established,related counter accept');
  assert.is(r([match.ip.saddr('10.0.0.0/12'), tcp.dport.range(1, 5), accept()], 'inet'), 'ip saddr 10.0.0.0/12 tcp dport 1-5 accept');
  assert.is(formatRuleExpr([{ name: 'hash', unknown: [] } as never]), '[ hash ]', 'an expression without a statement in its debug form');
});

test('kernel dumps of the fixtures: every rule prints as the statement nft was given', () => {
  const f = JSON.parse(readFileSync(new URL('../../../test/fixtures/nft-batches.json', import.meta.url), 'utf8')) as { cases: Array<{ name: string; script: string; dump: string[] }> };
  const c = f.cases.find((x) => x.name === 'seed001-nat')!;
  const rules: string[] = [];
  for (const hex of c.dump) {
    for (const m of splitMessages(Buffer.from(hex, 'hex'))) {
      if (m.type !== nftType('NEWRULE')) continue;
      const o = toObject(decodeNftMessage(m)) as { family: string; expr: never };
      rules.push(formatRuleExpr(o.expr, o.family));
    }
  }
  assert.ok(rules.length >= 2, `rules in the dump: ${rules.length}`);
  for (const r of rules) assert.ok(c.script.includes(r), `"${r}" is in the script:\n${c.script}`);
});

test.run();
