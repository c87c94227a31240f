// Start-up (issue 16): what a program or `rtnl-dump link` does not use is
// not loaded. The link kinds are loaded on first use from kinds/table.ts
// (the registry's loaders, require() of an ES module), and rtnl-dump loads
// its pcap/hex/nft and generic netlink commands with import() when they run.
// Each case runs in a fresh process that records every module the ES module
// loader resolves (a module.register() resolve hook) and every ES module
// loaded by require() (require.cache), so a static import added back, or a
// kind loaded eagerly, fails here. bin/rtnl-dump.js runs the CLI bundle
// (dist/bundle/, scripts/bundle.mjs): `rtnl-dump link` must load its entry
// and the chunks that entry imports, no chunk of the pcap/hex/nft or generic
// netlink commands, and no module of dist/src/ (the bundle has its own copy
// of each class). The modules of dist/src/ stay lazy too (the import entry
// of the package, and bin/rtnl-dump.js without a bundle).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FakeKernel } from '../fake-transport.js';
import { Addrs, BridgeVlans, Monitor, Neighs, NsIds, PcapWriter, Routes, Rtnl, Rules } from '../../src/index.js';
import { BUILTIN_KIND_NAMES } from '../../src/rtnl/kinds/table.js';

const dist = new URL('../../src/', import.meta.url);

