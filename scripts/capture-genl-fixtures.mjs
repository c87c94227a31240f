#!/usr/bin/env node
// Capture what the real tools (`ip macsec`, `teamnl`, `wg`, `ethtool`, `genl`)
// send over NETLINK_GENERIC and what the kernel answers, for the byte-exact
// unit tests of src/genl (test/unit/genl-*.test.ts).
//
// Run as root with strace and the tools installed (scripts/setup.sh installs
// them), in a throw-away place, since it creates namespaces and devices:
//   test/vm/run node scripts/capture-genl-fixtures.mjs vm > test/fixtures/genl-6.1.json     # Debian 6.1 kernel: all scenarios
//   node scripts/capture-genl-fixtures.mjs host > test/fixtures/genl-host.json              # this kernel: ethtool on veth, ctrl
//
// Each traced command runs under `strace -f -yy -xx -e trace=sendto,sendmsg,
// recvmsg,recvfrom -e write=all -e read=all`; the hex dumps of the calls on a
// `NETLINK:[GENERIC:...]` socket are parsed back into datagrams (MSG_PEEK
// reads are left out: the same bytes are read again). The family ids in the
// datagrams are the kernel's choice of the moment: the tests learn them from
// the controller exchange at the start of each command, never from here.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, release } from 'node:os';
import { join } from 'node:path';

const mode = process.argv[2];
if (mode !== 'vm' && mode !== 'host') {
  console.error('usage: capture-genl-fixtures.mjs vm|host');
  process.exit(2);
}

const tag = `rtnl-genlfix-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'genlfix-'));
const namespaces = [];
const cases = [];

function sh(args, opts = {}) {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r;
}
function ns(name) {
  const n = `${tag}-${name}`;
  sh(['ip', 'netns', 'add', n]);
  namespaces.push(n);
  return n;
}
const ip = (n, ...a) => sh(['ip', '-n', n, ...a]).stdout;
const inNs = (n, ...a) => sh(['ip', 'netns', 'exec', n, ...a]).stdout;

/** Parse strace output: one entry per syscall on a generic netlink socket, with the bytes it moved. */
function parseStrace(text) {
  const out = [];
  let cur = null;
  const flush = () => {
    if (cur && cur.bytes.length) out.push({ dir: cur.dir, sock: cur.sock, hex: Buffer.from(cur.bytes).toString('hex') });
    cur = null;
  };
  for (const line of text.split('\n')) {
    const l = line.replace(/^\[pid\s+\d+\]\s*/, '');
    const call = /^(sendto|sendmsg|recvmsg|recvfrom)\((\d+)<([^>]*)>/.exec(l);
    if (call) {
      flush();
      const generic = call[3].startsWith('NETLINK:[GENERIC');
      const failed = / = -1 /.test(l);
      const peek = /MSG_PEEK/.test(l);
      if (generic && !failed && !peek) cur = { dir: call[1].startsWith('send') ? 'out' : 'in', sock: Number(call[2]), bytes: [] };
      continue;
    }
    if (/^[a-z_0-9]+\(/.test(l) || l.startsWith('+++') || l.startsWith('---')) {
      flush();
      continue;
    }
    const m = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)/.exec(l);
    if (m && cur) for (const h of m[1].trim().split(/\s+/)) cur.bytes.push(parseInt(h, 16));
  }
  flush();
  return out;
}

/** Run argv inside namespace n under strace; record the generic netlink datagrams. */
function trace(scenario, name, n, argv, opts = {}) {
  const r = sh(['ip', 'netns', 'exec', n, 'strace', '-f', '-qq', '-yy', '-xx', '-s', '4',
    '-e', 'trace=sendto,sendmsg,recvmsg,recvfrom', '-e', 'write=all', '-e', 'read=all', ...argv], { allowFail: true });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${argv.join(' ')} failed (${r.status}): ${r.stderr.split('\n').filter((x) => !/^( \||[a-z]+\(| \*)/.test(x)).join('\n')}`);
  const datagrams = parseStrace(r.stderr);
  const toolErr = r.stderr.split('\n').filter((x) => x && !/^( \||[a-z_0-9]+\(| \* |\+\+\+|---)/.test(x.replace(/^\[pid\s+\d+\]\s*/, ''))).join('\n');
  cases.push({ scenario, name, cmd: argv.join(' '), status: r.status, stdout: r.stdout, ...(toolErr ? { stderr: toolErr } : {}), datagrams });
  return r.stdout;
}

