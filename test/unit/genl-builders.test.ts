/**
 * The typed families build, for the same settings, the bytes the real tools
 * sent (test/fixtures/genl-6.1.json, genl-host.json): each call goes through
 * a transport that records instead of sending, and its attributes are
 * compared with the tool's request, byte for byte (padding zeroed: libmnl
 * leaves old buffer bytes there). Where we deliberately differ (ethtool's
 * compact bit sets, wg's 4 KiB message split) the test says so and compares
 * what the kernel ends up with.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ethtool, Macsec, Team, WireGuard, splitDeviceConfig, wgDevicePolicy, type GenlMessage } from '../../src/genl/index.js';
import { GENL_UAPI as G } from '../../src/genl/uapi.js';
import { answersFrom, callAttrBytes, FakeTransport, getCase, hostFixture, requestAttrBytes, requestsTo, type RecordedCall } from '../genl-support.js';
import { decodeAttrs } from '../../src/netlink/attr.js';

/** The tool's last request to `family` in a case, and ours, as hex. */
function compare(scenario: string, name: string, family: string, ours: RecordedCall, pick: (i: number, n: number) => boolean = (i, n) => i === n - 1, fixture = undefined as undefined | typeof hostFixture): void {
  const reqs = requestsTo(getCase(scenario, name, fixture), family);
  const theirs = reqs.filter((_, i) => pick(i, reqs.length));
  assert.is(theirs.length, 1, `${scenario}/${name}: one request to compare`);
  const t = theirs[0]!;
  assert.is(ours.cmd, t.decoded!.cmd, `${scenario}/${name}: command`);
  assert.is(callAttrBytes(ours).toString('hex'), requestAttrBytes(t).toString('hex'), `${scenario}/${name}: attributes`);
}

// ------------------------------------------------------------------ macsec

const KEY_A = '81cb1ae2c6cfa4b4f3e9e3dc92d41a5e';
const KEY_B = '4a2b6a3c1b2c7d9e0f1e2d3c4b5a6978';
const KEY_C = '0f0e0d0c0b0a09080706050403020100';
const KEY256_A = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY256_B = 'ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1eff';
const SALT = '0102030405060708090a0b0c';
const PEER = { mac: '02:00:00:00:0b:01', port: 1 };

function macsecIndex(name: string): number {
  return requestsTo(getCase('macsec', name), 'macsec')[0]!.decoded!.attrs!.ifindex as number;
}

test('macsec: TX/RX SC and SA add, update, delete and offload build ip macsec\'s bytes (seed 003 and XPN)', async () => {
  const t = new FakeTransport([
    { name: 'macsec0', index: macsecIndex('add-txsa'), kind: 'macsec', data: { cipherSuite: 'gcm-aes-128' } },
    { name: 'macsec1', index: macsecIndex('xpn-add-txsa'), kind: 'macsec', data: { cipherSuite: 'gcm-aes-xpn-256' } },
  ]);
  const m = new Macsec(t);
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['add-txsa', () => m.addTxSa('macsec0', { an: 0, pn: 1, active: true, keyId: '01', key: KEY_A })],
    ['add-rxsc', () => m.addRxSc('macsec0', { sci: PEER })],
    ['add-rxsa', () => m.addRxSa('macsec0', { sci: PEER, an: 0, pn: 1, active: true, keyId: '00', key: KEY_B })],
    ['upd-txsa', () => m.updTxSa('macsec0', { an: 0, pn: 100, active: false })],
    ['upd-rxsc', () => m.updRxSc('macsec0', { sci: PEER, active: false })],
    ['upd-rxsa', () => m.updRxSa('macsec0', { sci: PEER, an: 0, pn: 5, active: false })],
    ['add-txsa-1', () => m.addTxSa('macsec0', { an: 1, pn: 7, active: false, keyId: '0102030405060708090a0b0c0d0e0f10', key: Buffer.from(KEY_C, 'hex') })],
    ['del-txsa', () => m.delTxSa('macsec0', 1)],
    ['del-rxsa', () => m.delRxSa('macsec0', { sci: '020000000b010001', an: 0 })],
    ['del-rxsc', () => m.delRxSc('macsec0', PEER)],
    ['offload-off', () => m.setOffload('macsec0', 'off')],
    ['xpn-add-txsa', () => m.addTxSa('macsec1', { an: 2, pn: 5000000000n, salt: SALT, ssci: 0x17, active: true, keyId: '0a', key: KEY256_A })],
    ['xpn-add-rxsc', () => m.addRxSc('macsec1', { sci: 0x020000000b010002n, active: true })],
    ['xpn-add-rxsa', () => m.addRxSa('macsec1', { sci: '020000000b010002', an: 3, pn: 7000000000n, salt: SALT, ssci: 0x18, active: true, keyId: '0b', key: KEY256_B })],
  ];
  for (const [name, call] of steps) {
    await call();
    compare('macsec', name, 'macsec', t.calls.at(-1)!);
  }
  await m.show();
  const show = t.calls.at(-1)!;
  assert.ok(show.dump && show.cmd === G.MACSEC_CMD_GET_TXSC);
  compare('macsec', 'show', 'macsec', show);
});

