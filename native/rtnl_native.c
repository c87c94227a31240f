/*
 * rtnl_native: the syscall layer of rtnetlink.
 *
 * Only thin wrappers around Linux system calls live here: socket, bind,
 * getsockname, setsockopt/getsockopt, sendto, recvmsg (sized with
 * MSG_PEEK|MSG_TRUNC), read/write for TUN fds, ioctl, setns, unshare, mount,
 * close, and fd readiness through libuv's uv_poll (so the JS thread never
 * blocks and the threadpool is never used). No netlink protocol logic.
 *
 * Convention: functions return a non-negative number on success and -errno on
 * failure. They never throw for syscall errors; the JS side builds typed
 * errors. Wrong argument types do throw a TypeError.
 *
 * Two calls are composites on purpose: socketIn/openIn (setns into a target
 * network namespace, create the fd, setns back) and netnsCreate (unshare a
 * new network namespace, bind-mount it, setns back). Doing the switch and the
 * restore in one C function guarantees the calling thread's namespace is
 * restored on every path: no JavaScript runs while the thread is elsewhere.
 * If restoring fails the process aborts, because continuing in the wrong
 * namespace would silently corrupt everything that follows.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <node_api.h>
#include <uv.h>

#define CHECK(call)                                                         \
  do {                                                                      \
    napi_status s_ = (call);                                                \
    if (s_ != napi_ok) {                                                    \
      const napi_extended_error_info *info_ = NULL;                         \
      napi_get_last_error_info(env, &info_);                                \
      bool pending_ = false;                                                \
      napi_is_exception_pending(env, &pending_);                            \
      if (!pending_)                                                        \
        napi_throw_error(env, NULL,                                         \
                         info_ && info_->error_message ? info_->error_message \
                                                       : "napi call failed"); \
      return NULL;                                                          \
    }                                                                       \
  } while (0)

#define ARGS(n)                                                             \
  size_t argc = (n);                                                        \
  napi_value argv[(n) > 0 ? (n) : 1];                                       \
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));              \
  if (argc < (n)) {                                                         \
    napi_throw_type_error(env, NULL, "rtnl_native: missing arguments");     \
    return NULL;                                                            \
  }

static napi_value num(napi_env env, double v) {
  napi_value r;
  if (napi_create_double(env, v, &r) != napi_ok) return NULL;
  return r;
}

static int get_i32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a number");
    return 0;
  }
  return 1;
}

static int get_u32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a number");
    return 0;
  }
  return 1;
}

static int get_buf(napi_env env, napi_value v, void **data, size_t *len) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (is) {
    napi_typedarray_type t;
    size_t n, off;
    napi_value ab;
    void *d;
    if (napi_get_typedarray_info(env, v, &t, &n, &d, &ab, &off) != napi_ok) return 0;
    if (t != napi_uint8_array) {
      napi_throw_type_error(env, NULL, "rtnl_native: expected a Uint8Array");
      return 0;
    }
    *data = d;
    *len = n;
    return 1;
  }
  napi_throw_type_error(env, NULL, "rtnl_native: expected a Buffer");
  return 0;
}

/* Path arguments: copied into a fixed buffer, NUL terminated. */
static int get_str(napi_env env, napi_value v, char *out, size_t cap) {
  size_t n = 0;
  if (napi_get_value_string_utf8(env, v, out, cap, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a string");
    return 0;
  }
  if (n >= cap - 1) {
    napi_throw_range_error(env, NULL, "rtnl_native: string too long");
    return 0;
  }
  return 1;
}

/* ---------------------------------------------------------------- sockets */

/* socket(domain, type, protocol) -> fd | -errno. Always CLOEXEC|NONBLOCK. */
static napi_value n_socket(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t d, t, p;
  if (!get_i32(env, argv[0], &d) || !get_i32(env, argv[1], &t) || !get_i32(env, argv[2], &p)) return NULL;
  int fd = socket(d, t | SOCK_CLOEXEC | SOCK_NONBLOCK, p);
  return num(env, fd < 0 ? -errno : fd);
}

/* socketpair(domain, type, protocol) -> [fd0, fd1] | -errno. Always
 * CLOEXEC|NONBLOCK. (Used for AF_UNIX datagram pairs: a packet fd with real
 * EAGAIN/POLLOUT behaviour, e.g. to exercise stream backpressure.) */
static napi_value n_socketpair(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t d, t, p;
  if (!get_i32(env, argv[0], &d) || !get_i32(env, argv[1], &t) || !get_i32(env, argv[2], &p)) return NULL;
  int sv[2];
  if (socketpair(d, t | SOCK_CLOEXEC | SOCK_NONBLOCK, p, sv) < 0) return num(env, -errno);
  napi_value arr;
  CHECK(napi_create_array_with_length(env, 2, &arr));
  CHECK(napi_set_element(env, arr, 0, num(env, sv[0])));
  CHECK(napi_set_element(env, arr, 1, num(env, sv[1])));
  return arr;
}

static void restore_ns_or_die(int orig) {
  if (setns(orig, CLONE_NEWNET) != 0) {
    char msg[128];
    /* GNU strerror_r: thread-safe (strerror may use a static buffer). */
    fprintf(stderr, "rtnl_native: FATAL: cannot restore the thread's network namespace: %s\n",
            strerror_r(errno, msg, sizeof msg));
    abort();
  }
  close(orig);
}

static int enter_ns(int nsfd, int *orig) {
  *orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (*orig < 0) return -errno;
  if (setns(nsfd, CLONE_NEWNET) != 0) {
    int e = errno;
    close(*orig);
    return -e;
  }
  return 0;
}

/* socketIn(nsfd, domain, type, protocol) -> fd | -errno: the socket is created
 * inside the network namespace nsfd refers to; the thread is restored. */
static napi_value n_socket_in(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t ns, d, t, p;
  if (!get_i32(env, argv[0], &ns) || !get_i32(env, argv[1], &d) || !get_i32(env, argv[2], &t) ||
      !get_i32(env, argv[3], &p))
    return NULL;
  int orig;
  int r = enter_ns(ns, &orig);
  if (r < 0) return num(env, r);
  int fd = socket(d, t | SOCK_CLOEXEC | SOCK_NONBLOCK, p);
  int e = errno;
  restore_ns_or_die(orig);
  return num(env, fd < 0 ? -e : fd);
}

/* openIn(nsfd, path, flags) -> fd | -errno (nsfd < 0: current namespace).
 * Opens a file (e.g. /dev/net/tun) with O_CLOEXEC; a TUN device created on
 * that fd belongs to the namespace the thread was in at open time. */
static napi_value n_open_in(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t ns, flags;
  char path[4096];
  if (!get_i32(env, argv[0], &ns) || !get_str(env, argv[1], path, sizeof path) ||
      !get_i32(env, argv[2], &flags))
    return NULL;
  if (ns < 0) {
    int fd = open(path, flags | O_CLOEXEC);
    return num(env, fd < 0 ? -errno : fd);
  }
  int orig;
  int r = enter_ns(ns, &orig);
  if (r < 0) return num(env, r);
  int fd = open(path, flags | O_CLOEXEC);
  int e = errno;
  restore_ns_or_die(orig);
  return num(env, fd < 0 ? -e : fd);
}

/* bindNl(fd, pid, groups) -> 0 | -errno */
static napi_value n_bind_nl(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd;
  uint32_t pid, groups;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &pid) || !get_u32(env, argv[2], &groups)) return NULL;
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_pid = pid;
  sa.nl_groups = groups;
  int r = bind(fd, (struct sockaddr *)&sa, sizeof sa);
  return num(env, r < 0 ? -errno : 0);
}

