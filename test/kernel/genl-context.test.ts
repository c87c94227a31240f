// Generic netlink through the protocol registry against the live kernel:
// a NETLINK_GENERIC socket dumps the controller's families and learns their
// ids in its own decode context; `genl ctrl list` is the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ktest, withNetns, sh, have, skip } from '../helpers.js';
import { NetlinkSocket } from '../../src/netlink/socket.js';
import { NLMSG_HDRLEN } from '../../src/netlink/constants.js';
import { genlProtocol as genericProtocol, GENL_ID_CTRL } from '../../src/genl/index.js';
import { GENL_UAPI } from '../../src/genl/uapi.js';
const { CTRL_CMD_GETFAMILY } = GENL_UAPI;

/** `genl ctrl list`: family name -> id. */
function oracle(ns: string): Map<string, number> {
  const out = sh('ip', ['netns', 'exec', ns, 'genl', 'ctrl', 'list']);
  const m = new Map<string, number>();
  let name: string | undefined;
  for (const line of out.split('\n')) {
    const n = /^Name: (\S+)/.exec(line);
    if (n) name = n[1];
    const id = /^\s+ID: (0x[0-9a-f]+)/.exec(line);
    if (id && name) m.set(name, Number(id[1]));
  }
  return m;
}

if (!have('genl')) skip(test, 'generic netlink: the controller dump teaches the socket every family id genl ctrl list shows', 'genl (iproute2) is not installed');
else {
  ktest(test, 'generic netlink: the controller dump teaches the socket every family id genl ctrl list shows', async () => {
    await withNetns(1, async (ns) => {
      const s = NetlinkSocket.open({ netns: ns, protocol: genericProtocol });
      try {
        const names = await s.collect(
          GENL_ID_CTRL,
          (w) => {
            w.u8(CTRL_CMD_GETFAMILY);
            w.u8(1);
            w.u16(0);
          },
          (m) => {
            const schema = genericProtocol.schemaFor(m, s.context)!;
            const o = schema.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type);
            const attrs = o.attrs as { familyName: string; familyId: number };
            return [attrs.familyName, attrs.familyId] as const;
          },
        );
        const want = oracle(ns);
        assert.equal(new Map(names), want, 'the decoded controller dump is what genl prints');
        for (const [name, id] of want) {
          assert.is(genericProtocol.messageName(id, s.context), `genl ${name}`, `${name}: learned by the socket`);
        }
        const fresh = NetlinkSocket.open({ netns: ns, protocol: genericProtocol });
        try {
          const some = [...want].find(([n]) => n !== 'nlctrl');
          if (some) assert.is(genericProtocol.messageName(some[1], fresh.context), `genl 0x${some[1].toString(16)}`, 'another socket has learned nothing');
        } finally {
          fresh.close();
        }
      } finally {
        s.close();
      }
    });
  });
}

test.run();
