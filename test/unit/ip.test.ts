import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { throwsA } from '../expect.js';
import { formatIPv6, parseIPv4, parseIPv6, parsePrefix, parseMac, formatMac, networkOf, isIP } from '../../src/netlink/ip.js';
import { ArgumentError } from '../../src/netlink/errors.js';

const v6 = (s: string): string => formatIPv6(parseIPv6(s)!);

test('IPv4 parse', () => {
  assert.equal([...parseIPv4('10.0.1.2')!], [10, 0, 1, 2]);
  for (const bad of ['10.0.1', '10.0.1.256', '01.2.3.4', '1.2.3.4.5', '', ' 1.2.3.4', 'a.b.c.d']) assert.is(parseIPv4(bad), undefined, bad);
});

test('IPv6 parse and RFC 5952 format', () => {
  assert.equal(v6('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
  assert.equal(v6('::'), '::');
  assert.equal(v6('::1'), '::1');
  assert.equal(v6('fe80::'), 'fe80::');
  assert.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // first longest run
  assert.equal(v6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // single zero group not compressed
  assert.equal(v6('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  assert.equal(v6('1:2:3:4:5:6:1.2.3.4'), '1:2:3:4:5:6:102:304');
  assert.equal(v6('2001:DB8::A'), '2001:db8::a');
  for (const bad of [':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'g::1', '1:2:3:4:5:6:7', ':1::', '1:::2', '::1.2.3']) {
    assert.is(parseIPv6(bad), undefined, bad);
  }
});

test('prefixes', () => {
  assert.equal(parsePrefix('10.0.1.1/24'), { address: '10.0.1.1', prefixLen: 24, family: 4 });
  assert.equal(parsePrefix('2001:db8::1/64'), { address: '2001:db8::1', prefixLen: 64, family: 6 });
  assert.equal(parsePrefix('10.0.0.1').prefixLen, 32);
  throwsA(() => parsePrefix('10.0.1.1/33'), ArgumentError);
  throwsA(() => parsePrefix('10.0.1.1/'), ArgumentError);
  throwsA(() => parsePrefix('10.0.1/24'), ArgumentError);
  throwsA(() => parsePrefix('2001:db8::/129'), ArgumentError);
  assert.throws(() => parsePrefix('10.0.0.1', 'p', { requireLength: true }), /prefix length/);
  assert.equal(networkOf(parsePrefix('10.0.1.7/24')), '10.0.1.0');
  assert.equal(networkOf(parsePrefix('2001:db8::1:2/112')), '2001:db8::1:0');
  assert.equal(isIP('::1'), 6);
  assert.equal(isIP('nope'), 0);
});

test('MAC parse/format', () => {
  assert.equal(formatMac(parseMac('02:AB:00:00:00:01')), '02:ab:00:00:00:01');
  assert.equal(formatMac(parseMac('02-ab-00-00-00-01')), '02:ab:00:00:00:01');
  assert.throws(() => parseMac('02:ab:00:00:00', 'address', 6), /6 bytes/);
  throwsA(() => parseMac('0g:00:00:00:00:00'), ArgumentError);
  throwsA(() => parseMac(42 as unknown as string), ArgumentError);
});

test.run();
