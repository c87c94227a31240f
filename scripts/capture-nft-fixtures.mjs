#!/usr/bin/env node
// Capture what the real `nft` tool sends to the kernel (the batch of one
// `nft -f FILE`) and what the kernel answers to `nft -j list ruleset`, for the
// byte-exact unit tests of src/nft (test/unit/nft-*.test.ts).
// Run as root, with nft and strace installed (scripts/setup.sh installs both):
//   node scripts/capture-nft-fixtures.mjs > test/fixtures/nft-batches.json
// Each case runs in a fresh network namespace. The bytes come from
// `strace -e trace=sendmsg -e write=FD -xx` (and `-e read=FD` for the dump),
// whose hex dumps are parsed back into datagrams. Sequence numbers and port
// ids in the headers are whatever nft/the kernel chose: the tests ignore
// them (they are not part of a message's meaning).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir, release } from 'node:os';
import { join } from 'node:path';

/** Cases: name, family, and the nft script (one transaction). */
export const CASES = [
  {
    name: 'seed001-nat',
    script: `table ip nat {
  chain postrouting { type nat hook postrouting priority srcnat; policy accept; }
  chain prerouting { type nat hook prerouting priority dstnat; policy accept; }
}
add rule ip nat postrouting ip saddr 172.18.0.0/16 oifname != "docker0" masquerade
add rule ip nat prerouting tcp dport 8080 dnat to 172.18.0.2:80
`,
  },
  {
    name: 'filter-inet',
    script: `table inet f {
  chain input { type filter hook input priority 0; policy drop; }
  chain forward { type filter hook forward priority filter; policy accept; }
  chain other { }
}
add rule inet f input iifname "lo" accept
add rule inet f input iifname "veth*" accept
add rule inet f input meta l4proto udp drop
add rule inet f input meta nfproto ipv6 accept
add rule inet f input meta mark 0x10 accept
add rule inet f input meta mark & 0xff == 0x1 accept
add rule inet f input ip saddr 10.1.0.0/12 drop
add rule inet f input ip daddr 10.0.0.1 accept
add rule inet f input ip saddr 10.0.0.0/8 ip daddr 192.168.0.0/24 accept
add rule inet f input ip6 saddr 2001:db8::/32 accept
add rule inet f input ip6 daddr ::1 accept
add rule inet f input ip6 saddr 2001:db8::/33 accept
add rule inet f input tcp sport 1024-65535 accept
add rule inet f input tcp dport != 1-1024 drop
add rule inet f input udp dport 53 accept
add rule inet f input udp sport != 53 accept
add rule inet f input ip saddr 10.0.0.0/8 tcp dport 22 accept
add rule inet f input ct state established,related accept
add rule inet f input ct state invalid drop
add rule inet f input ct state new accept
add rule inet f input ct state != established accept
add rule inet f input ct status dnat accept
add rule inet f input counter
add rule inet f input counter accept
add rule inet f input limit rate 10/second accept
add rule inet f input limit rate over 5/minute burst 10 packets drop
add rule inet f input limit rate 1 mbytes/second accept
add rule inet f input log prefix "in: " level warn
add rule inet f input log group 2
add rule inet f input log
add rule inet f input jump other
add rule inet f input goto other
add rule inet f other return
add rule inet f input drop
add rule inet f forward oifname "br0" iifname "eth0" ct state established accept
`,
  },
  {
    name: 'nat-ip',
    script: `table ip t {
  chain c { type nat hook postrouting priority srcnat; }
  chain p { type nat hook prerouting priority dstnat; }
  chain o { type nat hook output priority -100; }
  chain raw { type filter hook prerouting priority raw; }
}
add rule ip t c ip saddr 10.0.0.0/8 accept
add rule ip t c ip saddr 0.0.0.0/0 accept
add rule ip t c ip saddr != 10.1.0.0/12 accept
add rule ip t c masquerade
add rule ip t c meta l4proto tcp masquerade to :1024-2000
add rule ip t c masquerade random,persistent
add rule ip t c oifname "eth0" snat to 192.0.2.1
add rule ip t c tcp dport 22 snat to 192.0.2.1-192.0.2.10:2000-3000
add rule ip t c snat to 192.0.2.1 fully-random
add rule ip t p tcp dport 8080 dnat to 172.18.0.2:80
add rule ip t p udp dport 53 dnat to 172.18.0.3
add rule ip t p udp dport 53 redirect to :5353
add rule ip t p redirect
add rule ip t o tcp dport 80 dnat to 10.0.0.1:8080-8090
add rule ip t raw notrack
add rule ip t raw ip protocol icmp accept
`,
  },
  {
    name: 'nat-ip6',
    script: `table ip6 t6 {
  chain c { type nat hook postrouting priority srcnat; }
  chain p { type nat hook prerouting priority dstnat; }
}
add rule ip6 t6 c ip6 saddr fd00::/64 masquerade
add rule ip6 t6 p tcp dport 8080 dnat to [fd00::2]:80
add rule ip6 t6 c snat to fd00::1
`,
  },
  {
    name: 'sets',
    script: `table inet s {
  set allowed { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.1 } }
  set ports { type inet_service; elements = { 22, 80 } }
  set names { type ifname; elements = { "eth0", "lo" } }
  set marks { type mark; elements = { 1, 2 } }
  map pm { type inet_service : ipv4_addr; elements = { 80 : 10.1.1.1 } }
  map vm { type inet_service : verdict; elements = { 22 : accept, 23 : drop } }
  chain input { type filter hook input priority 0; }
}
add rule inet s input tcp dport @ports accept
add rule inet s input ip saddr @allowed accept
add rule inet s input ip saddr != @allowed drop
add rule inet s input iifname @names accept
add rule inet s input meta mark @marks accept
add rule inet s input tcp dport vmap @vm
`,
  },
  {
    name: 'route-chain',
    script: `table ip r {
  chain out { type route hook output priority mangle; policy accept; }
}
add rule ip r out meta mark set 0x20
add rule ip r out ip daddr 192.0.2.0/24 meta mark set 0x1 counter
`,
  },
  {
    name: 'families',
    script: `table bridge b {
  chain bfw { type filter hook forward priority 0; }
}
table netdev n {
  chain ingress { type filter hook ingress device "lo" priority 0; }
}
table ip6 six {
  chain inp { type filter hook input priority 0; }
}
add rule bridge b bfw ip saddr 10.0.0.1 accept
add rule bridge b bfw tcp dport 22 accept
add rule netdev n ingress ip daddr 10.0.0.1 drop
add rule ip6 six inp tcp dport 22 accept
add rule ip6 six inp ip6 saddr ::1 accept
`,
  },
];

