// The CLI bundle (issue 16: start-up; scripts/bundle.mjs, docs/design.md):
// bin/rtnl-dump.js runs dist/bundle/, a bundle of dist/src/cli/main.js and the
// library. Checked here: the bundle is the one the current dist/src/ gives
// (a stale bundle cannot pass), every link kind of kinds/table.ts loads
// through it (the lazy-load map esbuild bundled is complete), errors thrown
// inside it are its own classes (caught by its instanceof checks, so typed
// and formatted as from dist/src/), it prints what the modules of dist/src/
// print, and bin/rtnl-dump.js falls back to dist/src/ when dist/bundle/ is
// missing. Which files `rtnl-dump link` loads: test/unit/startup-lazy.test.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writer } from '../../src/netlink/writer.js';
import { UAPI as U } from '../../src/rtnl/uapi.js';
import { BUILTIN_KIND_NAMES, registerBuiltinKinds } from '../../src/rtnl/kinds/table.js';
import { getKind } from '../../src/rtnl/kinds/registry.js';
import { skip } from '../helpers.js';
import { repoRoot } from '../corpus.js';

const bin = join(repoRoot, 'bin', 'rtnl-dump.js');
const bundleEntry = join(repoRoot, 'dist', 'bundle', 'rtnl-dump.js');
const distSrc = join(repoRoot, 'dist', 'src');

