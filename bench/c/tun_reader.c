/*
 * tun_reader: the C baseline for bench/tun.ts. Attaches to an existing
 * (persistent) TUN device and reads packets for SECONDS, one packet per
 * read() call, with one of two loops:
 *   block: the simplest loop there is, blocking read() (sleeps whenever the
 *          queue is empty, one wake-up per packet at low load);
 *   poll:  non-blocking fd, poll() for readability, then read() until EAGAIN
 *          (what an event loop does, and what the Node stream does).
 *
 *   tun_reader NAME SECONDS [tun|tap] [block|poll]
 *
 * Prints one JSON line: {"packets":N,"bytes":N,"seconds":S,"cpu":S}
 * (seconds measured from the first packet to the end of the window; cpu =
 * user+system CPU seconds of the reader in that window).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_alarm(int s) { (void)s; stop = 1; }

static double cpu(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s NAME SECONDS [tun|tap]\n", argv[0]);
    return 2;
  }
  double secs = atof(argv[2]);
  int tap = argc > 3 && strcmp(argv[3], "tap") == 0;
  int use_poll = argc > 4 && strcmp(argv[4], "poll") == 0;
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) { perror("open /dev/net/tun"); return 1; }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); return 1; }
  if (use_poll) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: read() returns EINTR */
  sigaction(SIGALRM, &sa, NULL);
  static unsigned char buf[65536 + 64];
  unsigned long long packets = 0, bytes = 0;
  /* Wait (at most 10 s) for the first packet, then measure a window of SECONDS. */
  struct itimerval it;
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = 10;
  setitimer(ITIMER_REAL, &it, NULL);
  struct pollfd pfd = {fd, POLLIN, 0};
  if (use_poll && poll(&pfd, 1, -1) < 0) { perror("first poll"); return 1; }
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) { perror("first read"); return 1; }
  double t0 = now(), c0 = cpu();
  memset(&it, 0, sizeof it);
  it.it_value.tv_sec = (time_t)secs;
  it.it_value.tv_usec = (suseconds_t)((secs - (time_t)secs) * 1e6);
  setitimer(ITIMER_REAL, &it, NULL);
  while (!stop) {
    n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) { perror("poll"); return 1; }
        continue;
      }
      perror("read");
      return 1;
    }
    packets++;
    bytes += (unsigned long long)n;
  }
  double t1 = now(), c1 = cpu();
  printf("{\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"cpu\":%.6f}\n", packets, bytes, t1 - t0, c1 - c0);
  return 0;
}