function parseStrace(text, sys) {
  // Returns one Buffer per `sys` call (the data it sent or received).
  const out = [];
  let cur = null;
  for (const line of text.split('\n')) {
    const l = line.replace(/^\[pid\s+\d+\]\s*/, '');
    if (l.startsWith(sys + '(')) {
      if (cur && cur.length) out.push(Buffer.from(cur));
      cur = / = -1 /.test(l) ? null : [];
      continue;
    }
    if (/^[a-z_0-9]+\(/.test(l)) {
      if (cur && cur.length) out.push(Buffer.from(cur));
      cur = null;
      continue;
    }
    const m = /^ \| [0-9a-f]{5}  ((?:[0-9a-f]{2} {1,2})+)/.exec(l);
    if (m && cur) for (const h of m[1].trim().split(/\s+/)) cur.push(parseInt(h, 16));
  }
  if (cur && cur.length) out.push(Buffer.from(cur));
  return out;
}

function split(buf) {
  const msgs = [];
  let o = 0;
  while (o + 16 <= buf.length) {
    const len = buf.readUInt32LE(o);
    if (len < 16 || o + len > buf.length) break;
    msgs.push(buf.subarray(o, o + len));
    o += (len + 3) & ~3;
  }
  return msgs;
}

const ns = `rtnl-nftfix-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'nftfix-'));
const run = (args, opts = {}) => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
execFileSync('ip', ['netns', 'add', ns]);
const cases = [];
try {
  for (const c of CASES) {
    run(['nft', 'flush', 'ruleset']);
    const f = join(dir, `${c.name}.nft`);
    writeFileSync(f, c.script);
    const s = spawnSync('ip', ['netns', 'exec', ns, 'strace', '-f', '-qq', '-e', 'trace=sendmsg', '-e', 'write=all', '-xx', 'nft', '-f', f], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (s.status !== 0) throw new Error(`${c.name}: nft failed: ${s.stderr}`);
    const sent = parseStrace(s.stderr, 'sendmsg');
    const batch = sent.find((b) => b.length >= 20 && b.readUInt16LE(4) === 16);
    if (!batch) throw new Error(`${c.name}: no batch found`);
    const msgs = split(batch).map((m) => m.toString('hex'));
    const d = spawnSync('ip', ['netns', 'exec', ns, 'strace', '-f', '-qq', '-e', 'trace=recvmsg', '-e', 'read=all', '-xx', 'nft', '-j', 'list', 'ruleset'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (d.status !== 0) throw new Error(`${c.name}: nft list failed: ${d.stderr}`);
    const dump = parseStrace(d.stderr, 'recvmsg').flatMap(split).map((m) => m.toString('hex'));
    const debug = run(['nft', '--debug=netlink', 'list', 'ruleset']);
    cases.push({ name: c.name, script: c.script, batch: msgs, dump, json: JSON.parse(d.stdout), debug });
  }
} finally {
  spawnSync('ip', ['netns', 'del', ns]);
  rmSync(dir, { recursive: true, force: true });
}
const version = execFileSync('nft', ['--version'], { encoding: 'utf8' }).trim();
process.stdout.write(
  JSON.stringify(
    {
      note: `Batches sent by \`${version}\` (nft -f) and the kernel's answers to \`nft -j list ruleset\` on kernel ${release()}, captured with strace by scripts/capture-nft-fixtures.mjs. nlmsg_seq/nlmsg_pid are nft's and the kernel's choice and are not compared.`,
      nft: version,
      kernel: release(),
      cases,
    },
    null,
    1,
  ) + '\n',
);