/* getsocknameNl(fd) -> portid | -errno */
static napi_value n_getsockname_nl(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return NULL;
  struct sockaddr_nl sa;
  socklen_t l = sizeof sa;
  memset(&sa, 0, sizeof sa);
  if (getsockname(fd, (struct sockaddr *)&sa, &l) < 0) return num(env, -errno);
  return num(env, (double)sa.nl_pid);
}

/* setsockoptInt(fd, level, name, value) -> 0 | -errno */
static napi_value n_setsockopt_int(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, level, name, value;
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) || !get_i32(env, argv[2], &name) ||
      !get_i32(env, argv[3], &value))
    return NULL;
  int v = value;
  int r = setsockopt(fd, level, name, &v, sizeof v);
  return num(env, r < 0 ? -errno : 0);
}

/* getsockoptInt(fd, level, name) -> value | -errno (values are non-negative
 * for every option we read) */
static napi_value n_getsockopt_int(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd, level, name;
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) || !get_i32(env, argv[2], &name)) return NULL;
  int v = 0;
  socklen_t l = sizeof v;
  int r = getsockopt(fd, level, name, &v, &l);
  return num(env, r < 0 ? -errno : v);
}

/* sendNl(fd, buf, pid, groups) -> bytes | -errno. Destination is a netlink
 * address (pid 0 = the kernel). */
