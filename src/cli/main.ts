/**
 * rtnl-dump: dump and decode rtnetlink state and traffic.
 * Exit codes: 0 ok, 1 runtime/kernel error, 2 bad usage.
 * @module
 */
import '../rtnl/kinds/index.js';
import { Rtnl } from '../rtnl/rtnl.js';
import { linkFlagNames, type Link } from '../rtnl/link.js';

const USAGE = `usage: rtnl-dump <command> [options]

commands:
  link [--netns NAME] [--json] [-d]   list network interfaces (like ip [-d] link show)

options:
  --netns NAME   work inside the network namespace /run/netns/NAME
  --json         print JSON
  -d, --details  print every attribute
  -h, --help     this help

exit codes: 0 success, 1 error from the kernel or the system, 2 bad usage`;

function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  return v;
}

function printLink(l: Link, details: boolean): void {
  const flags = linkFlagNames(l.flags).join(',');
  const master = l.master ? ` master ${l.master}` : '';
  console.log(`${l.index}: ${l.name}: <${flags}> mtu ${l.mtu ?? '?'}${master} state ${String(l.operState ?? 'unknown').toUpperCase()}`);
  console.log(`    link/${l.type === 772 ? 'loopback' : 'ether'} ${l.address ?? ''} brd ${l.broadcast ?? ''}`);
  if (l.kind) console.log(`    ${l.kind}`);
  if (details) console.log(`    ${JSON.stringify(l, jsonReplacer)}`);
}

export async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (!cmd || cmd === '-h' || cmd === '--help') {
    console.log(USAGE);
    return cmd ? 0 : 2;
  }
  let netns: string | undefined;
  let json = false;
  let details = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--netns') {
      netns = argv[++i];
      if (!netns) {
        console.error('rtnl-dump: --netns needs a namespace name');
        return 2;
      }
    } else if (a === '--json' || a === '-j') json = true;
    else if (a === '-d' || a === '--details') details = true;
    else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else {
      console.error(`rtnl-dump: unknown option ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (cmd !== 'link') {
    console.error(`rtnl-dump: unknown command ${cmd}\n${USAGE}`);
    return 2;
  }
  const rtnl = await Rtnl.open(netns ? { netns } : {});
  try {
    const links = await rtnl.links.list();
    if (json) console.log(JSON.stringify(links, jsonReplacer, 1));
    else for (const l of links) printLink(l, details);
    return 0;
  } finally {
    await rtnl.close();
  }
}
