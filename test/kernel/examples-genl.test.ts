// The generic netlink examples (examples/*.mjs) run as users would run them,
// under `strace -f -e trace=execve`: the only program executed is node
// itself (no ip, wg, teamnl, ethtool child), and what they built is checked
// afterwards with those tools as oracles (outside the traced run), ping
// included. Namespaces get names unique to the run and are removed also on
// failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipJson, isRoot, ktest, sh, skip, track, uniqueName, destroyNs } from '../helpers.js';
import { repoRoot } from '../corpus.js';
import { parseEthtoolK, parseMacsecShow, parseWgDump } from '../genl-support.js';

const has = (cmd: string): boolean => isRoot && spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'genl-ex-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * strace stops only at the traced calls with --seccomp-bpf (strace 5.3+);
 * without it every syscall of node's threads stops the tracer, which takes
 * minutes under the VM lane's emulation.
 */
const seccomp = has('strace') && spawnSync('strace', ['-f', '-qq', '--seccomp-bpf', '-e', 'trace=execve', '-o', '/dev/null', 'true']).status === 0 ? ['--seccomp-bpf'] : [];

/** Run an example under strace; returns the programs it executed (successful execve calls) and its output. */
function traced(script: string, args: string[]): { execs: string[]; stdout: string } {
  const log = join(dir, `${script}.strace`);
  const r = spawnSync('strace', ['-f', '-qq', ...seccomp, '-e', 'trace=execve', '-o', log, process.execPath, join(repoRoot, 'examples', script), ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    timeout: 300_000,
    killSignal: 'SIGKILL',
  });
  if (r.status !== 0) throw new Error(`${script} failed (${r.status}): ${r.stderr}`);
  const execs = readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => /execve\(/.test(l) && / = 0$/.test(l))
    .map((l) => /execve\("([^"]+)"/.exec(l)?.[1] ?? l);
  return { execs, stdout: r.stdout };
}

/** Namespaces an example creates: unique names, removed afterwards whatever happens. */
async function withExampleNs(count: number, fn: (...names: string[]) => Promise<void>): Promise<void> {
  const names = Array.from({ length: count }, () => uniqueName('ex'));
  for (const n of names) track(n);
  try {
    await fn(...names);
  } finally {
    for (const n of names) destroyNs(n);
  }
}

function needTools(name: string, tools: string[]): boolean {
  for (const t of tools) {
    if (!has(t)) {
      skip(test, name, isRoot ? `${t} not installed (scripts/setup.sh installs it)` : 'kernel tests need root');
      return false;
    }
  }
  return true;
}

const MACSEC = 'examples/macsec-seed003.mjs: seed 003 MACsec built with no child process; ip macsec show and ping check it';
if (needTools(MACSEC, ['strace', 'ping']))
  ktest(
    test,
    MACSEC,
    async () => {
      await withExampleNs(2, async (a, b) => {
        const { execs } = traced('macsec-seed003.mjs', [a, b]);
        assert.equal(execs, [process.execPath], 'only node was executed');
        const [da] = parseMacsecShow(sh('ip', ['-n', a, 'macsec', 'show']));
        assert.is(da!.txsc, '020000000a010001');
        assert.equal(da!.tx.map((x) => x.replace(/pn=\d+/, 'pn')), ['0 pn ssci=- on 01000000000000000000000000000000']);
        assert.equal(da!.rxsc.map((x) => x.sci), ['020000000b010001']);
        sh('ip', ['netns', 'exec', a, 'ping', '-c', '2', '-i', '0.2', '-W', '5', '10.100.0.2']);
        const clean = traced('macsec-seed003.mjs', ['--cleanup', a, b]);
        assert.equal(clean.execs, [process.execPath]);
        assert.ok(!sh('ip', ['netns', 'list']).includes(a), 'cleanup removed the namespaces');
      });
    },
    ['macsec'],
  );

