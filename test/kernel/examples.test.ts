// Every examples/*.ts (files starting with `_` are shared helpers) runs as root the way a user
// runs it, `node dist/examples/NAME.js --keep`, under `strace -f --seccomp-bpf -e trace=execve,execveat`, started in a
// network namespace of its own (`unshare --net`). The scenario must come up (READY line); then
// this test runs the example's checks with independent tools (`ip netns exec NS ping`,
// `ip -n NS -j ...`), checks that the namespace the example was started in holds nothing but
// `lo` (everything lives in the example's named namespaces), ends the example (end of its
// stdin), and requires: exit code 0, no namespace of the example left (they all end in
// `-PID`), and no execve in the trace besides node itself: nothing was configured by a child
// process. Kinds the kernel lacks are named skips (ktest needs) and run in the VM lane.
// A self-test runs two broken fixture examples (one configures a link with `ip`, one leaks a
// namespace) through the same verification and requires that both are caught.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Check, Example, Ready } from '../../examples/_lab.js';
import { isRoot, ktest, lane, skip, sh } from '../helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const READY_MS = Number(process.env.RTNL_EXAMPLE_TIMEOUT ?? (lane === 'vm' ? 600 : 120)) * 1000;
const work = mkdtempSync(join(tmpdir(), 'rtnl-examples-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

// RTNL_EXAMPLES=seed-003-bond,seed-003-vlan runs only those (e.g. the VM-only ones in the VM lane);
// `harness` in the list selects the self-test
const only = process.env.RTNL_EXAMPLES?.split(',').filter(Boolean);
// examples with a test of their own (no `export const example`): docker-bridge.ts is run by kernel/seed-nat
const testedElsewhere = new Set(['docker-bridge.ts']);
const sources = readdirSync(join(root, 'examples'))
  .filter((f) => f.endsWith('.ts') && !f.startsWith('_') && !f.endsWith('.d.ts') && !testedElsewhere.has(f))
  .filter((f) => !only || only.includes(f.replace(/\.ts$/, '')))
  .sort();
// seconds ping waits for each reply: a TAP guest is answered by the example's own event loop, slow under TCG
const PING_WAIT = lane === 'vm' ? '3' : '1';
const hasStrace = spawnSync('strace', ['-V'], { encoding: 'utf8' }).status === 0;
const hasUnshare = spawnSync('unshare', ['--version'], { encoding: 'utf8' }).status === 0;

/** Deep subset match: every key of `want` is in `got` with a matching value; arrays: each wanted element matches some element. */
export function matches(got: unknown, want: unknown): boolean {
  if (Array.isArray(want)) return Array.isArray(got) && want.every((w) => got.some((g) => matches(g, w)));
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') return false;
    return Object.entries(want).every(([k, v]) => matches((got as Record<string, unknown>)[k], v));
  }
  return got === want;
}

function pingOnce(c: Extract<Check, { kind: 'ping' }>): { ok: boolean; out: string } {
  const args = ['netns', 'exec', c.ns, 'ping', '-c', '1', '-W', PING_WAIT, ...(c.dev ? ['-I', c.dev] : []), c.to];
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10000 });
  return { ok: /\b1 received/.test(r.stdout), out: `${r.stdout}${r.stderr}`.trim() };
}

function runCheck(c: Check): string | undefined {
  if (c.kind === 'ping') {
    // a reply may need a first ARP/ND round (or a bridge port to reach forwarding): a few tries
    const tries = c.expect === 'reply' ? 5 : 2;
    let last = { ok: false, out: '' };
    for (let i = 0; i < tries; i++) {
      last = pingOnce(c);
      if (last.ok) break;
    }
    const ok = c.expect === 'reply' ? last.ok : !last.ok;
    return ok ? undefined : `ping ${c.to} from ${c.ns}${c.dev ? ` -I ${c.dev}` : ''}: expected ${c.expect} (${c.why}):\n${last.out}`;
  }
  const out = sh('ip', ['-n', c.ns, '-j', ...c.args]);
  const got: unknown = out.trim() ? JSON.parse(out) : [];
  const ok = c.expect.length === 0 ? Array.isArray(got) && got.length === 0 : matches(got, c.expect);
  return ok ? undefined : `ip -n ${c.ns} -j ${c.args.join(' ')}: expected ${JSON.stringify(c.expect)} (${c.why}), got ${out.trim()}`;
}