static napi_value n_send_nl(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd;
  uint32_t pid, groups;
  void *data;
  size_t len;
  if (!get_i32(env, argv[0], &fd) || !get_buf(env, argv[1], &data, &len) || !get_u32(env, argv[2], &pid) ||
      !get_u32(env, argv[3], &groups))
    return NULL;
  struct sockaddr_nl sa;
  memset(&sa, 0, sizeof sa);
  sa.nl_family = AF_NETLINK;
  sa.nl_pid = pid;
  sa.nl_groups = groups;
  ssize_t r;
  do {
    r = sendto(fd, data, len, 0, (struct sockaddr *)&sa, sizeof sa);
  } while (r < 0 && errno == EINTR);
  return num(env, r < 0 ? -errno : (double)r);
}

/* recvNl(fd, max, out) -> count | -errno.
 * Receives up to `max` datagrams without blocking. Each datagram is sized
 * first with MSG_PEEK|MSG_TRUNC so it is never truncated, then received into
 * a Buffer of exactly that size. For each datagram four values are pushed
 * onto the JS array `out`: the Buffer, the sender's nl_pid, the sender's
 * nl_groups, and the NETLINK_LISTEN_ALL_NSID ancillary nsid (the namespace
 * id of the notification's origin, or -1 when the kernel attached none).
 * Stops at EAGAIN. Any other error after at least one datagram is pushed as
 * (null, -errno, 0, -1) so it is never lost (ENOBUFS is reported once by the
 * kernel). */
static napi_value n_recv_nl(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd;
  uint32_t max;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &max)) return NULL;
  napi_value out = argv[2];
  uint32_t idx;
  CHECK(napi_get_array_length(env, out, &idx));
  uint32_t count = 0;
  while (count < max) {
    /* Peek with a 32 KiB buffer, not an empty one: the kernel sizes the skbs
     * of a dump from the largest buffer recvmsg() was given
     * (nlk->max_recvmsg_len, capped at 32 KiB). With an empty peek buffer
     * every dump datagram holds one page (~2 links); with 32 KiB, ~10x fewer
     * datagrams and syscalls for the same dump (what iproute2 gets with its
     * 32 KiB buffer). The peeked bytes are discarded. */
    char scratch[32768];
    struct iovec piov = {scratch, sizeof scratch};
    struct msghdr pm;
    memset(&pm, 0, sizeof pm);
    pm.msg_iov = &piov;
    pm.msg_iovlen = 1;
    ssize_t n;
    do {
      n = recvmsg(fd, &pm, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (count == 0) return num(env, -e);
      napi_value nul;
      CHECK(napi_get_null(env, &nul));
      CHECK(napi_set_element(env, out, idx++, nul));
      CHECK(napi_set_element(env, out, idx++, num(env, -e)));
      CHECK(napi_set_element(env, out, idx++, num(env, 0)));
      CHECK(napi_set_element(env, out, idx++, num(env, -1)));
      count++;
      break;
    }
    napi_value buf;
    void *data = NULL;
    size_t size = n > 0 ? (size_t)n : 0;
    CHECK(napi_create_buffer(env, size, &data, &buf));
    struct iovec iov = {data, size};
    struct sockaddr_nl sa;
    memset(&sa, 0, sizeof sa);
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_name = &sa;
    m.msg_namelen = sizeof sa;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } control;
    m.msg_control = control.buf;
    m.msg_controllen = sizeof control.buf;
    ssize_t r;
    do {
      r = recvmsg(fd, &m, MSG_DONTWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (count == 0) return num(env, -e);
      napi_value nul;
      CHECK(napi_get_null(env, &nul));
      CHECK(napi_set_element(env, out, idx++, nul));
      CHECK(napi_set_element(env, out, idx++, num(env, -e)));
      CHECK(napi_set_element(env, out, idx++, num(env, 0)));
      CHECK(napi_set_element(env, out, idx++, num(env, -1)));
      count++;
      break;
    }
    if ((size_t)r != size) {
      /* The datagram changed between peek and receive: cannot happen on a
       * socket only we read, but never hand out a short buffer silently. */
      return num(env, -EMSGSIZE);
    }
    int nsid = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
      if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        memcpy(&nsid, CMSG_DATA(c), sizeof nsid);
      }
    }
    CHECK(napi_set_element(env, out, idx++, buf));
    CHECK(napi_set_element(env, out, idx++, num(env, (double)sa.nl_pid)));
    CHECK(napi_set_element(env, out, idx++, num(env, (double)sa.nl_groups)));
    CHECK(napi_set_element(env, out, idx++, num(env, (double)nsid)));
    count++;
  }
  return num(env, count);
}

static napi_value n_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return NULL;
  int r = close(fd);
  return num(env, r < 0 ? -errno : 0);
}