const KEY_A = '81cb1ae2c6cfa4b4f3e9e3dc92d41a5e';
const KEY_B = '4a2b6a3c1b2c7d9e0f1e2d3c4b5a6978';
const KEY_C = '0f0e0d0c0b0a09080706050403020100';
const KEY256_A = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY256_B = 'ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1eff';
const SALT = '0102030405060708090a0b0c';

function macsecScenario() {
  const S = 'macsec';
  const a = ns('msa');
  const b = ns('msb');
  ip(a, 'link', 'add', 'eth1', 'address', '02:00:00:00:0a:01', 'type', 'veth', 'peer', 'name', 'eth1', 'address', '02:00:00:00:0b:01', 'netns', b);
  for (const [n, me, peer, kt, kr, addr] of [[a, '0a', '0b', KEY_A, KEY_B, '10.100.0.1'], [b, '0b', '0a', KEY_B, KEY_A, '10.100.0.2']]) {
    ip(n, 'link', 'set', 'eth1', 'up');
    ip(n, 'link', 'add', 'macsec0', 'link', 'eth1', 'type', 'macsec');
    const t = n === a ? (nm, argv, o) => trace(S, nm, n, argv, o) : (nm, argv) => inNs(n, ...argv);
    t('add-txsa', ['ip', 'macsec', 'add', 'macsec0', 'tx', 'sa', '0', 'pn', '1', 'on', 'key', '01', kt]);
    t('add-rxsc', ['ip', 'macsec', 'add', 'macsec0', 'rx', 'port', '1', 'address', `02:00:00:00:${peer}:01`]);
    t('add-rxsa', ['ip', 'macsec', 'add', 'macsec0', 'rx', 'port', '1', 'address', `02:00:00:00:${peer}:01`, 'sa', '0', 'pn', '1', 'on', 'key', '00', kr]);
    ip(n, 'addr', 'add', `${addr}/24`, 'dev', 'macsec0');
    ip(n, 'link', 'set', 'macsec0', 'up');
  }
  inNs(a, 'ping', '-c', '2', '-i', '0.2', '-W', '5', '10.100.0.2');
  trace(S, 'show', a, ['ip', 'macsec', 'show']);
  trace(S, 'show-stats', a, ['ip', '-s', 'macsec', 'show', 'macsec0']);
  trace(S, 'upd-txsa', a, ['ip', 'macsec', 'set', 'macsec0', 'tx', 'sa', '0', 'pn', '100', 'off']);
  trace(S, 'upd-rxsc', a, ['ip', 'macsec', 'set', 'macsec0', 'rx', 'port', '1', 'address', '02:00:00:00:0b:01', 'off']);
  trace(S, 'upd-rxsa', a, ['ip', 'macsec', 'set', 'macsec0', 'rx', 'port', '1', 'address', '02:00:00:00:0b:01', 'sa', '0', 'pn', '5', 'off']);
  trace(S, 'add-txsa-1', a, ['ip', 'macsec', 'add', 'macsec0', 'tx', 'sa', '1', 'pn', '7', 'off', 'key', '0102030405060708090a0b0c0d0e0f10', KEY_C]);
  trace(S, 'add-txsa-exists', a, ['ip', 'macsec', 'add', 'macsec0', 'tx', 'sa', '1', 'pn', '7', 'key', '02', KEY_C], { allowFail: true });
  trace(S, 'add-rxsa-badkey', a, ['ip', 'macsec', 'add', 'macsec0', 'rx', 'port', '1', 'address', '02:00:00:00:0b:01', 'sa', '1', 'pn', '1', 'key', '03', KEY256_A], { allowFail: true });
  trace(S, 'show-after-set', a, ['ip', 'macsec', 'show', 'macsec0']);
  trace(S, 'del-txsa', a, ['ip', 'macsec', 'del', 'macsec0', 'tx', 'sa', '1']);
  trace(S, 'del-rxsa', a, ['ip', 'macsec', 'del', 'macsec0', 'rx', 'port', '1', 'address', '02:00:00:00:0b:01', 'sa', '0']);
  trace(S, 'del-rxsc', a, ['ip', 'macsec', 'del', 'macsec0', 'rx', 'port', '1', 'address', '02:00:00:00:0b:01']);
  trace(S, 'offload-off', a, ['ip', 'macsec', 'offload', 'macsec0', 'off']);
  trace(S, 'offload-mac', a, ['ip', 'macsec', 'offload', 'macsec0', 'mac'], { allowFail: true });
  // XPN: 64-bit packet numbers, salt and short SCI
  ip(a, 'link', 'add', 'macsec1', 'link', 'eth1', 'type', 'macsec', 'port', '2', 'cipher', 'gcm-aes-xpn-256', 'encrypt', 'on');
  trace(S, 'xpn-add-txsa', a, ['ip', 'macsec', 'add', 'macsec1', 'tx', 'sa', '2', 'xpn', '5000000000', 'salt', SALT, 'ssci', '17', 'on', 'key', '0a', KEY256_A]);
  trace(S, 'xpn-add-rxsc', a, ['ip', 'macsec', 'add', 'macsec1', 'rx', 'sci', '020000000b010002', 'on']);
  trace(S, 'xpn-add-rxsa', a, ['ip', 'macsec', 'add', 'macsec1', 'rx', 'sci', '020000000b010002', 'sa', '3', 'xpn', '7000000000', 'salt', SALT, 'ssci', '18', 'on', 'key', '0b', KEY256_B]);
  trace(S, 'xpn-show', a, ['ip', 'macsec', 'show', 'macsec1']);
}

