/**
 * Comparing rtnl-dump's iproute2 forms with ip itself (kernel tests):
 * JSON key by key (`check`), text line by line (`textLines`).
 */
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lane, sh } from './helpers.js';
import { repoRoot } from './corpus.js';

export const BIN = join(repoRoot, 'bin', 'rtnl-dump.js');

/** `rtnl-dump ARGS --netns ns` (must exit 0). */
export function ours(ns: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [BIN, ...args, '--netns', ns], { encoding: 'utf8', timeout: lane === 'vm' ? 240000 : 60000 });
  assert.is(r.status, 0, `rtnl-dump ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
export function theirs(ns: string, ...args: string[]): string {
  return sh('ip', ['-n', ns, ...args]);
}

export type J = unknown;
/** Values that change between two dumps a moment apart: compared by JSON type only. */
const VOLATILE = /(^|\.)(stats64|stats)(\.|$)|_timer$|_life_time$|\.(used|confirmed|updated|expires)$|\.state\[\d+\]$/;

export interface Diff {
  missing: string[];
  wrong: string[];
  extra: string[];
  compared: number;
}

/** Every key of ip's value must be in ours with an equal value (volatile: the same type); extras are collected. */
export function compare(theirs: J, mine: J, path: string, d: Diff): void {
  const type = (x: J): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
  if (VOLATILE.test(path) && type(theirs) !== 'object') {
    if (type(theirs) !== type(mine)) d.wrong.push(`${path}: ${JSON.stringify(theirs)} (ip) vs ${JSON.stringify(mine)}`);
    d.compared++;
    return;
  }
  if (type(theirs) !== type(mine)) {
    d.wrong.push(`${path}: ${JSON.stringify(theirs)} (ip) vs ${JSON.stringify(mine)}`);
    return;
  }
  if (Array.isArray(theirs)) {
    const m = mine as J[];
    if (m.length !== theirs.length && !VOLATILE.test(path)) {
      d.wrong.push(`${path}: ${theirs.length} elements (ip) vs ${m.length}: ${JSON.stringify(theirs).slice(0, 300)} vs ${JSON.stringify(m).slice(0, 300)}`);
      return;
    }
    theirs.forEach((x, i) => compare(x, m[i], `${path}[${i}]`, d));
    return;
  }
  if (type(theirs) === 'object') {
    const t = theirs as Record<string, J>;
    const m = mine as Record<string, J>;
    for (const k of Object.keys(t)) {
      if (!(k in m)) d.missing.push(`${path}.${k}`);
      else compare(t[k], m[k], `${path}.${k}`, d);
    }
    for (const k of Object.keys(m)) if (!(k in t)) d.extra.push(`${path}.${k}`.replace(/\[\d+\]/g, '[]'));
    return;
  }
  if (theirs !== mine) d.wrong.push(`${path}: ${JSON.stringify(theirs)} (ip) vs ${JSON.stringify(mine)}`);
  d.compared++;
}

/**
 * Run both, compare; `extraOk`: keys ours may have that ip leaves out
 * (paths with [] for any element); `missingOk`: keys ip prints that we do
 * not. The two programs dump one after the other, so a link that changes
 * between them (a carrier coming up late on a loaded machine) can differ:
 * a disagreement is retried twice with fresh dumps, and reported when it
 * persists. Returns how many values were compared.
 */
export function check(ns: string, ourArgs: string[], ipArgs: string[], extraOk: string[] = [], missingOk: string[] = []): number {
  for (let attempt = 1; ; attempt++) {
    try {
      return checkOnce(ns, ourArgs, ipArgs, extraOk, missingOk);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

function checkOnce(ns: string, ourArgs: string[], ipArgs: string[], extraOk: string[], missingOk: string[]): number {
  const mine = JSON.parse(ours(ns, ...ourArgs)) as J[];
  const t = JSON.parse(theirs(ns, '-j', ...ipArgs) || '[]') as J[];
  const d: Diff = { missing: [], wrong: [], extra: [], compared: 0 };
  compare(t, mine, '', d);
  const where = `rtnl-dump ${ourArgs.join(' ')} vs ip -j ${ipArgs.join(' ')}`;
  assert.equal(d.missing.filter((m) => !missingOk.includes(m.replace(/\[\d+\]/g, '[]'))), [], `${where}: keys ip prints that we do not`);
  assert.equal(d.wrong, [], `${where}: values that differ`);
  const unexpected = [...new Set(d.extra)].filter((e) => !extraOk.some((ok) => e === ok || e.endsWith(ok)));
  assert.equal(unexpected, [], `${where}: keys only we print`);
  assert.ok(d.compared > 0, `${where}: nothing compared`);
  return d.compared;
}

/** Text of both, line by line (textLines), retried like check() while they differ. */
export function sameText(ns: string, ourArgs: string[], ipArgs: string[], counters = false): void {
  for (let attempt = 1; ; attempt++) {
    const a = textLines(ours(ns, ...ourArgs), counters);
    const b = textLines(theirs(ns, ...ipArgs), counters);
    try {
      assert.equal(a, b, `rtnl-dump ${ourArgs.join(' ')} vs ip ${ipArgs.join(' ')}`);
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

/**
 * Text lines for comparison: white space runs as one space, running bridge
 * timers as T; with `counters`, lines of numbers only (the -s tables) as N.
 */
export function textLines(s: string, counters = false): string[] {
  return s
    .split('\n')
    .map((l) => l.replace(/\b(\w+_timer) +\d+\.\d+/g, '$1 T').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((l) => (counters && /^[\d ]+$/.test(l) ? l.replace(/\d+/g, 'N') : l));
}
