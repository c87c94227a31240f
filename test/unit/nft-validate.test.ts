// Bad rules, chains, sets are ArgumentErrors naming the field, before any I/O;
// ext-ack offsets map back to attribute paths; hostile bytes give DecodeError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsA } from '../expect.js';
import { ArgumentError, DecodeError } from '../../src/netlink/errors.js';
import { splitMessages } from '../../src/netlink/message.js';
import {
  addChain, addElements, addRule, addSet, addTable, accept, ct, decodeNftMessage, describeNftOffset, dnat, encodeNftMessage,
  ip, ip6, limit, log, masquerade, match, meta, redirect, snat, tcp, udp, jump,
} from '../../src/nft/index.js';

const field = (fn: () => unknown, re?: RegExp): string => throwsA(fn, ArgumentError, re).field;

test('builders: bad values name the field', () => {
  assert.is(field(() => ip.saddr('10.0.0.0/33')), 'ip.saddr');
  assert.is(field(() => ip.saddr('10.0.0.1/8'), /host bits/), 'ip.saddr');
  assert.is(field(() => ip.saddr('fd00::1')), 'ip.saddr');
  assert.is(field(() => ip6.daddr('1.2.3.4')), 'ip6.daddr');
  assert.is(field(() => ip.saddr('banana')), 'ip.saddr');
  assert.is(field(() => tcp.dport(65536), /0\.\.65535/), 'tcp.dport');
  assert.is(field(() => udp.sport(-1)), 'udp.sport');
  assert.is(field(() => tcp.dport.range(100, 10), /reversed/), 'tcp.dport');
  assert.is(field(() => match.oifname('a-very-long-interface-name')), 'oifname');
  assert.is(field(() => ct.state('establishd' as never)), 'ct.state[0]');
  assert.is(field(() => ct.status()), 'ct.status');
  assert.is(field(() => meta.l4proto('tcpp')), 'meta.l4proto');
  assert.is(field(() => meta.mark(-1)), 'meta.mark');
  assert.is(field(() => limit({ rate: 0 })), 'limit.rate');
  assert.is(field(() => limit({ rate: 1, per: 'fortnight' as never })), 'limit.per');
  assert.is(field(() => log({ level: 'loud' as never })), 'log.level');
  assert.is(field(() => log({ level: 'warn', group: 1 })), 'log.level');
  assert.is(field(() => masquerade({ port: 70000 })), 'masquerade.port');
  assert.is(field(() => masquerade({ prot: 1 } as never)), 'masquerade.prot');
  assert.is(field(() => dnat({ addr: '300.1.1.1' })), 'dnat.addr');
  assert.is(field(() => dnat({})), 'dnat');
  assert.is(field(() => snat({ addr: '10.0.0.9-10.0.0.1' }), /reversed/), 'snat.addr');
  assert.is(field(() => redirect({ port: 'x' as never })), 'redirect.port');
  assert.is(field(() => jump('')), 'jump');
  assert.is(field(() => tcp.dport.inSet('')), 'tcp.dport.set');
});

test('rules: context errors name the statement (expr[i]) before anything is sent', () => {
  const r = (family: 'ip' | 'ip6' | 'inet' | 'arp', expr: unknown[]) => () => addRule({ family, table: 't', chain: 'c', expr: expr as never });
  assert.is(field(r('ip6', [ip.saddr('10.0.0.0/8')]), /ip6 table/), 'expr[0]');
  assert.is(field(r('inet', [ip.saddr('10.0.0.0/8'), ip6.saddr('::1')]), /conflicting/), 'expr[1]');
  assert.is(field(r('ip', [tcp.dport(1), udp.dport(2)]), /conflicting/), 'expr[1]');
  assert.is(field(r('ip', [accept(), masquerade({ port: 1024 })]), /transport protocol match/), 'expr[1].port');
  assert.is(field(r('ip', [dnat({ addr: '10.0.0.1', port: 80 })]), /transport protocol match/), 'expr[0].port');
  assert.is(field(r('ip6', [dnat({ addr: '10.0.0.1' })]), /IPv4 address/), 'expr[0].addr');
  assert.is(field(r('inet', [dnat({ port: 80 })]), /family/), 'expr[0].family');
  assert.is(field(r('arp', [masquerade()])), 'expr[0]');
  assert.is(field(r('ip', [])), 'expr');
  assert.is(field(r('ip', [42])), 'expr[0]');
  assert.is(field(r('ip', [{ name: 'cmp', data: { op: 'almost' } }])), 'expr[0].data.op');
  assert.is(field(r('ip', [{ name: 'mystery', data: {} }])), 'expr[0].data');
  // raw expressions pass through validated; unknown expressions as raw NFTA_EXPR_DATA
  const m = addRule({ family: 'ip', table: 't', chain: 'c', expr: [{ name: 'counter', data: { packets: 1n, bytes: 2n } }, { name: 'mystery', unknown: [{ type: 2, flags: 0x8000, data: Buffer.from('0800010000000001', 'hex') }] }] as never });
  const again = decodeNftMessage(splitMessages(encodeNftMessage(m))[0]!);
  assert.is((again.attrs as { expr: Array<{ name: string }> }).expr[1]!.name, 'mystery');
});