function node(args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60000, env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
}
/** rtnl-dump through the bundle (bin/rtnl-dump.js). */
const bundled = (...args: string[]): SpawnSyncReturns<string> => node([bin, ...args]);
/** The same command run by the modules of dist/src/ (what bin/rtnl-dump.js ran before the bundle). */
const unbundled = (...args: string[]): SpawnSyncReturns<string> =>
  node(['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(distSrc, 'cli', 'main.js'))}); process.exitCode = await main(${JSON.stringify(args)});`]);

/** RTM_NEWLINK for a link "x0" of `kind`; `data` writes IFLA_INFO_DATA's contents (omitted: no IFLA_INFO_DATA). */
function linkOfKind(kind: string, data?: (w: Writer) => void): Buffer {
  const w = new Writer();
  const s = w.msgStart(U.RTM_NEWLINK, 0, 1, 0);
  w.u8(0);
  w.u8(0);
  w.u16(1);
  w.s32(7);
  w.u32(0);
  w.u32(0);
  w.attrString(U.IFLA_IFNAME, 'x0');
  const li = w.nestStart(U.IFLA_LINKINFO);
  w.attrString(U.IFLA_INFO_KIND, kind);
  if (data) {
    const d = w.nestStart(U.IFLA_INFO_DATA);
    data(w);
    w.attrEnd(d);
  }
  w.attrEnd(li);
  w.msgEnd(s);
  return w.toBuffer();
}

/** hex --json prints one JSON object per message, a line each. */
const jsonLines = (out: string): HexMessage[] => out.trim().split('\n').map((l) => JSON.parse(l) as HexMessage);

interface HexMessage {
  typeName: string;
  object?: { linkInfo?: { kind: string; data?: Record<string, unknown>; unknown?: unknown[] } };
  decodeError?: string;
}

test('bin/rtnl-dump.js runs the CLI script: dist/bundle/rtnl-dump.cli.js exists, names its sha256, and gives main(); the ESM entry holds main() too', async () => {
  const script = join(repoRoot, 'dist', 'bundle', 'rtnl-dump.cli.js');
  assert.ok(existsSync(script), `${script} exists (npm run build:ts builds it)`);
  const src = readFileSync(script, 'latin1');
  const nl = src.indexOf('\n');
  const m = /^\/\/ rtnl-dump ([0-9a-f]{64}) /.exec(src);
  assert.ok(m, 'its first line names a sha256');
  assert.is(m![1], createHash('sha256').update(src.slice(nl + 1)).digest('hex'), 'the sha256 of the rest (the code cache\'s key)');
  const vm = await import('node:vm');
  const { createRequire } = await import('node:module');
  const cli = (new vm.Script(src, { filename: script }).runInThisContext() as (r: NodeJS.Require, url: string) => { main?: unknown })(createRequire(script), `file://${script}`);
  assert.type(cli.main, 'function');
  assert.match(readFileSync(bin, 'utf8'), /dist\/bundle\/rtnl-dump\.cli\.js/);
  assert.ok(existsSync(bundleEntry), `${bundleEntry} exists`);
  assert.type(((await import(bundleEntry)) as { main?: unknown }).main, 'function');
  // its own package scope, so that Node's lookup of each file's package.json stops there
  assert.equal(JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle', 'package.json'), 'utf8')), { type: 'module' });
});

test('rtnl-dump.cli.js leaves the generic netlink and capture commands to rtnl-dump-full.cli.js: its first line names them and that script; bin/rtnl-dump.js runs them there', async () => {
  const dir = join(repoRoot, 'dist', 'bundle');
  const rtnlSrc = readFileSync(join(dir, 'rtnl-dump.cli.js'), 'latin1');
  const fullSrc = readFileSync(join(dir, 'rtnl-dump-full.cli.js'), 'latin1');
  const body = (src: string): string => src.slice(src.indexOf('\n') + 1);
  const sha = (src: string): string => createHash('sha256').update(body(src)).digest('hex');
  const r = /^\/\/ rtnl-dump ([0-9a-f]{64}) full ([0-9a-f]{64}) ([a-z0-9,-]+) /.exec(rtnlSrc);
  const f = /^\/\/ rtnl-dump ([0-9a-f]{64}) rtnl ([0-9a-f]{64}) /.exec(fullSrc);
  assert.ok(r && f, 'both first lines name both scripts');
  assert.equal([r![1], r![2], f![1], f![2]], [sha(rtnlSrc), sha(fullSrc), sha(fullSrc), sha(rtnlSrc)]);
  const { GENL_COMMANDS } = (await import(join(distSrc, 'cli', 'genl-help.js'))) as { GENL_COMMANDS: string[] };
  assert.equal(r![3]!.split(','), [...GENL_COMMANDS, 'pcap', 'nft', 'hex'], 'the commands main() runs through import() of cli/genl.js and cli/capture.js');
  // what each holds (the build's manifest)
  const out = (JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle.json'), 'utf8')) as { outputs: Record<string, { inputs: string[] }> }).outputs;
  // (pcap/writer.js is there: Rtnl's pcap option loads it on first use)
  const heavy = (inputs: string[]): string[] => inputs.filter((m) => /^(nft|genl)\//.test(m) || ['cli/capture.js', 'cli/genl.js', 'protocols.js', 'pcap/reader.js', 'pcap/netlink.js'].includes(m));
  assert.equal(heavy(out['rtnl-dump.cli.js']!.inputs), []);
  for (const m of ['cli/capture.js', 'cli/genl.js', 'nft/nft.js', 'genl/wireguard.js', 'pcap/reader.js']) assert.ok(out['rtnl-dump-full.cli.js']!.inputs.includes(m), m);
  assert.ok(out['rtnl-dump.cli.js']!.inputs.includes('rtnl/links.js') && out['rtnl-dump.cli.js']!.inputs.includes('cli/iplink.js'));
  // in rtnl-dump.cli.js such a command fails loudly (the list above is what keeps it from running there); in the full script it runs
  const vm = await import('node:vm');
  const { createRequire } = await import('node:module');
  const mainOf = (src: string, file: string): ((argv: string[], io: unknown) => Promise<number>) =>
    (new vm.Script(src, { filename: file }).runInThisContext() as (r: NodeJS.Require, url: string) => { main(argv: string[], io: unknown): Promise<number> })(createRequire(file), `file://${file}`).main;
  for (const [src, file, want] of [[rtnlSrc, 'rtnl-dump.cli.js', 1], [fullSrc, 'rtnl-dump-full.cli.js', 0]] as const) {
    const lines: string[] = [];
    const code = await mainOf(src, join(dir, file))(['hex', '1400000003000200000000000000000000000000'], { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) });
    assert.is(code, want, `${file}: ${lines.join('\n')}`);
    if (want === 1) assert.match(lines.join('\n'), /internal error: cli\/capture\.js is in rtnl-dump-full\.cli\.js only/);
    else assert.equal(lines, ['NLMSG_DONE len=20 flags=MULTI seq=0 pid=0']);
  }
  // through the bin: a generic netlink and a capture command run (in the full script), and so does link (in the other)
  for (const args of [['hex', '1400000003000200000000000000000000000000'], ['genl', '--help'], ['link', '--help']]) {
    const p = bundled(...args);
    assert.is(p.status, 0, `${args.join(' ')}: ${p.stderr}`);
    assert.is(p.stderr, '');
  }
});

test('the bundle is what the current dist/src/ gives (scripts/bundle.mjs\'s manifest: each input file\'s sha256)', () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'dist', 'bundle.json'), 'utf8')) as { inputs: Record<string, string> };
  const inputs = Object.entries(manifest.inputs);
  assert.ok(inputs.length > 40, `${inputs.length} inputs`);
  const stale = inputs.filter(([f, sha]) => !existsSync(join(distSrc, f)) || createHash('sha256').update(readFileSync(join(distSrc, f))).digest('hex') !== sha).map(([f]) => f);
  assert.equal(stale, [], 'dist/src files changed since the bundle was built: npm run build:ts');
  for (const f of ['cli/main.js', 'cli/capture.js', 'cli/genl.js', 'rtnl/kinds/table.js', 'rtnl/kinds/vxlan.js', 'rtnl/addrs.js', 'tun/kind.js']) assert.ok(f in manifest.inputs, `${f} is in the bundle`);
});

