// The lanes' summaries, combined into the final line of `npm test` and .ci/run.
//   node scripts/combine-summary.mjs DIR
//       prints one line per lane (every DIR/*.json written by `run.js --json`
//       or by the modes below) and ends with `N passed, N failed[, N skipped]`;
//       exit code 1 when anything failed or DIR holds no lane at all
//   node scripts/combine-summary.mjs --not-run LANE REASON FILE
//       records a lane that could not run: one named skip, or one failure
//       when RTNL_REQUIRE_LANES=1 (CI: every lane must run)
//   node scripts/combine-summary.mjs --from-output LANE OUTPUT FILE
//       records the summary a run printed (RTNL-SUMMARY line, e.g. inside
//       the VM), or one failure when there is none
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ORDER = ['host', 'non-root', 'node22', 'node24', 'arm64', 'package', 'vm'];
const args = process.argv.slice(2);

if (args[0] === '--not-run') {
  const [, lane, reason, file] = args;
  const must = process.env.RTNL_REQUIRE_LANES === '1';
  const what = `lane ${lane} not run: ${reason}`;
  writeFileSync(file, JSON.stringify({ lane, passed: 0, failed: must ? 1 : 0, skipped: must ? 0 : 1, skips: must ? [] : [what], failures: must ? [what] : [] }));
} else if (args[0] === '--from-output') {
  const [, lane, out, file] = args;
  const text = existsSync(out) ? readFileSync(out, 'utf8') : '';
  const m = [...text.matchAll(/^RTNL-SUMMARY (.*)$/gm)].pop();
  const s = m ? { ...JSON.parse(m[1]), lane } : { lane, passed: 0, failed: 1, skipped: 0, skips: [], failures: [`${lane} lane produced no summary (boot or run failed; see above)`] };
  writeFileSync(file, JSON.stringify(s));
} else {
  const dir = args[0];
  const lanes = (existsSync(dir) ? readdirSync(dir) : [])
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    .sort((a, b) => rank(a.lane) - rank(b.lane) || String(a.lane).localeCompare(String(b.lane)));
  if (!lanes.length) lanes.push({ lane: 'none', passed: 0, failed: 1, skipped: 0, skips: [], failures: ['no lane ran'] });
  const sum = (k) => lanes.reduce((n, l) => n + l[k], 0);
  console.log('\n=== combined');
  for (const l of lanes) console.log(`lane ${l.lane}: ${l.passed} passed, ${l.failed} failed, ${l.skipped} skipped`);
  const notRun = lanes.flatMap((l) => l.skips.filter((s) => s.startsWith('lane ')));
  for (const s of notRun) console.log(`  SKIPPED ${s}`);
  const failures = lanes.flatMap((l) => l.failures.map((f) => `${l.lane}: ${f}`));
  if (failures.length) {
    console.log(`failed (${failures.length}):`);
    for (const f of failures) console.log(`  FAILED ${f}`);
  }
  const failed = sum('failed');
  const skipped = sum('skipped');
  console.log(`${sum('passed')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed ? 1 : 0;
}

function rank(lane) {
  const base = String(lane).replace(/-non-root$/, '');
  const i = ORDER.indexOf(base);
  return (i < 0 ? ORDER.length : i) * 2 + (base === lane ? 0 : 1);
}
