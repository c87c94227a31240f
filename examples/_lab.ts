/**
 * What every example shares: uniquely named namespaces, teardown (also on
 * failure and on Ctrl-C), the TAP "guest" that stands in for a virtual
 * machine, and the command line. Everything goes through the library: an
 * example starts no child process.
 *
 *   node dist/examples/<name>.js           build the scenario, print it and the checks, tear it down
 *   node dist/examples/<name>.js --keep    build it, print `READY {json}`, keep it until Ctrl-C /
 *                                          SIGTERM / the end of stdin, then tear it down
 *
 * The checks are what the seed article runs to show that the network works
 * (`ip netns exec net0 ping 10.0.1.2`, `ip -d link show`): an example lists
 * them, it does not run them (the library has no ping). test/kernel/examples.test.ts
 * runs each example with --keep under strace, runs the checks with ping and
 * ip while the scenario stands, then ends it; you can do the same by hand.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Rtnl, Tun, netns, packet } from 'rtnetlink';

/** A connectivity or state check, run by the test (or you) while the scenario stands. */
export type Check =
  | {
      kind: 'ping';
      /** Namespace to ping from. */
      ns: string;
      to: string;
      /** ping -I DEV */
      dev?: string;
      expect: 'reply' | 'no reply';
      why: string;
    }
  | {
      kind: 'ip';
      ns: string;
      /** `ip -n NS -j ARGS`: its JSON must contain an object matching each of `expect` (a subset match). */
      args: string[];
      expect: unknown[];
      why: string;
    };

/** The scenario as it stands (printed as `READY {json}` with --keep). */
export interface Ready {
  pid: number;
  namespaces: string[];
  checks: Check[];
}

export interface Example {
  /** Seed file number (000..004) and the section of the article this reproduces. */
  seed: string;
  section: string;
  /** Kernel link kinds / features the scenario needs (the test skips by name where the kernel lacks one). */
  needs: string[];
  /** Why the scenario cannot run on any machine the lanes have (hardware it needs): a named skip. */
  unavailable?: string;
  setup(lab: Lab): Promise<void>;
}

/** A namespace of the lab and a handle working in it. */
export interface Node {
  /** The namespace's name under /run/netns: `${role}-${pid}`. */
  name: string;
  rtnl: Rtnl;
}

export class Lab {
  readonly checks: Check[] = [];
  private readonly namespaces: string[] = [];
  private readonly closers: Array<() => Promise<void> | void> = [];

  /** A new namespace named after its role in the article (net0, bridge, host, ...), unique to this process. */
  async ns(role: string): Promise<Node> {
    const name = `${role}-${process.pid}`;
    await netns.add(name);
    this.namespaces.push(name);
    const rtnl = await Rtnl.open({ netns: name });
    this.closers.push(() => rtnl.close());
    return { name, rtnl };
  }

  /** Run `fn` at teardown (before the namespaces are deleted; last registered, first run). */
  onTeardown(fn: () => Promise<void> | void): void {
    this.closers.push(fn);
  }

  ping(from: Node, to: string, why: string, opts: { dev?: string; expect?: 'reply' | 'no reply' } = {}): void {
    this.checks.push({ kind: 'ping', ns: from.name, to, why, expect: opts.expect ?? 'reply', ...(opts.dev ? { dev: opts.dev } : {}) });
  }

  /** `ip -n NODE -j ARGS...` must show objects matching `expect`. */
  shows(node: Node, args: string[], expect: unknown[], why: string): void {
    this.checks.push({ kind: 'ip', ns: node.name, args, expect, why });
  }

  /**
   * A virtual machine's network card, as QEMU makes it: a TAP device `name`
   * in `node` whose other side is this process, answering ARP and ping for
   * `ip` with `mac` (the guest's own stack, reduced to what the checks need).
   */
  async guest(node: Node, name: string, ip: string, mac: string): Promise<Tun> {
    const tap = await Tun.open({ name, mode: 'tap', netns: node.name });
    this.closers.push(() => tap.close());
    tap.on('data', (frame: Buffer) => {
      try {
        const eth = packet.parseEthernet(frame);
        let reply: Buffer | undefined;
        if (eth.etherType === 0x0806 && packet.parseArp(frame, eth.payloadOffset).targetIp === ip) reply = packet.arpReplyFrame(frame, mac);
        else if (eth.etherType === 0x0800 && packet.parseIp(frame, eth.payloadOffset).dst === ip) reply = packet.icmpEchoReplyFrame(frame, mac);
        if (reply) tap.write(reply);
      } catch (e) {
        console.warn(`${name}: frame not understood (${(e as Error).message})`);
      }
    });
    return tap;
  }

  /** Close handles and devices, then delete the namespaces (their links go with them). */
  async teardown(): Promise<void> {
    const errors: unknown[] = [];
    for (const c of this.closers.splice(0).reverse()) {
      try {
        await c();
      } catch (e) {
        errors.push(e);
      }
    }
    for (const n of this.namespaces.splice(0).reverse()) {
      try {
        await netns.del(n);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length) throw new AggregateError(errors, 'teardown failed');
  }

  /** What the READY line carries: the process (its namespaces end in `-${pid}`), the namespaces, the checks. */
  describe(): Ready {
    return { pid: process.pid, namespaces: [...this.namespaces], checks: this.checks };
  }
}

/** How to run a check by hand. */
export function command(c: Check): string {
  if (c.kind === 'ping') return `ip netns exec ${c.ns} ping -c 3${c.dev ? ` -I ${c.dev}` : ''} ${c.to}   # expect ${c.expect}: ${c.why}`;
  return `ip -n ${c.ns} -j ${c.args.join(' ')}   # shows ${JSON.stringify(c.expect)}: ${c.why}`;
}

/** Whether the module with this import.meta.url is the script node was started with. */
export function isMain(url: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === url;
  } catch {
    return false;
  }
}

/** The command line (see the top of this file). */
export async function main(ex: Example): Promise<void> {
  const keep = process.argv.includes('--keep');
  const lab = new Lab();
  let stopping = false;
  const stop = new Promise<string>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve(sig));
    if (keep && !process.stdin.isTTY) {
      process.stdin.on('end', () => resolve('end of stdin')).resume();
    }
  });
  // a signal during setup: tear down what exists and leave
  void stop.then(async (why) => {
    if (stopping) return;
    stopping = true;
    console.error(`${why} during setup: tearing down`);
    await lab.teardown().catch((e) => console.error(e));
    process.exit(130);
  });
  try {
    await ex.setup(lab);
  } catch (e) {
    stopping = true;
    console.error(e);
    await lab.teardown().catch((t) => console.error(t));
    process.exitCode = 1;
    process.stdin.pause();
    return;
  }
  if (stopping) return;
  stopping = true;
  const d = lab.describe();
  console.log(`seed ${ex.seed}: ${ex.section}`);
  console.log(`namespaces: ${d.namespaces.join(' ')}`);
  console.log('checks:');
  for (const c of d.checks) console.log(`  ${command(c)}`);
  if (keep) {
    console.log(`READY ${JSON.stringify(d)}`);
    console.log('(kept until Ctrl-C, SIGTERM or the end of stdin)');
    console.log(`stopping: ${await stop}`);
  }
  process.stdin.pause();
  await lab.teardown();
}
