// Combine the host lane's JSON summary and the VM lane's output into the final line.
import { readFileSync, existsSync } from 'node:fs';
const [hostFile, vmOut] = process.argv.slice(2);
const lanes = [];
if (hostFile && existsSync(hostFile)) lanes.push(JSON.parse(readFileSync(hostFile, 'utf8')));
else lanes.push({ lane: 'host', passed: 0, failed: 1, skipped: 0, skips: [], failures: ['host lane produced no summary'] });
if (vmOut) {
  const text = existsSync(vmOut) ? readFileSync(vmOut, 'utf8') : '';
  const m = [...text.matchAll(/^RTNL-SUMMARY (.*)$/gm)].pop();
  if (m) lanes.push(JSON.parse(m[1]));
  else lanes.push({ lane: 'vm', passed: 0, failed: 1, skipped: 0, skips: [], failures: ['VM lane produced no summary (boot or run failed; see above)'] });
}
const sum = (k) => lanes.reduce((n, l) => n + l[k], 0);
console.log('\n=== combined');
for (const l of lanes) console.log(`lane ${l.lane}: ${l.passed} passed, ${l.failed} failed, ${l.skipped} skipped`);
if (lanes.length === 1) console.log('lane vm: not run');
const failed = sum('failed');
const skipped = sum('skipped');
console.log(`${sum('passed')} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;
