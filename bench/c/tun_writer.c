/*
 * tun_writer: the C baseline for bench/tun.ts writes. Attaches to an
 * existing (persistent) TUN device and writes the same packet (read from
 * PACKETFILE, so Node and C send identical bytes) for SECONDS with a
 * blocking write() loop, one packet per call.
 *
 *   tun_writer NAME SECONDS PACKETFILE [tun|tap]
 *
 * Prints one JSON line: {"packets":N,"bytes":N,"seconds":S,"cpu":S,"errors":N}
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

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
  if (argc < 4) {
    fprintf(stderr, "usage: %s NAME SECONDS PACKETFILE [tun|tap]\n", argv[0]);
    return 2;
  }
  double secs = atof(argv[2]);
  int tap = argc > 4 && strcmp(argv[4], "tap") == 0;
  static unsigned char pkt[65536];
  int pf = open(argv[3], O_RDONLY);
  if (pf < 0) { perror("open packet file"); return 1; }
  ssize_t len = read(pf, pkt, sizeof pkt);
  close(pf);
  if (len <= 0) { fprintf(stderr, "empty packet file\n"); return 1; }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) { perror("open /dev/net/tun"); return 1; }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = (tap ? IFF_TAP : IFF_TUN) | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); return 1; }
  unsigned long long packets = 0, errors = 0;
  double t0 = now(), c0 = cpu(), end = t0 + secs, t = t0;
  while (t < end) {
    for (int i = 0; i < 256; i++) {
      ssize_t n = write(fd, pkt, (size_t)len);
      if (n == len) packets++;
      else if (n < 0 && errno != EINTR) errors++;
    }
    t = now();
  }
  double c1 = cpu();
  printf("{\"packets\":%llu,\"bytes\":%llu,\"seconds\":%.6f,\"cpu\":%.6f,\"errors\":%llu}\n", packets, packets * (unsigned long long)len, t - t0, c1 - c0, errors);
  return 0;
}
