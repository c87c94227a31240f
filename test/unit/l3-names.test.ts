// Prefix helpers and the name / flag tables behind addresses, routes, neighbours and rules (no kernel).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { broadcastOf, hasHostBits, networkOf, parsePrefix, formatPrefix } from '../../src/netlink/ip.js';
import { ArgumentError } from '../../src/netlink/errors.js';
import { parseFamily, parseTable, tableName, SCOPES, PROTOCOLS, ROUTE_TYPES, checkIfRef } from '../../src/rtnl/rtcommon.js';
import { ADDR_FLAGS, addrFlagNames } from '../../src/rtnl/addr.js';
import { METRIC_LOCKS, metricLockNames, routeFlagNames } from '../../src/rtnl/route.js';
import { NEIGH_STATES, neighStateName, neighStateNames } from '../../src/rtnl/neigh.js';
import { ruleFlagNames } from '../../src/rtnl/rule.js';
import { throwsA } from '../expect.js';

test('broadcastOf / networkOf / hasHostBits on IPv4 and IPv6 prefixes', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['10.0.1.7/24', '10.0.1.255', '10.0.1.0', true],
    ['10.0.1.0/24', '10.0.1.255', '10.0.1.0', false],
    ['172.27.5.9/16', '172.27.255.255', '172.27.0.0', true],
    ['192.168.1.1/32', '192.168.1.1', '192.168.1.1', false],
    ['10.1.2.3/0', '255.255.255.255', '0.0.0.0', true],
    ['10.0.0.5/30', '10.0.0.7', '10.0.0.4', true],
    ['2001:db8::1/64', '2001:db8::ffff:ffff:ffff:ffff', '2001:db8::', true],
    ['2001:db8::/48', '2001:db8:0:ffff:ffff:ffff:ffff:ffff', '2001:db8::', false],
  ];
  for (const [p, brd, net, host] of cases) {
    const x = parsePrefix(p);
    assert.equal(broadcastOf(x), brd, `broadcast of ${p}`);
    assert.equal(networkOf(x), net, `network of ${p}`);
    assert.equal(hasHostBits(x), host, `host bits of ${p}`);
  }
  assert.equal(formatPrefix(parsePrefix('2001:DB8:0::1/64')), '2001:db8::1/64');
});

test('families, tables, scopes, protocols, route types: names <-> numbers, ArgumentError naming the field', () => {
  assert.equal([parseFamily('inet', 'f'), parseFamily('inet6', 'f'), parseFamily('bridge', 'f'), parseFamily(10, 'f')], [2, 10, 7, 10]);
  assert.match(throwsA(() => parseFamily(6, 'family'), ArgumentError).message, /inet6/);
  assert.equal(throwsA(() => parseFamily('inet', 'x', [10]), ArgumentError).field, 'x');
  assert.equal([parseTable('main', 't'), parseTable('local', 't'), parseTable('default', 't'), parseTable(100000, 't'), parseTable('300', 't')], [254, 255, 253, 100000, 300]);
  for (const bad of [-1, 2 ** 32, 1.5, 'mian', null]) assert.equal(throwsA(() => parseTable(bad, 'table'), ArgumentError).field, 'table');
  assert.equal([tableName(254), tableName(100)], ['main', 100]);
  assert.equal([SCOPES.parse('universe', 's'), SCOPES.parse('link', 's'), SCOPES.name(254), SCOPES.name(7)], [0, 253, 'host', 7]);
  assert.equal([PROTOCOLS.parse('static', 'p'), PROTOCOLS.name(2), PROTOCOLS.parse(77, 'p'), PROTOCOLS.parse('77', 'p')], [4, 'kernel', 77, 77]);
  throwsA(() => PROTOCOLS.parse(256, 'p'), ArgumentError);
  throwsA(() => ROUTE_TYPES.parse('blackhol', 'type'), ArgumentError, /blackhole/);
  assert.equal(checkIfRef('a-long-alternative-name', 'dev'), 'a-long-alternative-name');
  for (const bad of ['', 'a/b', 'with space', 0, -3, 1.5, {}]) throwsA(() => checkIfRef(bad, 'dev'), ArgumentError);
});

test('flag tables: names, arrays, numbers; unknown bits shown in hex', () => {
  assert.equal(ADDR_FLAGS.parse(['nodad', 'noprefixroute'], 'flags'), 0x2 | 0x200);
  assert.equal(addrFlagNames(0x80 | 0x200 | 0x10000), ['permanent', 'noprefixroute', '0x10000']);
  assert.equal(throwsA(() => ADDR_FLAGS.parse(['nodad', 'bogus'], 'flags'), ArgumentError).field, 'flags[1]');
  assert.equal(METRIC_LOCKS.parse(['mtu', 'advmss'], 'lock'), (1 << 2) | (1 << 8));
  assert.equal(metricLockNames((1 << 2) | (1 << 13)), ['mtu', 'rtoMin']);
  assert.equal(routeFlagNames(0x4 | 0x200), ['onlink', 'cloned']);
  assert.equal(NEIGH_STATES.parse(['noarp', 'permanent'], 'state'), 0xc0);
  assert.equal([neighStateName(0x80), neighStateName(0), neighStateName(0xc0)], ['permanent', 'none', 0xc0]);
  assert.equal(neighStateNames(0xc0), ['noarp', 'permanent']);
  assert.equal(ruleFlagNames(2), ['not']);
});

test.run();
