// Forged answers: a user-space netlink socket in the same namespace floods our
// socket with datagrams that look exactly like kernel answers to the requests
// in flight (matching seq and pid, NLMSG_ERROR with an error, RTM_NEWLINK with
// a wrong link, NLMSG_DONE) while real requests run. Every real answer must be
// right, and every forged datagram counted in stats.foreignDropped.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closeSync, openSync, constants as fsc } from 'node:fs';
import { Rtnl, Writer } from '../../src/index.js';
import { native } from '../../src/netlink/native.js';
import { AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, NLMSG_DONE, NLMSG_ERROR } from '../../src/netlink/constants.js';
import { UAPI } from '../../src/rtnl/uapi.js';
import { writeIfInfoMsg } from '../../src/rtnl/link.js';
import { ktest, withNetns, ipJson, sh } from '../helpers.js';
const { RTM_NEWLINK, IFLA_IFNAME } = UAPI;

ktest(test, 'a flood of forged kernel-looking answers (matching seqs) while 3,000 real requests run: every answer right, every forgery counted', async () => {
  await withNetns(1, async (ns) => {
    sh('ip', ['-n', ns, '-batch', '-'], { input: Array.from({ length: 10 }, (_, k) => `link add v${k} type veth peer name p${k}`).join('\n') + '\n' });
    const oracle = new Map(ipJson<Array<{ ifname: string; ifindex: number }>>(ns, 'link', 'show').map((l) => [l.ifname, l.ifindex]));
    const names = [...oracle.keys()];
    // The engine sends the next requests from inside its read loop as answers
    // come in, so the forger hooks the tap: just before each real request goes
    // out, forged answers for its seq (and its neighbours) are already queued.
    let onSend: ((seq: number) => void) | undefined;
    const r = await Rtnl.open({ netns: ns, maxInFlight: 32, tap: (dir, buf) => dir === 'out' && onSend?.(buf.readUInt32LE(8)) });
    const n = native();
    const nsfd = openSync(`/run/netns/${ns}`, fsc.O_RDONLY);
    const forger = n.socketIn(nsfd, AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    closeSync(nsfd);
    assert.ok(forger >= 0, `forger socket: ${forger}`);
    try {
      assert.equal(n.bindNl(forger, 0, 0), 0);
      const w = new Writer(4096);
      let sent = 0;
      let refused = 0;
      /** One datagram of forged answers for the seqs around the current one. */
      const forge = (base: number, k: number): void => {
        w.reset();
        for (let d = -2; d <= 2; d++) {
          const seq = (base + d) >>> 0;
          const kind = (k + d) & 3;
          if (kind === 0) {
            // an error ACK
            const s = w.msgStart(NLMSG_ERROR, 0, seq, r.socket.portid);
            w.s32(-1);
            w.msgStart(16, 5, seq, r.socket.portid);
            w.msgEnd(s);
          } else if (kind === 1) {
            // a success ACK (would end a request early with no answer)
            const s = w.msgStart(NLMSG_ERROR, 0, seq, r.socket.portid);
            w.s32(0);
            w.msgStart(16, 5, seq, r.socket.portid);
            w.msgEnd(s);
          } else if (kind === 2) {
            // a wrong link
            const s = w.msgStart(RTM_NEWLINK, 0, seq, r.socket.portid);
            writeIfInfoMsg(w, { index: 999999, flags: 1 });
            w.attrString(IFLA_IFNAME, 'forged0');
            w.msgEnd(s);
          } else {
            const s = w.msgStart(NLMSG_DONE, 2, seq, r.socket.portid);
            w.s32(0);
            w.msgEnd(s);
          }
        }
        const rc = n.sendNl(forger, w.view(), r.socket.portid, 0);
        if (rc > 0) sent++;
        else refused++;
      };
      const dropped0 = r.socket.stats.foreignDropped;
      const unmatched0 = r.socket.stats.unmatched;
      const reqs = Array.from({ length: 3000 }, (_, i) => names[(i * 7) % names.length]!);
      let k = 0;
      onSend = (seq) => forge(seq, k++);
      const got = await Promise.all(reqs.map((name) => r.links.get(name)));
      onSend = undefined;
      got.forEach((l, i) => {
        assert.equal(l.name, reqs[i]);
        assert.equal(l.index, oracle.get(reqs[i]!), `answer ${i}`);
      });
      // forgeries still queued are read as further requests run
      for (let t = 0; t < 200 && r.socket.stats.foreignDropped - dropped0 < sent; t++) await r.links.get('lo');
      console.log(`  ${sent} forged datagrams (${5 * sent} messages) sent, ${refused} refused; foreignDropped ${r.socket.stats.foreignDropped - dropped0}`);
      assert.ok(sent > 100, `${sent} forged datagrams delivered (${refused} refused by a full receive buffer)`);
      assert.equal(r.socket.stats.foreignDropped - dropped0, sent, 'every forged datagram was dropped and counted');
      assert.equal(r.socket.stats.unmatched, unmatched0, 'no forged message was taken for an answer, matched or not');
    } finally {
      n.close(forger);
      await r.close();
    }
  });
});

test.run();