/* ------------------------------------------------------------ plain fds */

/* One packet: read() retried on EINTR. Returns the packet's length or
 * -errno. A packet larger than the buffer is truncated to it by the kernel
 * (a TUN fd: tun_chr_read_iter returns at most the buffer's size; a datagram
 * socket likewise), so a length equal to the buffer's size means
 * "truncated" to the caller. The result is clamped to the buffer's size all
 * the same: whatever the fd, no byte past the buffer is ever copied or
 * counted. */
static ssize_t read_packet(int fd, void *buf, size_t len) {
  ssize_t n;
  do {
    n = read(fd, buf, len);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  if ((size_t)n > len) n = (ssize_t)len;
  return n;
}

/* Thread safety of the read calls: no static or global buffer. Each call
 * reads into memory it owns for the duration of the call (a malloc'd buffer,
 * freed before it returns) or into the caller's slab, so calls on different
 * threads (worker_threads, each with its own env) share nothing. */

/* readBatch(fd, max, mtu, out) -> count | -errno. Reads up to max packets
 * (one read() each, as a TUN fd delivers one packet per read) into Buffers of
 * exactly the packet's size, pushed onto `out`. Stops at EAGAIN. */
static napi_value read_batch(napi_env env, napi_value *argv, unsigned char **scratch) {
  int32_t fd;
  uint32_t max, mtu;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &max) || !get_u32(env, argv[2], &mtu)) return NULL;
  napi_value out = argv[3];
  uint32_t idx;
  CHECK(napi_get_array_length(env, out, &idx));
  if (mtu < 64) mtu = 64;
  if (mtu > 262144) mtu = 262144;
  *scratch = malloc(mtu);
  if (!*scratch) return num(env, -ENOMEM);
  uint32_t count = 0;
  while (count < max) {
    ssize_t n = read_packet(fd, *scratch, mtu);
    if (n < 0) {
      if (n == -EAGAIN || n == -EWOULDBLOCK) break;
      if (count == 0) return num(env, (double)n);
      break; /* report the error on the next call */
    }
    if (n == 0) break;
    napi_value buf;
    void *copy;
    CHECK(napi_create_buffer_copy(env, (size_t)n, *scratch, &copy, &buf));
    CHECK(napi_set_element(env, out, idx++, buf));
    count++;
  }
  return num(env, count);
}

static napi_value n_read_batch(napi_env env, napi_callback_info info) {
  ARGS(4);
  unsigned char *scratch = NULL;
  napi_value r = read_batch(env, argv, &scratch);
  free(scratch);
  return r;
}

/* readSlab(fd, max, bufSize, slab, offset, lens, overflow) -> count | -errno.
 * Like readBatch, but without one allocation per packet: reads up to max
 * packets (one read() each, of at most bufSize bytes) packed into the
 * Uint8Array `slab` from `offset`; lens[i] (an Int32Array) receives packet
 * i's length. A packet is read straight into the slab when bufSize bytes
 * are left there; otherwise into a buffer of this call (malloc'd once per
 * call, freed before returning) and copied into the slab if it fits. A
 * packet that does not fit in the rest of the slab is returned as its own
 * Buffer pushed onto the JS array `overflow`, and lens[i] = -length. A
 * length of bufSize means the kernel truncated the packet. Stops at EAGAIN;
 * an error after at least one packet is left for the next call.
 * (readv() over the slab's rest and the call's buffer would save the copy,
 * but measured slower per packet than read() + memcpy.) */