{
  const esbuildLoads = spawnSync(process.execPath, ['-e', "import('esbuild').then((e) => e.transform('1'))"], { cwd: repoRoot, encoding: 'utf8' });
  const name = 'the bundle is byte for byte a fresh build (scripts/bundle.mjs --check): a stale bundle cannot ship';
  if (esbuildLoads.status !== 0) skip(test, name, `esbuild does not run here (${process.arch}): ${esbuildLoads.stderr.split('\n').find((l) => /Error|error:/.test(l))?.trim() ?? esbuildLoads.stderr.trim().split('\n')[0]}`);
  else
    test(name, () => {
      const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'bundle.mjs'), '--check'], { encoding: 'utf8', timeout: 120000 });
      assert.is(r.status, 0, r.stderr);
      assert.match(r.stdout, /up to date/);
    });
}

test('the JavaScript Node loads is ASCII (dist/bundle/ and dist/src/): one non-ASCII byte makes Node decode the whole file into a two-byte string', () => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
  const files = [...walk(join(repoRoot, 'dist', 'bundle')), ...walk(distSrc)];
  assert.ok(files.length > 100, `${files.length} files`);
  const bad = files.filter((f) => readFileSync(f).some((b) => b > 0x7f)).map((f) => f.slice(repoRoot.length + 1));
  assert.equal(bad, [], 'files with non-ASCII bytes (write \\uXXXX in strings, ASCII in comments)');
});

