import { errnoName } from './errno.js';
import { constants } from 'node:os';

/** What a failed request was: kept on every NetlinkError. */
export interface RequestInfo {
  /** nlmsg_type of the request, e.g. 16 (RTM_NEWLINK). */
  type: number;
  /** Symbolic name of the type, e.g. 'RTM_NEWLINK'. */
  typeName: string;
  /** nlmsg_flags of the request. */
  flags: number;
  /** nlmsg_seq of the request. */
  seq: number;
  /** A short human description, e.g. "links.add veth0". */
  what?: string;
  /** The request bytes as sent (the whole nlmsghdr and payload). */
  bytes?: Uint8Array;
}

/** Extended ACK information the kernel attached to an error or ACK. */
export interface ExtAck {
  /** NLMSGERR_ATTR_MSG: the kernel's message. */
  message?: string;
  /** NLMSGERR_ATTR_OFFS: byte offset of the offending attribute in the request. */
  offset?: number;
  /** Attribute path at `offset`, resolved against our own request, e.g. "IFLA_LINKINFO/IFLA_INFO_DATA/IFLA_VXLAN_ID". */
  attributePath?: string;
  /** NLMSGERR_ATTR_MISS_TYPE: type of a missing required attribute. */
  missingType?: number;
  /** NLMSGERR_ATTR_MISS_NEST: offset of the nest lacking it. */
  missingNest?: number;
  /** NLMSGERR_ATTR_COOKIE */
  cookie?: Uint8Array;
  /** NLMSGERR_ATTR_POLICY raw bytes */
  policy?: Uint8Array;
}

function strerror(errno: number): string {
  const name = errnoName(errno);
  // Node does not expose strerror; keep a short table of the common ones.
  const text: Record<string, string> = {
    EPERM: 'Operation not permitted',
    ENOENT: 'No such file or directory',
    ESRCH: 'No such process',
    EINTR: 'Interrupted system call',
    EIO: 'I/O error',
    EBADF: 'Bad file descriptor',
    EAGAIN: 'Resource temporarily unavailable',
    ENOMEM: 'Cannot allocate memory',
    EACCES: 'Permission denied',
    EBUSY: 'Device or resource busy',
    EEXIST: 'File exists',
    ENODEV: 'No such device',
    ENOTDIR: 'Not a directory',
    EINVAL: 'Invalid argument',
    ENFILE: 'Too many open files in system',
    EMFILE: 'Too many open files',
    ENOSPC: 'No space left on device',
    ERANGE: 'Numerical result out of range',
    ENOTSUP: 'Operation not supported',
    EOPNOTSUPP: 'Operation not supported',
    EAFNOSUPPORT: 'Address family not supported by protocol',
    EADDRINUSE: 'Address already in use',
    EADDRNOTAVAIL: 'Cannot assign requested address',
    ENETDOWN: 'Network is down',
    ENETUNREACH: 'Network is unreachable',
    ENOBUFS: 'No buffer space available',
    ETIMEDOUT: 'Connection timed out',
    EHOSTUNREACH: 'No route to host',
    EMSGSIZE: 'Message too long',
    EPROTONOSUPPORT: 'Protocol not supported',
    ENOTEMPTY: 'Directory not empty',
    ELOOP: 'Too many levels of symbolic links',
    ENAMETOOLONG: 'File name too long',
    ENOTSUPP: 'Operation not supported',
  };
  return text[name] ?? name;
}

/**
 * The kernel answered a request with an error (NLMSG_ERROR with a negative
 * code), or a syscall on a netlink socket failed.
 */
export class NetlinkError extends Error {
  override name = 'NetlinkError';
  /** Positive errno number, e.g. 17. */
  readonly errno: number;
  /** errno name, e.g. 'EEXIST'. */
  readonly code: string;
  /** Kernel extended ACK message, e.g. "Unknown device type" (same as extack.message). */
  readonly extackMessage: string | undefined;
  /** Full extended ACK details. */
  readonly extack: ExtAck;
  /** The failing request (type, flags, seq, bytes). */
  readonly request: RequestInfo | undefined;
  /** Syscall name when the error came from a syscall rather than the kernel's netlink answer. */
  readonly syscall: string | undefined;