static napi_value read_slab(napi_env env, napi_value *argv, unsigned char **scratch) {
  int32_t fd, offset;
  uint32_t max, bufsize;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &max) || !get_u32(env, argv[2], &bufsize) ||
      !get_i32(env, argv[4], &offset))
    return NULL;
  void *slabp;
  size_t slab_len;
  if (!get_buf(env, argv[3], &slabp, &slab_len)) return NULL;
  napi_typedarray_type t;
  size_t lens_n, lens_off;
  void *lensp;
  napi_value lens_ab;
  bool is_ta = false;
  napi_is_typedarray(env, argv[5], &is_ta);
  if (!is_ta || napi_get_typedarray_info(env, argv[5], &t, &lens_n, &lensp, &lens_ab, &lens_off) != napi_ok ||
      t != napi_int32_array) {
    napi_throw_type_error(env, NULL, "rtnl_native: readSlab: lens must be an Int32Array");
    return NULL;
  }
  napi_value overflow = argv[6];
  uint32_t ov_idx;
  CHECK(napi_get_array_length(env, overflow, &ov_idx));
  if (max > lens_n) max = (uint32_t)lens_n;
  if (offset < 0 || (size_t)offset > slab_len) {
    napi_throw_range_error(env, NULL, "rtnl_native: readSlab: offset outside the slab");
    return NULL;
  }
  if (bufsize < 64) bufsize = 64;
  if (bufsize > 262144) bufsize = 262144;
  unsigned char *slab = slabp;
  int32_t *lens = lensp;
  size_t off = (size_t)offset; /* invariant: off <= slab_len */
  uint32_t count = 0;
  while (count < max) {
    size_t room = slab_len - off;
    /* Straight into the slab when a packet of any size fits there. */
    int direct = room >= bufsize;
    if (!direct && *scratch == NULL) {
      *scratch = malloc(bufsize);
      if (*scratch == NULL) {
        if (count == 0) return num(env, -ENOMEM);
        break;
      }
    }
    ssize_t n = read_packet(fd, direct ? slab + off : *scratch, bufsize);
    if (n < 0) {
      if (n == -EAGAIN || n == -EWOULDBLOCK) break;
      if (count == 0) return num(env, (double)n);
      break;
    }
    if (n == 0) break;
    if (direct) {
      lens[count] = (int32_t)n;
      off += (size_t)n;
    } else if ((size_t)n <= room) {
      memcpy(slab + off, *scratch, (size_t)n);
      lens[count] = (int32_t)n;
      off += (size_t)n;
    } else {
      napi_value buf;
      void *copy;
      CHECK(napi_create_buffer_copy(env, (size_t)n, *scratch, &copy, &buf));
      CHECK(napi_set_element(env, overflow, ov_idx++, buf));
      lens[count] = -(int32_t)n;
    }
    count++;
  }
  return num(env, count);
}

static napi_value n_read_slab(napi_env env, napi_callback_info info) {
  ARGS(7);
  unsigned char *scratch = NULL;
  napi_value r = read_slab(env, argv, &scratch);
  free(scratch);
  return r;
}

/* writeBatch(fd, array, start) -> number written | -errno. Writes packets
 * array[start..] one write() each until EAGAIN. Returns how many were
 * written (0 with EAGAIN first means "wait for writable"). A short write of a
 * packet is reported as -EMSGSIZE (TUN never does that). */
static napi_value n_write_batch(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd;
  uint32_t start, len;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[2], &start)) return NULL;
  CHECK(napi_get_array_length(env, argv[1], &len));
  uint32_t done = 0;
  for (uint32_t i = start; i < len; i++) {
    napi_value el;
    CHECK(napi_get_element(env, argv[1], i, &el));
    void *data;
    size_t n;
    if (!get_buf(env, el, &data, &n)) return NULL;
    ssize_t r;
    do {
      r = write(fd, data, n);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK) break;
      if (done == 0) return num(env, -e);
      break;
    }
    if ((size_t)r != n) return num(env, -EMSGSIZE);
    done++;
  }
  return num(env, done);
}

/* ioctlIfreq(fd, request, name, flags) -> [ret, name, flags] for the
 * struct ifreq based TUN ioctls (TUNSETIFF, TUNGETIFF, TUNSETQUEUE). */
static napi_value n_ioctl_ifreq(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd, flags;
  uint32_t req;
  char name[IFNAMSIZ + 1];
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req) || !get_i32(env, argv[3], &flags)) return NULL;
  memset(name, 0, sizeof name);
  size_t nl = 0;
  if (napi_get_value_string_utf8(env, argv[2], name, sizeof name, &nl) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a string");
    return NULL;
  }
  if (nl >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "rtnl_native: interface name too long");
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, nl);
  ifr.ifr_flags = (short)flags;
  int r = ioctl(fd, req, &ifr);
  int e = errno;
  napi_value arr, s;
  CHECK(napi_create_array_with_length(env, 3, &arr));
  CHECK(napi_set_element(env, arr, 0, num(env, r < 0 ? -e : r)));
  ifr.ifr_name[IFNAMSIZ - 1] = 0;
  CHECK(napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &s));
  CHECK(napi_set_element(env, arr, 1, s));
  CHECK(napi_set_element(env, arr, 2, num(env, (unsigned short)ifr.ifr_flags)));
  return arr;
}

/* ioctlIfreqData(fd, request, name, buf) -> ret | -errno, for struct ifreq
 * ioctls whose ifr_data points at a caller-built struct (SIOCETHTOOL): the
 * kernel reads and writes `buf` in place. The struct's layout is the
 * caller's business; nothing here knows it. */