test('the bundle imports no Node built-in as an ES module (process.getBuiltinModule instead: an import of node:fs builds its facade, which loads the fs streams); neither does bin/rtnl-dump.js', () => {
  const dir = join(repoRoot, 'dist', 'bundle');
  const files = readdirSync(dir).filter((f) => f.endsWith('.js'));
  const esmBuiltin = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?:node:)?(?:fs|os|path|url|module|stream|timers|crypto|child_process|events|util)(?:\/[a-z_]+)?["']/;
  const bad = files.filter((f) => esmBuiltin.test(readFileSync(join(dir, f), 'utf8')));
  assert.equal(bad, [], 'bundle files importing a built-in');
  assert.ok(files.some((f) => readFileSync(join(dir, f), 'utf8').includes('process.getBuiltinModule("node:fs")')), 'the control: the bundle does use node:fs');
  assert.not.match(readFileSync(bin, 'utf8'), esmBuiltin);
  // what Node loads: neither `rtnl-dump --version` nor importing the package loads fs's streams or fs/promises
  const dir2 = mkdtempSync(join(tmpdir(), 'rtnl-builtins-'));
  try {
    const pre = join(dir2, 'pre.cjs');
    writeFileSync(pre, "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(process.moduleLoadList)));\n");
    const loaded = (args: string[]): string[] => {
      const r = node(['-r', pre, ...args]);
      assert.is(r.status, 0, r.stderr);
      return (JSON.parse(r.stderr.split('\nLOADED ').pop()!) as string[]).filter((m) => /^NativeModule (internal\/fs\/streams|fs\/promises)$/.test(m));
    };
    assert.equal(loaded([bin, '--version']), [], 'rtnl-dump --version');
    assert.equal(loaded(['--input-type=module', '-e', `await import(${JSON.stringify('file://' + join(dir, 'index.js'))});`]), [], 'import of the package');
    // control: an ES module import of node:fs does load them (the check can fail)
    assert.ok(loaded(['--input-type=module', '-e', `import { readFileSync } from 'node:fs'; void readFileSync;`]).length > 0);
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});

test('every link kind of kinds/table.ts decodes through the bundle (its lazy-load map is complete), as the modules of dist/src/ decode it', () => {
  registerBuiltinKinds();
  const hex = BUILTIN_KIND_NAMES.map((k) => linkOfKind(k, () => undefined).toString('hex'));
  const r = bundled('hex', '--json', ...hex);
  assert.is(r.status, 0, r.stderr);
  const msgs = jsonLines(r.stdout);
  assert.is(msgs.length, BUILTIN_KIND_NAMES.length);
  msgs.forEach((m, i) => {
    const li = m.object?.linkInfo;
    assert.is(li?.kind, BUILTIN_KIND_NAMES[i]);
    // decoding IFLA_INFO_DATA asks the registry for the kind (getKind: loads its module, through the
    // bundle's map; a module missing from it throws, and the command fails): a kind with an
    // IFLA_INFO_DATA policy decodes the empty nest as data {}, one without (dummy, ifb...) keeps it in `unknown`
    if (getKind(BUILTIN_KIND_NAMES[i]!)!.data) {
      assert.equal(li?.data, {}, `${li?.kind}: decoded by its kind module`);
      assert.is(li?.unknown, undefined, `${li?.kind}: nothing left undecoded`);
    } else {
      assert.is(li?.data, undefined, `${li?.kind}: no IFLA_INFO_DATA policy`);
      assert.is(li?.unknown?.length, 1);
    }
  });
  const control = jsonLines(bundled('hex', '--json', linkOfKind('nosuchkind', () => undefined).toString('hex')).stdout);
  assert.ok(control[0]!.object?.linkInfo?.unknown, 'control: a kind not in the table keeps IFLA_INFO_DATA raw (the check above can fail)');
  const u = unbundled('hex', '--json', ...hex);
  assert.is(u.status, 0, u.stderr);
  assert.is(r.stdout, u.stdout);
  // a kind's own attribute: vxlan IFLA_VXLAN_ID (1) = 42
  const vx = jsonLines(bundled('hex', '--json', linkOfKind('vxlan', (w) => w.attrU32(1, 42)).toString('hex')).stdout);
  assert.equal(vx[0]!.object?.linkInfo?.data, { id: 42 });
});

test('errors thrown inside the bundle are its own classes: a DecodeError from a kind module\'s codec is a decode error (exit 0), an ArgumentError is bad usage (exit 2), as with dist/src/', () => {
  // macvlan IFLA_MACVLAN_MACADDR_DATA (5) holding an attribute whose length runs past the nest: the kind
  // module's codec (kinds/common.ts nestedList) throws a DecodeError, which the CLI's formatter catches
  // by instanceof (a copy of the class from dist/src/ would not be caught: exit 1)
  const malformed = linkOfKind('macvlan', (w) => {
    const n = w.nestStart(U.IFLA_MACVLAN_MACADDR_DATA);
    w.bytes(Buffer.from([10, 0, 4, 0, 1, 2, 3, 4]));
    w.attrEnd(n);
  }).toString('hex');
  for (const args of [['hex', malformed], ['hex', '--json', malformed]]) {
    const r = bundled(...args);
    assert.is(r.status, 0, `${args.join(' ')}: a malformed message is printed with its decode error, not a failure: ${r.stderr}`);
    assert.match(r.stdout, /decode ?[eE]rror.*runs past the end.*IFLA_INFO_DATA\/IFLA_MACVLAN_MACADDR_DATA/);
    const u = unbundled(...args);
    assert.is(r.stdout, u.stdout);
  }
  const bad = bundled('link', 'dev', 'a/b');
  assert.is(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^rtnl-dump: dev: "a\/b" is not an interface name .*\n\nusage: rtnl-dump link /);
  assert.is(bad.stderr, unbundled('link', 'dev', 'a/b').stderr);
});

{
  // the generic netlink commands: their own chunk, catching an ArgumentError thrown by the library's shared chunk
  // (after Genl.open(): qemu-user, the arm64 lane, has no NETLINK_GENERIC sockets)
  const name = 'the generic netlink commands\' chunk catches an ArgumentError of the library\'s chunk as bad usage (exit 2), as with dist/src/';
  const probe = bundled('genl');
  if (/EPROTONOSUPPORT/.test(probe.stderr)) skip(test, name, `no generic netlink socket here: ${probe.stderr.trim()}`);
  else
    test(name, () => {
      const eth = bundled('ethtool', 'a/b');
      assert.is(eth.status, 2, eth.stderr);
      assert.match(eth.stderr, /^rtnl-dump: dev: interface name "a\/b" contains .*\n\nusage: rtnl-dump ethtool /);
      assert.is(eth.stderr, unbundled('ethtool', 'a/b').stderr);
    });
}

test('bin/rtnl-dump.js without dist/bundle/ runs the modules of dist/src/ (a tree built by tsc alone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-nobundle-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist'));
    copyFileSync(bin, join(dir, 'bin', 'rtnl-dump.js'));
    copyFileSync(join(repoRoot, 'bin', 'package.json'), join(dir, 'bin', 'package.json'));
    symlinkSync(distSrc, join(dir, 'dist', 'src'));
    const hex = linkOfKind('vxlan', (w) => w.attrU32(1, 42)).toString('hex');
    const r = node([join(dir, 'bin', 'rtnl-dump.js'), 'hex', '--json', hex]);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout, bundled('hex', '--json', hex).stdout);
    assert.is(r.stderr, '', 'no message about the missing bundle');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
