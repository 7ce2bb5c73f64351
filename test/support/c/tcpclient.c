/*
 * tcpclient: the client side of the TCP scenarios.
 *
 *   tcpclient hold <port> <n> [<every-ms>]
 *     Opens n blocking connections to 127.0.0.1:<port>, writes
 *     "ready fds=<n>" and sleeps holding them; with <every-ms> > 0 it then
 *     sends one byte on each connection every <every-ms> ms, else never a byte.
 *
 *   tcpclient flood <port> <connects-per-second> <keep-ms>
 *     Starts one non-blocking connect() to 127.0.0.1:<port> every
 *     1/<connects-per-second> s and closes each socket <keep-ms> after it
 *     started, so at most rate*keep/1000 sockets are open. Against a server
 *     whose accept queue is full, each SYN (and each retransmission of it)
 *     is dropped and counted in ListenOverflows/ListenDrops. Writes "ready"
 *     after the first connect has been started; between connects it sleeps
 *     in clock_nanosleep (TIMER_ABSTIME).
 */
#include "lab.h"
#include <fcntl.h>

static void hold(int port, int n, int every_ms) {
  int *fds = calloc((size_t)n, sizeof *fds);
  if (!fds) die("calloc");
  for (int i = 0; i < n; i++) fds[i] = connect_loopback(port);
  say("ready fds=%d", n);
  if (every_ms <= 0) sleep_forever();
  for (;;) {
    sleep_ms(every_ms);
    for (int i = 0; i < n; i++)
      if (write(fds[i], "p", 1) != 1) die("write");
  }
}

struct pending {
  int fd;
  struct timespec started;
};

static long ms_between(const struct timespec *a, const struct timespec *b) {
  return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void flood(int port, int rate, int keep_ms) {
  int cap = rate * (keep_ms / 1000 + 2) + 1;
  struct pending *ring = calloc((size_t)cap, sizeof *ring);
  if (!ring) die("calloc");
  for (int i = 0; i < cap; i++) ring[i].fd = -1;
  long step_ns = 1000000000L / rate;
  struct timespec next;
  clock_gettime(CLOCK_MONOTONIC, &next);
  int head = 0, announced = 0;
  for (;;) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    for (int i = 0; i < cap; i++)
      if (ring[i].fd >= 0 && ms_between(&ring[i].started, &now) >= keep_ms) {
        close(ring[i].fd);
        ring[i].fd = -1;
      }
    if (ring[head].fd >= 0) close(ring[head].fd); /* the oldest, when the ring is too small */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    struct sockaddr_in addr = loopback(port);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS) die("connect");
    ring[head] = (struct pending){fd, now};
    head = (head + 1) % cap;
    if (!announced) {
      say("ready");
      announced = 1;
    }
    next.tv_nsec += step_ns;
    while (next.tv_nsec >= 1000000000L) {
      next.tv_nsec -= 1000000000L;
      next.tv_sec++;
    }
    if (ms_between(&next, &now) > 100) next = now; /* fell behind: skip ahead, never burst */
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {
    }
  }
}

int main(int argc, char **argv) {
  lab_init("tcpclient");
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "hold") == 0) hold(atoi(argv[2]), atoi(argv[3]), argc == 5 ? atoi(argv[4]) : 0);
  if (argc == 5 && strcmp(argv[1], "flood") == 0 && atoi(argv[3]) > 0 && atoi(argv[4]) > 0)
    flood(atoi(argv[2]), atoi(argv[3]), atoi(argv[4]));
  usage("tcpclient hold <port> <n> [<every-ms>] | tcpclient flood <port> <connects-per-second> <keep-ms>");
}