function teamScenario() {
  const S = 'team';
  const t = ns('team');
  ip(t, 'link', 'add', 'team0', 'type', 'team');
  ip(t, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'peer1');
  ip(t, 'link', 'add', 'eth2', 'type', 'veth', 'peer', 'name', 'peer2');
  trace(S, 'options-nomode', t, ['teamnl', 'team0', 'options']);
  trace(S, 'set-mode', t, ['teamnl', 'team0', 'setoption', 'mode', 'activebackup']);
  ip(t, 'link', 'set', 'eth1', 'master', 'team0');
  ip(t, 'link', 'set', 'eth2', 'master', 'team0');
  for (const d of ['peer1', 'peer2', 'eth1', 'eth2', 'team0']) ip(t, 'link', 'set', d, 'up');
  const idx = (d) => JSON.parse(ip(t, '-j', 'link', 'show', d))[0].ifindex;
  trace(S, 'ports', t, ['teamnl', 'team0', 'ports']);
  trace(S, 'options', t, ['teamnl', 'team0', 'options']);
  trace(S, 'set-activeport', t, ['teamnl', 'team0', 'setoption', 'activeport', String(idx('eth1'))]);
  trace(S, 'get-activeport', t, ['teamnl', 'team0', 'getoption', 'activeport']);
  trace(S, 'set-enabled', t, ['teamnl', '-p', 'eth2', 'team0', 'setoption', 'enabled', 'false']);
  trace(S, 'set-queue-id', t, ['teamnl', '-p', 'eth2', 'team0', 'setoption', 'queue_id', '3']);
  trace(S, 'set-priority', t, ['teamnl', '-p', 'eth2', 'team0', 'setoption', 'priority', '--', '-5']);
  trace(S, 'set-activeport-2', t, ['teamnl', 'team0', 'setoption', 'activeport', String(idx('eth2'))]);
  trace(S, 'options-after', t, ['teamnl', 'team0', 'options']);
  trace(S, 'set-mode-busy', t, ['teamnl', 'team0', 'setoption', 'mode', 'roundrobin'], { allowFail: true });
  // loadbalance: string, binary and array options
  ip(t, 'link', 'add', 'team1', 'type', 'team');
  trace(S, 'lb-set-mode', t, ['teamnl', 'team1', 'setoption', 'mode', 'loadbalance']);
  ip(t, 'link', 'set', 'peer1', 'down');
  ip(t, 'link', 'set', 'peer1', 'master', 'team1');
  trace(S, 'lb-set-mapping', t, ['teamnl', '-a', '5', 'team1', 'setoption', 'lb_tx_hash_to_port_mapping', String(idx('peer1'))]);
  trace(S, 'lb-options', t, ['teamnl', 'team1', 'options']);
}