static napi_value n_ioctl_ifreq_data(napi_env env, napi_callback_info info) {
  ARGS(4);
  int32_t fd;
  uint32_t req;
  char name[IFNAMSIZ + 1];
  void *data;
  size_t len;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req)) return NULL;
  memset(name, 0, sizeof name);
  size_t nl = 0;
  if (napi_get_value_string_utf8(env, argv[2], name, sizeof name, &nl) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a string");
    return NULL;
  }
  if (nl >= IFNAMSIZ) {
    napi_throw_range_error(env, NULL, "rtnl_native: interface name too long");
    return NULL;
  }
  if (!get_buf(env, argv[3], &data, &len)) return NULL;
  if (len == 0) {
    napi_throw_range_error(env, NULL, "rtnl_native: empty ioctl buffer");
    return NULL;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  memcpy(ifr.ifr_name, name, nl);
  ifr.ifr_data = data;
  int r = ioctl(fd, req, &ifr);
  return num(env, r < 0 ? -errno : r);
}

/* ioctlInt(fd, request, value) -> ret | -errno, for ioctls taking an integer
 * argument by value (TUNSETPERSIST, TUNSETOWNER, TUNSETGROUP, ...). */
static napi_value n_ioctl_int(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd;
  uint32_t req;
  double v;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req)) return NULL;
  CHECK(napi_get_value_double(env, argv[2], &v));
  int r = ioctl(fd, req, (unsigned long)v);
  return num(env, r < 0 ? -errno : r);
}

/* ioctlGetInt(fd, request) -> value | -errno, for ioctls writing an int
 * through a pointer (TUNGETFEATURES, TUNGETVNETHDRSZ, ...). */
static napi_value n_ioctl_get_int(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  uint32_t req;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req)) return NULL;
  unsigned int v = 0;
  int r = ioctl(fd, req, &v);
  return num(env, r < 0 ? -errno : (double)v);
}

/* ioctlSetIntPtr(fd, request, value) -> ret | -errno, for ioctls reading an
 * int through a pointer (TUNSETVNETHDRSZ, TUNSETIFINDEX, ...). */
static napi_value n_ioctl_set_int_ptr(napi_env env, napi_callback_info info) {
  ARGS(3);
  int32_t fd, v;
  uint32_t req;
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req) || !get_i32(env, argv[2], &v)) return NULL;
  int val = v;
  int r = ioctl(fd, req, &val);
  return num(env, r < 0 ? -errno : r);
}

/* ----------------------------------------------------------- namespaces */

static napi_value n_setns(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd, type;
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &type)) return NULL;
  int r = setns(fd, type);
  return num(env, r < 0 ? -errno : 0);
}

/* mount(source, target, fstype, flags) -> 0 | -errno */
static napi_value n_mount(napi_env env, napi_callback_info info) {
  ARGS(4);
  char src[4096], tgt[4096], fst[64];
  double flags;
  if (!get_str(env, argv[0], src, sizeof src) || !get_str(env, argv[1], tgt, sizeof tgt) ||
      !get_str(env, argv[2], fst, sizeof fst))
    return NULL;
  CHECK(napi_get_value_double(env, argv[3], &flags));
  int r = mount(src, tgt, fst, (unsigned long)flags, NULL);
  return num(env, r < 0 ? -errno : 0);
}

/* umount2(target, flags) -> 0 | -errno */
static napi_value n_umount2(napi_env env, napi_callback_info info) {
  ARGS(2);
  char tgt[4096];
  int32_t flags;
  if (!get_str(env, argv[0], tgt, sizeof tgt) || !get_i32(env, argv[1], &flags)) return NULL;
  int r = umount2(tgt, flags);
  return num(env, r < 0 ? -errno : 0);
}

/* netnsCreate(path) -> 0 | -errno. `path` must exist (an empty file). The
 * calling thread unshares a fresh network namespace, bind-mounts it onto
 * path, and returns to its original namespace, all before control returns to
 * JavaScript. */
static napi_value n_netns_create(napi_env env, napi_callback_info info) {
  ARGS(1);
  char path[4096];
  if (!get_str(env, argv[0], path, sizeof path)) return NULL;
  int orig = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (orig < 0) return num(env, -errno);
  if (unshare(CLONE_NEWNET) != 0) {
    int e = errno;
    close(orig);
    return num(env, -e);
  }
  int r = mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL);
  int e = errno;
  restore_ns_or_die(orig);
  return num(env, r < 0 ? -e : 0);
}

/* --------------------------------------------------------------- polling */

