/**
 * nf_tables over the core engine, for the kernel tests: a NETLINK_NETFILTER
 * socket (the protocol registry's netfilterProtocol) inside a namespace, a
 * transaction sent as one batch (NetlinkSocket.batch with nft.batchParts),
 * dumps decoded to typed objects.
 */
import { NetlinkSocket } from '../src/netlink/socket.js';
import type { AttrSetBase } from '../src/netlink/attr.js';
import { batchParts, decodeNftMessage, nftType, toObject, type NftMessage } from '../src/nft/index.js';
import { netfilterProtocol } from '../src/nft/protocol.js';
import type { BatchOutcome } from '../src/netlink/socket.js';

/** Apply msgs as one transaction in namespace ns; one outcome per message (BEGIN/END left out). */
export async function applyBatch(ns: string, msgs: ReadonlyArray<NftMessage<AttrSetBase>>): Promise<BatchOutcome[]> {
  const s = NetlinkSocket.open({ netns: ns, protocol: netfilterProtocol });
  try {
    const out = await s.batch(batchParts(msgs), { timeout: 5000 });
    return out.slice(1, -1);
  } finally {
    s.close();
  }
}

/** Dump tables, chains, rules and sets of a namespace as typed objects. */
export async function listRuleset(ns: string): Promise<Record<'tables' | 'chains' | 'rules' | 'sets', Array<Record<string, unknown>>>> {
  const s = NetlinkSocket.open({ netns: ns, protocol: netfilterProtocol });
  try {
    const body = Buffer.from([0, 0, 0, 0]); // nfgenmsg: AF_UNSPEC, v0, res_id 0
    const get = async (msg: 'GETTABLE' | 'GETCHAIN' | 'GETRULE' | 'GETSET') =>
      s.collect(nftType(msg), body, (m) => toObject(decodeNftMessage(m)) as Record<string, unknown>);
    return { tables: await get('GETTABLE'), chains: await get('GETCHAIN'), rules: await get('GETRULE'), sets: await get('GETSET') };
  } finally {
    s.close();
  }
}
