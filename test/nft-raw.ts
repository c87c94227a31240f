/**
 * Test-only prototype of the nf_tables transport, until the core grows
 * multi-message requests: one NETLINK_NETFILTER socket opened inside a
 * namespace (native socketIn), the batch sent as one datagram, answers read
 * until every message of the batch is answered (NLM_F_ACK on each). Dumps go
 * through the existing NetlinkSocket (protocol 12), which already matches
 * them by sequence number.
 */
import { closeSync } from 'node:fs';
import { NLM_F_ACK } from '../src/netlink/constants.js';
import { native } from '../src/netlink/native.js';
import { parseError, splitMessages } from '../src/netlink/message.js';
import { NetlinkSocket, openNetns } from '../src/netlink/socket.js';
import type { ExtAck } from '../src/netlink/errors.js';
import type { AttrSetBase } from '../src/netlink/attr.js';
import { decodeNftMessage, encodeBatch, nftType, toObject, type NftMessage, type BatchLayout } from '../src/nft/index.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const NETLINK_NETFILTER = 12;
const SOL_NETLINK = 270;
const NETLINK_EXT_ACK = 11;

export interface BatchAnswer {
  seq: number;
  /** Index of the batch message it answers (-1: BEGIN/END). */
  index: number;
  error: number;
  extack: ExtAck;
}

/** Send msgs as one batch in namespace ns; resolve with one answer per message (or the errors). */
export async function applyBatch(ns: string, msgs: ReadonlyArray<NftMessage<AttrSetBase>>, timeoutMs = 5000): Promise<{ layout: BatchLayout; answers: BatchAnswer[] }> {
  const n = native();
  const h = openNetns(ns);
  const fd = n.socketIn(h.fd, AF_NETLINK, SOCK_RAW, NETLINK_NETFILTER);
  if (h.owned) closeSync(h.fd);
  if (fd < 0) throw new Error(`socket: ${-fd}`);
  try {
    if (n.bindNl(fd, 0, 0) < 0) throw new Error('bind');
    n.setsockoptInt(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1);
    const layout = encodeBatch(msgs, { seq: 1000, extraFlags: NLM_F_ACK });
    const r = n.sendNl(fd, layout.bytes, 0, 0);
    if (r < 0) throw new Error(`sendto: ${-r}`);
    const answers: BatchAnswer[] = [];
    const deadline = Date.now() + timeoutMs;
    const answered = new Set<number>();
    while (Date.now() < deadline) {
      const out: Array<Buffer | number | null> = [];
      n.recvNl(fd, 16, out);
      for (let i = 0; i < out.length; i += 4) {
        const buf = out[i];
        if (!Buffer.isBuffer(buf)) continue;
        for (const m of splitMessages(buf)) {
          if (m.type !== 2) continue;
          const e = parseError(m);
          const idx = layout.seqs.indexOf(e.request.seq);
          answers.push({ seq: e.request.seq, index: idx, error: e.error, extack: e.extack });
          answered.add(e.request.seq);
        }
      }
      // done: every message answered, or an error came and nothing more arrives
      if (layout.seqs.every((s) => answered.has(s))) break;
      if (answers.some((a) => a.error !== 0) && out.length === 0) break;
      await new Promise((res) => setTimeout(res, 10));
    }
    return { layout, answers };
  } finally {
    closeSync(fd);
  }
}

/** Dump tables, chains, rules and sets of a namespace through NetlinkSocket (protocol 12), as typed objects. */
export async function listRuleset(ns: string): Promise<Record<'tables' | 'chains' | 'rules' | 'sets', Array<Record<string, unknown>>>> {
  const s = NetlinkSocket.open({ netns: ns, protocol: NETLINK_NETFILTER });
  try {
    const body = Buffer.from([0, 0, 0, 0]); // nfgenmsg: AF_UNSPEC, v0, res_id 0
    const get = async (msg: 'GETTABLE' | 'GETCHAIN' | 'GETRULE' | 'GETSET') =>
      (await s.dumpAll(nftType(msg), body)).map((m) => toObject(decodeNftMessage(m)) as Record<string, unknown>);
    return { tables: await get('GETTABLE'), chains: await get('GETCHAIN'), rules: await get('GETRULE'), sets: await get('GETSET') };
  } finally {
    s.close();
  }
}