/* One poller per fd, owned by the environment (thread) that created it: its
 * uv_poll handle lives on that env's event loop, its callback is that env's
 * JS function. Nothing in it is reachable from another thread.
 *
 * Lifetime. The struct is freed when both the libuv handle is closed and the
 * JS external that points at it has been finalized, whichever comes last.
 * The handle is closed by pollClose (JS closes the fd right after), by the
 * finalizer (the JS object was dropped without close), or when the
 * environment is torn down (a worker thread exiting or terminated with the
 * handle still open): an async cleanup hook then closes the handle and,
 * since no JavaScript is left to do it, the fd too. The hook makes Node wait
 * for the close callback before it frees the environment and unloads the
 * addon; without it the callback could run after this code was unmapped. */
typedef struct {
  uv_poll_t handle;
  napi_env env;
  napi_ref cb;
  napi_async_context ctx;
  napi_async_cleanup_hook_handle hook; /* registered until the close callback ran */
  int fd;
  int closing;   /* uv_close requested */
  int uv_closed; /* uv_close callback ran */
  int js_dead;   /* the JS external was finalized */
  int js_closed; /* pollClose was called: JS closes the fd itself */
  int close_fd;  /* environment teardown: close the fd with the handle */
} poller_t;

static void poll_cb(uv_poll_t *h, int status, int events) {
  poller_t *p = (poller_t *)h->data;
  if (p->closing) return;
  napi_env env = p->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, args[2], result;
  if (napi_get_reference_value(env, p->cb, &cb) == napi_ok && cb != NULL) {
    napi_get_global(env, &recv);
    napi_create_int32(env, status, &args[0]);
    napi_create_int32(env, events, &args[1]);
    napi_status st = napi_make_callback(env, p->ctx, recv, cb, 2, args, &result);
    if (st == napi_pending_exception) {
      napi_value exc;
      napi_get_and_clear_last_exception(env, &exc);
      napi_fatal_exception(env, exc);
    }
  }
  napi_close_handle_scope(env, scope);
}

static void poll_close_cb(uv_handle_t *h) {
  poller_t *p = (poller_t *)h->data;
  p->uv_closed = 1;
  if (p->close_fd) close(p->fd);
  if (p->hook) {
    napi_async_cleanup_hook_handle hook = p->hook;
    p->hook = NULL;
    napi_remove_async_cleanup_hook(hook); /* teardown may go on past here */
  }
  if (p->js_dead) free(p);
}

/* Stop polling and request the handle's close; drops the JS callback. */
static void poller_close(poller_t *p) {
  p->closing = 1;
  uv_poll_stop(&p->handle);
  if (p->cb) napi_delete_reference(p->env, p->cb);
  p->cb = NULL;
  napi_async_destroy(p->env, p->ctx);
  uv_close((uv_handle_t *)&p->handle, poll_close_cb);
}

/* The environment is being torn down with the handle not yet closed. */
static void poller_teardown(napi_async_cleanup_hook_handle hook, void *data) {
  poller_t *p = (poller_t *)data;
  if (!p->js_closed) p->close_fd = 1;
  if (!p->closing) poller_close(p);
  /* else: a close is pending; poll_close_cb removes the hook. */
}

static void poller_finalize(napi_env env, void *data, void *hint) {
  poller_t *p = (poller_t *)data;
  p->js_dead = 1;
  /* The JS object died. If close() was never called, close the handle now. */
  if (!p->closing)
    poller_close(p);
  else if (p->uv_closed)
    free(p);
}

static void poll_free_cb(uv_handle_t *h) { free(h->data); }

/* pollCreate(fd, callback) -> handle. callback(status, events). The handle
 * starts stopped and unreferenced. */
static napi_value n_poll_create(napi_env env, napi_callback_info info) {
  ARGS(2);
  int32_t fd;
  if (!get_i32(env, argv[0], &fd)) return NULL;
  uv_loop_t *loop;
  CHECK(napi_get_uv_event_loop(env, &loop));
  poller_t *p = calloc(1, sizeof *p);
  if (!p) {
    napi_throw_error(env, NULL, "rtnl_native: out of memory");
    return NULL;
  }
  int r = uv_poll_init(loop, &p->handle, fd);
  if (r != 0) {
    free(p);
    napi_throw_error(env, NULL, uv_strerror(r));
    return NULL;
  }
  p->handle.data = p;
  p->env = env;
  p->fd = fd;
  uv_unref((uv_handle_t *)&p->handle);
  napi_value name, ext;
  napi_status st = napi_create_reference(env, argv[1], 1, &p->cb);
  if (st == napi_ok) st = napi_create_string_utf8(env, "rtnetlink:poll", NAPI_AUTO_LENGTH, &name);
  if (st == napi_ok) {
    st = napi_async_init(env, NULL, name, &p->ctx);
    if (st != napi_ok) p->ctx = NULL;
  }
  if (st == napi_ok) st = napi_add_async_cleanup_hook(env, poller_teardown, p, &p->hook);
  if (st == napi_ok) st = napi_create_external(env, p, poller_finalize, NULL, &ext);
  if (st != napi_ok) {
    /* Undo: nothing refers to p from JS. */
    if (p->hook) napi_remove_async_cleanup_hook(p->hook);
    if (p->cb) napi_delete_reference(env, p->cb);
    if (p->ctx) napi_async_destroy(env, p->ctx);
    uv_close((uv_handle_t *)&p->handle, poll_free_cb);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_error(env, NULL, "rtnl_native: pollCreate failed");
    return NULL;
  }
  return ext;
}