test('tables, chains, sets: unknown types, hooks, priorities, families, key type mismatches', () => {
  assert.is(field(() => addTable({ family: 'ipx' as never, name: 't' })), 'family');
  assert.is(field(() => addTable({ family: 'ip', name: '' })), 'name');
  assert.is(field(() => addTable({ family: 'ip', name: 't', flags: ['sleepy' as never] })), 'flags[0]');
  const ch = (o: Record<string, unknown>) => () => addChain({ family: 'ip', table: 't', name: 'c', ...o } as never);
  assert.is(field(ch({ type: 'mangle', hook: 'input', priority: 0 }), /unknown chain type/), 'type');
  assert.is(field(ch({ type: 'filter', hook: 'sideways', priority: 0 }), /unknown hook/), 'hook');
  assert.is(field(ch({ type: 'nat', hook: 'forward', priority: 0 }), /cannot use hook/), 'hook');
  assert.is(field(ch({ type: 'route', hook: 'input', priority: 0 })), 'hook');
  assert.is(field(ch({ type: 'filter', hook: 'input', priority: 'urgent' })), 'priority');
  assert.is(field(ch({ type: 'filter', hook: 'input', priority: 0, policy: 'reject' })), 'policy');
  assert.is(field(ch({ type: 'filter', hook: 'input' })), 'priority');
  assert.is(field(() => addChain({ family: 'netdev', table: 't', name: 'c', type: 'filter', hook: 'ingress', priority: 0 })), 'device');
  assert.is(field(() => addChain({ family: 'bridge', table: 't', name: 'c', type: 'nat', hook: 'input', priority: 0 })), 'type');
  assert.is(field(() => addSet({ family: 'ip', table: 't', name: 's', type: 'ipv5_addr' as never })), 'type');
  assert.is(field(() => addSet({ family: 'ip', table: 't', name: 's', type: 'ipv4_addr', flags: ['fast' as never] })), 'flags[0]');
  const el = (o: Record<string, unknown>) => () => addElements({ family: 'ip', table: 't', set: 's', type: 'ipv4_addr', elements: ['10.0.0.1'], ...o } as never);
  assert.is(field(el({ elements: [80] }), /IPv4/), 'elements[0]');
  assert.is(field(el({ type: 'inet_service', elements: ['10.0.0.1'] }), /port/), 'elements[0]');
  assert.is(field(el({ elements: [] })), 'elements');
  assert.is(field(el({ interval: true, elements: ['10.0.0.0/8', '10.1.0.0/16'] }), /overlap/), 'elements');
  assert.is(field(el({ map: 'verdict', type: 'inet_service', elements: [{ key: 22, value: 'maybe' }] })), 'elements[0].value');
});

test('describeNftOffset: an ext-ack offset names the attribute, list element and expression', () => {
  const m = encodeNftMessage(addRule({ family: 'ip', table: 't', chain: 'c', expr: [tcp.dport(22), accept()] }));
  const at = (needle: string) => m.indexOf(Buffer.from(needle, 'hex'));
  assert.is(describeNftOffset(m, 20), 'NFTA_RULE_TABLE');
  assert.is(describeNftOffset(m, at('0600020063') + 2), 'NFTA_RULE_CHAIN');
  // the cmp value 0016 (port 22) of the 4th expression
  const off = at('0016');
  assert.is(describeNftOffset(m, off), 'NFTA_RULE_EXPRESSIONS/NFTA_LIST_ELEM[3](cmp)/NFTA_EXPR_DATA/NFTA_CMP_DATA/NFTA_DATA_VALUE');
  assert.is(describeNftOffset(m, 3), undefined, 'inside the header');
  assert.is(describeNftOffset(m, m.length + 4), undefined);
});

test('hostile bytes: DecodeError, no hang, no crash', () => {
  const good = encodeNftMessage(addRule({ family: 'ip', table: 't', chain: 'c', expr: [tcp.dport(22), accept()] }));
  let typed = 0;
  for (let i = 16; i < good.length; i++) {
    for (const v of [0, 0xff, 3]) {
      const b = Buffer.from(good);
      b[i] = v;
      try {
        const [raw] = splitMessages(b);
        decodeNftMessage(raw!);
      } catch (e) {
        assert.ok(e instanceof DecodeError, `byte ${i}=${v}: ${(e as Error).name}: ${(e as Error).message}`);
        typed++;
      }
    }
  }
  assert.ok(typed > 0);
  // deep nesting: 2000 nested NFTA_LIST_ELEM-looking attributes
  let inner = Buffer.alloc(0);
  for (let i = 0; i < 2000 && inner.length < 60000; i++) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(inner.length + 4, 0);
    h.writeUInt16LE(0x8001, 2);
    inner = Buffer.concat([h, inner]);
  }
  const body = Buffer.concat([Buffer.from([2, 0, 0, 0]), Buffer.from([(inner.length + 4) & 0xff, (inner.length + 4) >> 8, 4, 0x80]), inner]);
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(16 + body.length, 0);
  hdr.writeUInt16LE(0x0a06, 4);
  const msg = Buffer.concat([hdr, body]);
  try {
    decodeNftMessage(splitMessages(msg)[0]!);
  } catch (e) {
    assert.ok(e instanceof DecodeError, String(e));
  }
});

test.run();