/** Run `body` (an async function body with `dist` = the URL of dist/src/) in a fresh process; returns the src-relative paths it loaded, and what body printed. */
function loadedBy(body: string): { modules: string[]; out: unknown } {
  const hook = `let port; export function initialize(d) { port = d.port; } export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r; }`;
  const code = `
    import { register, createRequire } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const seen = new Set();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (u) => seen.add(u));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { port: port2 }, transferList: [port2] });
    const dist = ${JSON.stringify(dist.href)};
    const out = await (async () => { ${body} })();
    await new Promise((r) => setTimeout(r, 100));
    for (const f of Object.keys(createRequire(import.meta.url).cache)) seen.add('file://' + f);
    port1.close();
    const modules = [...seen].filter((u) => u.startsWith(dist)).map((u) => u.slice(dist.length)).sort();
    console.log(JSON.stringify({ modules, out }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { modules: string[]; out: unknown };
}

/** The kind modules of kinds/table.ts (not the registry, table, common helpers or the macsec module generic netlink imports for its codecs). */
const kindModules = (mods: string[]): string[] => mods.filter((m) => /^rtnl\/kinds\/(?!registry|table|common|index|tunnel|peer|macsec)/.test(m));

test('the hook sees what a process loads (the check below cannot pass by seeing nothing)', () => {
  const { modules } = loadedBy(`await import(dist + 'rtnl/kinds/vxlan.js'); const { createRequire } = await import('node:module'); createRequire(dist)('./rtnl/kinds/veth.js');`);
  assert.ok(modules.includes('rtnl/kinds/vxlan.js'), 'import() seen');
  assert.ok(modules.includes('rtnl/kinds/veth.js'), 'require() seen');
});

test('importing the package loads no link kind module; a kind loads on first use, and only that kind', () => {
  const { modules, out } = loadedBy(`
    const m = await import(dist + 'index.js');
    const reg = await import(dist + 'rtnl/kinds/registry.js');
    const before = Object.keys((await import('node:module')).createRequire(dist).cache).length;
    const veth = m.getKind('veth');
    const peerOwners = reg.kindsWithExtraKey('peer');
    return { kind: veth.kind, ether: veth.ether, peerOwners, before };
  `);
  assert.equal(out, { kind: 'veth', ether: true, peerOwners: ['veth', 'vxcan'], before: 0 });
  assert.equal(kindModules(modules), ['rtnl/kinds/veth.js'], 'only veth was loaded (kindsWithExtraKey answers from the table)');
});

test('option keys load their kind: kindByOptionsKey / kindBySlaveKey / getCreator', () => {
  const { modules, out } = loadedBy(`
    await import(dist + 'index.js');
    const reg = await import(dist + 'rtnl/kinds/registry.js');
    return [reg.kindByOptionsKey('vxlan')?.kind, reg.kindBySlaveKey('bondSlave')?.kind, typeof reg.getCreator('tap'), reg.getKind('nosuchkind') ?? null];
  `);
  assert.equal(out, ['vxlan', 'bond', 'function', null]);
  assert.equal(kindModules(modules), ['rtnl/kinds/bond.js', 'rtnl/kinds/vxlan.js']);
});

test('listKinds() loads every kind; a loader that returns another kind than its table line is an error', () => {
  const { out } = loadedBy(`
    const reg = await import(dist + 'rtnl/kinds/registry.js');
    const table = await import(dist + 'rtnl/kinds/table.js');
    table.registerBuiltinKinds();
    const n = reg.listKinds().length;
    reg.registerKindLoader({ kind: 'fake0' }, () => ({ kind: 'fake1' }));
    let err = '';
    try { reg.getKind('fake0'); } catch (e) { err = e.message; }
    return { n, names: table.BUILTIN_KIND_NAMES.length, err };
  `);
  const o = out as { n: number; names: number; err: string };
  assert.ok(o.n >= 30 && o.n === o.names, `${o.n} kinds listed, ${o.names} in the table`);
  assert.match(o.err, /fake0: its loader returned kind fake1/);
});

test('loading the kind modules builds no kind policy; a kind builds its own on first use (netlink/once.ts, once)', () => {
  const { out } = loadedBy(`
    const { Policy } = await import(dist + 'netlink/attr/policy.js');
    const built = [];
    const add = Policy.prototype.add;
    Policy.prototype.add = function (s) { if (!built.includes(this.name)) built.push(this.name); return add.call(this, s); };
    const table = await import(dist + 'rtnl/kinds/table.js');
    const reg = await import(dist + 'rtnl/kinds/registry.js');
    table.registerBuiltinKinds();
    await import(dist + 'rtnl/link.js'); // the link policies (IFLA_*, AF_SPEC, ...), which every kind module imports
    const atStart = built.splice(0);
    const kinds = table.builtinKinds(); // loads every kind module (what the bundle's kinds file does on the first kind met)
    const onLoad = built.splice(0);
    const veth = reg.getKind('veth');
    const onGet = built.splice(0);
    const data = veth.data;
    const onData = built.splice(0);
    const again = veth.data === data && reg.getKind('bridge').data === reg.getKind('bridge').data;
    const bridge = built.splice(0);
    const slave = reg.getKind('bridge').slaveData.name;
    const withData = kinds.filter((k) => k.data !== undefined).length;
    return { atStart, onLoad, onGet, onData, again, bridge, slave, withData, n: kinds.length };
  `);
  const o = out as Record<string, unknown>;
  assert.equal(o.onLoad, [], 'loading every kind module built no policy');
  assert.equal(o.onGet, [], 'getKind() builds nothing either');
  assert.equal(o.onData, ['VETH_INFO'], 'veth.data built veth\'s policy, and only it');
  assert.ok(o.again, 'built once: the same Policy on every read');
  assert.equal(o.bridge, ['IFLA_BR'], 'bridge.data: the bridge policy (its port policy when slaveData is read)');
  assert.is(o.slave, 'IFLA_BRPORT');
  assert.ok((o.withData as number) > 20 && (o.n as number) >= 30, 'the policies of the other kinds are still there when asked for');
});

test('importing the CLI loads neither nf_tables, generic netlink, the capture reader nor a link kind', () => {
  const { modules } = loadedBy(`await import(dist + 'cli/main.js');`);
  assert.ok(modules.includes('cli/main.js') && modules.includes('rtnl/rtnl.js'));
  const heavy = modules.filter((m) => /^(nft|genl)\//.test(m) || m === 'pcap/reader.js' || m === 'pcap/netlink.js' || m === 'protocols.js' || m === 'cli/capture.js' || m === 'cli/genl.js' || m.startsWith('tun/'));
  assert.equal(heavy, []);
  assert.equal(kindModules(modules), []);
  // Rtnl's families other than links, its monitor and recorder: loaded on first use
  const families = modules.filter((m) => /^rtnl\/(addrs|routes|neighs|rules|bridge-vlans|monitor)\.js$/.test(m) || m.startsWith('pcap/'));
  assert.equal(families, []);
});

const distRoot = new URL('../../', import.meta.url);
const binPath = fileURLToPath(new URL('../bin/rtnl-dump.js', distRoot));

/** Run bin/rtnl-dump.js ARGS with a resolve hook; the dist/-relative paths of the ES modules it loaded. */
function binLoads(args: string[], nodeArgs: string[] = []): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-binloads-'));
  try {
    const log = join(dir, 'resolved');
    const hook = `import { appendFileSync } from 'node:fs'; let log; export function initialize(d) { log = d.log; } export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(log, r.url + '\\n'); return r; }`;
    const reg = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { log: ${JSON.stringify(log)} } });`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, ...nodeArgs, binPath, ...args], { encoding: 'utf8', env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' } });
    assert.is(r.status, 0, r.stderr);
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    return [...new Set(urls.filter((u) => u.startsWith(distRoot.href)).map((u) => u.slice(distRoot.href.length)))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface BundleManifest {
  outputs: Record<string, { entry?: string; inputs: string[]; imports: Array<{ file: string; kind: string }> }>;
}

test('the ESM bundle (the package, and the CLI as modules): the files rtnl-dump.js imports hold no capture/nft/genl module and no link kind', () => {
  const manifest = JSON.parse(readFileSync(new URL('bundle.json', distRoot), 'utf8')) as BundleManifest;
  const out = manifest.outputs;
  // the files of the link path: the entry and what it imports statically, transitively
  const want = new Set(['rtnl-dump.js']);
  for (const f of want) for (const i of out[f]!.imports) if (i.kind === 'import-statement') want.add(i.file);
  const heavy = (inputs: string[]): string[] => inputs.filter((m) => /^(nft|genl)\//.test(m) || ['cli/capture.js', 'cli/genl.js', 'pcap/reader.js', 'protocols.js'].includes(m));
  for (const f of want) assert.equal(heavy(out[f]!.inputs), [], `${f} holds none of the capture/nft/genl modules`);
  const lazyChunks = Object.keys(out).filter((f) => !want.has(f));
  assert.ok(lazyChunks.some((f) => out[f]!.inputs.includes('cli/capture.js')) && lazyChunks.some((f) => out[f]!.entry === 'cli/genl.js'), 'the capture and genl commands are chunks of their own');
  // the link kinds are an entry of their own (lazy-rtnl-kinds-table.js), loaded by require() on the first kind met
  const kindsGroup = out['lazy-rtnl-kinds-table.js'];
  assert.ok(kindsGroup, 'the link kinds are a file of their own');
  const kindFiles = new Set(['lazy-rtnl-kinds-table.js']);
  for (const f of kindFiles) for (const i of out[f]!.imports) if (i.kind === 'import-statement' && !want.has(i.file)) kindFiles.add(i.file);
  const inStatic = [...want].flatMap((f) => kindModules(out[f]!.inputs));
  assert.equal(inStatic, [], 'no link kind module in the files rtnl-dump.js loads before it meets a kind');
  assert.ok([...kindFiles].flatMap((f) => out[f]!.inputs).includes('rtnl/kinds/vxlan.js'));
});

test('rtnl-dump link runs the CLI script: no ES module of dist/ (the chunks, dist/src/) is loaded', () => {
  assert.equal(binLoads(['link']), [], 'nothing of dist/ as an ES module (dist/src/ has a second copy of every class)');
  // control: the hook sees a module of dist/ that the process imports (the check above can fail)
  assert.equal(binLoads(['link'], ['--import', new URL('src/rtnl/uapi.js', distRoot).href]), ['src/rtnl/uapi.js']);
});

test('inside the CLI script, rtnl-dump link initialises no module of nf_tables, generic netlink, pcap, capture, TUN or Rtnl\'s other families, and only the link kinds it meets', async () => {
  const file = fileURLToPath(new URL('bundle/rtnl-dump.cli.js', distRoot));
  const src = readFileSync(file, 'latin1');
  // record each module the script initialises (esbuild's __esm wrappers: every module of the script is
  // one): each `init_x = __esm({ "dist/src/...": ... })` (the script is minified: `init_x=__esm({`) goes through a spy
  const defs = /=\s*__esm\(\{/g;
  const spied = src.replace(defs, '=globalThis.__rtnlSpy(__esm,{');
  assert.ok((src.match(defs) ?? []).length > 50, 'the script initialises its modules through __esm');
  const g = globalThis as unknown as { __rtnlInits: string[]; __rtnlSpy: (esm: (...a: unknown[]) => () => unknown, fn: object, ...a: unknown[]) => () => unknown };
  g.__rtnlInits = [];
  g.__rtnlSpy = (esm, fn, ...a) => {
    const n = Object.keys(fn)[0]!;
    const init = esm(fn, ...a);
    let done = false;
    return function (this: unknown, ...args: unknown[]) {
      if (!done) {
        done = true;
        g.__rtnlInits.push(n);
      }
      return (init as (...x: unknown[]) => unknown).apply(this, args);
    };
  };
  const vm = await import('node:vm');
  const { createRequire } = await import('node:module');
  const fn = new vm.Script(spied, { filename: file }).runInThisContext() as (r: NodeJS.Require, url: string) => { main(argv: string[], io: unknown): Promise<number> };
  const lines: string[] = [];
  const code = await fn(createRequire(file), pathToFileURL(file).href).main(['link', '--json'], { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) });
  assert.is(code, 0, lines.join('\n'));
  const inits = g.__rtnlInits.map((n) => n.replace(/^dist\/src\//, ''));
  // (cli/main.js, the entry, is one of those only in the full script, where the capture and genl commands import it)
  assert.ok(inits.includes('rtnl/links.js') && inits.includes('rtnl/link.js'), 'the spy saw the link path');
  const heavy = inits.filter((m) => /^(nft|genl|pcap|tun)\//.test(m) || ['cli/capture.js', 'cli/genl.js', 'protocols.js', 'rtnl/addrs.js', 'rtnl/routes.js', 'rtnl/neighs.js', 'rtnl/rules.js', 'rtnl/monitor.js', 'rtnl/bridge-vlans.js'].includes(m));
  assert.equal(heavy, []);
  const links = JSON.parse(lines.join('\n')) as Array<{ linkInfo?: { kind?: string; slaveKind?: string } }>;
  const met = new Set(links.flatMap((l) => [l.linkInfo?.kind, l.linkInfo?.slaveKind]).filter((k): k is string => k !== undefined));
  // a kind module may bring the modules it shares with others (tunnel.js, peer.js); a kind of a link not present must not load
  const kindMods = kindModules(inits).filter((m) => !/\/(tunnel|peer)\.js$/.test(m));
  const owner = (m: string): string[] => BUILTIN_KIND_NAMES.filter((k) => m === `rtnl/kinds/${k}.js` || (m === 'rtnl/kinds/gre.js' && /gre|erspan/.test(k)) || (m === 'rtnl/kinds/iptun.js' && ['ipip', 'sit', 'ip6tnl'].includes(k)) || (m === 'rtnl/kinds/ipvlan.js' && k === 'ipvtap') || (m === 'rtnl/kinds/macvlan.js' && k === 'macvtap'));
  assert.equal(kindMods.filter((m) => !owner(m).some((k) => met.has(k))), [], `kind modules initialised for kinds not met (met: ${[...met].join(', ')})`);
});

test('rtnl-dump link writes its output without process.stdout: Node\'s stream modules are not loaded (fdLineWriter)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-streams-'));
  try {
    const list = join(dir, 'modules');
    // process.getBuiltinModule, not an import of node:fs (whose ES module facade loads the fs streams)
    const pre = `const { writeFileSync } = process.getBuiltinModule('node:fs'); process.on('exit', () => writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`;
    for (const stdout of ['pipe', 'ignore'] as const) {
      const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(pre)}`, binPath, 'link'], { encoding: 'utf8', stdio: ['ignore', stdout, 'pipe'] });
      assert.is(r.status, 0, r.stderr);
      if (stdout === 'pipe') assert.match(r.stdout, /^1: lo: /, 'it printed the links');
      const loaded = readFileSync(list, 'utf8').split('\n');
      assert.ok(loaded.includes('NativeModule fs'), 'the list is what the process loaded');
      assert.equal(loaded.filter((m) => /^NativeModule (stream|net|tty|internal\/fs\/sync_write_stream)$/.test(m)), [], `stdout ${stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Import the package by its name (the repository resolves itself through package.json "exports"); the dist/-relative modules loaded, and the export names. */
function packageLoads(spec = 'rtnetlink', srcEntry = 'src/index.js'): { modules: string[]; names: string[]; srcNames: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-pkgloads-'));
  try {
    const log = join(dir, 'resolved');
    const hook = `import { appendFileSync } from 'node:fs'; let log; export function initialize(d) { log = d.log; } export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(log, r.url + '\\n'); return r; }`;
    const reg = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), { data: { log: ${JSON.stringify(log)} } });`;
    const body = `const m = await import('${spec}'); console.log(JSON.stringify(Object.keys(m).sort()));`;
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, '--input-type=module', '-e', body], {
      encoding: 'utf8',
      cwd: fileURLToPath(new URL('../', distRoot)),
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
    });
    assert.is(r.status, 0, r.stderr);
    const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const modules = [...new Set(urls.filter((u) => u.startsWith(distRoot.href)).map((u) => u.slice(distRoot.href.length)))].sort();
    const src = spawnSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(new URL(srcEntry, distRoot).href)}); console.log(JSON.stringify(Object.keys(m).sort()));`], { encoding: 'utf8' });
    assert.is(src.status, 0, src.stderr);
    return { modules, names: JSON.parse(r.stdout.trim()) as string[], srcNames: JSON.parse(src.stdout.trim()) as string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the package entry is the bundle: import of "rtnetlink" loads dist/bundle/index.js and its chunks only, with every export of dist/src/index.js', () => {
  const manifest = JSON.parse(readFileSync(new URL('bundle.json', distRoot), 'utf8')) as BundleManifest;
  const want = new Set(['index.js']);
  for (const f of want) for (const i of manifest.outputs[f]!.imports) if (i.kind === 'import-statement') want.add(i.file);
  const { modules, names, srcNames } = packageLoads();
  assert.equal(modules, [...want].map((f) => `bundle/${f}`).sort(), 'the bundle entry and its static chunks, nothing of dist/src/');
  assert.ok(names.length > 50 && names.includes('Rtnl') && names.includes('uapi'));
  assert.equal(names, srcNames, 'the same export names as the modules of dist/src/ (the types describe those)');
});

test('the package\'s rtnetlink/rtnl entry: the main entry\'s names less generic netlink, nf_tables, capture and TUN, the same classes, and none of those families\' code loaded', async () => {
  const manifest = JSON.parse(readFileSync(new URL('bundle.json', distRoot), 'utf8')) as BundleManifest;
  const want = new Set(['rtnl.js']);
  for (const f of want) for (const i of manifest.outputs[f]!.imports) if (i.kind === 'import-statement') want.add(i.file);
  const heavy = [...want].flatMap((f) => manifest.outputs[f]!.inputs.filter((m) => /^(nft|genl|tun)\//.test(m) || m === 'pcap/reader.js'));
  assert.equal(heavy, [], 'the files rtnetlink/rtnl loads hold no nf_tables, generic netlink, TUN or capture reader module');
  const { modules, names, srcNames } = packageLoads('rtnetlink/rtnl', 'src/entries/rtnl.js');
  assert.equal(modules, [...want].map((f) => `bundle/${f}`).sort(), 'the rtnl entry and its static chunks, nothing of dist/src/');
  assert.equal(names, srcNames, 'the names of dist/src/entries/rtnl.js (the types describe those)');
  const main = packageLoads().names;
  const missing = main.filter((n) => !names.includes(n));
  assert.equal(names.filter((n) => !main.includes(n)), [], 'nothing the main entry lacks');
  assert.equal(missing.sort(), ['CaptureFormatError', 'Genl', 'GenlFamilyIds', 'GenlMonitor', 'LINKTYPE_NETLINK', 'LinkTypeError', 'Nft', 'NftMonitor', 'NftTransaction', 'NftTransactionError', 'PacketStream', 'PcapWriter', 'Tun', 'TunQueue', 'decodeDatagram', 'decodeNetlinkFrame', 'genl', 'nft', 'packet', 'packetPair', 'readNetlinkCapture', 'readPackets'].sort());
  // one instance of every class in a program importing both
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const a = await import('rtnetlink'); const b = await import('rtnetlink/rtnl'); console.log(JSON.stringify(Object.keys(b).filter((k) => a[k] !== b[k])));`], { encoding: 'utf8', cwd: fileURLToPath(new URL('../', distRoot)) });
  assert.is(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout.trim()), [], 'every export of rtnetlink/rtnl is the very value of the main entry');
});

test('Rtnl\'s families loaded on first use are the package\'s classes, one per handle; record and monitor() work', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rtnl-lazy-'));
  try {
    const r = await Rtnl.open({ transport: new FakeKernel(), record: join(dir, 'x.pcap') });
    const pairs: Array<[unknown, abstract new (...a: never[]) => unknown]> = [[r.addrs, Addrs], [r.routes, Routes], [r.neighs, Neighs], [r.rules, Rules], [r.nsids, NsIds], [r.bridgeVlans, BridgeVlans]];
    for (const [v, C] of pairs) assert.instance(v, C);
    assert.is(r.addrs, r.addrs, 'one instance per handle');
    const r2 = await Rtnl.open({ transport: new FakeKernel() });
    assert.is.not(r2.addrs, r.addrs);
    assert.ok(statSync(join(dir, 'x.pcap')).size >= 24, 'the recorder (loaded on open with record) wrote the pcap header');
    const w = PcapWriter.open(join(dir, 'y.pcap'));
    const r3 = await Rtnl.open({ transport: new FakeKernel(), record: w });
    await r3.close();
    w.close();
    const m = r2.monitor(['link'], { transport: new FakeKernel() } as never);
    assert.instance(m, Monitor);
    await m.close();
    await r.close();
    await r2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