const TEAM = 'examples/team-activebackup.mjs: activebackup team with two ports and an active port switch with no child process; teamnl and ping check it';
if (needTools(TEAM, ['strace', 'teamnl', 'ping']))
  ktest(
    test,
    TEAM,
    async () => {
      await withExampleNs(2, async (ns, sw) => {
        const { execs, stdout } = traced('team-activebackup.mjs', [ns, sw]);
        assert.equal(execs, [process.execPath], 'only node was executed');
        const eth1 = ipJson<Array<{ ifindex: number }>>(ns, 'link', 'show', 'eth1')[0]!.ifindex;
        const eth2 = ipJson<Array<{ ifindex: number }>>(ns, 'link', 'show', 'eth2')[0]!.ifindex;
        assert.match(stdout, new RegExp(`active port: ${eth1} \\(eth1\\)\\nactive port: ${eth2} \\(eth2\\)`), 'the switch happened');
        const teamnl = (...x: string[]): string => sh('ip', ['netns', 'exec', ns, 'teamnl', 'team0', ...x]).trim();
        assert.is(teamnl('getoption', 'mode'), 'activebackup');
        assert.is(Number(teamnl('getoption', 'activeport')), eth2);
        assert.equal(teamnl('ports').split('\n').map((l) => l.trim().split(':')[1]!.trim()).sort(), ['eth1', 'eth2']);
        sh('ip', ['netns', 'exec', ns, 'ping', '-c', '2', '-i', '0.2', '-W', '5', '10.1.1.2']);
        traced('team-activebackup.mjs', ['--cleanup', ns, sw]);
      });
    },
    ['team'],
  );

const WG = 'examples/wireguard-tunnel.mjs: WireGuard tunnel between two namespaces with no child process; wg show and ping check it';
if (needTools(WG, ['strace', 'wg', 'ping']))
  ktest(
    test,
    WG,
    async () => {
      await withExampleNs(2, async (a, b) => {
        const { execs } = traced('wireguard-tunnel.mjs', [a, b]);
        assert.equal(execs, [process.execPath], 'only node was executed');
        sh('ip', ['netns', 'exec', a, 'ping', '-c', '2', '-i', '0.2', '-w', '30', '10.9.0.2']); // -w: the first handshake may have gone out before the peer existed (retried after 5 s)
        const wa = parseWgDump(sh('ip', ['netns', 'exec', a, 'wg', 'show', 'wg0', 'dump']));
        const wb = parseWgDump(sh('ip', ['netns', 'exec', b, 'wg', 'show', 'wg0', 'dump']));
        assert.is(wa.dev[2], '51820');
        assert.equal([...wa.peers.keys()], [wb.dev[1]], "A's peer is B's public key");
        const peer = wa.peers.get(wb.dev[1]!)!;
        assert.equal([peer[2], peer[3], peer[7]], ['10.0.0.2:51820', '10.9.0.2/32', '25']);
        assert.ok(Number(peer[4]) > 0, 'a handshake happened');
        traced('wireguard-tunnel.mjs', ['--cleanup', a, b]);
      });
    },
    ['wireguard'],
  );

const ETH = 'examples/ethtool-features.mjs: veth features toggled with no child process; ethtool -k checks it';
if (needTools(ETH, ['strace', 'ethtool']))
  ktest(test, ETH, async () => {
    await withExampleNs(1, async (ns) => {
      const { execs } = traced('ethtool-features.mjs', [ns]);
      assert.equal(execs, [process.execPath], 'only node was executed');
      const r = spawnSync('ip', ['netns', 'exec', ns, 'ethtool', '-k', 'v0'], { encoding: 'utf8' });
      const k = parseEthtoolK(r.stdout);
      assert.is(k.get('tx-tcp-segmentation')!.on, false);
      assert.is(k.get('tcp-segmentation-offload')!.on, false);
      assert.is(k.get('generic-receive-offload')!.on, true);
      traced('ethtool-features.mjs', ['--cleanup', ns]);
    });
  });

test.run();