// -------------------------------------------------------------------- team

test('team: setOptions builds teamnl\'s bytes for mode, activeport, per-port and array options; options/ports requests too', async () => {
  const idx = (name: string): number => requestsTo(getCase('team', name), 'team')[0]!.decoded!.attrs!.ifindex as number;
  const t = new FakeTransport([
    { name: 'team0', index: idx('set-mode'), kind: 'team' },
    { name: 'team1', index: idx('lb-set-mode'), kind: 'team' },
    { name: 'eth1', index: 4 },
    { name: 'eth2', index: 6 },
    { name: 'peer1', index: 3 },
  ]);
  const team = new Team(t);
  const last = (i: number, n: number): boolean => i === n - 1;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['set-mode', () => team.setOptions('team0', { mode: 'activebackup' })],
    ['set-activeport', () => team.setOptions('team0', { activeport: 'eth1' })],
    ['set-enabled', () => team.setOptions('team0', { ports: { eth2: { enabled: false } } })],
    ['set-queue-id', () => team.setOptions('team0', { ports: { eth2: { queue_id: 3 } } })],
    ['set-priority', () => team.setOptions('team0', { ports: { eth2: { priority: -5 } } })],
    ['set-activeport-2', () => team.setOptions('team0', [{ name: 'activeport', value: 6 }])],
    ['lb-set-mode', () => team.setOptions('team1', { mode: 'loadbalance' })],
    ['lb-set-mapping', () => team.setOptions('team1', [{ name: 'lb_tx_hash_to_port_mapping', arrayIndex: 5, value: 'peer1' }])],
  ];
  for (const [name, call] of steps) {
    await call();
    compare('team', name, 'team', t.calls.at(-1)!, last);
  }
  // every change was sent while listening to change_event (the kernel fails the request with ESRCH when nobody listens)
  assert.equal(t.groups, steps.map(() => 'team/change_event'));
  const byCmd = (name: string, cmd: number) => (i: number): boolean => requestsTo(getCase('team', name), 'team')[i]!.decoded!.cmd === cmd;
  await team.ports('team0');
  compare('team', 'ports', 'team', t.calls.at(-1)!, byCmd('ports', G.TEAM_CMD_PORT_LIST_GET));
  await team.options('team0');
  compare('team', 'options', 'team', t.calls.at(-1)!, byCmd('options', G.TEAM_CMD_OPTIONS_GET));
});

// --------------------------------------------------------------- wireguard

/** Public keys and the private key as the tools' requests carry them. */
function wgRequest(name: string, i = 0): Record<string, any> {
  return requestsTo(getCase('wireguard', name), 'wireguard')[i]!.decoded!.attrs!;
}

test('wireguard: set builds wg set\'s bytes (keys, port, fwmark, peer with psk, endpoint, allowed IPs, keepalive), v6 endpoints, peer removal, setconf', async () => {
  const t = new FakeTransport();
  const wg = new WireGuard(t);
  const s = wgRequest('set');
  const psk = s.peers[0].presharedKey as string;
  const pub2 = s.peers[0].publicKey as string;
  const pub3 = wgRequest('add-peer-v6').peers[0].publicKey as string;
  await wg.set('wg0', {
    privateKey: s.privateKey,
    listenPort: 51820,
    fwmark: 0x10,
    peers: [{ publicKey: pub2, presharedKey: psk, endpoint: '10.0.0.2:51820', allowedIps: ['10.9.0.2/32', 'fd00:9::2/128'], persistentKeepalive: 25 }],
  });
  compare('wireguard', 'set', 'wireguard', t.calls.at(-1)!);
  await wg.set('wg0', { peers: [{ publicKey: pub3, endpoint: '[fd00::3]:51821', allowedIps: ['10.9.3.0/24'] }] });
  compare('wireguard', 'add-peer-v6', 'wireguard', t.calls.at(-1)!);
  await wg.set('wg0', { peers: [{ publicKey: Buffer.from(pub3, 'base64'), remove: true }] });
  compare('wireguard', 'remove-peer', 'wireguard', t.calls.at(-1)!);
  // wg setconf: replace peers; the file's unset ListenPort/FwMark are sent as 0
  await wg.set('wg0', { privateKey: s.privateKey, listenPort: 0, fwmark: 'off', replacePeers: true, peers: [{ publicKey: pub2, allowedIps: ['10.9.0.2/32'] }] });
  compare('wireguard', 'setconf-small', 'wireguard', t.calls.at(-1)!);
  await wg.get('wg0');
  const get = t.calls.at(-1)!;
  assert.ok(get.dump);
  compare('wireguard', 'show-dump', 'wireguard', get);
});