static poller_t *get_poller(napi_env env, napi_value v) {
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok || p == NULL) {
    napi_throw_type_error(env, NULL, "rtnl_native: expected a poll handle");
    return NULL;
  }
  return (poller_t *)p;
}

/* pollStart(handle, events) -> 0 | -errno (events: 1 readable, 2 writable) */
static napi_value n_poll_start(napi_env env, napi_callback_info info) {
  ARGS(2);
  poller_t *p = get_poller(env, argv[0]);
  int32_t ev;
  if (!p || !get_i32(env, argv[1], &ev)) return NULL;
  if (p->closing) return num(env, -EBADF);
  int r = uv_poll_start(&p->handle, ev, poll_cb);
  return num(env, r);
}

static napi_value n_poll_stop(napi_env env, napi_callback_info info) {
  ARGS(1);
  poller_t *p = get_poller(env, argv[0]);
  if (!p) return NULL;
  if (p->closing) return num(env, 0);
  return num(env, uv_poll_stop(&p->handle));
}

/* pollRef(handle, bool): whether the handle keeps the event loop alive. */
static napi_value n_poll_ref(napi_env env, napi_callback_info info) {
  ARGS(2);
  poller_t *p = get_poller(env, argv[0]);
  bool on;
  if (!p) return NULL;
  CHECK(napi_get_value_bool(env, argv[1], &on));
  if (p->closing) return num(env, 0);
  if (on)
    uv_ref((uv_handle_t *)&p->handle);
  else
    uv_unref((uv_handle_t *)&p->handle);
  return num(env, 0);
}

/* pollClose(handle): stops and releases the handle (not the fd). Must be
 * called before the fd is closed. (If the environment is torn down first,
 * the teardown hook closes the handle and the fd: see poller_t.) */
static napi_value n_poll_close(napi_env env, napi_callback_info info) {
  ARGS(1);
  poller_t *p = get_poller(env, argv[0]);
  if (!p) return NULL;
  if (!p->closing) {
    p->js_closed = 1;
    poller_close(p);
  }
  return num(env, 0);
}

/* ---------------------------------------------------------------- module */

#define FN(name, fn) {name, NULL, fn, NULL, NULL, NULL, napi_default, NULL}

/* Context-aware: NAPI_MODULE_INIT registers napi_register_module_v1, which
 * Node calls once per environment (the main thread and each worker thread
 * that loads the addon), with that environment's env and exports. The
 * module keeps no per-process or per-env state of its own: nothing to
 * initialize or share here. */
NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      FN("socket", n_socket),
      FN("socketIn", n_socket_in),
      FN("socketpair", n_socketpair),
      FN("openIn", n_open_in),
      FN("bindNl", n_bind_nl),
      FN("getsocknameNl", n_getsockname_nl),
      FN("setsockoptInt", n_setsockopt_int),
      FN("getsockoptInt", n_getsockopt_int),
      FN("sendNl", n_send_nl),
      FN("recvNl", n_recv_nl),
      FN("close", n_close),
      FN("readBatch", n_read_batch),
      FN("readSlab", n_read_slab),
      FN("writeBatch", n_write_batch),
      FN("ioctlIfreq", n_ioctl_ifreq),
      FN("ioctlIfreqData", n_ioctl_ifreq_data),
      FN("ioctlInt", n_ioctl_int),
      FN("ioctlGetInt", n_ioctl_get_int),
      FN("ioctlSetIntPtr", n_ioctl_set_int_ptr),
      FN("setns", n_setns),
      FN("mount", n_mount),
      FN("umount2", n_umount2),
      FN("netnsCreate", n_netns_create),
      FN("pollCreate", n_poll_create),
      FN("pollStart", n_poll_start),
      FN("pollStop", n_poll_stop),
      FN("pollRef", n_poll_ref),
      FN("pollClose", n_poll_close),
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
