/*
 * udp_load: load generator and sink for bench/tun.ts (run inside the
 * bench's namespace).
 *
 *   udp_load flood DST PORT IPSIZE SECONDS   send UDP datagrams so that each IP
 *                                            packet is IPSIZE bytes, as fast as
 *                                            possible, for SECONDS or until
 *                                            SIGINT/SIGTERM; prints
 *                                            {"sent":N,"seconds":S}
 *   udp_load sink ADDR PORT SECONDS          bind ADDR:PORT, never read (a target
 *                                            for written packets that the kernel
 *                                            drops at the socket), then exit
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_signal(int s) { (void)s; stop = 1; }

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc >= 6 && strcmp(argv[1], "flood") == 0) {
    int size = atoi(argv[4]) - 28;
    double secs = atof(argv[5]);
    if (size < 0) size = 0;
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[3]));
    inet_pton(AF_INET, argv[2], &sa.sin_addr);
    if (connect(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("connect"); return 1; }
    static char buf[65536];
    memset(buf, 0xab, sizeof buf);
    unsigned long long sent = 0, failed = 0;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double t0 = now(), end = t0 + secs, t = t0;
    while (t < end && !stop) {
      for (int i = 0; i < 256; i++) {
        if (send(s, buf, (size_t)size, 0) >= 0) sent++;
        else failed++;
      }
      t = now();
    }
    printf("{\"sent\":%llu,\"failed\":%llu,\"seconds\":%.6f}\n", sent, failed, t - t0);
    return 0;
  }
  if (argc >= 5 && strcmp(argv[1], "sink") == 0) {
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    int one = 1, small = 4096;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)atoi(argv[3]));
    inet_pton(AF_INET, argv[2], &sa.sin_addr);
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
    printf("ready\n");
    fflush(stdout);
    sleep((unsigned)atoi(argv[4]));
    return 0;
  }
  fprintf(stderr, "usage: %s flood DST PORT IPSIZE SECONDS | sink ADDR PORT SECONDS\n", argv[0]);
  return 2;
}