/** What a sequence of WG_CMD_SET_DEVICE messages leaves in the kernel (the semantics of wireguard/netlink.c). */
function applySets(msgs: Array<Record<string, any>>): Record<string, unknown> {
  const dev: Record<string, unknown> = {};
  const peers = new Map<string, { psk?: string; endpoint?: string; keepalive?: number; ips: string[] }>();
  for (const m of msgs) {
    for (const k of ['privateKey', 'listenPort', 'fwmark']) if (m[k] !== undefined) dev[k] = m[k];
    if ((m.flags ?? 0) & G.WGDEVICE_F_REPLACE_PEERS) peers.clear();
    for (const p of m.peers ?? []) {
      if ((p.flags ?? 0) & G.WGPEER_F_REMOVE_ME) {
        peers.delete(p.publicKey);
        continue;
      }
      const cur = peers.get(p.publicKey) ?? { ips: [] };
      if (p.presharedKey !== undefined) cur.psk = p.presharedKey;
      if (p.endpoint !== undefined) cur.endpoint = p.endpoint;
      if (p.persistentKeepalive !== undefined) cur.keepalive = p.persistentKeepalive;
      if ((p.flags ?? 0) & G.WGPEER_F_REPLACE_ALLOWEDIPS) cur.ips = [];
      for (const a of p.allowedIps ?? []) cur.ips.push(`${a.ipaddr}/${a.cidrMask}`);
      peers.set(p.publicKey, cur);
    }
  }
  return { ...dev, peers: Object.fromEntries([...peers].sort(([a], [b]) => a.localeCompare(b))) };
}

test('wireguard: a setconf too large for one message is split; the kernel ends up with what wg set (61 peers, 400 allowed IPs on one)', async () => {
  const theirs = requestsTo(getCase('wireguard', 'setconf-many'), 'wireguard').map((m) => m.decoded!.attrs as Record<string, any>);
  assert.ok(theirs.length >= 3, `wg sent ${theirs.length} messages`);
  const want = applySets(theirs);
  // the same configuration through the library, from wg's own first message and peers
  const peers: Array<Record<string, any>> = [];
  for (const m of theirs) {
    for (const p of m.peers ?? []) {
      const ips = (p.allowedIps ?? []).map((a: any) => `${a.ipaddr}/${a.cidrMask}`);
      const prev = peers.find((x) => x.publicKey === p.publicKey);
      if (prev) prev.allowedIps.push(...ips);
      else peers.push({ publicKey: p.publicKey, ...(p.endpoint ? { endpoint: p.endpoint } : {}), ...(p.persistentKeepalive !== undefined ? { persistentKeepalive: p.persistentKeepalive } : {}), allowedIps: ips });
    }
  }
  for (const budget of [undefined, 4096, 1024]) {
    const t = new FakeTransport();
    const wg = new WireGuard(t);
    if (budget === undefined) {
      await wg.set('wg0', { privateKey: theirs[0]!.privateKey, listenPort: 51821, fwmark: 0, replacePeers: true, peers: peers as never });
      assert.ok(t.calls.length >= 1);
      for (const c of t.calls) assert.ok(callAttrBytes(c).length <= 34 * 1024, 'each message stays within the budget');
      assert.equal(applySets(t.calls.map((c) => decodeAttrs(callAttrBytes(c), 0, callAttrBytes(c).length, wgDevicePolicy))), want);
    } else {
      // the splitter itself with small budgets: a peer larger than a message continues in the next ones
      const head = { ifname: 'wg0', privateKey: theirs[0]!.privateKey, listenPort: 51821, fwmark: 0, flags: G.WGDEVICE_F_REPLACE_PEERS };
      const checked = peers.map((p) => ({
        publicKey: p.publicKey,
        ...(p.endpoint ? { endpoint: p.endpoint } : {}),
        ...(p.persistentKeepalive !== undefined ? { persistentKeepalive: p.persistentKeepalive } : {}),
        flags: G.WGPEER_F_REPLACE_ALLOWEDIPS,
        allowedIps: p.allowedIps.map((s: string) => {
          const [a, m] = s.split('/');
          return { family: a!.includes(':') ? 10 : 2, ipaddr: a, cidrMask: Number(m) };
        }),
      }));
      const msgs = splitDeviceConfig(head, checked, budget);
      assert.ok(msgs.length > theirs.length - 1, `budget ${budget}: ${msgs.length} messages`);
      assert.equal(applySets(msgs), want, `budget ${budget}`);
      const pub2 = peers[0]!.publicKey;
      assert.ok(msgs.filter((m) => (m.peers as any[] | undefined)?.some((p) => p.publicKey === pub2)).length > 1, 'the big peer spans messages');
    }
  }
});