interface Ran {
  code: number | null;
  signal: string | null;
  out: string;
}

async function runExample(js: string, trace: string, during: (ready: Ready) => Promise<void>): Promise<Ran> {
  const child = spawn('unshare', ['--net', '--', 'strace', '-f', '--seccomp-bpf', '-qq', '-e', 'trace=execve,execveat', '-o', trace, process.execPath, js, '--keep'], {
    cwd: root,
    detached: true, // its own process group: a hang is ended with everything it started
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let readyLine: string | undefined;
  let onReady: (() => void) | undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /^READY (.*)$/m.exec(out);
    if (m && !readyLine) {
      readyLine = m[1];
      onReady!();
    }
  });
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  const timer = setTimeout(() => {
    out += `\n(killed: no READY line and exit within ${(READY_MS * 2) / 1000} s)`;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone already
    }
  }, READY_MS * 2);
  try {
    const first = await Promise.race([ready.then(() => 'ready' as const), exited.then(() => 'exited' as const)]);
    if (first === 'ready') {
      try {
        await during(JSON.parse(readyLine!) as Ready);
      } finally {
        child.stdin.end(); // the example tears down
      }
    }
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

// Fallback devices a tunnel module creates in every new namespace once loaded: not the example's.
const FALLBACK = new Set(['gre0', 'gretap0', 'erspan0', 'ip6gre0', 'ip6tnl0', 'sit0', 'tunl0', 'ip_vti0', 'ip6_vti0']);

const netnsList = (): string[] =>
  sh('ip', ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);

/** Run one built example and verify it; returns what is wrong (empty: all good). */
async function verify(js: string, base: string): Promise<string[]> {
  const trace = join(work, `${base}.strace`);
  const problems: string[] = [];
  let ready: Ready | undefined;
  const ran = await runExample(js, trace, async (r) => {
    ready = r;
    const listed = netnsList();
    for (const n of r.namespaces) if (!listed.includes(n)) problems.push(`namespace ${n} does not exist while the example runs`);
    if (r.checks.length === 0) problems.push('the example lists no checks');
    for (const c of r.checks) {
      const f = runCheck(c);
      if (f) problems.push(f);
    }
    // the namespace it was started in (unshare's, only lo) must still hold nothing else
    const start = spawnSync('nsenter', [`--net=/proc/${r.pid}/ns/net`, 'ip', '-j', 'link', 'show'], { encoding: 'utf8' });
    if (start.status !== 0) problems.push(`cannot list the links of the start namespace: ${start.stderr}`);
    else {
      const names = (JSON.parse(start.stdout) as Array<{ ifname: string }>).map((l) => l.ifname).filter((n) => n !== 'lo' && !FALLBACK.has(n));
      if (names.length) problems.push(`the example created links in the namespace it was started in: ${names.join(', ')}`);
    }
  });
  if (!ready) return [`the example did not come up (no READY line); exit ${ran.signal ?? ran.code}; output:\n${ran.out}`];
  if (ran.code !== 0) problems.push(`exit code ${ran.signal ?? ran.code}`);
  const pid = ready.pid;
  const left = netnsList().filter((n) => n.endsWith(`-${pid}`));
  if (left.length) problems.push(`namespaces left behind: ${left.join(', ')}`);
  // strace: the first execve is node itself (strace starting it); anything else ran another program
  const execs = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => /\bexecve(at)?\(/.test(l));
  if (!(execs.length >= 1 && execs[0]!.includes(process.execPath))) problems.push(`the trace does not start with node:\n${execs.join('\n')}`);
  const others = execs.slice(1);
  if (others.length) problems.push(`the example executed other programs:\n${others.join('\n')}`);
  if (problems.length) problems.push(`example output:\n${ran.out}`);
  // a failed example may have left namespaces: remove them (the test fails anyway)
  for (const n of left) spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  return problems;
}

const missingTool = isRoot && !hasStrace ? 'strace is missing: cannot check that the example runs no other program' : isRoot && !hasUnshare ? 'unshare(1) (util-linux) is missing' : undefined;

// ---- the harness catches what it must: a child process configuring something, a namespace left behind
// written to a temporary directory (the repository is read-only in the VM lane), importing by URL
const lab = pathToFileURL(join(root, 'dist', 'examples', '_lab.js')).href;
const lib = pathToFileURL(join(root, 'dist', 'src', 'index.js')).href;
const fixtures = {
  'uses-ip': `import { execFileSync } from 'node:child_process';
import { isMain, main } from '${lab}';
export const example = { seed: 'fixture', section: 'configures a link with ip(8)', needs: [], async setup(lab) {
  const n = await lab.ns('cheat');
  execFileSync('ip', ['-n', n.name, 'link', 'add', 'cheat0', 'type', 'bridge']);
  lab.shows(n, ['link', 'show', 'dev', 'cheat0'], [{ ifname: 'cheat0' }], 'the bridge exists');
} };
if (isMain(import.meta.url)) await main(example);
`,
  'leaks-ns': `import { netns } from '${lib}';
import { isMain, main } from '${lab}';
export const example = { seed: 'fixture', section: 'leaves a namespace', needs: [], async setup(lab) {
  const n = await lab.ns('tidy');
  await netns.add('stray-' + process.pid);
  lab.shows(n, ['link', 'show', 'dev', 'lo'], [{ ifname: 'lo' }], 'lo is there');
} };
if (isMain(import.meta.url)) await main(example);
`,
};
const selfTestName = 'harness self-test: the example check catches a child process and a leaked namespace';
if (missingTool) skip(test, selfTestName, missingTool);
else if (only && !only.includes('harness')) skip(test, selfTestName, 'not selected by RTNL_EXAMPLES (add "harness")');
else {
  ktest(test, selfTestName, async () => {
    for (const [name, code] of Object.entries(fixtures)) writeFileSync(join(work, `fixture-${name}.mjs`), code);
    {
      const usesIp = await verify(join(work, 'fixture-uses-ip.mjs'), 'fixture-uses-ip');
      assert.ok(
        usesIp.some((p) => p.startsWith('the example executed other programs') && /execve\("[^"]*\/ip"/.test(p)),
        `ip(8) run by the example is caught:\n${usesIp.join('\n')}`,
      );
      const leaks = await verify(join(work, 'fixture-leaks-ns.mjs'), 'fixture-leaks-ns');
      assert.ok(
        leaks.some((p) => /^namespaces left behind: stray-\d+$/.test(p)),
        `the leaked namespace is caught:\n${leaks.join('\n')}`,
      );
      assert.not.ok(
        leaks.some((p) => p.startsWith('the example executed')),
        `and the library alone runs no program:\n${leaks.join('\n')}`,
      );
    }
  });
}

// ---- the examples
for (const src of sources) {
  const base = src.replace(/\.ts$/, '');
  const js = join(root, 'dist', 'examples', `${base}.js`);
  const mod = (await import(pathToFileURL(js).href)) as { example?: Example };
  const ex = mod.example;
  if (!ex) {
    test(`examples/${src} exports its Example`, () => assert.unreachable(`examples/${src} has no \`export const example\``));
    continue;
  }
  const name = `examples/${src}: seed ${ex.seed}, ${ex.section}`;
  if (ex.unavailable || missingTool) {
    skip(test, name, ex.unavailable ?? missingTool!);
    continue;
  }
  ktest(
    test,
    name,
    async () => {
      const problems = await verify(js, base);
      assert.equal(problems, [], problems.join('\n'));
    },
    ex.needs,
  );
}

test.run();