  constructor(errno: number, opts: { extack?: ExtAck; request?: RequestInfo; syscall?: string; message?: string } = {}) {
    const n = Math.abs(errno);
    const code = errnoName(n);
    const ext = opts.extack ?? {};
    const parts: string[] = [];
    if (opts.message) parts.push(opts.message);
    else if (opts.syscall) parts.push(`${opts.syscall} failed`);
    else if (opts.request) parts.push(`${opts.request.what ?? opts.request.typeName} failed`);
    else parts.push('netlink request failed');
    let msg = `${parts.join(' ')}: ${code} (${strerror(n)})`;
    if (ext.message) msg += `: ${ext.message}`;
    if (ext.attributePath) msg += ` [at ${ext.attributePath}]`;
    else if (ext.offset !== undefined) msg += ` [at offset ${ext.offset}]`;
    if (ext.missingType !== undefined) msg += ` [missing attribute type ${ext.missingType}]`;
    super(msg);
    this.errno = n;
    this.code = code;
    this.extack = ext;
    this.extackMessage = ext.message;
    this.request = opts.request;
    this.syscall = opts.syscall;
  }
}

/** Malformed netlink bytes: a message or attribute that does not fit. */
export class DecodeError extends Error {
  override name = 'DecodeError';
  /** Byte offset (within the buffer being decoded) where decoding failed. */
  readonly offset: number;
  /** Where in the structure, e.g. "RTM_NEWLINK/IFLA_LINKINFO". */
  readonly path: string;
  constructor(message: string, offset: number, path = '') {
    super(`${message}${path ? ` (at ${path})` : ''} at offset ${offset}`);
    this.offset = offset;
    this.path = path;
  }
}

/** A bad argument given to a public function; thrown before anything is sent. */
export class ArgumentError extends TypeError {
  override name = 'ArgumentError';
  /** The argument or option at fault, e.g. "name" or "vxlan.id". */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A request got no answer in time. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
  readonly request: RequestInfo | undefined;
  constructor(ms: number, request?: RequestInfo) {
    super(`${request?.what ?? request?.typeName ?? 'netlink request'} timed out after ${ms} ms`);
    this.request = request;
  }
}

/** The socket was closed while the request was pending, or used after close. */
export class SocketClosedError extends Error {
  override name = 'SocketClosedError';
  readonly code = 'ECLOSED';
  readonly request: RequestInfo | undefined;
  constructor(request?: RequestInfo) {
    super(`${request ? `${request.what ?? request.typeName}: ` : ''}netlink socket closed`);
    this.request = request;
  }
}

/**
 * A dump was marked NLM_F_DUMP_INTR by the kernel (the object set changed
 * during the dump, so the result may be inconsistent) and retries were
 * exhausted (or the dump was streamed, where retrying is impossible).
 */
export class DumpInterruptedError extends NetlinkError {
  override name = 'DumpInterruptedError';
  constructor(request?: RequestInfo) {
    super(constants.errno.EINTR, {
      request,
      message: `${request?.what ?? request?.typeName ?? 'dump'} was interrupted (NLM_F_DUMP_INTR): result may be inconsistent`,
    });
  }
}

/**
 * A user callback called from the socket's receive or send path threw: the
 * `tap` option (then detached: it is not called again), a multicast handler
 * (onMulticast) or the error handler (onError). The exception is in `cause`.
 */
export class CallbackError extends Error {
  override name = 'CallbackError';
  /** Which callback threw. */
  readonly callback: 'tap' | 'multicast' | 'error';
  /** For the tap: the direction of the datagram it was given. */
  readonly direction: 'in' | 'out' | undefined;
  /** The errno name of the cause when it has one (e.g. 'ENOSPC' from a capture file). */
  readonly code: string | undefined;
  override readonly cause: unknown;
  constructor(callback: 'tap' | 'multicast' | 'error', cause: unknown, direction?: 'in' | 'out') {
    const what = callback === 'tap' ? `tap callback (${direction === 'out' ? 'sent' : 'received'} datagram)` : `${callback} handler`;
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`${what} threw: ${msg}${callback === 'tap' ? ' (tap detached)' : ''}`);
    this.callback = callback;
    this.direction = direction;
    this.cause = cause;
    const code = (cause as { code?: unknown } | null)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}