const WG = {
  priv1: 'YL6mV1HD9+XJdPOs3t5iSAYHJx4ZpQBNmDkwC2DYQkM=',
  priv2: 'wE0cJRXMcxbvDOMeR/kKIkVo6c4uoOQ6WOfAoL8N5W8=',
  priv3: 'cC2G2OQjHfqOPJWmfUDmBq6pnQ0XyH8ZZ/3XQjGS2Gs=',
  psk: 'FpCyhws9cxwWoV4xELtfJvjJN+zQVRPISllRWgeopVE=',
};

function wgScenario() {
  const S = 'wireguard';
  const a = ns('wga');
  const b = ns('wgb');
  const pub = (k) => sh(['wg', 'pubkey'], { input: k + '\n' }).stdout.trim();
  const file = (name, text) => {
    const f = join(dir, name);
    writeFileSync(f, text, { mode: 0o600 });
    return f;
  };
  const p1 = file('priv1', WG.priv1 + '\n');
  const p2 = file('priv2', WG.priv2 + '\n');
  const psk = file('psk', WG.psk + '\n');
  const pub1 = pub(WG.priv1);
  const pub2 = pub(WG.priv2);
  const pub3 = pub(WG.priv3);
  ip(a, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1', 'netns', b);
  ip(a, 'addr', 'add', '10.0.0.1/24', 'dev', 'eth1');
  ip(b, 'addr', 'add', '10.0.0.2/24', 'dev', 'eth1');
  for (const n of [a, b]) {
    ip(n, 'link', 'set', 'eth1', 'up');
    ip(n, 'link', 'add', 'wg0', 'type', 'wireguard');
  }
  trace(S, 'show-empty', a, ['wg', 'show', 'wg0', 'dump']);
  trace(S, 'set', a, ['wg', 'set', 'wg0', 'private-key', p1, 'listen-port', '51820', 'fwmark', '0x10', 'peer', pub2, 'preshared-key', psk,
    'endpoint', '10.0.0.2:51820', 'allowed-ips', '10.9.0.2/32,fd00:9::2/128', 'persistent-keepalive', '25']);
  inNs(b, 'wg', 'set', 'wg0', 'private-key', p2, 'listen-port', '51820', 'peer', pub1, 'preshared-key', psk, 'endpoint', '10.0.0.1:51820', 'allowed-ips', '10.9.0.1/32');
  ip(a, 'addr', 'add', '10.9.0.1/24', 'dev', 'wg0');
  ip(b, 'addr', 'add', '10.9.0.2/24', 'dev', 'wg0');
  ip(a, 'link', 'set', 'wg0', 'up');
  ip(b, 'link', 'set', 'wg0', 'up');
  inNs(a, 'ping', '-c', '2', '-i', '0.2', '-W', '5', '10.9.0.2');
  trace(S, 'show-dump', a, ['wg', 'show', 'wg0', 'dump']);
  trace(S, 'add-peer-v6', a, ['wg', 'set', 'wg0', 'peer', pub3, 'endpoint', '[fd00::3]:51821', 'allowed-ips', '10.9.3.0/24']);
  trace(S, 'show-two-peers', a, ['wg', 'show', 'wg0', 'dump']);
  trace(S, 'remove-peer', a, ['wg', 'set', 'wg0', 'peer', pub3, 'remove']);
  trace(S, 'set-bad-key', a, ['wg', 'set', 'wg0', 'peer', 'AAAA'], { allowFail: true });
  // setconf: replace peers; one peer with many allowed IPs and many peers (split messages both ways)
  const many = [];
  for (let i = 0; i < 60; i++) {
    const k = Buffer.alloc(32, i + 1);
    k[0] = 0x40 + i;
    many.push(`[Peer]\nPublicKey = ${k.toString('base64')}\nAllowedIPs = 10.${20 + (i >> 4)}.${i & 15}.0/24, fd00:${i.toString(16)}::/64\nEndpoint = 192.0.2.${i + 1}:${40000 + i}\n`);
  }
  const ips = [];
  for (let i = 0; i < 400; i++) ips.push(`10.${200 + (i >> 8)}.${i & 255}.0/24`);
  const conf = file('conf', `[Interface]\nPrivateKey = ${WG.priv1}\nListenPort = 51821\nFwMark = 0\n\n[Peer]\nPublicKey = ${pub2}\nEndpoint = 10.0.0.2:51820\nAllowedIPs = ${ips.join(', ')}\nPersistentKeepalive = 0\n\n${many.join('\n')}`);
  trace(S, 'setconf-many', a, ['wg', 'setconf', 'wg0', conf]);
  trace(S, 'show-many', a, ['wg', 'show', 'wg0', 'dump']);
  trace(S, 'setconf-small', a, ['wg', 'setconf', 'wg0', file('conf2', `[Interface]\nPrivateKey = ${WG.priv1}\n\n[Peer]\nPublicKey = ${pub2}\nAllowedIPs = 10.9.0.2/32\n`)]);
  trace(S, 'show-small', a, ['wg', 'show', 'wg0', 'dump']);
}

function ethtoolScenario() {
  const S = 'ethtool';
  const e = ns('eth');
  ip(e, 'link', 'add', 'v0', 'numtxqueues', '4', 'numrxqueues', '4', 'type', 'veth', 'peer', 'name', 'v1', 'numtxqueues', '4', 'numrxqueues', '4');
  ip(e, 'link', 'set', 'v0', 'up');
  ip(e, 'link', 'set', 'v1', 'up');
  trace(S, 'settings', e, ['ethtool', 'v0']);
  trace(S, 'features', e, ['ethtool', '-k', 'v0']);
  trace(S, 'set-features', e, ['ethtool', '-K', 'v0', 'tso', 'off', 'gro', 'on', 'rx-gro-list', 'on']);
  trace(S, 'features-after', e, ['ethtool', '-k', 'v0']);
  trace(S, 'set-features-fixed', e, ['ethtool', '-K', 'v0', 'ntuple', 'on'], { allowFail: true });
  trace(S, 'rings', e, ['ethtool', '-g', 'v0'], { allowFail: true });
  trace(S, 'channels', e, ['ethtool', '-l', 'v0'], { allowFail: true });
  trace(S, 'set-channels', e, ['ethtool', '-L', 'v0', 'rx', '2', 'tx', '2'], { allowFail: true });
  trace(S, 'channels-after', e, ['ethtool', '-l', 'v0'], { allowFail: true });
  trace(S, 'set-channels-bad', e, ['ethtool', '-L', 'v0', 'rx', '9'], { allowFail: true });
  trace(S, 'nodev', e, ['ethtool', '-k', 'nosuchdev0'], { allowFail: true });
}

function ctrlScenario() {
  const c = ns('ctrl');
  trace('ctrl', 'list', c, ['genl', 'ctrl', 'list']);
  trace('ctrl', 'get-nlctrl', c, ['genl', 'ctrl', 'get', 'name', 'nlctrl']);
  trace('ctrl', 'get-missing', c, ['genl', 'ctrl', 'get', 'name', 'nosuchfamily'], { allowFail: true });
}

try {
  if (mode === 'vm') {
    macsecScenario();
    teamScenario();
    wgScenario();
  }
  ethtoolScenario();
  ctrlScenario();
} finally {
  for (const n of namespaces) spawnSync('ip', ['netns', 'del', n]);
  rmSync(dir, { recursive: true, force: true });
}

const ver = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr).split('\n')[0].trim();
};
const tools = { ip: ver('ip', ['-V']), wg: ver('wg', ['--version']), ethtool: ver('ethtool', ['--version']), teamnl: 'libteam-utils ' + ver('dpkg-query', ['-W', '-f', '${Version}', 'libteam-utils']) };
process.stdout.write(
  JSON.stringify(
    {
      note: `Generic netlink datagrams of the real tools (${Object.values(tools).join('; ')}) on kernel ${release()}, captured with strace by scripts/capture-genl-fixtures.mjs ${mode}. Family ids, nlmsg_seq and nlmsg_pid are the kernel's and the tools' choice: tests learn ids from the controller messages of each case.`,
      kernel: release(),
      tools,
      cases,
    },
    null,
    1,
  ) + '\n',
);
