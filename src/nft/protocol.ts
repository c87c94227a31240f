/**
 * NETLINK_NETFILTER in the core's protocol registry: message names
 * (`nftMessageName`), the nfgenmsg header (4 bytes), attribute policies by
 * subsystem and message (`nftPolicyFor`), extended-ACK offsets as attribute
 * paths (`describeNftOffset`), summaries for debug output.
 * @module
 */
import { struct, type Policy } from '../netlink/attr.js';
import { NETLINK_NETFILTER, NLMSG_HDRLEN, NLMSG_MIN_TYPE } from '../netlink/constants.js';
import { headerSchema, summarizeObject, type MessageSchema, type Operation, type Protocol } from '../netlink/protocol.js';
import { describeNftOffset, nftMessageName, nftPolicyFor } from './message.js';
import { NFT_UAPI } from './uapi.js';
const { NFNETLINK_V0 } = NFT_UAPI;

/** What a message of a schema decodes to: the nfgenmsg fields and the attributes by API name. */
export interface NftObject {
  /** nfgen_family (NFPROTO_*) */
  family: number;
  /** nfgenmsg.version */
  version: number;
  /** nfgenmsg.res_id (host order) */
  resId: number;
  [attr: string]: unknown;
}

const schemas = new Map<Policy, MessageSchema>();

/** The object kind of a message name: NFT_MSG_NEWRULE -> 'rule', NFNL_MSG_BATCH_BEGIN -> 'batch'. */
function kindOf(name: string): string {
  if (name.startsWith('NFNL_MSG_BATCH_')) return 'batch';
  return name.replace(/^NFT_MSG_(NEW|GET|DEL|DESTROY)?/, '').replace(/_RESET$/, '').toLowerCase();
}

/** struct nfgenmsg: nfgen_family, version, res_id (big-endian). */
const nfgenmsg = struct<{ family: number; version: number; resId: number }>('nfgenmsg', [['family', 'u8'], ['version', 'u8'], ['resId', 'be16']]);

function schemaOf(type: number): MessageSchema | undefined {
  const pol = nftPolicyFor(type);
  if (!pol) return undefined;
  let s = schemas.get(pol);
  if (!s) {
    s = headerSchema(kindOf(nftMessageName(type)), nfgenmsg, pol, { family: 0, version: NFNETLINK_V0, resId: 0 });
    schemas.set(pol, s);
  }
  return s;
}

function operation(type: number): Operation | undefined {
  if (type < NLMSG_MIN_TYPE) return undefined;
  const m = /^NFT_MSG_(NEW|GET|DEL|DESTROY)/.exec(nftMessageName(type));
  if (!m) return undefined;
  return m[1] === 'GET' ? 'get' : m[1] === 'NEW' ? 'new' : 'del';
}

const SUMMARY_KEYS = ['family', 'table', 'chain', 'name', 'handle', 'set', 'id', 'genId'];

/** NETLINK_NETFILTER (nfnetlink: nf_tables and the batch markers). */
export const netfilterProtocol: Protocol = {
  family: NETLINK_NETFILTER,
  name: 'NETLINK_NETFILTER',
  messageName: (type) => nftMessageName(type),
  schemaFor: (m) => schemaOf(m.type),
  operation,
  describeOffset: (request, offset) => describeNftOffset(request, offset),
  summarize: (m) => {
    const s = schemaOf(m.type);
    if (!s || m.len - NLMSG_HDRLEN < s.headerSize) return undefined;
    return summarizeObject(s.decode(m.buf, m.offset + NLMSG_HDRLEN, m.offset + m.len, m.type), SUMMARY_KEYS);
  },
};