// ----------------------------------------------------------------- ethtool

function answersOf(scenario: string, name: string, fixture?: typeof hostFixture): (family: string, cmd: number) => GenlMessage[] {
  const c = getCase(scenario, name, fixture);
  const answers = answersFrom(c, 'ethtool');
  return (_f, cmd) => {
    const replyCmd = cmd === G.ETHTOOL_MSG_STRSET_GET ? G.ETHTOOL_MSG_STRSET_GET_REPLY : cmd === G.ETHTOOL_MSG_FEATURES_SET ? G.ETHTOOL_MSG_FEATURES_SET_REPLY : -1;
    return answers.filter((a) => a.decoded!.cmd === replyCmd).map((a) => a.decoded!);
  };
}

for (const [label, fixture] of [['6.1', undefined], ['host', hostFixture]] as const) {
  test(`ethtool (${label}): get requests, -L and -K build ethtool's bytes; ethtool's short names expand against the kernel's string set`, async () => {
    const t = new FakeTransport([], answersOf('ethtool', 'set-features', fixture));
    const e = new Ethtool(t);
    await e.linkInfo('v0').catch(() => undefined);
    compare('ethtool', 'settings', 'ethtool', t.calls.at(-1)!, (i, n) => requestsTo(getCase('ethtool', 'settings', fixture), 'ethtool')[i]!.decoded!.cmd === G.ETHTOOL_MSG_LINKINFO_GET, fixture);
    await e.linkModes('v0').catch(() => undefined);
    compare('ethtool', 'settings', 'ethtool', t.calls.at(-1)!, (i) => requestsTo(getCase('ethtool', 'settings', fixture), 'ethtool')[i]!.decoded!.cmd === G.ETHTOOL_MSG_LINKMODES_GET, fixture);
    await e.linkState('v0').catch(() => undefined);
    compare('ethtool', 'settings', 'ethtool', t.calls.at(-1)!, (i) => requestsTo(getCase('ethtool', 'settings', fixture), 'ethtool')[i]!.decoded!.cmd === G.ETHTOOL_MSG_LINKSTATE_GET, fixture);
    await e.channels('v0').catch(() => undefined);
    compare('ethtool', 'channels', 'ethtool', t.calls.at(-1)!, undefined, fixture);
    await e.setChannels('v0', { rxCount: 2, txCount: 2 });
    compare('ethtool', 'set-channels', 'ethtool', t.calls.at(-1)!, undefined, fixture);
    // -K: ethtool asks for compact answers (header flag 1), we ask for names; the WANTED bit set is the same bytes
    const r = await e.setFeatures('v0', { tso: false, gro: true, 'rx-gro-list': true });
    const ours = t.calls.at(-1)!;
    const theirs = requestsTo(getCase('ethtool', 'set-features', fixture), 'ethtool').find((m) => m.decoded!.cmd === G.ETHTOOL_MSG_FEATURES_SET)!;
    const wantedOf = (attrs: Record<string, any>): Buffer => {
      const pick = { ...attrs, header: undefined };
      return callAttrBytes({ ...ours, attrs: pick });
    };
    assert.is(wantedOf(ours.attrs!).toString('hex'), wantedOf(theirs.decoded!.attrs!).toString('hex'));
    assert.equal((theirs.decoded!.attrs!.header as Record<string, unknown>).flags, G.ETHTOOL_FLAG_COMPACT_BITSETS);
    assert.is((ours.attrs!.header as Record<string, unknown>).flags, undefined);
    // the kernel's (compact) answer in the fixture reads without names: only bit positions
    assert.ok(Object.keys(r.changed).length > 0);
  });
}


test('wireguard: a peer whose allowed IPs alone exceed an attribute (64 KiB) is measured and split without encoding it whole', () => {
  const ips = Array.from({ length: 3000 }, (_, i) => ({ family: 2, ipaddr: `10.${100 + (i >> 8)}.${i & 255}.0`, cidrMask: 24 }));
  const peer = { publicKey: Buffer.alloc(32, 9).toString('base64'), flags: G.WGPEER_F_REPLACE_ALLOWEDIPS, allowedIps: ips };
  const msgs = splitDeviceConfig({ ifname: 'wg0' }, [peer]);
  assert.ok(msgs.length >= 3, `${msgs.length} messages`);
  const got = applySets(msgs) as { peers: Record<string, { ips: string[] }> };
  assert.is(got.peers[peer.publicKey]!.ips.length, 3000);
  for (const m of msgs) assert.ok(callAttrBytes({ family: 'wireguard', cmd: 1, attrs: m, opts: {}, dump: false }).length < 40 * 1024);
});
test.run();
